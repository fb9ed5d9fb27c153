#pragma once
/// An incremental Server-Sent Events decoder following the WHATWG HTML standard's
/// "event stream interpretation", fed raw bytes in any split.

#include <llmux/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// One dispatched event. `type` is the `event:` field, "message" when absent.
struct SseEvent {
  std::string type;
  std::string data;
  /// The last event id seen so far (it persists across events, as the standard says).
  std::string id;
};

struct SseOptions {
  /// Upper bound on one event's buffered bytes (a line, or the data of one event). A peer
  /// that never ends a line would otherwise grow memory without bound. 16 MiB is far above
  /// the largest real events (inline base64 images of a few MB).
  std::size_t max_event_bytes = std::size_t{16} << 20;
  /// WHATWG decodes invalid UTF-8 to U+FFFD. llmux's adapters reject it instead: a provider
  /// that sends invalid UTF-8 corrupted its output, and replacing would hide that.
  bool reject_invalid_utf8 = false;
  /// LENIENCY, off by default: at end of stream, dispatch an event that lacks its final
  /// blank line (WHATWG discards it). Risk: a stream cut mid-event yields a partial event;
  /// the adapters that turn this on also check the stream ended properly.
  bool dispatch_unterminated_event = false;
};

/// Feed bytes with `feed()` any number of times, then call `finish()` once at end of body.
/// Any split of the same bytes gives the same events. After an error (an oversized event,
/// invalid UTF-8 when rejected) the decoder ignores further input and `error()` says why.
class SseDecoder {
public:
  explicit SseDecoder(SseOptions options = {});

  /// Decodes `bytes` (not kept) and appends the events they complete.
  void feed(std::string_view bytes, std::vector<SseEvent> &events);
  /// Ends the stream: dispatches an unterminated event if the options allow it.
  void finish(std::vector<SseEvent> &events);

  /// The sticky error, if decoding failed.
  const std::optional<Error> &error() const noexcept { return error_; }

  /// The last `retry:` value, in milliseconds, if the stream sent one.
  std::optional<std::int64_t> retry_ms() const noexcept { return retry_ms_; }
  /// Comment lines seen (":" lines: keep-alives such as OpenRouter's ": OPENROUTER PROCESSING").
  std::size_t comment_lines() const noexcept { return comment_lines_; }

private:
  void process_line(std::string_view line, std::vector<SseEvent> &events);
  void dispatch(std::vector<SseEvent> &events);
  void fail(std::string message);

  SseOptions options_;
  std::string line_;               // an incomplete line carried over between feeds
  std::string data_;               // the data buffer of the event being built
  std::string type_;               // its event type buffer
  std::string last_id_;            // the last event id buffer
  bool has_data_ = false;          // data_ holds at least one data line
  bool after_cr_ = false;          // the previous byte was CR: a following LF belongs to it
  std::size_t bom_bytes_seen_ = 0; // leading BOM bytes matched so far (0..3)
  bool started_ = false;           // past the point where a BOM could appear
  std::optional<std::int64_t> retry_ms_;
  std::size_t comment_lines_ = 0;
  std::optional<Error> error_;
};

} // namespace llmux
