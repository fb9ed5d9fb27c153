// The session's deadline (SessionConfig::timeout_ms), driven by hand with fake time: each test
// says when every input arrives, so that what the deadline allows is exact.

#include <llmux/builtin_tools.hpp>
#include <llmux/session.hpp>

#include "support/scripted_host.hpp"

#include <catch2/catch.hpp>

using namespace llmux;
using namespace llmux::testing;

namespace {

constexpr std::int64_t start_ms = 1'764'000'000'000;

ResolvedModel model(std::string_view name) {
  static const Catalog catalog = Catalog::builtin();
  static const Settings settings = {{"OPENAI_API_KEY", "sk-test-openai"},
                                    {"ANTHROPIC_API_KEY", "sk-ant-test"},
                                    {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                                    {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9"}};
  auto resolved = resolve_model(catalog, name, settings);
  REQUIRE(resolved.ok());
  return std::move(resolved).value();
}

SessionConfig config_for(std::vector<std::string> models, std::int64_t timeout_ms) {
  SessionConfig config;
  for (const std::string &name : models)
    config.models.push_back(model(name));
  config.request.messages.push_back(Message::user("What is 2+2?"));
  config.timeout_ms = timeout_ms;
  return config;
}

// Feeds `reply` (head and every chunk) at `at_ms`, without its end.
void feed(Session &session, const Reply &reply, std::int64_t at_ms) {
  session.on_response_head(HttpResponseHead{reply.status, reply.headers, at_ms}, at_ms);
  for (const std::string &chunk : reply.chunks)
    session.on_response_body(chunk, at_ms);
}

std::size_t count(const std::vector<SessionEvent> &events, SessionEvent::Kind kind) {
  std::size_t n = 0;
  for (const SessionEvent &event : events)
    n += event.kind == kind;
  return n;
}

} // namespace

TEST_CASE("Session hands its deadline to every Send, counted from its start", "[session][deadline]") {
  Session session(config_for({"openai-gpt-4o-mini"}, 10'000));
  SessionAction send = session.next_action(start_ms);
  REQUIRE(send.kind == SessionAction::Kind::Send);
  CHECK(send.deadline_ms == start_ms + 10'000);
  CHECK(session.awaiting_response());
  // A retry's Send carries the same deadline, not one counted from the retry.
  session.on_transport_error(transport_failure(ErrorCode::Network, "reset"), start_ms + 100);
  CHECK_FALSE(session.awaiting_response());
  SessionAction wait = session.next_action(start_ms + 100);
  REQUIRE(wait.kind == SessionAction::Kind::Wait);
  session.on_timer(wait.until_ms);
  SessionAction again = session.next_action(wait.until_ms);
  REQUIRE(again.kind == SessionAction::Kind::Send);
  CHECK(again.deadline_ms == start_ms + 10'000);

  Session unlimited(config_for({"openai-gpt-4o-mini"}, 0));
  CHECK(unlimited.next_action(start_ms).deadline_ms == 0);
}

TEST_CASE("Session fails with timeout when its deadline passes mid-answer, and keeps what was spent",
          "[session][deadline]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"}, 5'000);
  config.request.stream = true;
  Session session(std::move(config));
  REQUIRE(session.next_action(start_ms).kind == SessionAction::Kind::Send);
  // A stream that delivered its first words and its usage, then was cut at the deadline.
  Reply partial = openai_stream_text({"The ", "answer"}, 12, 3);
  partial.chunks.resize(partial.chunks.size() - 1); // no [DONE]
  feed(session, partial, start_ms + 1'000);
  session.on_transport_error(
      transport_failure(ErrorCode::Timeout, "the call's deadline passed during the exchange"),
      start_ms + 5'000);
  SessionAction last = session.next_action(start_ms + 5'000);
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::Timeout);
  CHECK(session.result().usage.input_tokens == 12);
  CHECK(session.result().usage.output_tokens == 3);
  CHECK(session.result().response.text == "The answer");
}

TEST_CASE("Session neither retries nor falls back once its deadline has passed", "[session][deadline]") {
  Session session(config_for({"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"}, 5'000));
  REQUIRE(session.next_action(start_ms).kind == SessionAction::Kind::Send);
  // The first attempt spent tokens and failed with a retryable error, just after the deadline.
  Reply failed = openai_error(500, "server_error");
  feed(session, failed, start_ms + 5'000);
  session.on_response_end(start_ms + 5'000);
  SessionAction last = session.next_action(start_ms + 5'000);
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::Timeout);
  CHECK(last.error.message.find("within its timeout of 5000 ms") != std::string::npos);
  CHECK(last.error.message.find("scripted server_error") != std::string::npos);
  const SessionResult &result = session.result();
  REQUIRE(result.models_tried.size() == 1);
  CHECK(result.models_tried[0].attempts == 1);
  REQUIRE(result.models_tried[0].error);
  CHECK(result.models_tried[0].error->code == ErrorCode::ServerError);
  std::vector<SessionEvent> events = session.take_events();
  CHECK(count(events, SessionEvent::Kind::Retrying) == 0);
  CHECK(count(events, SessionEvent::Kind::FallingBack) == 0);
  REQUIRE(events.back().kind == SessionEvent::Kind::Failed);
  CHECK(events.back().error.code == ErrorCode::Timeout);
}

namespace {

// Answers a session's first request, 10 ms after its start, with a 429 whose Retry-After is
// `retry_after_s`; returns the session's next action.
SessionAction after_rate_limit(Session &session, const char *retry_after_s) {
  REQUIRE(session.next_action(start_ms).kind == SessionAction::Kind::Send);
  feed(session, openai_error(429, "rate_limit_exceeded", {{"retry-after", retry_after_s}}),
       start_ms + 10);
  session.on_response_end(start_ms + 10);
  return session.next_action(start_ms + 10);
}

} // namespace

TEST_CASE("Session makes no retry whose wait would end after its deadline", "[session][deadline]") {
  SECTION("alone, it fails with the attempt's own error") {
    Session session(config_for({"openai-gpt-4o-mini"}, 3'000));
    // Retry-After 5 s: the retry would start 2 s after the deadline.
    SessionAction last = after_rate_limit(session, "5");
    REQUIRE(last.kind == SessionAction::Kind::Fail);
    CHECK(last.error.code == ErrorCode::RateLimited);
    CHECK(count(session.take_events(), SessionEvent::Kind::Retrying) == 0);
  }
  SECTION("with a fallback, the chain moves on at once") {
    Session session(config_for({"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"}, 3'000));
    SessionAction next = after_rate_limit(session, "5");
    REQUIRE(next.kind == SessionAction::Kind::Send);
    CHECK(next.request.url == "http://127.0.0.1:9/v1/messages");
    CHECK(next.deadline_ms == start_ms + 3'000);
  }
  SECTION("a wait that ends before the deadline is made") {
    Session session(config_for({"openai-gpt-4o-mini"}, 3'000));
    SessionAction wait = after_rate_limit(session, "2");
    REQUIRE(wait.kind == SessionAction::Kind::Wait);
    CHECK(wait.until_ms == start_ms + 2'010);
  }
}

TEST_CASE("Session's deadline covers its tool rounds", "[session][deadline][tools]") {
  SessionConfig config = config_for({"openai-gpt-4o-mini"}, 5'000);
  const Tool *calculator = find_builtin_tool("calculator");
  REQUIRE(calculator);
  config.request.tools.push_back(*calculator);
  Session session(std::move(config));
  REQUIRE(session.next_action(start_ms).kind == SessionAction::Kind::Send);
  Reply asks = openai_json("", {{"call_1", "calculator", R"({"expression":"2+2"})"}}, 50, 10);
  feed(session, asks, start_ms + 100);
  session.on_response_end(start_ms + 100);
  SessionAction tools = session.next_action(start_ms + 100);
  REQUIRE(tools.kind == SessionAction::Kind::RunTools);
  // The tools took until past the deadline: the next round is not sent.
  session.on_tool_results({ToolOutput{"call_1", true, "4", std::nullopt}}, start_ms + 6'000);
  SessionAction last = session.next_action(start_ms + 6'000);
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::Timeout);
  CHECK(session.result().model_calls == 1);
  CHECK(session.result().usage.input_tokens == 50);
  CHECK(session.result().tools_called.size() == 1);
}
