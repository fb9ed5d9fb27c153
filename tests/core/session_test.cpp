// The session state machine, driven by a scripted host with fake time: no sockets, no clock.

#include <llmux/builtin_tools.hpp>
#include <llmux/key_value_store.hpp>
#include <llmux/ledger.hpp>
#include <llmux/response_cache.hpp>
#include <llmux/session.hpp>

#include "json/json.hpp"
#include "support/scripted_host.hpp"

#include <catch2/catch.hpp>

using namespace llmux;
using namespace llmux::testing;

namespace {

const Settings &test_settings() {
  static const Settings settings = {
      {"OPENAI_API_KEY", "sk-test-openai"},
      {"ANTHROPIC_API_KEY", "sk-ant-test"},
      {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
      {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9"},
  };
  return settings;
}

ResolvedModel model(std::string_view name) {
  static const Catalog catalog = Catalog::builtin();
  auto resolved = resolve_model(catalog, name, test_settings());
  REQUIRE(resolved.ok());
  return std::move(resolved).value();
}

Tool calculator_tool() {
  const Tool *tool = find_builtin_tool("calculator");
  REQUIRE(tool);
  return *tool;
}

SessionConfig config_for(std::vector<std::string> models, bool stream = false) {
  SessionConfig config;
  for (const std::string &name : models)
    config.models.push_back(model(name));
  config.request.messages.push_back(Message::user("What is 2+2?"));
  config.request.stream = stream;
  return config;
}

json::Value body_of(const HttpRequest &request) {
  auto parsed = json::parse(request.body);
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

} // namespace

TEST_CASE("Session answers a plain question with one call and exact cost", "[session]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini"}));
  host.replies.push_back(openai_json("4", {}, 1000, 500));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Done);
  const SessionResult &result = host.session.result();
  CHECK(result.response.text == "4");
  CHECK(result.model == "openai-gpt-4o-mini");
  CHECK(result.model_calls == 1);
  CHECK(result.usage.input_tokens == 1000);
  CHECK(result.usage.output_tokens == 500);
  REQUIRE(result.cost);
  CHECK(format_usd(result.cost->total) == "$0.00045");
  REQUIRE(host.sent.size() == 1);
  CHECK(host.sent[0].url == "http://127.0.0.1:9/v1/chat/completions");
  CHECK(body_of(host.sent[0]).find("model")->as_string() == "gpt-4o-mini");
  REQUIRE(result.messages.size() == 2);
  CHECK(result.messages[1].role == Role::Assistant);
  CHECK(host.count(SessionEvent::Kind::Finished) == 1);
}

TEST_CASE("Session streams text deltas in order, with usage and finish", "[session]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini"}, /*stream=*/true));
  host.replies.push_back(openai_stream_text({"The ", "answer ", "is ", "4."}, 12, 6));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(host.streamed_text() == "The answer is 4.");
  CHECK(host.session.result().response.text == "The answer is 4.");
  CHECK(host.session.result().usage.output_tokens == 6);
  REQUIRE(host.events.front().kind == SessionEvent::Kind::RoundStarted);
  CHECK(host.events.back().kind == SessionEvent::Kind::Finished);
  bool saw_usage = false;
  for (const SessionEvent &event : host.events)
    saw_usage |= event.kind == SessionEvent::Kind::Stream && event.stream.type == StreamEventType::Usage;
  CHECK(saw_usage);
  CHECK(body_of(host.sent[0]).find("stream")->as_bool());
}

TEST_CASE("Session runs a tool round and sends the result back", "[session][tools]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini"});
  config.request.tools.push_back(calculator_tool());
  ScriptedHost host(std::move(config));
  host.replies.push_back(openai_json("", {{"call_1", "calculator", R"({"expression":"2+2"})"}}, 50, 10));
  host.replies.push_back(openai_json("2+2 is 4.", {}, 80, 8));
  host.run_tool = [](const ToolRun &run) {
    auto output = run_builtin_tool(run.call.name, run.call.arguments, 0);
    return ToolOutput{run.call.id, output.ok(), output.ok() ? output.value() : output.error().message,
                      std::nullopt};
  };
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  const SessionResult &result = host.session.result();
  CHECK(result.response.text == "2+2 is 4.");
  CHECK(result.tool_rounds == 1);
  CHECK(result.model_calls == 2);
  CHECK(result.usage.input_tokens == 130);
  CHECK(result.usage.output_tokens == 18);
  REQUIRE(result.tools_called.size() == 1);
  CHECK(result.tools_called[0].ok);
  CHECK(result.tools_called[0].name == "calculator");
  CHECK(result.tools_called[0].duration_ms == host.tool_time_ms);
  CHECK(result.tools_called[0].result.find("4") != std::string::npos);
  // The second request carries the assistant's call and the tool's result.
  REQUIRE(host.sent.size() == 2);
  const json::Value second = body_of(host.sent[1]);
  const auto &messages = second.find("messages")->items();
  REQUIRE(messages.size() == 3);
  CHECK(messages[1].find("tool_calls")->items().size() == 1);
  CHECK(messages[2].find("role")->as_string() == "tool");
  CHECK(messages[2].find("tool_call_id")->as_string() == "call_1");
  // Messages: user, assistant (call), tool, assistant (answer).
  CHECK(result.messages.size() == 4);
}

