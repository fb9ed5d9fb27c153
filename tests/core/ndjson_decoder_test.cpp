// The NDJSON framer, fed in every split.

#include <llmux/ndjson_decoder.hpp>

#include <catch2/catch.hpp>

namespace {

using Lines = std::vector<std::string>;

Lines decode_in(const std::vector<std::string_view> &chunks, std::size_t max_line = 1 << 20) {
  llmux::NdjsonDecoder decoder(max_line);
  Lines lines;
  for (std::string_view chunk : chunks)
    decoder.feed(chunk, lines);
  decoder.finish(lines);
  if (decoder.error())
    lines.push_back("error: " + decoder.error()->message);
  return lines;
}

Lines decode(std::string_view bytes) {
  Lines whole = decode_in({bytes});
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    INFO("split at " << cut);
    REQUIRE(decode_in({bytes.substr(0, cut), bytes.substr(cut)}) == whole);
  }
  return whole;
}

} // namespace

TEST_CASE("NDJSON framer splits at LF and drops a CR before it", "[ndjson]") {
  CHECK(decode("{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}\n") ==
        Lines{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
}

TEST_CASE("NDJSON framer delivers a last line without LF at finish", "[ndjson]") {
  CHECK(decode("{\"a\":1}\n{\"b\":2}") == Lines{"{\"a\":1}", "{\"b\":2}"});
}

TEST_CASE("NDJSON framer skips blank lines", "[ndjson]") {
  CHECK(decode("\n{\"a\":1}\n\n  \n\t\r\n{\"b\":2}\n\n") == Lines{"{\"a\":1}", "{\"b\":2}"});
}

TEST_CASE("NDJSON framer rejects invalid UTF-8 and oversized lines", "[ndjson]") {
  Lines bad_utf8 = decode("{\"a\":1}\n{\"b\":\"\xC0\xAF\"}\n{\"c\":3}\n");
  REQUIRE(bad_utf8.size() == 2);
  CHECK(bad_utf8[0] == "{\"a\":1}");
  CHECK(bad_utf8[1].rfind("error: an NDJSON line is not valid UTF-8", 0) == 0);

  Lines oversized = decode_in({"{\"a\":1}\n", std::string(100, 'x')}, 64);
  REQUIRE(oversized.size() == 2);
  CHECK(oversized[1].rfind("error: an NDJSON line is longer than 64 bytes", 0) == 0);
}

TEST_CASE("NDJSON framer keeps a multi-byte character split between chunks", "[ndjson][utf8]") {
  CHECK(decode("{\"t\":\"\xE2\x82\xAC\xF0\x9F\x98\x80\"}\n") ==
        Lines{"{\"t\":\"\xE2\x82\xAC\xF0\x9F\x98\x80\"}"});
}
