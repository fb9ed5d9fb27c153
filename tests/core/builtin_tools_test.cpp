// The registry of built-in tools: definitions that every adapter can send, and dispatch by name.

#include "json/json.hpp"

#include <llmux/builtin_tools.hpp>

#include <catch2/catch.hpp>

#include <iterator>
#include <string>
#include <vector>

using namespace llmux;

namespace {

std::vector<std::string> strings_of(const json::Value &array) {
  std::vector<std::string> out;
  for (const json::Value &item : array.items()) {
    REQUIRE(item.is_string());
    out.push_back(item.as_string());
  }
  return out;
}

} // namespace

TEST_CASE("Built-in tools are listed in a fixed order and found by name", "[builtin_tools]") {
  const std::vector<Tool> &tools = builtin_tools();
  REQUIRE(tools.size() == 2);
  CHECK(tools[0].name == "calculator");
  CHECK(tools[1].name == "datetime");
  CHECK(&builtin_tools() == &tools);
  CHECK(find_builtin_tool("calculator") == &tools[0]);
  CHECK(find_builtin_tool("datetime") == &tools[1]);
  CHECK(find_builtin_tool("Calculator") == nullptr);
  CHECK(find_builtin_tool("") == nullptr);
}

TEST_CASE("Built-in tool parameters are JSON Schema objects", "[builtin_tools]") {
  for (const Tool &tool : builtin_tools()) {
    INFO(tool.name);
    CHECK(tool.description.size() > 100);
    auto parsed = json::parse(tool.parameters);
    REQUIRE(parsed.ok());
    const json::Value &schema = parsed.value();
    REQUIRE(schema.is_object());
    CHECK(schema.find("type")->as_string() == "object");
    CHECK(schema.find("additionalProperties")->is_bool());
    CHECK_FALSE(schema.find("additionalProperties")->as_bool());
    const json::Value *properties = schema.find("properties");
    REQUIRE(properties);
    REQUIRE(properties->is_object());
    REQUIRE_FALSE(properties->empty());
    for (const json::Member &property : properties->members()) {
      INFO(property.key);
      REQUIRE(property.value.is_object());
      const json::Value *type = property.value.find("type");
      REQUIRE(type);
      CHECK((type->as_string() == "string" || type->as_string() == "integer" ||
             type->as_string() == "number"));
      REQUIRE(property.value.find("description"));
      CHECK(property.value.find("description")->is_string());
    }
    const json::Value *required = schema.find("required");
    REQUIRE(required);
    REQUIRE(required->is_array());
    for (const std::string &name : strings_of(*required))
      CHECK(properties->find(name) != nullptr);
  }

  auto calculator = json::parse(find_builtin_tool("calculator")->parameters).value();
  CHECK(strings_of(*calculator.find("required")) == std::vector<std::string>{"expression"});
  CHECK(calculator.find("properties")->size() == 1);

  auto datetime = json::parse(find_builtin_tool("datetime")->parameters).value();
  CHECK(strings_of(*datetime.find("required")) == std::vector<std::string>{"operation"});
  const json::Value *operation = datetime.find("properties")->find("operation");
  CHECK(strings_of(*operation->find("enum")) ==
        std::vector<std::string>{"now", "add", "diff", "weekday", "convert"});
  std::vector<std::string> names;
  for (const json::Member &property : datetime.find("properties")->members())
    names.push_back(property.key);
  CHECK(names == std::vector<std::string>{"operation", "time", "start", "end", "offset", "years",
                                          "months", "weeks", "days", "hours", "minutes",
                                          "seconds"});
}

TEST_CASE("Every operation in the datetime schema runs", "[builtin_tools]") {
  // The enum and the dispatch must not drift apart.
  auto datetime = json::parse(find_builtin_tool("datetime")->parameters).value();
  const json::Value *operations = datetime.find("properties")->find("operation")->find("enum");
  const std::string arguments[] = {
      R"({"operation":"now"})",
      R"({"operation":"add","time":"2026-11-25","days":1})",
      R"({"operation":"diff","start":"2026-11-25","end":"2026-11-26"})",
      R"({"operation":"weekday","time":"2026-11-25"})",
      R"({"operation":"convert","time":"2026-11-25T10:00:00Z","offset":"+01:00"})",
  };
  REQUIRE(operations->size() == std::size(arguments));
  for (std::size_t i = 0; i < operations->size(); ++i) {
    INFO(arguments[i]);
    CHECK(arguments[i].find("\"" + operations->items()[i].as_string() + "\"") != std::string::npos);
    auto result = run_builtin_tool("datetime", arguments[i], 1795600800000);
    REQUIRE(result.ok());
    CHECK(json::parse(result.value()).ok());
  }
}

TEST_CASE("Running an unknown built-in tool is an error for the model", "[builtin_tools]") {
  auto result = run_builtin_tool("weather", "{}", 0);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::InvalidArgument);
  CHECK(result.error().origin == ErrorOrigin::Caller);
  CHECK(result.error().message ==
        "there is no built-in tool \"weather\"; the built-in tools are calculator and datetime");
}
