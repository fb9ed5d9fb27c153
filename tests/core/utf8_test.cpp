// UTF-8 validation and repair, checked against the Unicode and WHATWG rules.

#include <llmux/utf8.hpp>

#include <catch2/catch.hpp>

using llmux::complete_utf8_prefix;
using llmux::first_invalid_utf8;
using llmux::is_valid_utf8;
using llmux::replace_invalid_utf8;

TEST_CASE("UTF-8 validation accepts well-formed text of every length", "[utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII, long enough to take the eight-byte path"));
  CHECK(is_valid_utf8("\xC3\xA9"));         // U+00E9
  CHECK(is_valid_utf8("\xE2\x82\xAC"));     // U+20AC
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80")); // U+1F600
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF")); // U+10FFFF, the last code point
  CHECK(is_valid_utf8("\xEF\xBB\xBF"));     // U+FEFF
}

TEST_CASE("UTF-8 validation rejects overlongs, surrogates and values past U+10FFFF", "[utf8]") {
  CHECK_FALSE(is_valid_utf8("\xC0\xAF")); // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xC1\xBF"));
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));     // overlong
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF")); // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));     // U+D800, a surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // U+110000
  CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\x80"));     // a lone continuation byte
  CHECK_FALSE(is_valid_utf8("\xE2\x82")); // cut short
  CHECK(first_invalid_utf8("abcdefghij\xFFxyz") == 10);
  CHECK(first_invalid_utf8("\xC3\xA9\xC3") == 2);
}

TEST_CASE("UTF-8 repair replaces each maximal ill-formed subpart with one U+FFFD", "[utf8]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(replace_invalid_utf8("ok") == "ok");
  CHECK(replace_invalid_utf8("a\xFF"
                             "b") == "a" + fffd + "b");
  // E2 82 is the start of a 3-byte character cut by 'x': one replacement for both bytes.
  CHECK(replace_invalid_utf8("\xE2\x82x") == fffd + "x");
  // E0 80: E0 needs A0..BF next, so E0 alone is a subpart, and 80 is another.
  CHECK(replace_invalid_utf8("\xE0\x80") == fffd + fffd);
  CHECK(replace_invalid_utf8("\xED\xA0\x80") == fffd + fffd + fffd);
  CHECK(replace_invalid_utf8("\xF0\x9F\x98") == fffd); // cut at the end of input
  CHECK(replace_invalid_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);
  CHECK(is_valid_utf8(replace_invalid_utf8("\xC0\x80\xE0\xA0\xF8\x88\x80\x80\x80")));
}

TEST_CASE("UTF-8 prefix holds back a character cut at the end", "[utf8]") {
  CHECK(complete_utf8_prefix("abc") == 3);
  CHECK(complete_utf8_prefix("a\xE2\x82") == 1);
  CHECK(complete_utf8_prefix("a\xE2\x82\xAC") == 4);
  CHECK(complete_utf8_prefix("a\xF0") == 1);
  CHECK(complete_utf8_prefix("a\xF0\x9F\x98") == 1);
  CHECK(complete_utf8_prefix("a\xF0\x9F\x98\x80") == 5);
  // Bytes that can never complete are not held back: they are invalid now.
  CHECK(complete_utf8_prefix("a\xFF") == 2);
  CHECK(complete_utf8_prefix("a\xE0\x80") == 3);
  CHECK(complete_utf8_prefix("") == 0);
}
