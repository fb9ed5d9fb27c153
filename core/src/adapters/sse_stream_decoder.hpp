#pragma once
// The part of a stream decoder every SSE-based wire format shares: framing, the sticky
// failed and complete states, and handing events on a slice at a time.

#include <llmux/adapter.hpp>
#include <llmux/sse_decoder.hpp>

namespace llmux {

class SseStreamDecoder : public StreamDecoder {
public:
  void feed(std::string_view bytes, std::vector<StreamEvent> &events) final;
  void finish(std::vector<StreamEvent> &events) final;

protected:
  SseStreamDecoder();

  /// One SSE event of the body, in order, until the stream fails or completes.
  virtual void on_event(const SseEvent &event, std::vector<StreamEvent> &events) = 0;
  /// The body ended while neither failed nor complete: accept it, or fail() as truncated.
  virtual void on_end(std::vector<StreamEvent> &events) = 0;

  /// Appends an Error event; the decoder ignores everything after it.
  void fail(std::vector<StreamEvent> &events, Error error);
  /// The stream ended properly ([DONE], message_stop): later bytes are ignored.
  void complete() noexcept { complete_ = true; }
  bool stopped() const noexcept { return failed_ || complete_; }

private:
  void dispatch(std::vector<StreamEvent> &events);

  SseDecoder sse_;
  std::vector<SseEvent> pending_; // reused between slices
  bool failed_ = false;
  bool complete_ = false;
};

} // namespace llmux
