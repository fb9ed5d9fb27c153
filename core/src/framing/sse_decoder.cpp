#include <llmux/sse_decoder.hpp>
#include <llmux/utf8.hpp>

#include <cstring>

namespace llmux {
namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

// Position of `byte` in `bytes` at or after `from`, or bytes.size().
std::size_t find_byte(std::string_view bytes, std::size_t from, char byte) noexcept {
  if (from >= bytes.size())
    return bytes.size();
  const void *found = std::memchr(bytes.data() + from, byte, bytes.size() - from);
  return found ? static_cast<std::size_t>(static_cast<const char *>(found) - bytes.data())
               : bytes.size();
}

bool parse_retry(std::string_view value, std::int64_t &out) noexcept {
  if (value.empty() || value.size() > 15) // 15 digits: far past any sane delay, no overflow
    return false;
  std::int64_t parsed = 0;
  for (char c : value) {
    if (c < '0' || c > '9')
      return false;
    parsed = parsed * 10 + (c - '0');
  }
  out = parsed;
  return true;
}

} // namespace

SseDecoder::SseDecoder(SseOptions options) : options_(options) {}

void SseDecoder::fail(std::string message) {
  error_ = bad_response(std::move(message));
  line_.clear();
  data_.clear();
}

void SseDecoder::feed(std::string_view bytes, std::vector<SseEvent> &events) {
  if (error_)
    return;
  if (!started_) {
    // The standard strips one leading BOM; it may arrive split across feeds.
    while (!bytes.empty() && bom_bytes_seen_ < byte_order_mark.size() &&
           bytes.front() == byte_order_mark[bom_bytes_seen_]) {
      ++bom_bytes_seen_;
      bytes.remove_prefix(1);
    }
    if (bom_bytes_seen_ < byte_order_mark.size() && bytes.empty())
      return; // still undecided
    started_ = true;
    if (bom_bytes_seen_ < byte_order_mark.size() && bom_bytes_seen_ > 0) {
      // What looked like the start of a BOM was content after all.
      std::string_view content = byte_order_mark.substr(0, bom_bytes_seen_);
      feed(content, events);
      if (error_)
        return;
    }
  }

  // Lines end at CRLF, LF or CR. Both terminators are located with memchr, and each
  // position is reused until passed, so every byte is scanned once per terminator.
  std::size_t pos = 0;
  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes.front() == '\n')
      pos = 1;
  }
  std::size_t next_lf = find_byte(bytes, pos, '\n');
  std::size_t next_cr = find_byte(bytes, pos, '\r');
  while (pos < bytes.size()) {
    if (next_lf < pos)
      next_lf = find_byte(bytes, pos, '\n');
    if (next_cr < pos)
      next_cr = find_byte(bytes, pos, '\r');
    std::size_t end = next_lf < next_cr ? next_lf : next_cr;
    if (end == bytes.size()) {
      if (line_.size() + (bytes.size() - pos) > options_.max_event_bytes)
        return fail("an event stream line is longer than " +
                    std::to_string(options_.max_event_bytes) + " bytes");
      line_.append(bytes.substr(pos));
      return;
    }
    std::string_view line = bytes.substr(pos, end - pos);
    // Every line is held to the bound, whether it arrived in one feed or across several, so
    // that the outcome does not depend on how the bytes were split.
    if (line_.size() + line.size() > options_.max_event_bytes)
      return fail("an event stream line is longer than " +
                  std::to_string(options_.max_event_bytes) + " bytes");
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    pos = end + 1;
    if (bytes[end] == '\r') {
      if (pos < bytes.size()) {
        if (bytes[pos] == '\n')
          ++pos;
      } else {
        after_cr_ = true; // a LF at the start of the next feed belongs to this CR
      }
    }
    process_line(line, events);
    line_.clear();
    if (error_)
      return;
  }
}

void SseDecoder::process_line(std::string_view line, std::vector<SseEvent> &events) {
  std::string repaired;
  if (std::size_t bad = first_invalid_utf8(line); bad != line.size()) {
    if (options_.reject_invalid_utf8)
      return fail("the event stream is not valid UTF-8 (a line has an ill-formed byte at "
                  "offset " +
                  std::to_string(bad) + ")");
    repaired = replace_invalid_utf8(line);
    line = repaired;
  }
  if (line.empty())
    return dispatch(events);
  if (line.front() == ':') {
    ++comment_lines_;
    return;
  }
  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
  }
  if (field == "data") {
    if (data_.size() + value.size() + 1 > options_.max_event_bytes)
      return fail("an event stream event is larger than " +
                  std::to_string(options_.max_event_bytes) + " bytes");
    if (has_data_)
      data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos)
      last_id_.assign(value);
  } else if (field == "retry") {
    std::int64_t retry = 0;
    if (parse_retry(value, retry))
      retry_ms_ = retry;
  }
  // Any other field is ignored, as the standard says.
}

void SseDecoder::dispatch(std::vector<SseEvent> &events) {
  if (!has_data_) {
    type_.clear();
    return;
  }
  SseEvent event;
  event.type = type_.empty() ? std::string("message") : std::move(type_);
  event.data = std::move(data_);
  event.id = last_id_;
  events.push_back(std::move(event));
  type_.clear();
  data_.clear();
  has_data_ = false;
}

void SseDecoder::finish(std::vector<SseEvent> &events) {
  if (error_)
    return;
  if (!started_) {
    started_ = true;
    if (bom_bytes_seen_ > 0 && bom_bytes_seen_ < byte_order_mark.size())
      feed(byte_order_mark.substr(0, bom_bytes_seen_), events);
  }
  after_cr_ = false;
  if (error_ || !options_.dispatch_unterminated_event) {
    line_.clear();
    return;
  }
  if (!line_.empty()) {
    std::string last_line = std::move(line_);
    line_.clear();
    process_line(last_line, events);
    if (error_)
      return;
  }
  dispatch(events);
}

} // namespace llmux
