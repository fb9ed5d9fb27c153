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
const std::string blank_lines(std::size_t{1} << 20, '\n');

HttpResponseHead head_of(int status, std::string content_type) {
  return HttpResponseHead{status, {{"content-type", std::move(content_type)}}, 0};
}

// Feeds `bytes` of `filler` (JSON whitespace, SSE blank lines) a mebibyte at a time.
void feed_filler(ResponseDecoder &decoder, std::size_t bytes, const std::string &filler = mebibyte) {
  for (; bytes >= filler.size(); bytes -= filler.size())
    decoder.feed(filler);
  decoder.feed(filler.substr(0, bytes));
}

} // namespace

TEST_CASE("A whole answer may be max_response_body_bytes long, and not a byte more", "[limits]") {
  const std::string answer = R"({"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]})";
  ResponseDecoder at_limit(Provider::OpenAi, false, head_of(200, "application/json"));
  at_limit.feed(answer);
  feed_filler(at_limit, max_response_body_bytes - answer.size());
  CHECK_FALSE(at_limit.error());
  DecodedResponse decoded = at_limit.finish();
  CHECK_FALSE(decoded.error);
  CHECK(decoded.response.text == "ok");

  ResponseDecoder past(Provider::OpenAi, false, head_of(200, "application/json"));
  past.feed(answer);
  feed_filler(past, max_response_body_bytes - answer.size());
  past.feed(" ");
  REQUIRE(past.error());
  CHECK(past.error()->code == ErrorCode::BadResponse);
  CHECK(past.error()->http_status == 200);
  CHECK(past.error()->message ==
        "the response is too large: a whole answer is longer than max_response_body_bytes (32 MiB)");
  past.feed("more bytes are ignored");
  DecodedResponse refused = past.finish();
  REQUIRE(refused.error);
  CHECK(*refused.error == *past.error());
  CHECK(refused.response.text.empty());
}

TEST_CASE("An error body is held to max_error_body_bytes", "[limits]") {
  ResponseDecoder decoder(Provider::OpenAi, false, head_of(502, "text/html"));
  feed_filler(decoder, max_error_body_bytes);
  CHECK_FALSE(decoder.error());
  decoder.feed("<");
  REQUIRE(decoder.error());
  CHECK(decoder.error()->http_status == 502);
  CHECK(decoder.error()->message ==
        "the response is too large: an error body is longer than max_error_body_bytes (1 MiB)");
}

TEST_CASE("A stream is held to max_stream_body_bytes in all, and keeps what it delivered", "[limits]") {
  ResponseDecoder decoder(Provider::OpenAi, true, head_of(200, "text/event-stream"));
  std::vector<StreamEvent> events;
  decoder.feed(openai_chunk(R"({"content":"kept"})"), events);
  CHECK(events.size() == 1);
  // Blank lines are legal between events, and make no event: only the total limit stops them.
  feed_filler(decoder, max_stream_body_bytes, blank_lines);
  REQUIRE(decoder.error());
  CHECK(decoder.error()->message ==
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

TEST_CASE("A stream whose framing breaks is given up at once, not at its end", "[limits]") {
  // One SSE line past its 16 MiB: nothing after it can be framed, so nothing waits for more.
  ResponseDecoder decoder(Provider::OpenAi, true, head_of(200, "text/event-stream"));
  std::vector<StreamEvent> events;
  decoder.feed("data: ", events);
  for (int i = 0; i < 16 && !decoder.error(); ++i)
    decoder.feed(mebibyte, events);
  REQUIRE(decoder.error());
  CHECK(decoder.error()->message == "an event stream line is longer than 16777216 bytes");
  // A provider's own error inside a stream is the session's to judge, at the body's end.
  ResponseDecoder provider_error(Provider::OpenAi, true, head_of(200, "text/event-stream"));
  provider_error.feed(R"(data: {"error": {"message": "overloaded", "type": "server_error"}})"
                      "\n\n",
                      events);
  CHECK(events.back().type == StreamEventType::Error);
  CHECK_FALSE(provider_error.error());
}
