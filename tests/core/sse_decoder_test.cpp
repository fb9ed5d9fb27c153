// The SSE decoder against the WHATWG "event stream interpretation", fed in every split.

#include <llmux/sse_decoder.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using llmux::SseDecoder;
using llmux::SseEvent;
using llmux::SseOptions;

// "type|id|data" per event, with an "error: ..." line when decoding failed.
std::vector<std::string> log_of(SseDecoder &decoder, const std::vector<SseEvent> &events) {
  std::vector<std::string> log;
  for (const SseEvent &event : events)
    log.push_back(event.type + "|" + event.id + "|" + event.data);
  if (decoder.error())
    log.push_back("error: " + decoder.error()->message);
  return log;
}

std::vector<std::string> decode_in(const std::vector<std::string_view> &chunks,
                                   SseOptions options) {
  SseDecoder decoder(options);
  std::vector<SseEvent> events;
  for (std::string_view chunk : chunks)
    decoder.feed(chunk, events);
  decoder.finish(events);
  return log_of(decoder, events);
}

// Decodes `bytes` whole, byte by byte, and split at every position; all must agree.
std::vector<std::string> decode(std::string_view bytes, SseOptions options = {}) {
  std::vector<std::string> whole = decode_in({bytes}, options);
  std::vector<std::string_view> single_bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    single_bytes.push_back(bytes.substr(i, 1));
  CHECK(decode_in(single_bytes, options) == whole);
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    INFO("split at " << cut);
    REQUIRE(decode_in({bytes.substr(0, cut), bytes.substr(cut)}, options) == whole);
  }
  return whole;
}

using Log = std::vector<std::string>;

} // namespace

TEST_CASE("SSE decoder joins multi-line data with LF", "[sse]") {
  CHECK(decode("data: YHOO\ndata: +2\ndata: 10\n\n") == Log{"message||YHOO\n+2\n10"});
}

TEST_CASE("SSE decoder follows the standard's example of ids and spaces", "[sse]") {
  // The third event has no blank line after it: the standard discards it.
  CHECK(decode(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
               "data:  third event\n") == Log{"message|1|first event", "message||second event"});
}

TEST_CASE("SSE decoder dispatches empty data and keeps one leading space only", "[sse]") {
  CHECK(decode("data\n\ndata\ndata\n\ndata:\n") == Log{"message||", "message||\n"});
  CHECK(decode("data:test\n\ndata: test\n\n") == Log{"message||test", "message||test"});
  CHECK(decode("data:  two\n\n") == Log{"message|| two"});
}

TEST_CASE("SSE decoder accepts LF, CR and CRLF line ends alike", "[sse]") {
  const Log expected{"add|7|a\nb", "message|7|c"};
  CHECK(decode("event: add\nid: 7\ndata: a\ndata: b\n\ndata: c\n\n") == expected);
  CHECK(decode("event: add\rid: 7\rdata: a\rdata: b\r\rdata: c\r\r") == expected);
  CHECK(decode("event: add\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n") == expected);
  CHECK(decode("event: add\r\nid: 7\rdata: a\ndata: b\r\n\rdata: c\n\r\n") == expected);
}

TEST_CASE("SSE decoder treats a CR at the end of a chunk and a LF at the next as one line end",
          "[sse]") {
  // A decoder that forgets the CR sees CR, then LF as a second (blank) line and dispatches
  // the event early; here the event must carry both data lines.
  CHECK(decode_in({"data: a\r", "\ndata: b\r\n\r\n"}, {}) == Log{"message||a\nb"});
}

TEST_CASE("SSE decoder sets the event type per event and resets it", "[sse]") {
  CHECK(decode("event: ping\ndata: 1\n\ndata: 2\n\nevent: lone\n\ndata: 3\n\n") ==
        Log{"ping||1", "message||2", "message||3"});
}

TEST_CASE("SSE decoder keeps the last event id across events and ignores ids with NUL", "[sse]") {
  using namespace std::string_literals;
  CHECK(decode("id: 5\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n"s) ==
        Log{"message|5|a", "message|5|b", "message|5|c"});
}

TEST_CASE("SSE decoder reads retry only when it is all digits", "[sse]") {
  SseDecoder decoder;
  std::vector<SseEvent> events;
  decoder.feed("retry: 3000\n\nretry: 12a\n\nretry:\n\n", events);
  CHECK(decoder.retry_ms() == 3000);
  decoder.feed("retry: 250\n\n", events);
  CHECK(decoder.retry_ms() == 250);
  CHECK(events.empty());
}

TEST_CASE("SSE decoder counts comment lines and ignores unknown fields", "[sse]") {
  SseDecoder decoder;
  std::vector<SseEvent> events;
  decoder.feed(": OPENROUTER PROCESSING\n\n:\nfoo: bar\ndata: x\nbaz\n\n", events);
  CHECK(decoder.comment_lines() == 2);
  CHECK(log_of(decoder, events) == Log{"message||x"});
}

