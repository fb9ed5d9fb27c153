#pragma once
/// Folds stream events into the response they describe.

#include <llmux/adapter.hpp>
#include <llmux/stream_event.hpp>

namespace llmux {

/// Applies stream events in order and keeps the response so far. The result of a stream is
/// the same ChatResponse that the whole (non-streamed) response would decode to.
class ResponseBuilder {
public:
  void apply(const StreamEvent &event);

  const ChatResponse &response() const noexcept { return result_.response; }
  const std::optional<Error> &error() const noexcept { return result_.error; }

  /// The response and error so far; leaves the builder empty.
  DecodedResponse take();

private:
  Reasoning &reasoning_block(std::size_t index);
  ToolCall &tool_call(std::size_t index);

  DecodedResponse result_;
  std::size_t reasoning_index_ = 0; // provider block index of reasoning_blocks.back()
};

} // namespace llmux
