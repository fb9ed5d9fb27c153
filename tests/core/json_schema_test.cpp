// JSON Schema validation of tool arguments: what is accepted, what each violation says and
// where, what fails to compile, and hostile schemas and values that must end in bounded time.

#include <llmux/json_schema.hpp>

#include "schema/regex.hpp"
#include "schema/validate.hpp"
#include "json/json.hpp"

#include <catch2/catch.hpp>

#include <ostream>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace llmux {
std::ostream &operator<<(std::ostream &out, const SchemaViolation &violation) {
  return out << "{\"" << violation.instance_path << "\", \"" << violation.keyword << "\", \""
             << violation.message << "\"}";
}
} // namespace llmux

using namespace llmux;
using Violations = std::vector<SchemaViolation>;

namespace {

JsonSchema compiled(std::string_view schema) {
  auto result = JsonSchema::compile(schema);
  INFO("schema: " << schema);
  if (!result.ok())
    FAIL("compile failed: " << result.error().message);
  return result.value();
}

// The error message of a schema that must not compile.
std::string compile_error(std::string_view schema) {
  auto result = JsonSchema::compile(schema);
  INFO("schema: " << schema);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::InvalidArgument);
  CHECK(result.error().origin == ErrorOrigin::Caller);
  return result.error().message;
}

// `text` as a JSON string (no escapes needed in these tests).
std::string quoted(const std::string &text) {
  std::string out = "\"";
  out += text;
  out += "\"";
  return out;
}

bool valid(std::string_view schema, std::string_view instance) {
  return compiled(schema).validate(instance).empty();
}

// Whether `pattern` matches somewhere in `text`, with a budget no test gets near.
bool search(std::string_view pattern, std::string_view text) {
  auto regex = schema::Regex::compile(pattern);
  INFO("pattern: " << pattern);
  if (!regex.ok())
    FAIL("pattern failed to compile: " << regex.error().message);
  schema::WorkBudget budget(1'000'000);
  auto found = regex.value().search(text, budget);
  REQUIRE(found.has_value());
  return *found;
}

std::string regex_error(std::string_view pattern) {
  auto regex = schema::Regex::compile(pattern);
  INFO("pattern: " << pattern);
  REQUIRE_FALSE(regex.ok());
  return regex.error().message;
}

const char *const weather_tool = R"({
  "type": "object",
  "properties": {
    "city": {"type": "string", "pattern": "^[A-Z][a-z]+$"},
    "units": {"enum": ["c", "f"]},
    "days": {"type": "integer", "minimum": 1, "maximum": 14}
  },
  "required": ["city"],
  "additionalProperties": false
})";

} // namespace

TEST_CASE("A tool schema accepts good arguments and names each bad one", "[json_schema]") {
  const JsonSchema schema = compiled(weather_tool);
  CHECK(schema.validate(R"({"city": "Paris"})").empty());
  CHECK(schema.validate(R"({"city": "Paris", "units": "c", "days": 14})").empty());

  CHECK(schema.validate(R"({"days": "3"})") ==
        Violations{{"", "required", "missing required property \"city\""},
                   {"/days", "type", "expected integer, got string"}});

  const Violations violations =
      schema.validate(R"({"city": "Paris ", "units": "k", "days": 30, "extra": 1})");
  CHECK(violations ==
        Violations{{"/city", "pattern", "\"Paris \" does not match pattern ^[A-Z][a-z]+$"},
                   {"/units", "enum", "\"k\" is not one of: \"c\", \"f\""},
                   {"/days", "maximum", "expected at most 14, got 30"},
                   {"", "additionalProperties", "unexpected property \"extra\""}});
  CHECK(describe(violations) ==
        "/city: \"Paris \" does not match pattern ^[A-Z][a-z]+$; /units: \"k\" is not one of: "
        "\"c\", \"f\"; /days: expected at most 14, got 30; unexpected property \"extra\"");

  CHECK(schema.validate("[]") == Violations{{"", "type", "expected object, got array"}});
  CHECK(describe({}).empty());
}

TEST_CASE("Messages and their summary stay on one line", "[json_schema]") {
  const JsonSchema schema = compiled(R"({"properties": {"a\nb": {"type": "string"}},
                                         "patternProperties": {"^x": {"pattern": "^a\tb$"}}})");
  const Violations violations = schema.validate(R"({"a\nb": 1, "x": "c\nd"})");
  CHECK(violations ==
        Violations{{"/a\nb", "type", "expected string, got integer"},
                   {"/x", "pattern", "\"c\\nd\" does not match pattern ^a\\u0009b$"}});
  CHECK(describe(violations) == "/a\\u000ab: expected string, got integer; /x: \"c\\nd\" does "
                                "not match pattern ^a\\u0009b$");
}

TEST_CASE("Violations point into nested arrays and objects with JSON Pointers", "[json_schema]") {
  const JsonSchema schema = compiled(R"({
    "type": "object",
    "properties": {
      "items": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
      "a/b": {"type": "boolean"},
      "m~n": {"type": "null"}
    }
  })");
  CHECK(schema.validate(R"({"items": [{"name": "x"}, {"name": "y"}, {"name": 3}, {}]})") ==
        Violations{{"/items/2/name", "type", "expected string, got integer"},
                   {"/items/3", "required", "missing required property \"name\""}});
  // RFC 6901: '/' is written ~1 and '~' is written ~0 in a path.
  CHECK(schema.validate(R"({"a/b": 1, "m~n": 2})") ==
        Violations{{"/a~1b", "type", "expected boolean, got integer"},
                   {"/m~0n", "type", "expected null, got integer"}});
}

