// Build the HTTP request for a chat with a tool, for two providers, and print it with the
// key redacted. A driver (libcurl, fetch) sends `http.method`, `http.url`, `http.headers`
// and `http.body` as they are.
#include <llmux/llmux.hpp>

#include <iostream>

int main() {
  llmux::ChatRequest request;
  request.system = "You are a weather assistant.";
  request.messages.push_back(llmux::Message::user("Weather in Paris?"));
  request.tools.push_back({"get_weather", "Current weather for a city",
                           R"({"type":"object","properties":{"city":{"type":"string"}},)"
                           R"("required":["city"]})"});
  request.max_tokens = 256;
  request.stream = true;

  for (auto [provider, model] : {std::pair{llmux::Provider::OpenAi, "gpt-4o-mini"},
                                 std::pair{llmux::Provider::Anthropic, "claude-haiku-4-5"}}) {
    request.model = model;
    llmux::Endpoint endpoint;
    endpoint.provider = provider;
    endpoint.api_key = "sk-example-not-a-real-key";
    auto http = llmux::make_adapter(provider)->build_request(request, endpoint);
    if (!http.ok()) {
      std::cerr << llmux::to_string(http.error().code) << ": " << http.error().message << "\n";
      return 1;
    }
    std::cout << llmux::redacted_json(http.value()) << "\n";
  }
  return 0;
}
