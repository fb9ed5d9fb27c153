#pragma once
// The checks of a ChatRequest that every provider's adapter makes alike, made once: the
// adapters that make_adapter returns run check_request before they build anything, and
// keep only what is their provider's own (Cohere's tool_choice, Gemini's model ids, what a
// system message may carry).

#include <llmux/chat_request.hpp>
#include <llmux/result.hpp>

namespace llmux {

/// invalid_argument naming the first fault, in this order: the numbers check_request_numbers
/// refuses (wire_common.hpp); an image in
/// an assistant or tool message, or a tool call in a user or tool message
/// (check_part_roles); a tool without a name.
Result<void> check_request(const ChatRequest &request);

/// Images only in user messages, tool calls only in assistant messages: invalid_argument
/// otherwise. check_request applies it to user, assistant and tool messages; what a system
/// message may carry is each provider's rule, and the adapters that refuse images and tool
/// calls there (OpenAI's, Cohere's, Ollama's) call this for system messages.
Result<void> check_part_roles(const Message &message);

/// invalid_argument when the request's tool_choice asks for a tool call (required, or a named
/// tool) and the request has no tools. Not part of check_request: the OpenAI adapter sends
/// such a tool_choice as it is asked; Anthropic's, Gemini's, Cohere's and Ollama's refuse it.
Result<void> check_tool_choice_has_tools(const ChatRequest &request);

} // namespace llmux