TEST_CASE("Types follow JSON Schema: an integer is a number with a zero fraction",
          "[json_schema]") {
  CHECK(valid(R"({"type": "integer"})", "1"));
  CHECK(valid(R"({"type": "integer"})", "1.0"));
  CHECK(valid(R"({"type": "integer"})", "-0"));
  CHECK(valid(R"({"type": "integer"})", "1e300"));
  CHECK(valid(R"({"type": "integer"})", "123456789012345678901234567890"));
  CHECK(compiled(R"({"type": "integer"})").validate("1.5") ==
        Violations{{"", "type", "expected integer, got number"}});
  // 1e400 reads as an infinity: a number, but no integer.
  CHECK(valid(R"({"type": "number"})", "1e400"));
  CHECK_FALSE(valid(R"({"type": "integer"})", "1e400"));
  CHECK(compiled(R"({"type": ["string", "null"]})").validate("7") ==
        Violations{{"", "type", "expected string or null, got integer"}});
  CHECK(compiled(R"({"type": ["null", "number", "object"]})").validate("true") ==
        Violations{{"", "type", "expected object, number or null, got boolean"}});
  CHECK(valid(R"({"type": ["string", "null"]})", "null"));
  CHECK_FALSE(valid(R"({"type": "boolean"})", "0"));
  CHECK_FALSE(valid(R"({"type": "null"})", "false"));
}

TEST_CASE("enum and const compare as JSON: 1 is 1.0 and member order does not matter",
          "[json_schema]") {
  CHECK(valid(R"({"const": 1})", "1.0"));
  CHECK(valid(R"({"const": 1.0})", "1"));
  CHECK(valid(R"({"const": {"a": 1, "b": [1, 2]}})", R"({"b": [1.0, 2], "a": 1})"));
  CHECK_FALSE(valid(R"({"const": {"a": 1}})", R"({"a": 1, "b": 2})"));
  CHECK_FALSE(valid(R"({"const": [1, 2]})", "[2, 1]"));
  CHECK_FALSE(valid(R"({"const": false})", "0"));
  CHECK_FALSE(valid(R"({"const": [false]})", "[0]"));
  CHECK_FALSE(valid(R"({"const": null})", "0"));
  // A duplicated key reads as its last occurrence, as JSON.parse reads it.
  CHECK(valid(R"({"const": {"a": 2}})", R"({"a": 1, "a": 2})"));
  CHECK_FALSE(valid(R"({"const": {"a": 1}})", R"({"a": 1, "a": 2})"));
  // Exact beyond 2^53: these differ by one, though their doubles are equal.
  CHECK_FALSE(valid(R"({"const": 9007199254740993})", "9007199254740992"));

  CHECK(compiled(R"({"const": "x"})").validate(R"("y")") ==
        Violations{{"", "const", "expected \"x\", got \"y\""}});
  CHECK(valid(R"({"enum": [null, 1, "a", [1], {"k": true}]})", R"({"k": true})"));
  CHECK(compiled(R"({"enum": [null, 1, "a"]})").validate("2") ==
        Violations{{"", "enum", "2 is not one of: null, 1, \"a\""}});
}

TEST_CASE("Number bounds and multipleOf are exact", "[json_schema]") {
  CHECK(compiled(R"({"minimum": 5})").validate("4.99") ==
        Violations{{"", "minimum", "expected at least 5, got 4.99"}});
  CHECK(valid(R"({"minimum": 5})", "5"));
  CHECK(compiled(R"({"exclusiveMinimum": 5})").validate("5") ==
        Violations{{"", "exclusiveMinimum", "expected more than 5, got 5"}});
  CHECK(compiled(R"({"exclusiveMaximum": 2.5})").validate("2.5") ==
        Violations{{"", "exclusiveMaximum", "expected less than 2.5, got 2.5"}});
  CHECK(valid(R"({"maximum": 9007199254740992})", "9007199254740992"));
  CHECK_FALSE(valid(R"({"maximum": 9007199254740992})", "9007199254740993"));
  CHECK(valid(R"({"minimum": -9223372036854775808})", "-9223372036854775808"));
  // 2^63 is no std::int64_t: a double, compared exactly with the integer 2^63 - 1.
  CHECK_FALSE(valid(R"({"maximum": 9223372036854775807})", "9223372036854775808"));
  CHECK(compiled(R"({"maximum": 10})").validate("1e400") ==
        Violations{{"", "maximum", "expected at most 10, got Infinity"}});
  // Draft-04 and OpenAPI 3.0 wrote exclusiveMinimum as a boolean beside minimum.
  CHECK_FALSE(valid(R"({"minimum": 5, "exclusiveMinimum": true})", "5"));
  CHECK(valid(R"({"minimum": 5, "exclusiveMinimum": false})", "5"));

  CHECK(compiled(R"({"multipleOf": 2})").validate("7") ==
        Violations{{"", "multipleOf", "expected a multiple of 2, got 7"}});
  CHECK(valid(R"({"multipleOf": 2})", "-10"));
  CHECK(valid(R"({"multipleOf": 2})", "10.0"));
  // Decided in decimal: 0.3 / 0.1 is 2.9999999999999996 in binary floating point.
  CHECK(valid(R"({"multipleOf": 0.1})", "0.3"));
  CHECK(valid(R"({"multipleOf": 0.01})", "19.99"));
  CHECK(valid(R"({"multipleOf": 0.0001})", "0.0075"));
  CHECK_FALSE(valid(R"({"multipleOf": 0.0001})", "0.00751"));
  CHECK(valid(R"({"multipleOf": 1.5})", "4.5"));
  CHECK_FALSE(valid(R"({"multipleOf": 1.5})", "35"));
  CHECK(valid(R"({"multipleOf": 1e-300})", "3e-200"));
  CHECK(valid(R"({"multipleOf": 3})", "3e300"));
  CHECK_FALSE(valid(R"({"multipleOf": 0.123456789})", "1e308"));
  CHECK(valid(R"({"multipleOf": 7})", "9223372036854775807")); // 2^63 - 1 = 7 x 1317624576693539401
  CHECK_FALSE(valid(R"({"multipleOf": 7})", "9223372036854775806"));
  CHECK_FALSE(valid(R"({"multipleOf": 2})", "1e400"));
}

