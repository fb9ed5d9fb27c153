#include "adapters/sse_stream_decoder.hpp"

namespace llmux {
namespace {

SseOptions adapter_sse_options() {
  SseOptions options;
  options.reject_invalid_utf8 = true;
  // A last event without its blank line still counts: on_end() decides whether the stream
  // was complete, so this cannot turn a truncated stream into a whole one.
  options.dispatch_unterminated_event = true;
  return options;
}

// Bytes framed before their events are handed on. A whole body fed at once (decode(), a
// test) would otherwise hold all its events at once: 20,000 of them for a 2 MB stream.
constexpr std::size_t slice_bytes = 16 * 1024;

} // namespace

SseStreamDecoder::SseStreamDecoder() : sse_(adapter_sse_options()) {}

void SseStreamDecoder::fail(std::vector<StreamEvent> &events, Error error) {
  failed_ = true;
  events.push_back(StreamEvent::failure(std::move(error)));
}

void SseStreamDecoder::dispatch(std::vector<StreamEvent> &events) {
  for (const SseEvent &event : pending_) {
    if (stopped())
      break;
    on_event(event, events);
  }
  pending_.clear();
  if (!stopped() && sse_.error())
    fail(events, *sse_.error());
}

void SseStreamDecoder::feed(std::string_view bytes, std::vector<StreamEvent> &events) {
  while (!bytes.empty() && !stopped()) {
    std::string_view slice = bytes.substr(0, slice_bytes);
    bytes.remove_prefix(slice.size());
    sse_.feed(slice, pending_);
    dispatch(events);
  }
}

void SseStreamDecoder::finish(std::vector<StreamEvent> &events) {
  if (stopped())
    return;
  sse_.finish(pending_);
  dispatch(events);
  if (!stopped())
    on_end(events);
}

} // namespace llmux
