// Usage counts no tokenizer produced (-5, 2^62, 1.5, "12") are recorded as unknown with a
// warning, in every wire format, whole and streamed; the answer is kept.

#include <llmux/decode.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace llmux;

namespace {

HttpResponseHead head_of(std::string content_type) {
  HttpResponseHead head;
  head.status = 200;
  head.headers = {{"content-type", std::move(content_type)}};
  return head;
}

DecodedResponse whole(Provider provider, const std::string &body) {
  return decode(provider, false, head_of("application/json"), body);
}

std::string warning(std::string_view key, std::string_view value) {
  return "the provider reported " + std::string(key) + " = " + std::string(value) +
         ", which is not a token count: recorded as unknown";
}

} // namespace

TEST_CASE("OpenAI usage: negative, absurd, fractional and string counts are unknown, with warnings",
          "[usage-sanitizing]") {
  const DecodedResponse decoded = whole(Provider::OpenAi, R"({
    "id": "c1", "object": "chat.completion", "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "kept"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": -5, "completion_tokens": 4611686018427387904, "total_tokens": 1.5,
              "prompt_tokens_details": {"cached_tokens": "12"},
              "completion_tokens_details": {"reasoning_tokens": 3}}})");
  REQUIRE_FALSE(decoded.error);
  CHECK(decoded.response.text == "kept");
  const Usage &usage = decoded.response.usage;
  CHECK_FALSE(usage.input_tokens);
  CHECK_FALSE(usage.output_tokens);
  CHECK_FALSE(usage.total_tokens);
  CHECK_FALSE(usage.cached_input_tokens);
  CHECK(usage.reasoning_tokens == 3);
  CHECK(usage.warnings == std::vector<std::string>{
                              warning("prompt_tokens", "-5"),
                              warning("completion_tokens", "4611686018427387904"),
                              warning("total_tokens", "1.5"),
                              warning("cached_tokens", "\"12\""),
                          });
}

TEST_CASE("A count of max_token_count is believed, one more is not", "[usage-sanitizing]") {
  const DecodedResponse decoded = whole(Provider::Ollama, R"({
    "model": "m", "message": {"role": "assistant", "content": "ok"}, "done": true,
    "prompt_eval_count": 1000000000, "eval_count": 1000000001})");
  REQUIRE_FALSE(decoded.error);
  CHECK(decoded.response.usage.input_tokens == max_token_count);
  CHECK_FALSE(decoded.response.usage.output_tokens);
  CHECK(decoded.response.usage.warnings ==
        std::vector<std::string>{warning("eval_count", "1000000001")});
}

TEST_CASE("A value shown in a warning is JSON, cut at 40 bytes: no control characters reach it",
          "[usage-sanitizing]") {
  const DecodedResponse decoded = whole(Provider::Anthropic, R"({
    "id": "m1", "type": "message", "role": "assistant", "model": "m",
    "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
    "usage": {"input_tokens": "\u001b[2J\u001b[31mforged row\nuser:x 0 tokens $0.00 and more text", "output_tokens": 2}})");
  REQUIRE_FALSE(decoded.error);
  CHECK(decoded.response.usage.output_tokens == 2);
  REQUIRE(decoded.response.usage.warnings.size() == 1);
  CHECK(decoded.response.usage.warnings[0] ==
        warning("input_tokens", R"("\u001b[2J\u001b[31mforged row\nuser:x 0...)"));
}

TEST_CASE("Streamed usage is sanitized too, and a repeated warning is kept once",
          "[usage-sanitizing]") {
  // Gemini reports usage on every chunk.
  const std::string chunk =
      R"(data: {"candidates": [{"content": {"parts": [{"text": "hi"}], "role": "model"}, "index": 0}],)"
      R"( "usageMetadata": {"promptTokenCount": -1, "candidatesTokenCount": 2, "totalTokenCount": 1}})"
      "\r\n\r\n";
  const std::string last =
      R"(data: {"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "STOP", "index": 0}],)"
      R"( "usageMetadata": {"promptTokenCount": -1, "candidatesTokenCount": 3, "totalTokenCount": 2}})"
      "\r\n\r\n";
  const DecodedResponse decoded =
      decode(Provider::Gemini, true, head_of("text/event-stream"), chunk + chunk + last);
  REQUIRE_FALSE(decoded.error);
  CHECK(decoded.response.text == "hihi");
  CHECK_FALSE(decoded.response.usage.input_tokens);
  CHECK(decoded.response.usage.output_tokens == 3);
  CHECK(decoded.response.usage.warnings ==
        std::vector<std::string>{warning("promptTokenCount", "-1")});
}

TEST_CASE("Cohere's billed units and Ollama's counts go through the same check",
          "[usage-sanitizing]") {
  const DecodedResponse cohere = whole(Provider::Cohere, R"({
    "id": "x", "finish_reason": "COMPLETE",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
    "usage": {"billed_units": {"input_tokens": 5, "output_tokens": -2},
              "tokens": {"input_tokens": 5, "output_tokens": 2}}})");
  REQUIRE_FALSE(cohere.error);
  CHECK(cohere.response.usage.billed_input_tokens == 5);
  CHECK_FALSE(cohere.response.usage.billed_output_tokens);
  CHECK(cohere.response.usage.output_tokens == 2);
  CHECK(cohere.response.usage.warnings == std::vector<std::string>{warning("output_tokens", "-2")});
}

TEST_CASE("Usage::add and merge keep each warning once", "[usage-sanitizing]") {
  Usage first;
  first.warnings = {"a", "b"};
  Usage second;
  second.warnings = {"b", "c"};
  second.input_tokens = 4;
  Usage sum = first;
  sum.add(second);
  CHECK(sum.warnings == std::vector<std::string>{"a", "b", "c"});
  CHECK(sum.input_tokens == 4);
  first.merge(second);
  CHECK(first.warnings == std::vector<std::string>{"a", "b", "c"});
  // A report whose every count was refused was still a report: it is recorded.
  CHECK_FALSE(Usage{{}, {}, {}, {}, {}, {}, {}, {}, {"only a warning"}}.empty());
  CHECK(Usage{}.empty());
}
