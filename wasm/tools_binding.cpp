// The core's built-in tools (calculator, datetime: builtin_tools.hpp) as plain C exports, so
// that the package offers the same tools as the CLI's --tools, computed by the same C++
// (exact decimal arithmetic, the same error messages for the model). Conversion only.

#include "boundary.hpp"

#include <llmux/api_json.hpp>
#include <llmux/builtin_tools.hpp>

#include <emscripten/emscripten.h>

#include <cstddef>
#include <string>

using llmux::wasm::answer;
using llmux::wasm::Input;

extern "C" {

/// The built-in tools' definitions: [{name, description, parameters (JSON Schema)}].
EMSCRIPTEN_KEEPALIVE std::size_t llmux_builtin_tools() {
  std::string out = "[";
  for (const llmux::Tool &tool : llmux::builtin_tools()) {
    if (out.size() > 1)
      out += ',';
    out += "{\"name\":";
    llmux::api::write_string_value(tool.name, out);
    out += ",\"description\":";
    llmux::api::write_string_value(tool.description, out);
    out += ",\"parameters\":";
    out += tool.parameters; // the core's own schema: JSON text already
    out += '}';
  }
  return answer(out + "]");
}

/// run_builtin_tool(): input name, arguments (JSON text); answers {"result": JSON text as a
/// string} or {"error": message for the model}.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_run_builtin_tool(std::size_t name_length,
                                                        std::size_t arguments_length,
                                                        double now_ms) {
  Input input;
  const std::string_view name = input.take(name_length);
  const std::string_view arguments = input.take(arguments_length);
  auto ran = llmux::run_builtin_tool(name, arguments, llmux::wasm::to_ms(now_ms));
  std::string out = ran.ok() ? "{\"result\":" : "{\"error\":";
  llmux::api::write_string_value(ran.ok() ? ran.value() : ran.error().message, out);
  return answer(out + "}");
}

} // extern "C"