TEST_CASE("Session hands parallel tool calls out together and keeps their order", "[session][tools]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini"});
  config.request.tools.push_back(calculator_tool());
  ScriptedHost host(std::move(config));
  host.replies.push_back(openai_json("", {{"a", "calculator", R"({"expression":"1+1"})"},
                                          {"b", "calculator", R"({"expression":"2*3"})"}},
                                     40, 20));
  host.replies.push_back(openai_json("2 and 6", {}, 90, 5));
  // Results come back in reverse order.
  host.run_tool = [](const ToolRun &run) {
    return ToolOutput{run.call.id, true, run.call.id == "a" ? "2" : "6", std::nullopt};
  };
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  REQUIRE(host.tool_batches.size() == 1);
  CHECK(host.tool_batches[0].size() == 2);
  const json::Value second = body_of(host.sent[1]);
  const auto &messages = second.find("messages")->items();
  REQUIRE(messages.size() == 4);
  CHECK(messages[2].find("tool_call_id")->as_string() == "a");
  CHECK(messages[2].find("content")->as_string() == "2");
  CHECK(messages[3].find("tool_call_id")->as_string() == "b");
  CHECK(messages[3].find("content")->as_string() == "6");
}

TEST_CASE("Session reports failed, unknown and invalid tool calls back to the model", "[session][tools]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini"});
  config.request.tools.push_back(calculator_tool());
  ScriptedHost host(std::move(config));
  host.replies.push_back(openai_json("", {{"fails", "calculator", R"({"expression":"1/0"})"},
                                          {"unknown", "weather", R"({"city":"Paris"})"},
                                          {"not_json", "calculator", R"({"expression":)"},
                                          {"wrong_type", "calculator", R"({"expression":42})"}},
                                     40, 20));
  host.replies.push_back(openai_json("Sorry.", {}, 90, 5));
  host.run_tool = [](const ToolRun &run) {
    return ToolOutput{run.call.id, false, "division by zero", std::nullopt};
  };
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  // Only the well-formed call ran.
  REQUIRE(host.tool_batches.size() == 1);
  REQUIRE(host.tool_batches[0].size() == 1);
  CHECK(host.tool_batches[0][0].call.id == "fails");
  const auto &tools = host.session.result().tools_called;
  REQUIRE(tools.size() == 4);
  for (const ToolInvocation &tool : tools)
    CHECK_FALSE(tool.ok);
  CHECK(tools[0].error == "division by zero");
  CHECK(tools[1].error.find("unknown tool \"weather\"") != std::string::npos);
  CHECK(tools[2].error.find("not valid JSON") != std::string::npos);
  CHECK(tools[3].error.find("do not match the tool's schema") != std::string::npos);
  // All four results went back, marked as errors where the provider has the notion.
  const json::Value second = body_of(host.sent[1]);
  const auto &messages = second.find("messages")->items();
  REQUIRE(messages.size() == 6);
  CHECK(messages[3].find("content")->as_string().find("unknown tool") != std::string::npos);
  CHECK(host.count(SessionEvent::Kind::ToolResult) == 4);
}

TEST_CASE("Session stops tool rounds at the limit and asks for a final answer without tools",
          "[session][tools]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini"});
  config.request.tools.push_back(calculator_tool());
  config.max_rounds = 2;
  ScriptedHost host(std::move(config));
  for (int i = 0; i < 3; ++i)
    host.replies.push_back(openai_json("", {{"c" + std::to_string(i), "calculator", R"({"expression":"1"})"}},
                                       10, 1));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  const SessionResult &result = host.session.result();
  CHECK(result.tool_rounds == 2);
  CHECK(result.model_calls == 3);
  REQUIRE(host.sent.size() == 3);
  CHECK(body_of(host.sent[0]).find("tool_choice") == nullptr);
  CHECK(body_of(host.sent[2]).find("tool_choice")->as_string() == "none");
  // The last answer's calls were not run.
  CHECK(result.tools_called.size() == 2);
}

