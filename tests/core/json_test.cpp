// The core's JSON parser and writer, against RFC 8259 and what providers send.

#include "json/json.hpp"

#include <catch2/catch.hpp>

using llmux::json::dump;
using llmux::json::parse;
using llmux::json::Value;

namespace {

// Parses and writes back; fails the test when the text does not parse.
std::string round_trip(std::string_view text) {
  auto parsed = parse(text);
  if (!parsed.ok())
    FAIL("did not parse: " << text << ": " << parsed.error().message);
  return dump(parsed.value());
}

std::string parse_error(std::string_view text) {
  auto parsed = parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == llmux::ErrorCode::BadResponse);
  return parsed.error().message;
}

} // namespace

TEST_CASE("JSON parser reads every kind of value and writes it back compactly", "[json]") {
  CHECK(round_trip(" {\"a\" : [1, -2, 3.5, true, false, null, \"x\", {}, []]}\n") ==
        "{\"a\":[1,-2,3.5,true,false,null,\"x\",{},[]]}");
  CHECK(round_trip("\"only a string\"") == "\"only a string\"");
  CHECK(round_trip("0") == "0");
  CHECK(round_trip("-0") == "0");
  CHECK(round_trip("[]") == "[]");
  // Members keep their order, as providers document their bodies.
  CHECK(round_trip("{\"z\":1,\"a\":2,\"m\":3}") == "{\"z\":1,\"a\":2,\"m\":3}");
}

TEST_CASE("JSON parser decodes escapes and surrogate pairs", "[json]") {
  auto value = parse(R"("q\"b\\s\/n\nr\rt\tb\bf\fu\u00e9\u20ac\ud83d\ude00")");
  REQUIRE(value.ok());
  CHECK(value.value().as_string() ==
        "q\"b\\s/n\nr\rt\tb\bf\fu\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  CHECK(round_trip(R"("\u0000\u001f\u007f")") == "\"\\u0000\\u001f\x7f\"");
}

TEST_CASE("JSON parser reads numbers exactly where they are integers", "[json]") {
  auto value = parse("[9007199254740993, -9223372036854775807, 123456789012345678901, 1e2, "
                     "0.1, 2.5e-3, 1E+2, 12.0]");
  REQUIRE(value.ok());
  const auto &items = value.value().items();
  CHECK(items[0].as_integer() == 9007199254740993); // past 2^53: exact as an integer
  CHECK(items[1].as_integer() == -9223372036854775807);
  CHECK_FALSE(items[2].is_integer()); // past int64: a double
  CHECK(items[2].as_double() == Approx(1.2345678901234568e20));
  CHECK(items[3].as_integer() == 100);
  CHECK(items[4].as_double() == 0.1);
  CHECK(items[5].as_double() == 0.0025);
  CHECK(items[6].as_integer() == 100);
  CHECK(items[7].is_integer());
  CHECK(dump(value.value()) ==
        "[9007199254740993,-9223372036854775807,1.2345678901234568e+20,100,0.1,0.0025,100,12]");
}

TEST_CASE("JSON writer formats doubles as the shortest text that reads back", "[json]") {
  CHECK(dump(Value(0.7)) == "0.7");
  CHECK(dump(Value(0.1 + 0.2)) == "0.30000000000000004");
  CHECK(dump(Value(1.0 / 3.0)) == "0.33333333333333331");
  CHECK(dump(Value(1e300)) == "1e+300");
  CHECK(dump(Value(2.0)) == "2");
  CHECK(dump(Value(12470.400000000001)) == "12470.400000000001");
  CHECK(dump(Value(std::numeric_limits<double>::infinity())) == "null");
  CHECK(dump(Value(std::numeric_limits<double>::quiet_NaN())) == "null");
}

TEST_CASE("JSON writer writes each double as printf's %.15g, or %.17g when 15 digits do not "
          "read back",
          "[json][format_double]") {
  // The same texts as tests/js/numbers.test.mjs expects of the Wasm module. Numbers with an
  // integer value within std::int64_t (1e15, -0.0) are written as integers.
  CHECK(round_trip("[0, -0.0, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, "
                   "1.7976931348623157e308, 0.30000000000000004, 100, 1e15, 1e16, 1.5, "
                   "-2.5e-5, 9.9999999999999995e-5, 0.0001, 0.00001, 999999999999999.9, "
                   "123456789012345.6, 1.00000762939453125, 8.45e-104]") ==
        "[0,0,0.1,1e+21,1e-07,1.2345678901234568e+20,4.94065645841247e-324,"
        "1.7976931348623157e+308,0.30000000000000004,100,1000000000000000,10000000000000000,1.5,"
        "-2.5e-05,9.9999999999999991e-05,0.0001,1e-05,999999999999999.88,123456789012345.59,"
        "1.0000076293945312,8.45e-104]");
}

