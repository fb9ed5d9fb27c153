#pragma once
// The calculator tool: its definition and its run on a model's arguments. The evaluator itself
// is public (llmux/builtin_tools.hpp: evaluate_expression).

#include "json/json.hpp"

#include <llmux/result.hpp>
#include <llmux/tool.hpp>

#include <string>

namespace llmux::tools {

/// The calculator's definition: takes {"expression": string}.
Tool calculator_tool();

/// Evaluates `arguments` ({"expression": "2+2"}) and answers {"expression":"2+2","result":4},
/// or invalid_argument with evaluate_expression's message.
Result<std::string> run_calculator(const json::Value &arguments);

} // namespace llmux::tools