TEST_CASE("Session retries rate limits after the provider's Retry-After", "[session][retry]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini"}));
  host.replies.push_back(openai_error(429, "rate_limit_exceeded", {{"retry-after", "2"}}));
  host.replies.push_back(openai_json("4", {}, 10, 1));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  REQUIRE(host.waits.size() == 1);
  CHECK(host.waits[0] == 2000);
  CHECK(host.sent.size() == 2);
  CHECK(host.session.result().models_tried.size() == 1);
  CHECK(host.session.result().models_tried[0].attempts == 2);
  CHECK(host.count(SessionEvent::Kind::Retrying) == 1);
}

TEST_CASE("Session backs off exponentially with jitter, the same for the same seed", "[session][retry]") {
  auto waits_for = [](std::uint64_t seed) {
    SessionConfig config = config_for({"openai-gpt-4o-mini"});
    config.random_seed = seed;
    config.retry.max_retries = 3;
    ScriptedHost host(std::move(config));
    for (int i = 0; i < 3; ++i)
      host.replies.push_back(openai_error(500, "server_error"));
    host.replies.push_back(openai_json("4", {}, 10, 1));
    REQUIRE(host.run().kind == SessionAction::Kind::Done);
    return host.waits;
  };
  auto waits = waits_for(1);
  REQUIRE(waits.size() == 3);
  // Equal jitter: half the backoff fixed, half random: [250, 500], [500, 1000], [1000, 2000].
  CHECK((waits[0] >= 250 && waits[0] <= 500));
  CHECK((waits[1] >= 500 && waits[1] <= 1000));
  CHECK((waits[2] >= 1000 && waits[2] <= 2000));
  CHECK(waits_for(1) == waits);
  CHECK(waits_for(2) != waits);
}

TEST_CASE("Session does not retry an authentication failure", "[session][retry]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini"}));
  host.replies.push_back(openai_error(401, "invalid_api_key"));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::AuthFailed);
  CHECK(host.sent.size() == 1);
  CHECK(host.waits.empty());
  CHECK(host.events.back().kind == SessionEvent::Kind::Failed);
}

TEST_CASE("Session falls back to the next model when retries run out, and says why", "[session][fallback]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"});
  config.retry.max_retries = 1;
  ScriptedHost host(std::move(config));
  host.replies.push_back(openai_error(429, "rate_limit_exceeded"));
  host.replies.push_back(openai_error(429, "rate_limit_exceeded"));
  host.replies.push_back(anthropic_json("Four.", 20, 3));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Done);
  const SessionResult &result = host.session.result();
  CHECK(result.model == "anthropic-claude-3-5-sonnet-20241022");
  REQUIRE(result.models_tried.size() == 2);
  CHECK(result.models_tried[0].attempts == 2);
  REQUIRE(result.models_tried[0].error);
  CHECK(result.models_tried[0].error->code == ErrorCode::RateLimited);
  CHECK_FALSE(result.models_tried[1].error);
  CHECK(host.sent[2].url == "http://127.0.0.1:9/v1/messages");
  CHECK(host.count(SessionEvent::Kind::FallingBack) == 1);
}

TEST_CASE("Session falls back at once on errors a retry cannot cure", "[session][fallback]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"}));
  host.replies.push_back(openai_error(404, "model_not_found"));
  host.replies.push_back(anthropic_json("Four.", 20, 3));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(host.sent.size() == 2);
  CHECK(host.waits.empty());
  CHECK(host.session.result().models_tried[0].error->code == ErrorCode::NotFound);
}

