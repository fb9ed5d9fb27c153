#include <llmux/adapter.hpp>

#include "adapters/anthropic_messages.hpp"
#include "adapters/openai_chat.hpp"

namespace llmux {

std::unique_ptr<Adapter> make_adapter(Provider provider) {
  switch (provider_info(provider).wire) {
    case WireFormat::AnthropicMessages:
      return std::make_unique<AnthropicMessagesAdapter>();
    case WireFormat::OpenAiChat:
      break;
  }
  return std::make_unique<OpenAiChatAdapter>(provider);
}

} // namespace llmux
