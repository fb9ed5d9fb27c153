// Fitting a request into the context window: refusing with context_length_exceeded, and
// trimming the oldest turns without ever dropping the system prompt, system messages, the
// last turn, or a tool call apart from its results.
//
// Counts here are estimates (no tokenizer), chosen to be easy to add up: a text of 4k ASCII
// letters estimates to k tokens, so a message of words(k) costs 3 + 1 (its role) + k.

#include <llmux/context_window.hpp>

#include "support/vocabularies.hpp"

#include <catch2/catch.hpp>

using namespace llmux;

namespace {

std::string words(int tokens) {
  return std::string(static_cast<std::size_t>(tokens) * 4, 'x');
}

// words(tokens) after a digit that tells the messages apart: one token more.
std::string numbered(char digit, int tokens) {
  return std::string(1, digit) + words(tokens);
}

Message tool_call(std::string id) {
  Message message;
  message.role = Role::Assistant;
  // "f" 1 token, "{}" 1 token, 3 framing the call: 5, and 4 for the message.
  message.content = {ContentPart::make_tool_call({std::move(id), "f", "{}"})};
  return message;
}

ContextWindowOptions window(std::int64_t context_length, Overflow overflow = Overflow::Refuse) {
  ContextWindowOptions options;
  options.context_length = context_length;
  options.overflow = overflow;
  return options;
}

std::vector<std::string> texts(const ChatRequest &request) {
  std::vector<std::string> out;
  for (const Message &message : request.messages)
    out.push_back(std::string(to_string(message.role)) + ":" + message.text());
  return out;
}

} // namespace

TEST_CASE("Context window reports a request that fits", "[context_window]") {
  ChatRequest request;
  request.messages = {Message::user(words(10))}; // 14, plus 3 priming the reply: 17
  request.max_tokens = 100;
  auto fit = fit_context_window(request, window(117));
  REQUIRE(fit.ok());
  CHECK(fit.value().input_tokens == 17);
  CHECK(fit.value().max_output_tokens == 100);
  CHECK(fit.value().removed_messages.empty());
  CHECK(fit.value().removed_turns == 0);
  CHECK(fit.value().estimated);
  CHECK(request.messages.size() == 1);
}

TEST_CASE("Context window refuses with the numbers, and no network call", "[context_window]") {
  ChatRequest request;
  request.messages = {Message::user(words(10))};
  request.max_tokens = 101;
  auto fit = fit_context_window(request, window(117));
  REQUIRE_FALSE(fit.ok());
  const Error &error = fit.error();
  CHECK(error.code == ErrorCode::ContextLengthExceeded);
  CHECK(error.origin == ErrorOrigin::Caller);
  CHECK(error.http_status == 0);
  CHECK(error.message == "the request needs 17 tokens but the context window leaves 16 after "
                         "max_tokens (context length 117, max_tokens 101); the token count is "
                         "an estimate");
  CHECK(error.hint == "shorten the conversation, lower max_tokens, or let llmux drop the oldest "
                      "turns (Overflow::TrimOldestTurns)");
  CHECK(request.messages.size() == 1);
}

TEST_CASE("Context window keeps the caller's default output free when max_tokens is unset",
          "[context_window]") {
  ChatRequest request;
  request.messages = {Message::user(words(10))};
  ContextWindowOptions options = window(117);
  options.default_max_tokens = 100;
  auto fit = fit_context_window(request, options);
  REQUIRE(fit.ok());
  CHECK(fit.value().max_output_tokens == 100);
  options.default_max_tokens = 101;
  CHECK_FALSE(fit_context_window(request, options).ok());
  // max_tokens in the request wins over the default.
  request.max_tokens = 1;
  CHECK(fit_context_window(request, options).ok());
  // A max_tokens as large as the window leaves nothing.
  request.max_tokens = 200;
  auto none_left = fit_context_window(request, options);
  REQUIRE_FALSE(none_left.ok());
  CHECK(none_left.error().message.find("leaves 0 after max_tokens") != std::string::npos);
}