TEST_CASE("Session does not wait out a Retry-After longer than its limit", "[session][retry]") {
  SECTION("with a next model, it falls back at once") {
    ScriptedHost host(config_for({"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"}));
    host.replies.push_back(openai_error(429, "rate_limit_exceeded", {{"retry-after", "600"}}));
    host.replies.push_back(anthropic_json("Four.", 20, 3));
    REQUIRE(host.run().kind == SessionAction::Kind::Done);
    CHECK(host.waits.empty());
  }
  SECTION("without one, it fails with the provider's delay") {
    ScriptedHost host(config_for({"openai-gpt-4o-mini"}));
    host.replies.push_back(openai_error(429, "rate_limit_exceeded", {{"retry-after", "600"}}));
    auto last = host.run();
    REQUIRE(last.kind == SessionAction::Kind::Fail);
    CHECK(last.error.code == ErrorCode::RateLimited);
    CHECK(last.error.retry_after_ms == 600'000);
  }
}

TEST_CASE("Session retries a stream that fails before delivering anything", "[session][stream]") {
  SECTION("an overloaded error event as the stream's first bytes") {
    ScriptedHost host(config_for({"anthropic-claude-3-5-sonnet-20241022"}, true));
    host.replies.push_back(sse_reply({anthropic_overloaded_event()}));
    host.replies.push_back(anthropic_stream_text({"Hello", " there"}, 20, 3));
    REQUIRE(host.run().kind == SessionAction::Kind::Done);
    CHECK(host.sent.size() == 2);
    CHECK(host.streamed_text() == "Hello there");
    CHECK(host.count(SessionEvent::Kind::Retrying) == 1);
  }
  SECTION("a connection cut after the head, before any content") {
    ScriptedHost host(config_for({"anthropic-claude-3-5-sonnet-20241022"}, true));
    Reply cut = anthropic_stream_text({"never"}, 20, 3);
    cut.chunks.resize(1); // message_start only: usage, no content
    cut.transport_error = transport_failure(ErrorCode::Network, "connection reset");
    host.replies.push_back(cut);
    host.replies.push_back(anthropic_stream_text({"Hello"}, 20, 3));
    REQUIRE(host.run().kind == SessionAction::Kind::Done);
    CHECK(host.streamed_text() == "Hello");
    // The held usage of the failed attempt never reached the consumer, but it was spent.
    std::size_t usage_events = 0;
    for (const SessionEvent &event : host.events)
      usage_events += event.kind == SessionEvent::Kind::Stream && event.stream.type == StreamEventType::Usage;
    CHECK(usage_events == 2); // message_start and message_delta of the good attempt
  }
  SECTION("a refused connection") {
    ScriptedHost host(config_for({"openai-gpt-4o-mini"}, true));
    Reply refused;
    refused.transport_error = transport_failure(ErrorCode::Network, "connection refused");
    refused.fail_before_head = true;
    host.replies.push_back(refused);
    host.replies.push_back(openai_stream_text({"ok"}, 5, 1));
    REQUIRE(host.run().kind == SessionAction::Kind::Done);
    CHECK(host.streamed_text() == "ok");
  }
}

TEST_CASE("Session ends a stream that fails after delivering output, with the usage so far",
          "[session][stream]") {
  ScriptedHost host(config_for({"anthropic-claude-3-5-sonnet-20241022", "openai-gpt-4o-mini"}, true));
  Reply cut = anthropic_stream_text({"Hello", " wor"}, 20, 3);
  cut.chunks.resize(4); // message_start, block start, two deltas
  cut.transport_error = transport_failure(ErrorCode::Network, "connection reset");
  host.replies.push_back(cut);
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::Network);
  CHECK(host.sent.size() == 1); // neither retried nor fallen back: output was delivered
  CHECK(host.streamed_text() == "Hello wor");
  const SessionEvent &failed = host.events.back();
  REQUIRE(failed.kind == SessionEvent::Kind::Failed);
  CHECK(failed.usage.input_tokens == 20);
  CHECK(host.session.result().response.text == "Hello wor");
  CHECK(host.session.result().error->code == ErrorCode::Network);
}

TEST_CASE("Session fails an in-stream error after output at once", "[session][stream]") {
  ScriptedHost host(config_for({"anthropic-claude-3-5-sonnet-20241022"}, true));
  Reply reply = anthropic_stream_text({"Hel"}, 20, 3);
  reply.chunks.resize(3);
  reply.chunks.push_back(anthropic_overloaded_event());
  host.replies.push_back(reply);
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::Overloaded);
  CHECK(last.error.in_stream);
  CHECK(host.sent.size() == 1);
  // The usage message_start reported was spent, and the failure carries it.
  CHECK(host.session.result().usage.input_tokens == 20);
  CHECK(host.events.back().usage.input_tokens == 20);
  CHECK(host.session.result().response.text == "Hel");
}

TEST_CASE("Session delivers a whole answer to a streamed request as events", "[session][stream]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini"}, true));
  host.replies.push_back(openai_json("whole", {}, 5, 1));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(host.streamed_text() == "whole");
}

