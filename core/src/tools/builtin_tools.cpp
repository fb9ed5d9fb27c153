// The registry of built-in tools: their definitions in a fixed order, and the dispatch of a
// call by name.

#include <llmux/builtin_tools.hpp>

#include "tools/calculator.hpp"
#include "tools/datetime_tool.hpp"
#include "tools/tool_arguments.hpp"

namespace llmux {

const std::vector<Tool> &builtin_tools() {
  static const std::vector<Tool> definitions = {tools::calculator_tool(), tools::datetime_tool()};
  return definitions;
}

const Tool *find_builtin_tool(std::string_view name) {
  for (const Tool &tool : builtin_tools())
    if (tool.name == name)
      return &tool;
  return nullptr;
}

Result<std::string> run_builtin_tool(std::string_view name, std::string_view arguments_json,
                                     std::int64_t now_ms) {
  if (name != "calculator" && name != "datetime")
    return tools::tool_error("there is no built-in tool " + tools::quote_for_message(name) +
                             "; the built-in tools are calculator and datetime");
  auto arguments = tools::parse_arguments(name, arguments_json);
  if (!arguments.ok())
    return std::move(arguments).error();
  if (name == "calculator")
    return tools::run_calculator(arguments.value());
  return tools::run_datetime(arguments.value(), now_ms);
}

} // namespace llmux
