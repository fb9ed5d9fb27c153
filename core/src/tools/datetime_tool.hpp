#pragma once
// The datetime tool: its definition and its run on a model's arguments.

#include "json/json.hpp"

#include <llmux/result.hpp>
#include <llmux/tool.hpp>

#include <cstdint>
#include <string>

namespace llmux::tools {

/// The datetime tool's definition: {"operation": "now" | "add" | "diff" | "weekday" |
/// "convert", ...} (the schema describes the other arguments).
Tool datetime_tool();

/// Runs one operation on `arguments`; `now_ms` (Unix milliseconds) is what "now" means.
/// Answers a JSON object, or invalid_argument with a message for the model.
Result<std::string> run_datetime(const json::Value &arguments, std::int64_t now_ms);

} // namespace llmux::tools