TEST_CASE("Session answers a repeated request from the cache, at no cost", "[session][cache]") {
  MemoryStore store;
  ResponseCache cache(&store);
  auto run_once = [&](std::int64_t now_ms) {
    SessionConfig config = config_for({"openai-gpt-4o-mini"}, true);
    config.cache = &cache;
    config.cache_ttl_ms = 60'000;
    auto host = std::make_unique<ScriptedHost>(std::move(config));
    host->now_ms = now_ms;
    host->replies.push_back(openai_stream_text({"cached ", "answer"}, 10, 2));
    REQUIRE(host->run().kind == SessionAction::Kind::Done);
    return host;
  };
  auto first = run_once(1'764'000'000'000);
  CHECK(first->sent.size() == 1);
  CHECK_FALSE(first->session.result().from_cache);
  auto second = run_once(1'764'000'030'000);
  CHECK(second->sent.empty());
  CHECK(second->session.result().from_cache);
  CHECK(second->session.result().response.text == "cached answer");
  CHECK(second->streamed_text() == "cached answer");
  CHECK(second->session.result().usage.empty());
  CHECK(second->count(SessionEvent::Kind::CacheHit) == 1);
  // After the time to live, the provider is asked again.
  auto third = run_once(1'764'000'000'000 + 61'000);
  CHECK(third->sent.size() == 1);
}

TEST_CASE("Session refuses a call over budget before sending it", "[session][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("user:alice", 1'000'000).ok()); // $0.000001
  SessionConfig config = config_for({"openai-gpt-4o-mini"});
  config.ledger = &ledger;
  config.user = "alice";
  config.budget_scopes = {"user:alice"};
  ScriptedHost host(std::move(config));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::BudgetExceeded);
  // The refusal says what its estimate is made of: without max_tokens, the model's limit.
  CHECK_THAT(last.error.message,
             Catch::Matchers::Contains("input tokens, four times a rough count, and 16384 output "
                                       "tokens, the model's output limit: a max_tokens lowers it)"));
  CHECK(host.sent.empty());
  CHECK(ledger.records().value().empty());
}

TEST_CASE("Session stops a conversation that runs out of budget between rounds", "[session][budget]") {
  Ledger ledger;
  // Enough for the first call's worst case (its input and 100 tokens of output) but not for
  // a second one after the first one's actual spend.
  SessionConfig config = config_for({"openai-gpt-4o-mini"});
  config.request.tools.push_back(calculator_tool());
  config.request.max_tokens = 100;
  config.ledger = &ledger;
  config.budget_scopes = {"project:acme", "user:bob"};
  REQUIRE(ledger.set_budget("project:acme", 250'000'000).ok()); // $0.00025
  ScriptedHost host(std::move(config));
  host.replies.push_back(openai_json("", {{"c", "calculator", R"({"expression":"1+1"})"}}, 400, 100));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::BudgetExceeded);
  CHECK_THAT(last.error.message, Catch::Matchers::EndsWith(" output tokens, its max_tokens)"));
  CHECK_THAT(last.error.message, Catch::Matchers::Contains(" and 100 output tokens"));
  CHECK(host.sent.size() == 1);
  REQUIRE(ledger.records().value().size() == 1);
  CHECK(ledger.records().value()[0].usage.input_tokens == 400);
  CHECK(ledger.records().value()[0].outcome == "ok");
  CHECK(host.session.result().usage.input_tokens == 400);
}

TEST_CASE("Session cancelled mid-stream records the usage already spent", "[session][cancel]") {
  Ledger ledger;
  SessionConfig config = config_for({"anthropic-claude-3-5-sonnet-20241022"}, true);
  config.ledger = &ledger;
  config.user = "carol";
  ScriptedHost host(std::move(config));
  Reply reply = anthropic_stream_text({"Once", " upon", " a time"}, 30, 9);
  reply.cancel_after_chunks = 4;
  host.replies.push_back(reply);
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::Cancelled);
  CHECK(host.streamed_text() == "Once upon");
  REQUIRE(ledger.records().value().size() == 1);
  CHECK(ledger.records().value()[0].outcome == "cancelled");
  CHECK(ledger.records().value()[0].usage.input_tokens == 30);
  CHECK(ledger.records().value()[0].user == "carol");
  // Later inputs are ignored.
  host.session.on_response_end(host.now_ms);
  CHECK(host.session.next_action(host.now_ms).kind == SessionAction::Kind::Fail);
}

