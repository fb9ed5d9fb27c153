// The gateway's response writers (serve.hpp) as the inverse of the adapters' decoders: what
// write_openai_chat_completion and OpenAiChunkWriter write, the OpenAI adapter decodes back to
// the same response and events; the same for Anthropic. Then errors, whole and in streams.

#include <llmux/llmux.hpp>
#include <llmux/serve.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace llmux;

namespace {

const ResponseIdentity identity{"gw-model", "resp_1", 1700000000};

Usage usage_of(std::int64_t input, std::int64_t output) {
  Usage usage;
  usage.input_tokens = input;
  usage.output_tokens = output;
  return usage;
}

DecodedResponse decode_whole(Provider provider, const std::string &body, int status = 200) {
  HttpResponseHead head;
  head.status = status;
  return decode(provider, false, head, body);
}

std::vector<StreamEvent> decode_events(Provider provider, const std::string &bytes) {
  auto decoder = make_adapter(provider)->new_stream_decoder();
  std::vector<StreamEvent> events;
  // Byte by byte: the SSE framing is the decoder's business, any split gives the same events.
  for (char c : bytes)
    decoder->feed(std::string_view(&c, 1), events);
  decoder->finish(events);
  return events;
}

// A response as the decoders give it back, for each finish reason.
ChatResponse tool_response(FinishReason reason, std::string raw) {
  ChatResponse response;
  response.id = identity.id;
  response.model = identity.model;
  response.text = "Checking both.";
  response.tool_calls = {ToolCall{"call_1", "get_weather", R"({"city":"Paris"})"},
                         ToolCall{"call_2", "get_time", R"({"zone":"CET"})"}};
  response.finish_reason = reason;
  response.finish_reason_raw = std::move(raw);
  response.usage = usage_of(120, 45);
  return response;
}

// Writes the events through `writer` one at a time and, in a second writer, in two batches
// cut at every point: the bytes must not depend on the batching.
template <class Writer, class Make>
std::string write_all(Make make, const std::vector<StreamEvent> &events) {
  Writer writer = make();
  std::string one_by_one;
  for (const StreamEvent &event : events) {
    std::string piece;
    writer.write(event, piece);
    one_by_one += piece;
  }
  writer.finish(one_by_one);
  for (std::size_t cut = 0; cut <= events.size(); ++cut) {
    Writer batched = make();
    std::string first;
    std::string second;
    for (std::size_t i = 0; i < events.size(); ++i)
      batched.write(events[i], i < cut ? first : second);
    batched.finish(second);
    CHECK(first + second == one_by_one);
  }
  return one_by_one;
}

std::string openai_stream(const std::vector<StreamEvent> &events, bool include_usage = true) {
  return write_all<OpenAiChunkWriter>([&] { return OpenAiChunkWriter(identity, include_usage); },
                                      events);
}

std::string anthropic_stream(const std::vector<StreamEvent> &events) {
  return write_all<AnthropicEventWriter>([] { return AnthropicEventWriter(identity); }, events);
}

} // namespace

TEST_CASE("A whole OpenAI completion decodes back to the response", "[serve][openai]") {
  const std::pair<FinishReason, const char *> reasons[] = {
      {FinishReason::Stop, "stop"},
      {FinishReason::Length, "length"},
      {FinishReason::ToolCalls, "tool_calls"},
      {FinishReason::ContentFilter, "content_filter"},
      {FinishReason::Other, "pause_turn"}};
  for (auto [reason, raw] : reasons) {
    ChatResponse response = tool_response(reason, raw);
    response.usage.total_tokens = 165;
    response.usage.cached_input_tokens = 100;
    response.usage.reasoning_tokens = 20;
    response.reasoning = "Two calls at once.";
    response.reasoning_blocks = {Reasoning{"Two calls at once.", "", ""}};
    response.refusal = "";
    const std::string body = write_openai_chat_completion(response, identity);
    INFO(body);
    DecodedResponse decoded = decode_whole(Provider::OpenAi, body);
    REQUIRE_FALSE(decoded.error);
    CHECK(decoded.response == response);
  }
  ChatResponse refusal;
  refusal.refusal = "I can't help with that.";
  refusal.finish_reason = FinishReason::Stop;
  const std::string body = write_openai_chat_completion(refusal, identity);
  CHECK(decode_whole(Provider::OpenAi, body).response.refusal == refusal.refusal);
  // No reason reported upstream: OpenAI's callers get "stop".
  ChatResponse none;
  none.text = "hi";
  CHECK(nlohmann::json::parse(
            write_openai_chat_completion(none, identity))["choices"][0]["finish_reason"] == "stop");
}

