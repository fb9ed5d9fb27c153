#include <llmux/adapter.hpp>

#include "adapters/anthropic_messages.hpp"
#include "adapters/cohere_chat.hpp"
#include "adapters/gemini.hpp"
#include "adapters/ollama_chat.hpp"
#include "adapters/openai_chat.hpp"

namespace llmux {

bool Adapter::is_stream(const HttpResponseHead &head) const {
  if (head.status < 200 || head.status >= 300)
    return false;
  auto type = head.header("content-type");
  if (!type)
    return true;
  std::string_view media = type->substr(0, type->find(';'));
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  return !equals_ignore_case(media, "application/json");
}

std::unique_ptr<Adapter> make_adapter(Provider provider) {
  switch (provider_info(provider).wire) {
    case WireFormat::AnthropicMessages:
      return std::make_unique<AnthropicMessagesAdapter>();
    case WireFormat::OllamaChat:
      return std::make_unique<OllamaChatAdapter>();
    case WireFormat::GeminiGenerateContent:
      return std::make_unique<GeminiAdapter>();
    case WireFormat::CohereChat:
      return std::make_unique<CohereChatAdapter>();
    case WireFormat::OpenAiChat:
      break;
  }
  return std::make_unique<OpenAiChatAdapter>(provider);
}

} // namespace llmux