TEST_CASE("Session cancelled while waiting to retry fails with cancelled", "[session][cancel]") {
  ScriptedHost host(config_for({"openai-gpt-4o-mini"}));
  host.replies.push_back(openai_error(503, "overloaded"));
  SessionAction action = host.session.next_action(host.now_ms);
  REQUIRE(action.kind == SessionAction::Kind::Send);
  HttpResponseHead head;
  head.status = 503;
  host.session.on_response_head(head, host.now_ms);
  host.session.on_response_body(R"({"error":{"message":"busy","type":"server_error"}})", host.now_ms);
  host.session.on_response_end(host.now_ms);
  action = host.session.next_action(host.now_ms);
  REQUIRE(action.kind == SessionAction::Kind::Wait);
  // An early timer is a harmless no-op.
  host.session.on_timer(action.until_ms - 1);
  CHECK(host.session.next_action(host.now_ms).kind == SessionAction::Kind::Wait);
  host.session.cancel(host.now_ms + 5);
  CHECK(host.session.next_action(host.now_ms).kind == SessionAction::Kind::Fail);
  CHECK(host.session.result().error->code == ErrorCode::Cancelled);
}

TEST_CASE("Session refuses a request over the context window without sending it", "[session]") {
  SessionConfig config = config_for({"openai-gpt-3.5-turbo"});
  config.request.messages[0] = Message::user(std::string(70'000, 'x') + " end");
  ScriptedHost host(std::move(config));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::ContextLengthExceeded);
  CHECK(host.sent.empty());
}

TEST_CASE("Session dropped with a call in flight releases its reservation", "[session][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("user:erin", 20'000'000'000).ok()); // $0.02
  auto send = [&] {
    SessionConfig config = config_for({"openai-gpt-4o-mini"});
    config.ledger = &ledger;
    config.budget_scopes = {"user:erin"};
    auto session = std::make_unique<Session>(std::move(config));
    const SessionAction::Kind kind = session->next_action(1'764'000'000'000).kind;
    return std::make_pair(std::move(session), kind);
  };
  // One call's worst case is about $0.0098 (16K tokens of output): two fit, a third does not.
  auto first = send();
  auto second = send();
  REQUIRE(first.second == SessionAction::Kind::Send);
  REQUIRE(second.second == SessionAction::Kind::Send);
  CHECK(send().second == SessionAction::Kind::Fail);
  second.first.reset();
  CHECK(send().second == SessionAction::Kind::Send);
}

TEST_CASE("Session checks its configuration", "[session]") {
  SessionConfig empty;
  Session session(std::move(empty));
  auto action = session.next_action(0);
  REQUIRE(action.kind == SessionAction::Kind::Fail);
  CHECK(action.error.code == ErrorCode::InvalidArgument);
}

TEST_CASE("Budgets hold under many interleaved sessions", "[session][budget]") {
  // 40 sessions reserve before any of them settles: the ledger's reservations let only as
  // many through as the budget covers at their worst case.
  Ledger ledger;
  const Picodollars limit = 2'000'000'000; // $0.002
  REQUIRE(ledger.set_budget("project:acme", limit).ok());
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<SessionAction> actions;
  for (int i = 0; i < 40; ++i) {
    SessionConfig config = config_for({"openai-gpt-4o-mini"});
    config.request.max_tokens = 1000;
    config.ledger = &ledger;
    config.budget_scopes = {"project:acme"};
    sessions.push_back(std::make_unique<Session>(std::move(config)));
    actions.push_back(sessions.back()->next_action(1'764'000'000'000));
  }
  int sent = 0;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    if (actions[i].kind != SessionAction::Kind::Send) {
      CHECK(actions[i].error.code == ErrorCode::BudgetExceeded);
      continue;
    }
    ++sent;
    HttpResponseHead head;
    sessions[i]->on_response_head(head, 1'764'000'000'001);
    Reply reply = openai_json("ok", {}, 20, 1000);
    sessions[i]->on_response_body(reply.chunks[0], 1'764'000'000'001);
    sessions[i]->on_response_end(1'764'000'000'002);
    CHECK(sessions[i]->next_action(1'764'000'000'002).kind == SessionAction::Kind::Done);
  }
  CHECK(sent > 0);
  CHECK(sent < 40);
  CHECK(ledger.spent("project:acme", Period::Month, 1'764'000'000'002).value() <= limit);
}
