#pragma once
// Pieces of OpenAI's Chat Completions wire format that Cohere v2 and Ollama copy: written
// once, for the three adapters.

#include "json/json_writer.hpp"

#include <llmux/message.hpp>
#include <llmux/result.hpp>
#include <llmux/tool.hpp>

#include <string>
#include <vector>

namespace llmux {

/// Writes the tool call as Chat Completions sends it back: {"id", "type": "function",
/// "function": {"name", "arguments"}}, with "{}" for no arguments.
void write_function_call(const ToolCall &call, std::string &out);

/// Writes an image content part, {"type": "image_url", "image_url": {"url"}}: its URL, or
/// its data as a base64 data URL.
void write_image_url_part(const Image &image, std::string &out);

/// Writes the tools as function tools, [{"type": "function", "function": {"name",
/// "description" (when there is one), "parameters"}}]. invalid_argument when a tool's
/// parameters are not a JSON Schema object (tool_schema).
Result<void> write_function_tools(const std::vector<Tool> &tools, std::string &out);

/// Writes the system prompt as a message, {"role": "system", "content"}.
void write_system_message(const std::string &system, json::ArrayWriter &messages);

} // namespace llmux
