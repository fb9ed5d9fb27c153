#include "json/json_writer.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace llmux;

TEST_CASE("JSON object writer writes each kind of member, commas between", "[json][json_writer]") {
  std::string out;
  json::ObjectWriter object(out);
  object.member("text", std::string_view("a \"quoted\"\nline"));
  object.member("owned", std::string("x"));
  object.member("literal", "y");
  object.member("int", 42);
  object.member("negative", std::int64_t{-7});
  object.member("unsigned", std::uint64_t{18446744073709551615ULL});
  object.member("double", 0.7);
  object.member("whole_double", 2.0);
  object.member("yes", true);
  object.member("no", false);
  object.member("nothing", nullptr);
  object.raw_member("raw", R"({"a":[1,2]})");
  object.close();
  CHECK(out == R"({"text":"a \"quoted\"\nline","owned":"x","literal":"y","int":42,)"
               R"("negative":-7,"unsigned":18446744073709551615,"double":0.7,)"
               R"("whole_double":2,"yes":true,"no":false,"nothing":null,"raw":{"a":[1,2]}})");
}

TEST_CASE("JSON writers nest objects and arrays", "[json][json_writer]") {
  std::string out;
  json::ObjectWriter object(out);
  json::ArrayWriter list = object.array("list");
  list.item("a");
  list.item(1);
  list.item(1.5);
  list.item(false);
  list.item(nullptr);
  json::ObjectWriter inner = list.object();
  inner.member("k", "v");
  inner.close();
  json::ArrayWriter empty = list.array();
  empty.close();
  list.raw_item("{}");
  list.close();
  json::ObjectWriter child = object.object("child");
  child.close();
  object.member("after", 3);
  object.close();
  CHECK(out == R"({"list":["a",1,1.5,false,null,{"k":"v"},[],{}],"child":{},"after":3})");
}

TEST_CASE("JSON writers write empty objects and arrays", "[json][json_writer]") {
  std::string out;
  json::ObjectWriter object(out);
  CHECK(object.empty());
  object.close();
  json::ArrayWriter array(out);
  CHECK(array.empty());
  array.close();
  CHECK(out == "{}[]");
}

TEST_CASE("JSON writer writes doubles as json::write writes a Value made from them",
          "[json][json_writer]") {
  const double samples[] = {0.0,    -0.0,  1.0,    0.1,    0.7,  1e18,  1e20, -2.5e-5,
                            1.0 / 3, 9007199254740993.0, 9223372036854775808.0,
                            std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity()};
  for (double sample : samples) {
    std::string written;
    json::write_double(sample, written);
    CHECK(written == json::dump(json::Value(sample)));
  }
  std::string out;
  json::write_double(1e18, out);
  out += ' ';
  json::write_double(1e20, out);
  out += ' ';
  json::write_double(std::nan(""), out);
  CHECK(out == "1000000000000000000 1e+20 null");
}

TEST_CASE("JSON object writer escapes names only where asked", "[json][json_writer]") {
  std::string out;
  json::ObjectWriter object(out);
  object.key("plain") += "1";
  object.escaped_key("a\"b") += "2";
  object.member("tree", json::Value::object({{"x", json::Value::array({1, "y"})}}));
  object.close();
  CHECK(out == R"({"plain":1,"a\"b":2,"tree":{"x":[1,"y"]}})");
}

TEST_CASE("JSON writers append to what the string holds", "[json][json_writer]") {
  std::string out = "prefix:";
  json::ArrayWriter array(out);
  array.item(std::string("\xff"));
  array.close();
  CHECK(out == "prefix:[\"\xEF\xBF\xBD\"]");
}

TEST_CASE("JSON writers write a list of strings as an array", "[json][json_writer]") {
  std::string out;
  json::ObjectWriter object(out);
  object.member("stop", std::vector<std::string>{"END", "a\"b"});
  object.member("none", std::vector<std::string>{});
  object.close();
  CHECK(out == R"({"stop":["END","a\"b"],"none":[]})");
}
