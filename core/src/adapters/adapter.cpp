#include <llmux/adapter.hpp>

#include "adapters/anthropic_messages.hpp"
#include "adapters/check_request.hpp"
#include "adapters/cohere_chat.hpp"
#include "adapters/gemini.hpp"
#include "adapters/ollama_chat.hpp"
#include "adapters/openai_chat.hpp"

namespace llmux {
namespace {

// A provider's adapter behind check_request: the checks every provider makes, made once
// before the provider's own build_request runs.
class CheckedAdapter final : public Adapter {
public:
  explicit CheckedAdapter(std::unique_ptr<Adapter> wire) : wire_(std::move(wire)) {}

  Result<HttpRequest> build_request(const ChatRequest &request,
                                    const Endpoint &endpoint) const override {
    if (auto checked = check_request(request); !checked.ok())
      return std::move(checked).error();
    return wire_->build_request(request, endpoint);
  }
  DecodedResponse decode_response(const HttpResponseHead &head,
                                  std::string_view body) const override {
    return wire_->decode_response(head, body);
  }
  Error decode_error(const HttpResponseHead &head, std::string_view body) const override {
    return wire_->decode_error(head, body);
  }
  std::unique_ptr<StreamDecoder> new_stream_decoder() const override {
    return wire_->new_stream_decoder();
  }
  bool is_stream(const HttpResponseHead &head) const override { return wire_->is_stream(head); }

private:
  std::unique_ptr<Adapter> wire_;
};

// The provider's own adapter.
std::unique_ptr<Adapter> make_wire_adapter(Provider provider) {
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

} // namespace

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
  return std::make_unique<CheckedAdapter>(make_wire_adapter(provider));
}

} // namespace llmux
