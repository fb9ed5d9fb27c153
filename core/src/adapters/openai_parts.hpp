#pragma once
// Pieces of OpenAI's Chat Completions wire format that Cohere v2 copies: written once, for
// both adapters.

#include "json/json_writer.hpp"

#include <llmux/message.hpp>

#include <string>

namespace llmux {

/// Writes the tool call as Chat Completions sends it back: {"id", "type": "function",
/// "function": {"name", "arguments"}}, with "{}" for no arguments.
void write_function_call(const ToolCall &call, std::string &out);

/// Writes an image content part, {"type": "image_url", "image_url": {"url"}}: its URL, or
/// its data as a base64 data URL.
void write_image_url_part(const Image &image, std::string &out);

} // namespace llmux
