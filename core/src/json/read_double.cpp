#include "json/read_double.hpp"

#include <cstddef>
#include <cstdlib>
#include <string>

#ifdef __EMSCRIPTEN__
// JavaScript's Number() over the bytes of a decimal number, which the package's loader
// (wasm/core.mjs) provides: Number() rounds correctly and reads the same grammar once the
// caller has checked it, and it saves the module musl's strtod (7 KB gzipped).
extern "C" __attribute__((import_module("env"), import_name("llmux_read_double"))) double
llmux_read_double(const char *text, std::size_t length);
#else
#include "json/c_locale.hpp"
#endif

namespace llmux::json {

double read_double(std::string_view text) {
#ifdef __EMSCRIPTEN__
  return llmux_read_double(text.data(), text.size());
#else
  const std::string copy(text); // strtod needs a terminated string
  const CLocaleScope c_locale;  // a '.' whatever locale the host set
  return std::strtod(copy.c_str(), nullptr);
#endif
}

bool is_decimal_number(std::string_view text) noexcept {
  std::size_t at = 0;
  const auto digits = [&] {
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9')
      ++at;
    return at - start;
  };
  if (at < text.size() && (text[at] == '+' || text[at] == '-'))
    ++at;
  std::size_t mantissa = digits();
  if (at < text.size() && text[at] == '.') {
    ++at;
    mantissa += digits();
  }
  if (mantissa == 0)
    return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-'))
      ++at;
    if (digits() == 0)
      return false;
  }
  return at == text.size();
}

} // namespace llmux::json