TEST_CASE("multipleOf reads each double as the shortest %e that reads back",
          "[json_schema][format_double]") {
  // The digits and the exponent come from format_double: one to 17 digits, a tie, a
  // subnormal, three-digit exponents.
  CHECK(valid(R"({"multipleOf": 0.0001})", "0.0075")); // 1e-04, 7.5e-03
  CHECK(valid(R"({"multipleOf": 2.5e-5})", "0.0001")); // 2.5e-05, 1e-04
  CHECK_FALSE(valid(R"({"multipleOf": 2.5e-5})", "0.00011"));
  CHECK(valid(R"({"multipleOf": 5e-324})", "1e-323")); // subnormals: 5e-324, 1e-323
  CHECK(valid(R"({"multipleOf": 0.1})", "1.7976931348623157e308"));
  CHECK_FALSE(valid(R"({"multipleOf": 0.1})", "0.30000000000000004")); // 17 digits
  CHECK(valid(R"({"multipleOf": 1e-17})", "0.30000000000000004"));
  CHECK(valid(R"({"multipleOf": 1e21})", "3e21"));
  CHECK_FALSE(valid(R"({"multipleOf": 1e21})", "123456789012345680000"));
  CHECK(valid(R"({"multipleOf": 1e4})", "123456789012345680000"));
  // 1 + 2^-17 is a tie at 17 digits: rounded to even, 1.0000076293945312.
  CHECK(valid(R"({"multipleOf": 2e-16})", "1.00000762939453125"));
  CHECK_FALSE(valid(R"({"multipleOf": 3e-16})", "1.00000762939453125"));
  CHECK(valid(R"({"multipleOf": 1.3e-105})", "8.45e-104"));
  CHECK_FALSE(valid(R"({"multipleOf": 5e-105})", "8.45e-104"));
}

TEST_CASE("String lengths count code points, not bytes", "[json_schema]") {
  CHECK(valid(R"({"maxLength": 5})", R"("héllo")"));
  CHECK(valid(R"({"maxLength": 1, "minLength": 1})", "\"\xF0\x9F\x98\x80\"")); // one emoji
  CHECK(valid(R"({"maxLength": 1})", R"("\ud83d\ude00")"));
  CHECK(compiled(R"({"maxLength": 2})").validate(R"("日本語")") ==
        Violations{{"", "maxLength", "expected at most 2 characters, got 3"}});
  CHECK(compiled(R"({"minLength": 1})").validate(R"("")") ==
        Violations{{"", "minLength", "expected at least 1 character, got 0"}});
  CHECK(valid(R"({"minLength": 2.0})", R"("ab")"));
}

TEST_CASE("Long values are cut short in messages", "[json_schema]") {
  const std::string long_text(1000, 'x');
  const Violations violations = compiled(R"({"pattern": "^y"})").validate(quoted(long_text));
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].message ==
        quoted(std::string(64, 'x') + "\u2026") + " does not match pattern ^y");
  // A cut never splits a character.
  std::string accents;
  for (int i = 0; i < 100; ++i)
    accents += "é";
  const Violations cut = compiled(R"({"const": 1})").validate(quoted(accents));
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].message == "expected 1, got \"" + accents.substr(0, 64) + "\u2026\"");
}

TEST_CASE("Arrays: items, prefixItems, counts, uniqueItems and contains", "[json_schema]") {
  CHECK(compiled(R"({"minItems": 1})").validate("[]") ==
        Violations{{"", "minItems", "expected at least 1 item, got 0"}});
  CHECK(compiled(R"({"maxItems": 2})").validate("[1, 2, 3]") ==
        Violations{{"", "maxItems", "expected at most 2 items, got 3"}});
  CHECK(compiled(R"({"items": {"type": "integer"}})").validate(R"([1, "a", 3, null])") ==
        Violations{{"/1", "type", "expected integer, got string"},
                   {"/3", "type", "expected integer, got null"}});

  const JsonSchema tuple =
      compiled(R"({"prefixItems": [{"type": "number"}, {"type": "string"}], "items": false})");
  CHECK(tuple.validate(R"([1, "a"])").empty());
  CHECK(tuple.validate("[1]").empty());
  CHECK(tuple.validate(R"([1, "a", true])") ==
        Violations{{"", "items", "expected at most 2 items, got 3"}});
  // The draft-07 form: items as an array, the rest in additionalItems.
  const JsonSchema draft7_tuple =
      compiled(R"({"items": [{"type": "number"}], "additionalItems": {"type": "string"}})");
  CHECK(draft7_tuple.validate(R"([1, "a", "b"])").empty());
  CHECK(draft7_tuple.validate(R"([1, "a", 2])") ==
        Violations{{"/2", "type", "expected string, got integer"}});

  const JsonSchema unique = compiled(R"({"uniqueItems": true})");
  CHECK(unique.validate(R"([1, "1", [1], {"a": 1}, true])").empty());
  CHECK(unique.validate(R"([{"a": 1, "b": 2}, 3, {"b": 2, "a": 1.0}])") ==
        Violations{{"", "uniqueItems", "expected unique items, but items 0 and 2 are equal"}});
  CHECK(unique.validate("[0, 1, 2, 1, 2]") ==
        Violations{{"", "uniqueItems", "expected unique items, but items 1 and 3 are equal"}});
  CHECK_FALSE(unique.validate("[1, 1.0]").empty());
  CHECK(unique.validate("[false, 0]").empty());

  const JsonSchema contains = compiled(R"({"contains": {"type": "string"}})");
  CHECK(contains.validate(R"([1, "a"])").empty());
  CHECK(contains.validate("[1, 2]") ==
        Violations{{"", "contains", "expected at least 1 item matching \"contains\", got 0"}});
  const JsonSchema bounded =
      compiled(R"({"contains": {"const": 1}, "minContains": 2, "maxContains": 3})");
  CHECK(bounded.validate("[1, 1, 2]").empty());
  CHECK(bounded.validate("[1, 2]") ==
        Violations{{"", "minContains", "expected at least 2 items matching \"contains\", got 1"}});
  CHECK(
      bounded.validate("[1, 1, 1, 1]") ==
      Violations{{"", "maxContains", "expected at most 3 items matching \"contains\", got more"}});
}

