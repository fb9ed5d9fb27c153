// Tools without a handler (Tool::has_handler false): a gateway does not run its caller's
// tools, so a round that calls one ends the session with the round's calls, none of them run.

#include <llmux/api_json.hpp>
#include <llmux/builtin_tools.hpp>
#include <llmux/session.hpp>

#include "support/scripted_host.hpp"

#include <catch2/catch.hpp>

using namespace llmux;
using namespace llmux::testing;

namespace {

SessionConfig config_with(std::vector<Tool> tools) {
  static const Catalog catalog = Catalog::builtin();
  const Settings settings = {{"OPENAI_API_KEY", "sk-test-openai"},
                             {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}};
  auto resolved = resolve_model(catalog, "openai-gpt-4o-mini", settings);
  REQUIRE(resolved.ok());
  SessionConfig config;
  config.models.push_back(std::move(resolved).value());
  config.request.messages.push_back(Message::user("Weather in Paris, and 2+2?"));
  config.request.tools = std::move(tools);
  return config;
}

Tool weather_without_handler() {
  Tool tool{"get_weather", "The weather in a city", R"({"type":"object"})"};
  tool.has_handler = false;
  return tool;
}

Tool calculator() {
  const Tool *tool = find_builtin_tool("calculator");
  REQUIRE(tool);
  return *tool;
}

} // namespace

TEST_CASE("Session ends with the calls when the model calls a tool without a handler",
          "[session][tools]") {
  ScriptedHost host(config_with({weather_without_handler()}));
  host.replies.push_back(
      openai_json("", {{"call_w", "get_weather", R"({"city":"Paris"})"}}, 30, 9));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(host.sent.size() == 1);
  CHECK(host.tool_batches.empty());
  const SessionResult &result = host.session.result();
  CHECK(result.tool_rounds == 0);
  CHECK(result.tools_called.empty());
  REQUIRE(result.response.tool_calls.size() == 1);
  CHECK(result.response.tool_calls[0].arguments == R"({"city":"Paris"})");
  CHECK(result.response.finish_reason == FinishReason::ToolCalls);
  // The conversation ends with the assistant's call, for the caller to answer.
  REQUIRE(result.messages.size() == 2);
  CHECK(result.messages.back().role == Role::Assistant);
}

TEST_CASE("Session runs none of a round that mixes handled and unhandled tools",
          "[session][tools]") {
  ScriptedHost host(config_with({calculator(), weather_without_handler()}));
  host.replies.push_back(openai_json("",
                                     {{"call_c", "calculator", R"({"expression":"2+2"})"},
                                      {"call_w", "get_weather", R"({"city":"Paris"})"}},
                                     30, 9));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(host.tool_batches.empty());
  CHECK(host.session.result().response.tool_calls.size() == 2);
  CHECK(host.session.result().tools_called.empty());
}

TEST_CASE("Session still runs a round that calls only tools with handlers", "[session][tools]") {
  ScriptedHost host(config_with({calculator(), weather_without_handler()}));
  host.replies.push_back(
      openai_json("", {{"call_c", "calculator", R"({"expression":"2+2"})"}}, 30, 9));
  host.replies.push_back(openai_json("4", {}, 50, 2));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(host.tool_batches.size() == 1);
  CHECK(host.session.result().response.text == "4");
}

TEST_CASE("A call's JSON marks the tools JavaScript has no execute for", "[session][tools][api]") {
  auto call =
      api::parse_call(R"({"prompt":"x","tools":[{"name":"a"},{"name":"b","hasHandler":false}]})");
  REQUIRE(call.ok());
  REQUIRE(call.value().request.tools.size() == 2);
  CHECK(call.value().request.tools[0].has_handler);
  CHECK_FALSE(call.value().request.tools[1].has_handler);
  CHECK_FALSE(api::parse_call(R"({"prompt":"x","tools":[{"name":"b","hasHandler":1}]})").ok());
}
