#include "session/tool_call_check.hpp"

#include "json/json.hpp"

namespace llmux {

ToolCallChecker::ToolCallChecker(const std::vector<Tool> &tools, bool validate) {
  for (const Tool &tool : tools) {
    Entry entry{tool.name, std::nullopt};
    if (validate && !tool.parameters.empty())
      if (auto schema = JsonSchema::compile(tool.parameters); schema.ok())
        entry.schema = std::move(schema).value();
    tools_.push_back(std::move(entry));
  }
}

std::optional<std::string> ToolCallChecker::problem(const ToolCall &call) const {
  const Entry *tool = nullptr;
  for (const Entry &entry : tools_)
    if (entry.name == call.name)
      tool = &entry;
  if (!tool) {
    std::string known;
    for (const Entry &entry : tools_)
      known += (known.empty() ? "" : ", ") + entry.name;
    return "unknown tool \"" + call.name + "\"; the tools are: " +
           (known.empty() ? std::string("none") : known);
  }
  // No arguments at all is an empty object: providers send "" for a call without parameters.
  const std::string_view text = call.arguments.empty() ? std::string_view("{}") : call.arguments;
  auto arguments = json::parse(text);
  if (!arguments.ok())
    return "the arguments are not valid JSON: " + arguments.error().message;
  if (!arguments.value().is_object())
    return std::string("the arguments must be a JSON object");
  if (tool->schema) {
    auto violations = tool->schema->validate(text);
    if (!violations.empty())
      return "the arguments do not match the tool's schema: " + describe(violations);
  }
  return std::nullopt;
}

} // namespace llmux