TEST_CASE("A whole Anthropic message decodes back to the response", "[serve][anthropic]") {
  const std::pair<FinishReason, const char *> reasons[] = {
      {FinishReason::Stop, "end_turn"},         {FinishReason::Stop, "stop_sequence"},
      {FinishReason::Length, "max_tokens"},     {FinishReason::ToolCalls, "tool_use"},
      {FinishReason::ContentFilter, "refusal"}, {FinishReason::Other, "pause_turn"}};
  for (auto [reason, raw] : reasons) {
    ChatResponse response = tool_response(reason, raw);
    response.usage.cached_input_tokens = 100;
    response.usage.cache_write_input_tokens = 7;
    response.reasoning = "Two calls at once.";
    response.reasoning_blocks = {Reasoning{"Two calls at once.", "sig-A", ""},
                                 Reasoning{"", "", "REDACTED=="}};
    auto body = write_anthropic_message(response, identity);
    REQUIRE(body.ok());
    INFO(body.value());
    DecodedResponse decoded = decode_whole(Provider::Anthropic, body.value());
    REQUIRE_FALSE(decoded.error);
    CHECK(decoded.response == response);
  }
  ChatResponse broken;
  broken.tool_calls = {ToolCall{"c", "f", "{not json"}};
  CHECK(write_anthropic_message(broken, identity).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("An OpenAI chunk stream decodes back to the same events", "[serve][openai]") {
  const std::vector<StreamEvent> events = {
      StreamEvent::reasoning_delta(0, "Think"),
      StreamEvent::reasoning_delta(0, "ing."),
      StreamEvent::text_delta("Hello"),
      StreamEvent::text_delta(", \"world\"\n"),
      StreamEvent::tool_call_start(0, "call_1", "get_weather"),
      StreamEvent::tool_call_delta(0, R"({"city":)"),
      StreamEvent::tool_call_delta(0, R"("Paris"})"),
      StreamEvent::tool_call_start(1, "call_2", "get_time"),
      StreamEvent::tool_call_delta(1, "{}"),
      StreamEvent::tool_call_end(0, "call_1", "get_weather", R"({"city":"Paris"})"),
      StreamEvent::tool_call_end(1, "call_2", "get_time", "{}"),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_calls"),
      StreamEvent::usage_report(usage_of(10, 20)),
  };
  const std::string bytes = openai_stream(events);
  INFO(bytes);
  CHECK(decode_events(Provider::OpenAi, bytes) == events);
  CHECK(bytes.rfind("data: [DONE]\n\n") == bytes.size() - 14);

  for (auto [reason, raw] :
       {std::pair{FinishReason::Stop, "stop"}, std::pair{FinishReason::Length, "length"},
        std::pair{FinishReason::ContentFilter, "content_filter"}}) {
    const std::vector<StreamEvent> short_events = {StreamEvent::text_delta("x"),
                                                   StreamEvent::finish(reason, raw)};
    CHECK(decode_events(Provider::OpenAi, openai_stream(short_events, false)) == short_events);
  }
}

TEST_CASE("OpenAI chunks: a call that arrives whole goes out whole, usage only when asked",
          "[serve][openai]") {
  // Gemini's decoder sends a call's start and end, with all its arguments at the end.
  const std::vector<StreamEvent> events = {
      StreamEvent::tool_call_start(0, "call_g", "lookup"),
      StreamEvent::tool_call_end(0, "call_g", "lookup", R"({"q":1})"),
      StreamEvent::usage_report(usage_of(3, 4)),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_calls"),
  };
  const std::string without_usage = openai_stream(events, false);
  const std::vector<StreamEvent> decoded = decode_events(Provider::OpenAi, without_usage);
  REQUIRE(decoded.size() == 4);
  CHECK(decoded[2] == events[1]);
  CHECK(decoded[3] == events[3]);
  CHECK(without_usage.find("\"usage\"") == std::string::npos);
  CHECK(openai_stream(events, true)
            .find(R"("choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}})") !=
        std::string::npos);
}

