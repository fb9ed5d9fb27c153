#include "js_headers.hpp"

#include <string>

namespace llmux::wasm {

using emscripten::val;

std::optional<std::vector<Header>> headers_from_js(const val &headers) {
  std::vector<Header> out;
  if (headers.isUndefined() || headers.isNull())
    return out;
  if (!headers.isArray() && headers.typeOf().as<std::string>() != "object")
    return std::nullopt;
  val pairs = headers.isArray() ? headers : val::global("Object").call<val>("entries", headers);
  const unsigned count = pairs["length"].as<unsigned>();
  for (unsigned i = 0; i < count; ++i) {
    val pair = pairs[i];
    if (!pair.isArray() || pair["length"].as<unsigned>() != 2 || !pair[0].isString() ||
        !pair[1].isString())
      return std::nullopt;
    out.push_back({pair[0].as<std::string>(), pair[1].as<std::string>()});
  }
  return out;
}

} // namespace llmux::wasm