TEST_CASE("Objects: patternProperties, additionalProperties, propertyNames, dependencies",
          "[json_schema]") {
  const JsonSchema schema = compiled(R"({
    "properties": {"id": {"type": "integer"}},
    "patternProperties": {"^x-": {"type": "string"}},
    "additionalProperties": {"type": "boolean"},
    "propertyNames": {"maxLength": 5},
    "minProperties": 1,
    "dependentRequired": {"id": ["x-by"]}
  })");
  CHECK(schema.validate(R"({"id": 1, "x-by": "me", "flag": true})").empty());
  CHECK(schema.validate(R"({"id": 1, "x-by": 2, "flag": "yes", "longname": true})") ==
        Violations{
            {"/x-by", "type", "expected string, got integer"},
            {"/flag", "type", "expected boolean, got string"},
            {"", "propertyNames", "invalid property name: expected at most 5 characters, got 8"}});
  CHECK(schema.validate("{}") ==
        Violations{{"", "minProperties", "expected at least 1 property, got 0"}});
  CHECK(schema.validate(R"({"id": 2})") ==
        Violations{{"", "dependentRequired",
                    "missing property \"x-by\", required when \"id\" is present"}});
  CHECK(compiled(R"({"propertyNames": {"pattern": "^[a-z]+$"}})").validate(R"({"Foo": 1})") ==
        Violations{{"", "propertyNames",
                    "invalid property name: \"Foo\" does not match pattern ^[a-z]+$"}});
  CHECK(compiled(R"({"maxProperties": 1})").validate(R"({"a": 1, "b": 2})") ==
        Violations{{"", "maxProperties", "expected at most 1 property, got 2"}});
  // draft-07's "dependencies", both forms.
  const JsonSchema dependencies =
      compiled(R"({"dependencies": {"card": ["billing"], "vip": {"required": ["since"]}}})");
  CHECK(dependencies.validate(R"({"card": 1, "billing": 2, "vip": 1, "since": 3})").empty());
  CHECK(dependencies.validate(R"({"card": 1, "vip": 1})") ==
        Violations{
            {"", "dependencies", "missing property \"billing\", required when \"card\" is present"},
            {"", "required", "missing required property \"since\""}});
  // A property whose schema is false.
  CHECK(compiled(R"({"properties": {"secret": false}})").validate(R"({"secret": 1})") ==
        Violations{{"/secret", "false", "no value is allowed here"}});
}

TEST_CASE("anyOf, oneOf, allOf, not and if/then/else say which alternative failed how",
          "[json_schema]") {
  const JsonSchema any_of = compiled(R"({"properties": {"unit": {"anyOf": [
      {"type": "string", "enum": ["c", "f"]}, {"type": "null"}]}}})");
  CHECK(any_of.validate(R"({"unit": null})").empty());
  CHECK(any_of.validate(R"({"unit": "f"})").empty());
  CHECK(any_of.validate(R"({"unit": 3})") ==
        Violations{{"/unit", "anyOf",
                    "matches no alternative of anyOf (#0: expected string, got integer / #1: "
                    "expected null, got integer)"}});

  const JsonSchema one_of = compiled(R"({"oneOf": [
      {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
      {"type": "object", "required": ["name"]}]})");
  CHECK(one_of.validate(R"({"id": 1})").empty());
  CHECK(one_of.validate(R"({"id": 1, "name": "x"})") ==
        Violations{{"", "oneOf", "matches alternatives #0 and #1 of oneOf, expected exactly one"}});
  CHECK(one_of.validate(R"({"id": "1"})") ==
        Violations{{"", "oneOf",
                    "matches no alternative of oneOf (#0 at /id: expected integer, got string / "
                    "#1: missing required property \"name\")"}});

  CHECK(compiled(R"({"allOf": [{"minimum": 2}, {"maximum": 1}]})").validate("1.5") ==
        Violations{{"", "minimum", "expected at least 2, got 1.5"},
                   {"", "maximum", "expected at most 1, got 1.5"}});
  CHECK(compiled(R"({"not": {"type": "string"}})").validate(R"("a")") ==
        Violations{{"", "not", "must not match the schema in \"not\""}});

  const JsonSchema conditional = compiled(R"({
    "if": {"properties": {"kind": {"const": "email"}}},
    "then": {"required": ["address"]},
    "else": {"required": ["phone"]}})");
  CHECK(conditional.validate(R"({"kind": "email", "address": "a@b"})").empty());
  CHECK(conditional.validate(R"({"kind": "email"})") ==
        Violations{{"", "required", "missing required property \"address\""}});
  CHECK(conditional.validate(R"({"kind": "sms"})") ==
        Violations{{"", "required", "missing required property \"phone\""}});
}