TEST_CASE("Context window trims the oldest turns until the request fits", "[context_window]") {
  ChatRequest request;
  request.messages = {
      Message::user(numbered('1', 10)),      // turn 1: 15 + 14
      Message::assistant(numbered('2', 10)), //
      Message::user(numbered('3', 10)),      // turn 2: 15 + 14
      Message::assistant(numbered('4', 10)), //
      Message::user(numbered('5', 10)),      // turn 3, the last: 15
  };
  // 3 + 5 × 15 = 78 tokens (each "n" + 40 letters is 11 tokens: 15 a message).
  auto refused = fit_context_window(request, window(60));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.rfind("the request needs 78 tokens", 0) == 0);

  auto fit = fit_context_window(request, window(60, Overflow::TrimOldestTurns));
  REQUIRE(fit.ok());
  // Dropping turn 1 leaves 48.
  CHECK(fit.value().input_tokens == 48);
  CHECK(fit.value().removed_messages == std::vector<std::size_t>{0, 1});
  CHECK(fit.value().removed_turns == 1);
  CHECK(texts(request) == std::vector<std::string>{"user:" + numbered('3', 10),
                                                   "assistant:" + numbered('4', 10),
                                                   "user:" + numbered('5', 10)});
}

TEST_CASE("Context window never drops the system prompt or system messages", "[context_window]") {
  ChatRequest request;
  request.system = words(20); // 3 + 1 + 20 = 24, fixed
  request.messages = {
      Message::user(words(10)),      // turn 1: 14
      Message::system(words(10)),    // inside turn 1, kept: 14
      Message::assistant(words(10)), // 14
      Message::user(words(10)),      // turn 2, the last: 14
  };
  // 3 + 24 + 4 × 14 = 83; dropping turn 1's user and assistant messages leaves 55.
  auto fit = fit_context_window(request, window(55, Overflow::TrimOldestTurns));
  REQUIRE(fit.ok());
  CHECK(fit.value().input_tokens == 55);
  CHECK(fit.value().removed_messages == std::vector<std::size_t>{0, 2});
  CHECK(texts(request) == std::vector<std::string>{"system:" + words(10), "user:" + words(10)});
  CHECK(request.system == words(20));
}

TEST_CASE("Context window never drops the last turn, and says so when that is not enough",
          "[context_window]") {
  ChatRequest request;
  request.messages = {
      Message::user(words(10)),    // turn 1: 14
      Message::user(words(50)),    // turn 2, the last: 54
      tool_call("call_1"),         // 4 + 5 = 9, in the last turn: a tool loop in progress
      Message::tool("call_1", ""), // 4
  };
  // 3 + 14 + 54 + 9 + 4 = 84; without turn 1, 70: still more than 60.
  auto fit = fit_context_window(request, window(60, Overflow::TrimOldestTurns));
  REQUIRE_FALSE(fit.ok());
  CHECK(fit.error().code == ErrorCode::ContextLengthExceeded);
  CHECK(fit.error().message ==
        "the request needs 70 tokens but the context window leaves 60 after max_tokens "
        "(context length 60, max_tokens 0), even with all 1 earlier turns dropped; the token "
        "count is an estimate");
  CHECK(fit.error().hint ==
        "shorten the system prompt, the tools or the last turn, or lower max_tokens");
  // A failure leaves the request as it was.
  CHECK(request.messages.size() == 4);
}

