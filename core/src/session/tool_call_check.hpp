#pragma once
// Checking the tool calls a model made before any of them runs: the tool must exist, and its
// arguments must be a JSON object that matches the tool's schema. A call that fails is not
// run; its failure goes back to the model as the call's result, so the model can correct it.

#include <llmux/json_schema.hpp>
#include <llmux/message.hpp>
#include <llmux/tool.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmux {

/// The request's tools with their compiled schemas.
class ToolCallChecker {
public:
  /// Compiles every tool's parameters schema when `validate` is set. A schema llmux cannot
  /// compile (a regular expression beyond its engine) is not used to check arguments: the
  /// provider still gets it, and the tool sees unchecked arguments.
  ToolCallChecker(const std::vector<Tool> &tools, bool validate);

  /// Why `call` must not run, for the model ("unknown tool ...", "the arguments are not
  /// valid JSON: ...", "the arguments do not match the tool's schema: ..."), or nothing
  /// when it may.
  std::optional<std::string> problem(const ToolCall &call) const;

private:
  struct Entry {
    std::string name;
    std::optional<JsonSchema> schema;
  };
  std::vector<Entry> tools_;
};

} // namespace llmux