TEST_CASE("JSON writer escapes what JSON requires and repairs invalid UTF-8", "[json]") {
  CHECK(dump(Value("a\"b\\c\n\x01\xE2\x82\xAC")) == "\"a\\\"b\\\\c\\n\\u0001\xE2\x82\xAC\"");
  CHECK(dump(Value("bad \xFF byte")) == "\"bad \xEF\xBF\xBD byte\"");
  CHECK(dump(Value::object({{"k\"ey", Value::array({1, "two", nullptr})}})) ==
        "{\"k\\\"ey\":[1,\"two\",null]}");
}

TEST_CASE("JSON parser rejects what RFC 8259 does not allow, saying where", "[json][hostile]") {
  CHECK(parse_error("") == "invalid JSON: empty input at byte 0");
  CHECK(parse_error("{\"a\":1,}") == "invalid JSON: expected a string key at byte 7");
  CHECK(parse_error("[1,]") == "invalid JSON: unexpected character at byte 3");
  CHECK(parse_error("{'a':1}") == "invalid JSON: expected a string key at byte 1");
  CHECK(parse_error("{\"a\" 1}") == "invalid JSON: expected ':' at byte 5");
  CHECK(parse_error("[1 2]") == "invalid JSON: expected ',' or ']' at byte 3");
  CHECK(parse_error("01") == "invalid JSON: a number with a leading zero at byte 1");
  CHECK(parse_error("1.") == "invalid JSON: expected a digit after '.' at byte 2");
  CHECK(parse_error("-") == "invalid JSON: expected a digit at byte 1");
  CHECK(parse_error("1e") == "invalid JSON: expected a digit in the exponent at byte 2");
  CHECK(parse_error("+1") == "invalid JSON: unexpected character at byte 0");
  CHECK(parse_error("NaN") == "invalid JSON: unexpected character at byte 0");
  CHECK(parse_error("tru") == "invalid JSON: unexpected character at byte 0");
  CHECK(parse_error("\"abc") == "invalid JSON: unterminated string at byte 4");
  CHECK(parse_error("\"a\tb\"") == "invalid JSON: control character in a string at byte 2");
  CHECK(parse_error("\"\\x\"") == "invalid JSON: invalid escape at byte 2");
  CHECK(parse_error("\"\\u12\"") == "invalid JSON: invalid \\u escape at byte 3");
  CHECK(parse_error("\"\\ud800\"") ==
        "invalid JSON: a lone high surrogate in a \\u escape at byte 7");
  CHECK(parse_error("\"\\udc00\"") ==
        "invalid JSON: a lone low surrogate in a \\u escape at byte 7");
  CHECK(parse_error("\"\\ud800\\u0041\"") ==
        "invalid JSON: a high surrogate without its low surrogate at byte 13");
  CHECK(parse_error("\"caf\xC3\"") == "invalid JSON: invalid UTF-8 in a string at byte 4");
  CHECK(parse_error("\"\xED\xA0\x80\"") == "invalid JSON: invalid UTF-8 in a string at byte 1");
  CHECK(parse_error("{} {}") == "invalid JSON: unexpected bytes after the JSON value at byte 3");
  CHECK(parse_error("{\"a\":") == "invalid JSON: unexpected end of input at byte 5");
  CHECK(parse_error("/* comment */ 1") == "invalid JSON: unexpected character at byte 0");
}

TEST_CASE("JSON parser stops at 256 levels of nesting", "[json][hostile]") {
  std::string deep_ok = std::string(256, '[') + std::string(256, ']');
  CHECK(parse(deep_ok).ok());
  std::string too_deep = std::string(257, '[') + std::string(257, ']');
  CHECK(parse_error(too_deep) == "JSON nested deeper than 256 levels");
  CHECK(parse_error(std::string(1 << 20, '[')) == "JSON nested deeper than 256 levels");
  std::string objects;
  for (int i = 0; i < 300; ++i)
    objects += "{\"a\":";
  CHECK(parse_error(objects) == "JSON nested deeper than 256 levels");
}

TEST_CASE("JSON values compare as JSON, and read the last of duplicate keys", "[json]") {
  auto a = parse("{\"x\":1,\"y\":[true,null]}");
  auto b = parse("{\"y\":[true,null],\"x\":1.0}");
  REQUIRE((a.ok() && b.ok()));
  CHECK(a.value() == b.value());
  CHECK_FALSE(a.value() == parse("{\"x\":1,\"y\":[true]}").value());
  auto duplicated = parse("{\"k\":1,\"k\":2}");
  REQUIRE(duplicated.ok());
  CHECK(duplicated.value().find("k")->as_integer() == 2);
}

TEST_CASE("JSON values build like the bodies they become", "[json]") {
  Value body = Value::object({{"model", "m"}});
  body["messages"].push_back(Value::object({{"role", "user"}, {"content", "hi"}}));
  body["max_tokens"] = 5;
  body["model"] = "replaced";
  body["n"] = std::size_t{2};
  CHECK(dump(body) ==
        "{\"model\":\"replaced\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        "\"max_tokens\":5,\"n\":2}");
  // Accessors of the wrong type give empty defaults rather than failing.
  CHECK(body.as_string().empty());
  CHECK(body.find("messages")->as_integer() == 0);
  CHECK(Value("text").items().empty());
  CHECK(Value(3).find("x") == nullptr);
}