TEST_CASE("An Anthropic event stream decodes back to the same events", "[serve][anthropic]") {
  const std::vector<StreamEvent> events = {
      StreamEvent::usage_report(usage_of(50, 1)),
      StreamEvent::reasoning_delta(0, "Let me "),
      StreamEvent::reasoning_delta(0, "think."),
      StreamEvent::reasoning_signature(0, "sig-0"),
      StreamEvent::redacted_reasoning(1, "REDACTED=="),
      StreamEvent::text_delta("Checking "),
      StreamEvent::text_delta("both."),
      StreamEvent::tool_call_start(0, "toolu_1", "get_weather"),
      StreamEvent::tool_call_delta(0, R"({"city":)"),
      StreamEvent::tool_call_delta(0, R"("Paris"})"),
      StreamEvent::tool_call_end(0, "toolu_1", "get_weather", R"({"city":"Paris"})"),
      StreamEvent::tool_call_start(1, "toolu_2", "get_time"),
      StreamEvent::tool_call_end(1, "toolu_2", "get_time", ""),
      StreamEvent::usage_report(usage_of(50, 80)),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_use"),
  };
  const std::string bytes = anthropic_stream(events);
  INFO(bytes);
  CHECK(decode_events(Provider::Anthropic, bytes) == events);

  for (auto [reason, raw] :
       {std::pair{FinishReason::Stop, "end_turn"}, std::pair{FinishReason::Stop, "stop_sequence"},
        std::pair{FinishReason::Length, "max_tokens"},
        std::pair{FinishReason::ContentFilter, "refusal"},
        std::pair{FinishReason::Other, "pause_turn"}}) {
    const std::vector<StreamEvent> short_events = {
        StreamEvent::usage_report(usage_of(5, 0)), StreamEvent::text_delta("x"),
        StreamEvent::usage_report(usage_of(5, 9)), StreamEvent::finish(reason, raw)};
    CHECK(decode_events(Provider::Anthropic, anthropic_stream(short_events)) == short_events);
  }
}

TEST_CASE("A stream from one format goes out in the other", "[serve]") {
  // What an OpenAI upstream's decoder gives (usage last, after the finish) written for an
  // Anthropic caller, and the reverse: the content and the reason survive.
  const std::vector<StreamEvent> from_openai = {
      StreamEvent::text_delta("Hi"),
      StreamEvent::tool_call_start(0, "call_1", "f"),
      StreamEvent::tool_call_delta(0, "{\"a\":1}"),
      StreamEvent::tool_call_end(0, "call_1", "f", "{\"a\":1}"),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_calls"),
      StreamEvent::usage_report(usage_of(7, 8)),
  };
  auto decoded = decode_events(Provider::Anthropic, anthropic_stream(from_openai));
  const std::vector<StreamEvent> expected = {
      StreamEvent::text_delta("Hi"),
      StreamEvent::tool_call_start(0, "call_1", "f"),
      StreamEvent::tool_call_delta(0, "{\"a\":1}"),
      StreamEvent::tool_call_end(0, "call_1", "f", "{\"a\":1}"),
      StreamEvent::usage_report(usage_of(7, 8)),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_use"),
  };
  CHECK(decoded == expected);
}

