// Counting a request's tokens: OpenAI's documented examples to the token, each documented
// rule, what is estimated and how, and the estimate for text without a tokenizer.

#include <llmux/token_count.hpp>

#include "support/vocabularies.hpp"

#include <catch2/catch.hpp>

using namespace llmux;

namespace {

TokenCountOptions with(Encoding encoding) {
  TokenCountOptions options;
  options.tokenizer = &testing::openai_tokenizer(encoding);
  return options;
}

// The conversation of OpenAI's cookbook "How to count tokens with tiktoken", section 6.
ChatRequest jargon_translation() {
  ChatRequest request;
  request.system = "You are a helpful, pattern-following assistant that translates corporate "
                   "jargon into plain English.";
  request.messages = {
      Message::system("New synergies will help drive top-line growth."),
      Message::system("Things working well together will increase revenue."),
      Message::system("Let's circle back when we have more bandwidth to touch base on "
                      "opportunities for increased leverage."),
      Message::system("Let's talk later when we're less busy about how to do better."),
      Message::user("This late pivot means we don't have time to boil the ocean for the client "
                    "deliverable."),
  };
  return request;
}

// The request of the same cookbook's section 7, with its one tool.
ChatRequest weather_with_tool() {
  ChatRequest request;
  request.system = "You are a helpful assistant that can answer to questions about the weather.";
  request.messages = {Message::user("What's the weather like in San Francisco?")};
  request.tools = {{"get_current_weather", "Get the current weather in a given location",
                    R"({"type": "object", "properties": {
                         "location": {"type": "string",
                                      "description": "The city and state, e.g. San Francisco, CA"},
                         "unit": {"type": "string",
                                  "description": "The unit of temperature to return",
                                  "enum": ["celsius", "fahrenheit"]}},
                       "required": ["location"]})"}};
  return request;
}

} // namespace

TEST_CASE("Token count matches the cookbook's tool example exactly", "[token_count]") {
  // OpenAI's cookbook, section 7: 105 prompt tokens from the API for gpt-3.5-turbo and
  // gpt-4 (cl100k_base), 101 for gpt-4o and gpt-4o-mini (o200k_base).
  const ChatRequest request = weather_with_tool();
  const RequestTokenCount cl100k = count_request_tokens(request, with(Encoding::Cl100kBase));
  CHECK(cl100k.total == 105);
  CHECK_FALSE(cl100k.estimated);
  const RequestTokenCount o200k = count_request_tokens(request, with(Encoding::O200kBase));
  CHECK(o200k.total == 101);
  CHECK_FALSE(o200k.estimated);
}

TEST_CASE("Token count matches the cookbook's message example, less its names", "[token_count]") {
  // The cookbook's section 6 documents 129 prompt tokens (gpt-3.5-turbo, gpt-4) and 124
  // (gpt-4o, gpt-4o-mini) for this conversation with a `name` on four of its messages
  // ("example_user" twice, "example_assistant" twice), each costing its tokens plus 1.
  // ChatRequest has no `name`: without them the API counts 129 - 14 and 124 - 14.
  const auto &cl100k_tokenizer = testing::openai_tokenizer(Encoding::Cl100kBase);
  const auto &o200k_tokenizer = testing::openai_tokenizer(Encoding::O200kBase);
  CHECK(cl100k_tokenizer.count("example_user") == 2);
  CHECK(cl100k_tokenizer.count("example_assistant") == 3);
  CHECK(o200k_tokenizer.count("example_user") == 2);
  CHECK(o200k_tokenizer.count("example_assistant") == 3);
  const ChatRequest request = jargon_translation();
  const RequestTokenCount cl100k = count_request_tokens(request, with(Encoding::Cl100kBase));
  CHECK(cl100k.total == 129 - 14);
  CHECK_FALSE(cl100k.estimated);
  const RequestTokenCount o200k = count_request_tokens(request, with(Encoding::O200kBase));
  CHECK(o200k.total == 124 - 14);
}

TEST_CASE("Token count splits fixed tokens from each message's", "[token_count]") {
  ChatRequest request;
  request.system = "Be brief.";
  request.messages = {Message::user("Hello there"), Message::assistant("Hi!"),
                      Message::user("Bye")};
  const RequestTokenCount count = count_request_tokens(request, with(Encoding::O200kBase));
  // Each message: 3 + its role (1) + its text. "Hello there" is 2 tokens, "Hi!" 2, "Bye" 1.
  CHECK(count.messages == std::vector<std::int64_t>{3 + 1 + 2, 3 + 1 + 2, 3 + 1 + 1});
  // The system prompt as a message ("Be brief." is 3 tokens) and 3 priming the reply.
  CHECK(count.fixed == (3 + 1 + 3) + 3);
  CHECK(count.total == count.fixed + 6 + 6 + 5);
  CHECK_FALSE(count.estimated);
}

TEST_CASE("Token count joins a message's text parts as they are sent", "[token_count]") {
  Message split_word;
  split_word.role = Role::User;
  split_word.content = {ContentPart::make_text("Hel"), ContentPart::make_text("lo")};
  ChatRequest request;
  request.messages = {split_word};
  // "Hello" is one token, "Hel" + "lo" would be two: the adapter sends one string.
  CHECK(count_request_tokens(request, with(Encoding::O200kBase)).messages[0] == 3 + 1 + 1);
}