TEST_CASE("$ref resolves within the document, escapes and all", "[json_schema]") {
  const JsonSchema defs = compiled(R"({
    "$defs": {"city": {"type": "string", "minLength": 1}},
    "definitions": {"count": {"type": "integer"}},
    "properties": {
      "from": {"$ref": "#/$defs/city"},
      "to": {"$ref": "#/$defs/city"},
      "stops": {"$ref": "#/definitions/count"}
    }
  })");
  CHECK(defs.validate(R"({"from": "Lyon", "to": "Nice", "stops": 2})").empty());
  CHECK(defs.validate(R"({"from": "", "to": 1, "stops": 1.5})") ==
        Violations{{"/from", "minLength", "expected at least 1 character, got 0"},
                   {"/to", "type", "expected string, got integer"},
                   {"/stops", "type", "expected integer, got number"}});

  const JsonSchema escaped = compiled(R"({
    "$defs": {"a/b": {"type": "integer"}, "m~n": {"type": "string"}, "p%q": {"type": "null"},
              "sp ace": {"type": "boolean"}},
    "properties": {
      "slash": {"$ref": "#/$defs/a~1b"},
      "tilde": {"$ref": "#/$defs/m~0n"},
      "percent": {"$ref": "#/$defs/p%25q"},
      "space": {"$ref": "#/$defs/sp%20ace"}
    }
  })");
  CHECK(escaped.validate(R"({"slash": 1, "tilde": "x", "percent": null, "space": true})").empty());
  CHECK(escaped.validate(R"({"slash": "1", "tilde": 1, "percent": 0, "space": 0})").size() == 4);

  // Into arrays, and to the root by its own $id.
  CHECK_FALSE(
      valid(R"({"allOf": [{"type": "integer"}], "properties": {"x": {"$ref": "#/allOf/0"}}})",
            R"({"x": "a"})"));
  CHECK_FALSE(valid(R"({"$id": "https://example.com/tool.json", "$defs": {"n": {"type": "null"}},
                        "properties": {"x": {"$ref": "https://example.com/tool.json#/$defs/n"}}})",
                    R"({"x": 1})"));

  // A recursive schema: each turn of the cycle goes one level into the instance.
  const JsonSchema tree = compiled(R"({
    "type": "object",
    "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    "additionalProperties": false
  })");
  CHECK(tree.validate(R"({"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]})")
            .empty());
  CHECK(tree.validate(R"({"children": [{"children": [{"value": "3"}]}]})") ==
        Violations{{"/children/0/children/0/value", "type", "expected integer, got string"}});
}

TEST_CASE("The dialect decides whether $ref overrides its siblings", "[json_schema]") {
  const char *const with_siblings = R"("$defs": {"list": {"type": "array"}},
    "properties": {"x": {"$ref": "#/$defs/list", "maxItems": 1}})";
  // 2020-12 (the default): siblings apply too.
  CHECK_FALSE(valid(std::string("{") + with_siblings + "}", R"({"x": [1, 2]})"));
  CHECK_FALSE(valid(std::string(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", )") +
                        with_siblings + "}",
                    R"({"x": [1, 2]})"));
  // draft-07: "$ref" alone counts.
  CHECK(valid(std::string(R"({"$schema": "http://json-schema.org/draft-07/schema#", )") +
                  with_siblings + "}",
              R"({"x": [1, 2]})"));
  CHECK_FALSE(valid(std::string(R"({"$schema": "http://json-schema.org/draft-07/schema#", )") +
                        with_siblings + "}",
                    R"({"x": "no"})"));
}

TEST_CASE("Boolean schemas and the default schema", "[json_schema]") {
  CHECK(valid("true", R"({"anything": [1, 2]})"));
  CHECK(compiled("false").validate("1") == Violations{{"", "false", "no value is allowed here"}});
  CHECK(compiled("{}").validate("null").empty());
  const JsonSchema accept_all;
  CHECK(accept_all.validate("[1]").empty());
  CHECK(accept_all.validate("[1") ==
        Violations{{"", "json", "invalid JSON: unexpected end of input at byte 2"}});
  // Unknown keywords and annotations are ignored; format is only an annotation.
  CHECK(valid(R"({"format": "email", "x-vendor": {"type": "integer"}, "title": 3, "default": [],
                  "unevaluatedProperties": false})",
              R"({"not": "an email"})"));
}

TEST_CASE("An instance that is not JSON is one violation, and max_violations is honoured",
          "[json_schema]") {
  const JsonSchema schema = compiled(weather_tool);
  CHECK(schema.validate(R"({"city": "Paris",})") ==
        Violations{{"", "json", "invalid JSON: expected a string key at byte 17"}});
  CHECK(schema.validate("") == Violations{{"", "json", "invalid JSON: empty input at byte 0"}});
  CHECK(schema.validate("{\"city\": \"\xFF\"}").at(0).keyword == "json");

  const JsonSchema many = compiled(R"({"required": ["a", "b", "c", "d", "e"]})");
  CHECK(many.validate("{}").size() == 5);
  CHECK(many.validate("{}", 2) == Violations{{"", "required", "missing required property \"a\""},
                                             {"", "required", "missing required property \"b\""}});
  CHECK(many.validate("{}", 0).size() == 1); // an invalid instance always gets one
}

TEST_CASE("Parsed values validate through the core's private overload", "[json_schema]") {
  const JsonSchema schema = compiled(weather_tool);
  const auto arguments = json::parse(R"({"city": "Oslo", "days": 0})");
  REQUIRE(arguments.ok());
  CHECK(schema::validate(schema, arguments.value()) ==
        Violations{{"/days", "minimum", "expected at least 1, got 0"}});
  CHECK(schema::validate(schema, json::Value::object({{"city", "Oslo"}})).empty());
  // Copies share the compiled form and validate alike.
  const JsonSchema copy = schema;
  CHECK(copy.validate(R"({"city": "oslo"})") == schema.validate(R"({"city": "oslo"})"));
}