TEST_CASE("Context window drops a tool-calling turn together with all its results",
          "[context_window]") {
  ChatRequest request;
  Message two_calls = tool_call("call_1");
  two_calls.content.push_back(ContentPart::make_tool_call({"call_2", "f", "{}"}));
  request.messages = {
      Message::user(words(10)),           // turn 1: 14
      two_calls,                          // 4 + 5 + 5 = 14
      Message::tool("call_1", words(10)), // 14
      Message::tool("call_2", words(10)), // 14
      Message::assistant(words(10)),      // 14
      Message::user(words(10)),           // turn 2, the last: 14
  };
  // 3 + 6 × 14 = 87: dropping turn 1 drops the calls with both results, leaving 17.
  auto fit = fit_context_window(request, window(40, Overflow::TrimOldestTurns));
  REQUIRE(fit.ok());
  CHECK(fit.value().input_tokens == 17);
  CHECK(fit.value().removed_messages == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(texts(request) == std::vector<std::string>{"user:" + words(10)});
}

TEST_CASE("Context window keeps a result in a later turn with its call", "[context_window]") {
  // A call answered after a user message: the two turns go together or not at all.
  ChatRequest request;
  request.messages = {
      Message::user(words(10)),           // turn 1: 14
      tool_call("call_1"),                // 9
      Message::user(words(10)),           // turn 2: 14
      Message::tool("call_1", words(10)), // 14, answering turn 1's call
      Message::user(words(10)),           // turn 3: 14
      Message::assistant(words(10)),      // 14
      Message::user(words(10)),           // turn 4, the last: 14
  };
  // 3 + 14 + 9 + 14 + 14 + 14 + 14 + 14 = 96. Dropping turn 1 alone would leave the
  // result without its call: turns 1 and 2 go together (51), leaving 45; then turn 3 (28).
  auto first = fit_context_window(request, window(60, Overflow::TrimOldestTurns));
  REQUIRE(first.ok());
  CHECK(first.value().input_tokens == 45);
  CHECK(first.value().removed_messages == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(first.value().removed_turns == 1);
  CHECK(request.messages.size() == 3);
}

TEST_CASE("Context window drops what comes before the first user message as a turn",
          "[context_window]") {
  ChatRequest request;
  request.messages = {
      Message::assistant(words(10)), // a greeting: 14
      Message::user(words(10)),      // the last turn: 14
  };
  auto fit = fit_context_window(request, window(20, Overflow::TrimOldestTurns));
  REQUIRE(fit.ok());
  CHECK(fit.value().removed_messages == std::vector<std::size_t>{0});
  CHECK(fit.value().input_tokens == 17);
}

TEST_CASE("Context window drops nothing from a conversation without a user message",
          "[context_window]") {
  ChatRequest request;
  request.messages = {Message::assistant(words(10)), Message::assistant(words(10))};
  auto fit = fit_context_window(request, window(20, Overflow::TrimOldestTurns));
  REQUIRE_FALSE(fit.ok());
  CHECK(fit.error().message == "the request needs 31 tokens but the context window leaves 20 "
                               "after max_tokens (context length 20, max_tokens 0), and no turn "
                               "may be dropped; the token count is an estimate");
}

TEST_CASE("Context window counts exactly with a tokenizer", "[context_window]") {
  ChatRequest request;
  request.messages = {Message::user("Hello there")}; // 3 + 1 + 2, and 3 priming: 9
  TokenCountOptions exact;
  exact.tokenizer = &testing::openai_tokenizer(Encoding::O200kBase);
  auto fit = fit_context_window(request, window(9), exact);
  REQUIRE(fit.ok());
  CHECK(fit.value().input_tokens == 9);
  CHECK_FALSE(fit.value().estimated);
  auto refused = fit_context_window(request, window(8), exact);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message == "the request needs 9 tokens but the context window leaves 8 "
                                   "after max_tokens (context length 8, max_tokens 0)");
}

TEST_CASE("Context window refuses a window that is not positive and a negative max_tokens",
          "[context_window]") {
  ChatRequest request;
  request.messages = {Message::user("Hi")};
  auto zero = fit_context_window(request, window(0));
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code == ErrorCode::InvalidArgument);
  CHECK(zero.error().origin == ErrorOrigin::Caller);
  CHECK(zero.error().message == "context_length must be positive, not 0");
  request.max_tokens = -1;
  auto negative = fit_context_window(request, window(100));
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().message == "max_tokens must not be negative, not -1");
}