TEST_CASE("Token count estimates images, tool calls and tool results", "[token_count]") {
  ChatRequest request;
  Message look;
  look.role = Role::User;
  look.content = {ContentPart::make_text("What is this?"),
                  ContentPart::make_image_url("https://example.com/cat.png")};
  Message call;
  call.role = Role::Assistant;
  call.content = {ContentPart::make_tool_call({"call_1", "lookup", R"({"q":"cat"})"})};
  request.messages = {look, call, Message::tool("call_1", "A cat.")};
  const RequestTokenCount count = count_request_tokens(request, with(Encoding::O200kBase));
  // "What is this?" 4 tokens beside the image's fixed 765.
  CHECK(count.messages[0] == 3 + 1 + 4 + 765);
  // The call: "lookup" 1 token, {"q":"cat"} 5 tokens, plus 3.
  CHECK(count.messages[1] == 3 + 1 + (1 + 5 + 3));
  // The result as a "tool" message: "A cat." 3 tokens.
  CHECK(count.messages[2] == 3 + 1 + 3);
  CHECK(count.estimated);

  TokenCountOptions small_images = with(Encoding::O200kBase);
  small_images.image_tokens = 85;
  CHECK(count_request_tokens(request, small_images).messages[0] == 3 + 1 + 4 + 85);
}

TEST_CASE("Token count sends nothing for empty and reasoning-only messages", "[token_count]") {
  Message thinking;
  thinking.role = Role::Assistant;
  thinking.content = {ContentPart::make_reasoning({"let me think", "sig", ""})};
  Message empty;
  empty.role = Role::User;
  ChatRequest request;
  request.messages = {thinking, empty};
  const RequestTokenCount count = count_request_tokens(request, with(Encoding::O200kBase));
  CHECK(count.messages == std::vector<std::int64_t>{0, 0});
  CHECK(count.total == 3);
}

TEST_CASE("Token count follows the documented tool rule and estimates nested parameters",
          "[token_count]") {
  ChatRequest flat;
  flat.tools = {{"ping", "Check.", ""}};
  // 12 after all functions, 7 for the function, "ping:Check" (the final '.' dropped) 3
  // tokens; no parameters; 3 priming the reply.
  const RequestTokenCount count = count_request_tokens(flat, with(Encoding::O200kBase));
  CHECK(count.fixed == 12 + 7 + 3 + 3);
  CHECK_FALSE(count.estimated);
  // cl100k_base models take 10 per function.
  CHECK(count_request_tokens(flat, with(Encoding::Cl100kBase)).fixed == 12 + 10 + 3 + 3);

  ChatRequest nested = flat;
  nested.tools[0].parameters =
      R"({"type":"object","properties":{"hosts":{"type":"array","items":{"type":"string"}}}})";
  const RequestTokenCount nested_count = count_request_tokens(nested, with(Encoding::O200kBase));
  CHECK(nested_count.estimated);
  // The documented part (3 for properties, 3 for the property, "hosts:array:" 4 tokens)
  // plus the items' JSON, {"type":"string"}: 5 tokens.
  CHECK(nested_count.fixed == count.fixed + 3 + 3 + 4 + 5);
}

TEST_CASE("Token count counts ill-formed UTF-8 as the U+FFFD it is sent as", "[token_count]") {
  ChatRequest request;
  request.messages = {Message::user("a\xFF")};
  ChatRequest replaced;
  replaced.messages = {Message::user("a\xEF\xBF\xBD")};
  CHECK(count_request_tokens(request, with(Encoding::O200kBase)).total ==
        count_request_tokens(replaced, with(Encoding::O200kBase)).total);
}

TEST_CASE("Token count estimates without a tokenizer by the documented rule", "[token_count]") {
  CHECK(estimate_text_tokens("") == 0);
  CHECK(estimate_text_tokens("abcd") == 1);
  CHECK(estimate_text_tokens("hello") == 2);    // 5 quarters, rounded up
  CHECK(estimate_text_tokens("\xC3\xA9") == 1); // é: 2 quarters
  // "Привет": 6 two-byte characters, 12 quarters.
  CHECK(estimate_text_tokens("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82") == 3);
  CHECK(estimate_text_tokens("\xE4\xBD\xA0\xE5\xA5\xBD") == 2); // 你好: 1 each
  CHECK(estimate_text_tokens("\xF0\x9F\x91\x8D") == 2);         // an emoji: 2
  CHECK(estimate_text_tokens("\xFF") == 1);                     // sent as U+FFFD

  const RequestTokenCount count = count_request_tokens(weather_with_tool());
  CHECK(count.estimated);
  // The same structure as the exact count, each text estimated and each role 1 token: 120
  // where the API counts 101 (gpt-4o) or 105 (gpt-4).
  CHECK(count.total == 120);
  CHECK(count_request_tokens(jargon_translation()).total == 140);
}
