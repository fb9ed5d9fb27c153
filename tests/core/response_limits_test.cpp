// The body limits of limits.hpp as the core enforces them: the response decoder stops at the
// first byte past its limit, and a session fails the round there (so that its host stops
// reading) and moves on as for any bad answer.

#include <llmux/decode.hpp>
#include <llmux/limits.hpp>
#include <llmux/session.hpp>

#include "support/scripted_host.hpp"

#include <catch2/catch.hpp>

using namespace llmux;
using namespace llmux::testing;

namespace {

const std::string mebibyte(std::size_t{1} << 20, ' ');

HttpResponseHead head_of(int status, std::string content_type) {
  return HttpResponseHead{status, {{"content-type", std::move(content_type)}}, 0};
}

// Feeds `bytes` of spaces (JSON whitespace, SSE blank lines) a mebibyte at a time.
void feed_spaces(ResponseDecoder &decoder, std::size_t bytes) {
  for (; bytes >= mebibyte.size(); bytes -= mebibyte.size())
    decoder.feed(mebibyte);
  decoder.feed(mebibyte.substr(0, bytes));
}

} // namespace

TEST_CASE("A whole answer may be max_response_body_bytes long, and not a byte more", "[limits]") {
  const std::string answer = R"({"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]})";
  ResponseDecoder at_limit(Provider::OpenAi, false, head_of(200, "application/json"));
  at_limit.feed(answer);
  feed_spaces(at_limit, max_response_body_bytes - answer.size());
  CHECK_FALSE(at_limit.limit_error());
  DecodedResponse decoded = at_limit.finish();
  CHECK_FALSE(decoded.error);
  CHECK(decoded.response.text == "ok");

  ResponseDecoder past(Provider::OpenAi, false, head_of(200, "application/json"));
  past.feed(answer);
  feed_spaces(past, max_response_body_bytes - answer.size());
  past.feed(" ");
  REQUIRE(past.limit_error());
  CHECK(past.limit_error()->code == ErrorCode::BadResponse);
  CHECK(past.limit_error()->http_status == 200);
  CHECK(past.limit_error()->message ==
        "the response is too large: a whole answer is longer than max_response_body_bytes (32 MiB)");
  past.feed("more bytes are ignored");
  DecodedResponse refused = past.finish();
  REQUIRE(refused.error);
  CHECK(*refused.error == *past.limit_error());
  CHECK(refused.response.text.empty());
}

TEST_CASE("An error body is held to max_error_body_bytes", "[limits]") {
  ResponseDecoder decoder(Provider::OpenAi, false, head_of(502, "text/html"));
  feed_spaces(decoder, max_error_body_bytes);
  CHECK_FALSE(decoder.limit_error());
  decoder.feed("<");
  REQUIRE(decoder.limit_error());
  CHECK(decoder.limit_error()->http_status == 502);
  CHECK(decoder.limit_error()->message ==
        "the response is too large: an error body is longer than max_error_body_bytes (1 MiB)");
}

TEST_CASE("A stream is held to max_stream_body_bytes in all, and keeps what it delivered", "[limits]") {
  ResponseDecoder decoder(Provider::OpenAi, true, head_of(200, "text/event-stream"));
  std::vector<StreamEvent> events;
  decoder.feed(openai_chunk(R"({"content":"kept"})"), events);
  CHECK(events.size() == 1);
  // Blank lines are legal between events, and no event: only the total limit stops them.
  feed_spaces(decoder, max_stream_body_bytes);
  REQUIRE(decoder.limit_error());
  CHECK(decoder.limit_error()->message ==
        "the response is too large: a stream is longer than max_stream_body_bytes (64 MiB)");
  DecodedResponse decoded = decoder.finish();
  REQUIRE(decoded.error);
  CHECK(decoded.error->code == ErrorCode::BadResponse);
  CHECK(decoded.response.text == "kept");
}

TEST_CASE("A session fails the round at the first byte past a body limit and falls back",
          "[limits][session]") {
  const Catalog catalog = Catalog::builtin();
  const Settings settings = {{"OPENAI_API_KEY", "sk-test-openai"},
                             {"ANTHROPIC_API_KEY", "sk-ant-test"},
                             {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                             {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9"}};
  SessionConfig config;
  for (const char *name : {"openai-gpt-4o-mini", "anthropic-claude-3-5-sonnet-20241022"}) {
    auto resolved = resolve_model(catalog, name, settings);
    REQUIRE(resolved.ok());
    config.models.push_back(std::move(resolved).value());
  }
  config.request.messages.push_back(Message::user("hi"));
  Session session(std::move(config));
  REQUIRE(session.next_action(0).kind == SessionAction::Kind::Send);
  session.on_response_head(head_of(200, "application/json"), 0);
  std::size_t fed = 0;
  while (session.awaiting_response() && fed <= max_response_body_bytes) {
    session.on_response_body(mebibyte, 0);
    fed += mebibyte.size();
  }
  // Not awaiting from the mebibyte that passed the limit: the host stops reading there.
  CHECK_FALSE(session.awaiting_response());
  CHECK(fed == max_response_body_bytes + mebibyte.size());
  // bad_response is not retried (the same answer would come again): the next model is asked.
  SessionAction next = session.next_action(0);
  REQUIRE(next.kind == SessionAction::Kind::Send);
  CHECK(next.request.url == "http://127.0.0.1:9/v1/messages");
  REQUIRE(session.result().models_tried[0].error);
  CHECK(session.result().models_tried[0].error->code == ErrorCode::BadResponse);
  CHECK(session.result().models_tried[0].error->message.find("max_response_body_bytes") !=
        std::string::npos);
}
