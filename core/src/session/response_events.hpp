#pragma once
// A whole response as the stream events that would have delivered it: what a streaming
// consumer sees when a round was answered by a whole body (a server that ignored
// `stream: true`) or by the response cache.

#include <llmux/chat_response.hpp>
#include <llmux/stream_event.hpp>

#include <vector>

namespace llmux {

/// The events of `response`, in the order a stream carries them: reasoning blocks (text,
/// then signature or redacted data), the tool plan, the text, the refusal, each tool call
/// (start, its arguments whole, end), the usage when there is any, and the finish. Applying
/// them to a ResponseBuilder gives back `response` (ids and model aside).
std::vector<StreamEvent> response_events(const ChatResponse &response);

} // namespace llmux