TEST_CASE("Schemas that are not schemas fail to compile, saying where", "[json_schema]") {
  CHECK(compile_error("{") == "invalid schema: invalid JSON: unexpected end of input at byte 1");
  CHECK(compile_error("5") ==
        "invalid schema: expected a schema (an object or a boolean), got a number");
  CHECK(compile_error(R"({"type": "text"})") ==
        "invalid schema at /type: expected null, boolean, object, array, number, string or "
        "integer, or an array of them");
  CHECK(compile_error(R"({"properties": {"n": {"minLength": -1}}})") ==
        "invalid schema at /properties/n/minLength: expected a non-negative integer");
  CHECK(compile_error(R"({"maxItems": 1.5})") ==
        "invalid schema at /maxItems: expected a non-negative integer");
  CHECK(compile_error(R"({"required": "city"})") ==
        "invalid schema at /required: expected an array of strings");
  CHECK(compile_error(R"({"multipleOf": 0})") ==
        "invalid schema at /multipleOf: expected a number greater than 0");
  CHECK(compile_error(R"({"minimum": "5"})") == "invalid schema at /minimum: expected a number");
  CHECK(compile_error(R"({"anyOf": []})") ==
        "invalid schema at /anyOf: expected a non-empty array of schemas");
  CHECK(compile_error(R"({"items": [{}, 3]})") ==
        "invalid schema at /items/1: expected a schema (an object or a boolean), got a number");
  CHECK(compile_error(R"({"properties": {"a/b": {"pattern": "(x"}}})") ==
        "invalid schema at /properties/a~1b/pattern: invalid pattern (x: unterminated group at "
        "character 0");
  CHECK(compile_error(R"({"patternProperties": {"[z-a]": {}}})") ==
        "invalid schema at /patternProperties/[z-a]: invalid pattern [z-a]: range out of order "
        "in a character class at character 2");
  CHECK(compile_error(R"({"uniqueItems": "yes"})") ==
        "invalid schema at /uniqueItems: expected a boolean");
}

TEST_CASE("A $ref that does not resolve or loops in place fails to compile", "[json_schema]") {
  CHECK(compile_error(R"({"$ref": "#/$defs/missing"})") ==
        "invalid schema at /$ref: \"#/$defs/missing\" does not resolve: nothing at /$defs");
  CHECK(compile_error(R"({"$defs": {}, "$ref": "#/$defs/missing"})") ==
        "invalid schema at /$ref: \"#/$defs/missing\" does not resolve: nothing at /$defs/missing");
  CHECK(compile_error(R"({"items": {"$ref": "#/items/x"}})") ==
        "invalid schema at /items/$ref: \"#/items/x\" does not resolve: nothing at /items/x");
  CHECK(compile_error(R"({"$ref": "other.json#/a"})") ==
        "invalid schema at /$ref: \"other.json#/a\" names another document; only references "
        "within the schema (\"#...\") are supported");
  CHECK(compile_error(R"({"$ref": "#node"})") ==
        "invalid schema at /$ref: \"#node\" is a plain-name fragment ($anchor), which is not "
        "supported; use a JSON Pointer (\"#/$defs/name\")");
  CHECK(compile_error(R"({"$ref": "#/a~2"})") ==
        "invalid schema at /$ref: \"#/a~2\" has an invalid JSON Pointer escape");
  CHECK(compile_error(R"({"$ref": "#/a%zz"})") ==
        "invalid schema at /$ref: \"#/a%zz\" has an invalid percent-encoding");
  CHECK(compile_error(R"({"$ref": 5})") == "invalid schema at /$ref: expected a string");
  CHECK(compile_error(R"({"$defs": {"x": 5}, "$ref": "#/$defs/x"})") ==
        "invalid schema at /$defs/x: expected a schema (an object or a boolean), got a number");

  // Cycles that never descend into the instance would recurse forever.
  CHECK(compile_error(R"({"$ref": "#"})") ==
        "invalid schema: the schemas # -> # apply to the same value in a cycle that never ends");
  CHECK(
      compile_error(
          R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [true, {"$ref": "#/$defs/a"}]}},
                          "properties": {"x": {"$ref": "#/$defs/a"}}})") ==
      "invalid schema at /$defs/a: the schemas #/$defs/a -> #/$defs/b -> #/$defs/b/anyOf/1 -> "
      "#/$defs/a apply to the same value in a cycle that never ends");
  CHECK(compile_error(R"({"not": {"$ref": "#"}})") ==
        "invalid schema: the schemas # -> #/not -> # apply to the same value in a cycle that never "
        "ends");
  // Through an applicator that descends, the same shape is fine.
  CHECK(valid(R"({"properties": {"next": {"$ref": "#"}}})", R"({"next": {"next": {}}})"));
}

TEST_CASE("Patterns: ECMA-262 syntax, code points, unanchored search", "[json_schema][regex]") {
  CHECK(search("b", "abc"));
  CHECK_FALSE(search("^b", "abc"));
  CHECK(search("c$", "abc"));
  CHECK_FALSE(search("c$", "abc\n")); // $ is the very end, without the m flag
  CHECK(search("^$", ""));
  CHECK(search("", "anything"));
  CHECK(search("^[A-Z][a-z]+$", "Paris"));
  CHECK_FALSE(search("^[A-Z][a-z]+$", "Paris "));
  CHECK(search("^[^0-9]*$", "abc"));
  CHECK_FALSE(search("^[^0-9]*$", "ab1"));
  CHECK(search("^\\d{3}-\\d{4}$", "555-1234"));
  CHECK_FALSE(search("^\\d{3}-\\d{4}$", "555-123"));
  CHECK(search("^a{2,}$", "aaaa"));
  CHECK_FALSE(search("^a{2,}$", "a"));
  CHECK(search("^a{1,2}b?$", "aab"));
  CHECK_FALSE(search("^a{1,2}$", "aaa"));
  CHECK(search("^(?:ab|cd)+$", "abcdab"));
  CHECK_FALSE(search("^(?:ab|cd)+$", "abc"));
  CHECK(search("^(a|b)*?c$", "abbac")); // lazy forms match what the greedy ones do
  CHECK(search("^(?<year>\\d{4})-\\d\\d$", "2024-05"));
  CHECK(search("\\bcat\\b", "a cat sat"));
  CHECK_FALSE(search("\\bcat\\b", "concatenate"));
  CHECK(search("\\Bcat", "concatenate"));
  CHECK(search("^\\w+$", "snake_case_1"));
  CHECK_FALSE(search("^\\w+$", "caf\xC3\xA9")); // \w is ASCII
  CHECK(search("^\\s+$", " \t\n\xC2\xA0\xE2\x80\xA8\xEF\xBB\xBF"));
  CHECK(search("^\\S\\D\\W$", "xa-"));
  CHECK(search("^[\\d\\s]+$", "1 2"));
  CHECK(search("^[\\w.+-]+@[\\w-]+\\.[\\w.]+$", "first.last+tag@example.co.uk"));
  // . is one code point, not one byte, and no line terminator.
  CHECK(search("^.$", "\xF0\x9F\x98\x80"));
  CHECK(search("^..$", "\xC3\xA9t"));
  CHECK_FALSE(search("^.$", "\n"));
  CHECK(search("^[\xF0\x9F\x98\x80-\xF0\x9F\x98\x8F]$", "\xF0\x9F\x98\x85"));
  CHECK(search("^\\u{1F600}\\uD83D\\uDE00\\x41\\u00e9$", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                                                         "A\xC3\xA9"));
  CHECK(search("^\\p{L}+$", "Zo\xC3\xAB\xE6\x97\xA5\xD0\x96"));
  CHECK_FALSE(search("^\\p{L}+$", "a1"));
  CHECK(search("^\\p{Lu}\\p{Ll}+$", "\xC3\x89lise"));
  CHECK(search("^[\\p{N}]+$", "12\xD9\xA3")); // Arabic-Indic three
  CHECK(search("^\\P{L}$", "1"));
  CHECK(search("^\\t\\n\\r\\v\\f\\0\\cJ$", std::string("\t\n\r\v\f\0\n", 7)));
  CHECK(search("^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/\\-\\\\$", ".*+?()[]{}|/-\\"));
  CHECK(search("^[\\b]$", "\b"));
  CHECK(search("^[a-]$", "-"));
  CHECK(search("^[-a]$", "-"));
  CHECK(search("^[a-c-e]$", "-"));
  CHECK_FALSE(search("[]", "a")); // the empty class matches nothing
  CHECK(search("^[^]$", "\n"));   // and its negation everything
  // Annex B leniencies: braces that are no quantifier, a lone ].
  CHECK(search("^a{,2}$", "a{,2}"));
  CHECK(search("^{}]$", "{}]"));
}

namespace {

// A random pattern over a small alphabet, from the syntax both engines below read alike.
std::string random_pattern(std::mt19937 &random, int depth = 0) {
  static const char *const atoms[] = {"a",   "b",   "c",   ".",   "[ab]", "[^a]",  "\\d", "1",
                                      "\\w", "\\W", "\\s", "\\b", "\\B",  "[a-c]", "-"};
  static const char *const quantifiers[] = {"*",   "+",     "?",     "*?",  "+?",
                                            "{2}", "{1,3}", "{0,2}", "{2,}"};
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const int choice = depth > 3 ? 0 : pick(10);
  switch (choice) {
    case 0:
    case 1:
    case 2:
      return atoms[pick(15)];
    case 3:
    case 4:
      return random_pattern(random, depth + 1) + random_pattern(random, depth + 1);
    case 5:
      return "(" + random_pattern(random, depth + 1) + "|" + random_pattern(random, depth + 1) +
             ")";
    case 6:
      return "(?:" + random_pattern(random, depth + 1) + ")" + quantifiers[pick(9)];
    case 7:
      return "^" + random_pattern(random, depth + 1);
    case 8:
      return random_pattern(random, depth + 1) + "$";
    default:
      return "(" + random_pattern(random, depth + 1) + ")" + quantifiers[pick(3)];
  }
}

} // namespace

TEST_CASE("Patterns match as std::regex's ECMAScript grammar does", "[json_schema][regex]") {
  // std::regex backtracks, which is fine for patterns and texts this small.
  std::mt19937 random(20240601);
  int compared = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string pattern = random_pattern(random);
    const std::regex reference(pattern, std::regex::ECMAScript);
    for (int k = 0; k < 4; ++k) {
      std::string text;
      const int length = static_cast<int>(random() % 9);
      for (int j = 0; j < length; ++j)
        text.push_back("abc1 _-"[random() % 7]);
      INFO("pattern " << pattern << " text \"" << text << "\"");
      CHECK(search(pattern, text) == std::regex_search(text, reference));
      ++compared;
    }
  }
  CHECK(compared == 12000);
}

TEST_CASE("Patterns beyond a linear-time engine fail to compile, saying why",
          "[json_schema][regex]") {
  CHECK(regex_error("(?=a)b") ==
        "invalid pattern (?=a)b: lookaround assertions are not "
        "supported (they cannot be matched in linear time) at character 1");
  CHECK(regex_error("(?<!a)b").find("lookaround assertions are not supported") !=
        std::string::npos);
  CHECK(regex_error("(a)\\1") ==
        "invalid pattern (a)\\1: backreferences are not supported at character 3");
  CHECK(regex_error("\\k<x>").find("backreferences are not supported") != std::string::npos);
  CHECK(regex_error("^\\d+\\Z") == "invalid pattern ^\\d+\\Z: unknown escape at character 4");
  CHECK(regex_error("*a") == "invalid pattern *a: nothing to repeat before '*' at character 0");
  CHECK(regex_error("a{2}{3}") ==
        "invalid pattern a{2}{3}: nothing to repeat before '{' at character 4");
  CHECK(regex_error("a{3,2}") ==
        "invalid pattern a{3,2}: numbers out of order in a {} quantifier at character 1");
  CHECK(regex_error("^*") == "invalid pattern ^*: an assertion cannot be repeated at character 2");
  CHECK(regex_error("a)") == "invalid pattern a): unmatched ')' at character 1");
  CHECK(regex_error("[a") == "invalid pattern [a: unterminated character class at character 0");
  CHECK(regex_error("[\\d-z]") ==
        "invalid pattern [\\d-z]: a class escape cannot bound a range at character 3");
  CHECK(regex_error("\\p{Greek}").find("unsupported Unicode property") != std::string::npos);
  CHECK(regex_error("(?i)a") == "invalid pattern (?i)a: invalid group '(?' at character 1");
  CHECK(regex_error("\\") == "invalid pattern \\: '\\' at the end of the pattern at character 1");
  CHECK(regex_error("\\u{110000}").find("past U+10FFFF") != std::string::npos);
  CHECK(regex_error("\\01") ==
        "invalid pattern \\01: octal escapes are not allowed at character 2");
  // Too large: counted repetition multiplies, and is checked before anything is built.
  CHECK(regex_error("a{10000}") == "pattern a{10000} is too large: it compiles to 10001 "
                                   "instructions, past the limit of 10000");
  CHECK(regex_error("((a{1000}){1000}){1000}").find("is too large") != std::string::npos);
  CHECK(regex_error("a{4294967295}").find("is too large") != std::string::npos);
  CHECK(regex_error(std::string(200, '(') + std::string(200, ')')) ==
        "invalid pattern " + std::string(200, '(') + std::string(200, ')') +
            ": groups nested deeper than 128 at character 128");
  // A whole schema's patterns share a budget too.
  std::string schema = R"({"properties": {)";
  for (int i = 0; i < 30; ++i)
    schema += (i ? ", " : "") + std::string("\"p") + std::to_string(i) +
              R"(": {"pattern": "\\d{1,4000}"})";
  schema += "}}";
  CHECK(compile_error(schema) ==
        "invalid schema at /properties/p5/pattern: the schema's patterns compile to more than "
        "200000 instructions in all");
}

TEST_CASE("Catastrophic patterns run in linear time", "[json_schema][regex][hostile]") {
  // Exponential for a backtracking engine; a few states per character here.
  const JsonSchema nested = compiled(R"({"pattern": "^(a*)*b$"})");
  const std::string long_a = quoted(std::string(100'000, 'a'));
  const Violations violations = nested.validate(long_a);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].keyword == "pattern");
  CHECK(compiled(R"({"pattern": "(x+x+)+y"})")
            .validate(quoted(std::string(50'000, 'x')))
            .at(0)
            .keyword == "pattern");
  CHECK(compiled(R"({"pattern": "^(a|a)*$"})").validate(long_a).empty());
  CHECK(compiled(R"({"pattern": "^(a|aa)+$"})").validate(long_a).empty());
  // A big program against a long string exceeds the work budget: validation says so.
  const JsonSchema costly = compiled(R"({"pattern": "(?:a|b){1,1500}c"})");
  CHECK(costly.validate(quoted(std::string(100'000, 'a'))) ==
        Violations{{"", "limit",
                    "validation gave up after 16777216 steps: the schema is too costly to check "
                    "against this value"}});
}

TEST_CASE("Hostile schemas and instances end in bounded work", "[json_schema][hostile]") {
  // Alternatives along a deep instance: exponential without the budget.
  const JsonSchema branching = compiled(
      R"({"type": "array", "anyOf": [{"items": {"$ref": "#"}}, {"items": {"$ref": "#"}}]})");
  std::string deep = std::string(100, '[') + "1" + std::string(100, ']');
  CHECK(branching.validate(deep) ==
        Violations{{"", "limit",
                    "validation gave up after 16777216 steps: the schema is too costly to check "
                    "against this value"}});
  std::string shallow = std::string(3, '[') + "1" + std::string(3, ']');
  CHECK(branching.validate(shallow).at(0).keyword == "anyOf");

  // The deepest instance json::parse accepts, through a recursive schema.
  const JsonSchema nested = compiled(R"({"type": "array", "items": {"$ref": "#"}})");
  const std::string deepest = std::string(json::max_depth, '[') + std::string(json::max_depth, ']');
  CHECK(nested.validate(deepest).empty());
  CHECK(
      nested.validate(std::string(json::max_depth + 1, '[') + std::string(json::max_depth + 1, ']'))
          .at(0)
          .keyword == "json");

  // A long chain of $defs, each referring to the next: compiles without deep recursion and
  // validates within the depth bound, or says it gave up.
  std::string chain = R"({"$defs": {)";
  for (int i = 0; i < 5000; ++i)
    chain += (i ? ", " : "") + std::string("\"d") + std::to_string(i) +
             R"(": {"$ref": "#/$defs/d)" + std::to_string(i + 1) + "\"}";
  chain += R"(, "d5000": {"type": "integer"}}, "$ref": "#/$defs/d0"})";
  CHECK(compiled(chain).validate("1") ==
        Violations{{"", "limit",
                    "validation gave up: schemas nest deeper than 1024 levels for this value"}});

  // A wide schema under a long member name: locations are not copied per node (that would be
  // 5,000 copies of a 100 KB name here).
  const std::string long_name(100'000, 'n');
  std::string wide = R"({"properties": {")" + long_name + R"(": {"properties": {)";
  for (int i = 0; i < 5000; ++i)
    wide += (i ? ", " : "") + std::string("\"p") + std::to_string(i) + R"(": {"type": "integer"})";
  wide += "}}}}";
  CHECK(compiled(wide).validate(R"({")" + long_name + R"(": {"p4999": "x"}})") ==
        Violations{{"/" + long_name + "/p4999", "type", "expected integer, got string"}});

  // uniqueItems over a large array hashes rather than comparing every pair.
  std::string numbers = "[";
  for (int i = 0; i < 100'000; ++i)
    numbers += std::to_string(i) + ",";
  const JsonSchema unique = compiled(R"({"uniqueItems": true})");
  CHECK(unique.validate(numbers + "0.5]").empty());
  CHECK(unique.validate(numbers + "99999.0]") ==
        Violations{
            {"", "uniqueItems", "expected unique items, but items 99999 and 100000 are equal"}});

  // Huge numbers: beyond int64 and beyond double.
  CHECK(valid(R"({"minimum": 1e308, "type": "integer"})", "1e308"));
  CHECK(compiled(R"({"exclusiveMinimum": -1e400})").validate("-1e400").at(0).keyword ==
        "exclusiveMinimum");
  CHECK(valid(R"({"maximum": 18446744073709551615})", "18446744073709551600"));
}