TEST_CASE("SSE decoder strips one leading BOM, even split across chunks", "[sse]") {
  CHECK(decode("\xEF\xBB\xBF"
               "data: a\n\n") == Log{"message||a"});
  // Only the first BOM: a second one starts a field named "\xEF\xBB\xBF" + "data".
  CHECK(decode("\xEF\xBB\xBF\xEF\xBB\xBF"
               "data: a\n\ndata: b\n\n") == Log{"message||b"});
  // Bytes that begin like a BOM but are not one are content: here an ill-formed sequence
  // that turns the field name into "\uFFFDdata", which is ignored.
  CHECK(decode("\xEF\xBB"
               "data: a\n\ndata: b\n\n") == Log{"message||b"});
}

TEST_CASE("SSE decoder discards an unterminated last event unless told otherwise", "[sse]") {
  CHECK(decode("data: a\n\ndata: b\n") == Log{"message||a"});
  CHECK(decode("data: a\n\ndata: b") == Log{"message||a"});
  SseOptions lenient;
  lenient.dispatch_unterminated_event = true;
  CHECK(decode("data: a\n\ndata: b\n", lenient) == Log{"message||a", "message||b"});
  CHECK(decode("data: a\n\ndata: b", lenient) == Log{"message||a", "message||b"});
  CHECK(decode("data: a\n\nevent: x\n", lenient) == Log{"message||a"});
}

TEST_CASE("SSE decoder keeps a multi-byte character split between chunks", "[sse][utf8]") {
  // U+1F600 (4 bytes) and U+00E9 (2 bytes), cut inside each.
  std::string bytes = "data: \xF0\x9F\x98\x80 caf\xC3\xA9\n\n";
  SseOptions strict;
  strict.reject_invalid_utf8 = true;
  CHECK(decode(bytes, strict) == Log{"message||\xF0\x9F\x98\x80 caf\xC3\xA9"});
}

TEST_CASE("SSE decoder replaces invalid UTF-8 by default and rejects it when asked",
          "[sse][utf8]") {
  CHECK(decode("data: a\xFF"
               "b\n\n") == Log{"message||a\xEF\xBF\xBD"
                               "b"});
  SseOptions strict;
  strict.reject_invalid_utf8 = true;
  Log rejected = decode("data: ok\n\ndata: a\xC3(\n\ndata: never\n\n", strict);
  REQUIRE(rejected.size() == 2);
  CHECK(rejected[0] == "message||ok");
  CHECK(rejected[1].rfind("error: the event stream is not valid UTF-8", 0) == 0);
}

TEST_CASE("SSE decoder bounds a line and stays failed after it", "[sse]") {
  SseOptions small;
  small.max_event_bytes = 64;
  SseDecoder decoder(small);
  std::vector<SseEvent> events;
  decoder.feed("data: ok\n\n", events);
  decoder.feed("data: " + std::string(100, 'x'), events);
  REQUIRE(decoder.error());
  CHECK(decoder.error()->code == llmux::ErrorCode::BadResponse);
  decoder.feed("\n\ndata: later\n\n", events);
  decoder.finish(events);
  CHECK(log_of(decoder, events).size() == 2); // "ok" and the error; nothing after
}

TEST_CASE("SSE decoder bounds the data of one event across many lines", "[sse]") {
  SseOptions small;
  small.max_event_bytes = 64;
  std::string bytes;
  for (int i = 0; i < 20; ++i)
    bytes += "data: 0123456789\n";
  SseDecoder decoder(small);
  std::vector<SseEvent> events;
  decoder.feed(bytes, events);
  REQUIRE(decoder.error());
  CHECK(events.empty());
}

TEST_CASE("SSE decoder passes a 1 MB line through under the default bound", "[sse]") {
  std::string payload(1 << 20, 'a');
  SseDecoder decoder;
  std::vector<SseEvent> events;
  std::string bytes = "data: " + payload + "\n\n";
  for (std::size_t at = 0; at < bytes.size(); at += 4096)
    decoder.feed(std::string_view(bytes).substr(at, 4096), events);
  decoder.finish(events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == payload);
  CHECK_FALSE(decoder.error());
}

TEST_CASE("SSE decoder scans a CR-only stream in linear time", "[sse]") {
  // 200,000 short CR-terminated lines in one chunk: a decoder that searches for LF from
  // every line start would do 10^10 steps here.
  std::string bytes;
  for (int i = 0; i < 100000; ++i)
    bytes += "data: x\r\r";
  SseDecoder decoder;
  std::vector<SseEvent> events;
  decoder.feed(bytes, events);
  CHECK(events.size() == 100000);
}

TEST_CASE("SSE decoder bounds a line that arrives in one feed as it does across feeds",
          "[sse][hostile]") {
  // Found by the sse_decoder fuzzer: only lines spanning two feeds were checked.
  SseOptions small;
  small.max_event_bytes = 5;
  const Log expected{"error: an event stream line is longer than 5 bytes"};
  CHECK(decode("event: abcdef\n\n", small) == expected);
  CHECK(decode("data: abcdef\n\n", small) == expected);
}