TEST_CASE("Errors go out with each API's status and shape, without keys", "[serve]") {
  struct Case {
    ErrorCode code;
    int openai_status;
    int anthropic_status;
    const char *anthropic_type;
    ErrorCode read_back; // what an adapter makes of the reply
  };
  const Case cases[] = {
      {ErrorCode::InvalidArgument, 400, 400, "invalid_request_error", ErrorCode::InvalidRequest},
      {ErrorCode::AuthFailed, 401, 401, "authentication_error", ErrorCode::AuthFailed},
      {ErrorCode::PermissionDenied, 403, 403, "permission_error", ErrorCode::PermissionDenied},
      {ErrorCode::UnknownModel, 404, 404, "not_found_error", ErrorCode::NotFound},
      {ErrorCode::RateLimited, 429, 429, "rate_limit_error", ErrorCode::RateLimited},
      {ErrorCode::Overloaded, 503, 529, "overloaded_error", ErrorCode::Overloaded},
      {ErrorCode::ServerError, 500, 500, "api_error", ErrorCode::ServerError},
      {ErrorCode::BudgetExceeded, 429, 402, "billing_error", ErrorCode::QuotaExceeded},
  };
  SecretScrubber scrubber;
  scrubber.add("sk-live-1234567890abcdef");
  for (const Case &c : cases) {
    Error error =
        make_error(c.code, ErrorOrigin::Provider, "upstream said: no (sk-live-1234567890abcdef)");
    ErrorReply openai = write_openai_error(error, scrubber);
    ErrorReply anthropic = write_anthropic_error(error, scrubber);
    CHECK(openai.http_status == c.openai_status);
    CHECK(anthropic.http_status == c.anthropic_status);
    CHECK(openai.body.find("sk-live") == std::string::npos);
    CHECK(anthropic.body.find("sk-live") == std::string::npos);
    auto body = nlohmann::json::parse(anthropic.body);
    CHECK(body["type"] == "error");
    CHECK(body["error"]["type"] == c.anthropic_type);
    // The adapters read them back as the same kind of error.
    HttpResponseHead head;
    head.status = openai.http_status;
    CHECK(make_adapter(Provider::OpenAi)->decode_error(head, openai.body).code == c.read_back);
    head.status = anthropic.http_status;
    CHECK(make_adapter(Provider::Anthropic)->decode_error(head, anthropic.body).code ==
          c.read_back);
  }
  Error bad = make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, "n: only one choice");
  bad.param = "n";
  auto body = nlohmann::json::parse(write_openai_error(bad).body);
  CHECK(body["error"]["param"] == "n");
  CHECK(body["error"]["type"] == "invalid_request_error");
  CHECK(body["error"]["code"].is_null());
}

TEST_CASE("An error mid-stream ends each stream in its API's shape", "[serve]") {
  Error overloaded = make_error(ErrorCode::Overloaded, ErrorOrigin::Provider, "Overloaded");
  const std::vector<StreamEvent> events = {StreamEvent::text_delta("partial"),
                                           StreamEvent::failure(overloaded)};
  OpenAiChunkWriter openai(identity, true);
  std::string openai_bytes;
  for (const StreamEvent &event : events)
    openai.write(event, openai_bytes);
  openai.finish(openai_bytes); // after the error: nothing more, no [DONE]
  CHECK(openai_bytes.find("[DONE]") == std::string::npos);
  auto decoded = decode_events(Provider::OpenAi, openai_bytes);
  REQUIRE(decoded.size() == 2);
  CHECK(decoded[0] == events[0]);
  CHECK(decoded[1].type == StreamEventType::Error);
  CHECK(decoded[1].error.message == "Overloaded");

  AnthropicEventWriter anthropic(identity);
  std::string anthropic_bytes;
  for (const StreamEvent &event : events)
    anthropic.write(event, anthropic_bytes);
  anthropic.finish(anthropic_bytes);
  CHECK(anthropic_bytes.find("message_stop") == std::string::npos);
  decoded = decode_events(Provider::Anthropic, anthropic_bytes);
  REQUIRE(decoded.size() == 2);
  CHECK(decoded[1].type == StreamEventType::Error);
  CHECK(decoded[1].error.code == ErrorCode::Overloaded);
  CHECK(decoded[1].error.in_stream);
}
