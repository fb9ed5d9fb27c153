// The checks every adapter makes alike (core/src/adapters/check_request.cpp), made once before
// any adapter builds: each provider refuses the same faults in the same words.

#include "support/requests.hpp"

#include <catch2/catch.hpp>

using namespace llmux;

namespace {

// One provider of each wire format.
constexpr Provider providers[] = {Provider::OpenAi, Provider::Anthropic, Provider::Gemini,
                                  Provider::Cohere, Provider::Ollama};

std::string refusal(Provider provider, const ChatRequest &request) {
  auto built = make_adapter(provider)->build_request(request, testing::endpoint_for(provider));
  if (built.ok())
    return "built";
  CHECK(built.error().code == ErrorCode::InvalidArgument);
  CHECK(built.error().origin == ErrorOrigin::Caller);
  return built.error().message;
}

} // namespace

TEST_CASE("every adapter refuses a tool without a name", "[check-request]") {
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    request.tools.push_back({"weather", "", ""});
    request.tools.push_back({"", "Nameless", ""});
    CHECK(refusal(provider, request) == "a tool has no name");
    // Even where the tools would not be sent: Ollama leaves them out under tool_choice none.
    request.tool_choice = ToolChoice{ToolChoice::Mode::None, ""};
    CHECK(refusal(provider, request) == "a tool has no name");
  }
}

TEST_CASE("every adapter refuses an image outside a user message", "[check-request]") {
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    Message assistant = Message::assistant("Look:");
    assistant.content.push_back(ContentPart::make_image_url("https://example.com/a.png"));
    request.messages.push_back(assistant);
    CHECK(refusal(provider, request) == "images are only allowed in user messages");
    request.messages.back().role = Role::Tool;
    CHECK(refusal(provider, request) == "images are only allowed in user messages");
  }
}

TEST_CASE("every adapter refuses a tool call outside an assistant message", "[check-request]") {
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    request.messages.back().content.push_back(
        ContentPart::make_tool_call({"call_1", "weather", "{}", "", false}));
    CHECK(refusal(provider, request) == "tool calls are only allowed in assistant messages");
  }
}

TEST_CASE("the numbers are checked before the messages, the messages before the tools",
          "[check-request]") {
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    request.tools.push_back({"", "", ""});
    request.messages.back().content.push_back(
        ContentPart::make_tool_call({"call_1", "weather", "{}", "", false}));
    CHECK(refusal(provider, request) == "tool calls are only allowed in assistant messages");
    request.max_tokens = 0;
    CHECK(refusal(provider, request) == "max_tokens must be 1 or more, not 0");
  }
}
