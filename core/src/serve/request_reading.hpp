#pragma once
// What the two request parsers (openai_request.cpp, anthropic_request.cpp) share: they read
// with the JavaScript API's ApiReader (first error wins, messages name the member's path).

#include <llmux/chat_request.hpp>
#include <llmux/serve.hpp>

#include "api/api_reader.hpp"
#include "json/json.hpp"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// The error with `param` set to the member its message names ("messages[1].content: ..."
/// names messages[1].content): the `param` of OpenAI's error body.
Error with_param(Error error);

/// The name of the tool call `id` among the assistant messages so far, or empty. OpenAI's tool
/// messages carry only the call's id; providers that match results by name (Gemini) need it.
std::string tool_name_of_call(const std::vector<Message> &messages, std::string_view id);

/// Reads one wire message of an API into `request.messages` (failures go to `reader`, naming
/// `path`).
using MessageReader = void (*)(api::ApiReader &reader, const json::Value &message,
                               const std::string &path, ChatRequest &request);

/// Reads `model` (required) and `messages` (a non-empty array, each read by `read_message`).
void read_model_and_messages(api::ApiReader &reader, const json::Value &root,
                             MessageReader read_message, ChatRequest &request);

/// The JSON Schema object `object[key]` as JSON text; empty when absent; a failure naming
/// `path`.`key` when it is not an object.
std::string schema_text(api::ApiReader &reader, const json::Value &object, std::string_view key,
                        std::string_view path);

/// Puts the members `keys` of `body` that are present into the request's extra_body (a JSON
/// object), so that the upstream receives them as sent.
void pass_on(api::ApiReader &reader, const json::Value &body,
             std::initializer_list<std::string_view> keys, ChatRequest &request);

/// The parse's outcome: the reader's first error, or the request's numbers checked as every
/// adapter checks them (so that a bad temperature is the caller's 400 here, not later).
Result<InboundRequest> finish_request(const api::ApiReader &reader, InboundRequest inbound);

} // namespace llmux
