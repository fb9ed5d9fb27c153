#pragma once
// OpenAI Chat Completions and the servers that speak it: OpenAI, Azure OpenAI, vLLM, RunPod,
// local servers, the Hugging Face router, Mistral, xAI and OpenRouter.

#include <llmux/adapter.hpp>

namespace llmux {

class OpenAiChatAdapter final : public Adapter {
public:
  explicit OpenAiChatAdapter(Provider provider) : provider_(provider) {}

  Result<HttpRequest> build_request(const ChatRequest &request,
                                    const Endpoint &endpoint) const override;
  DecodedResponse decode_response(const HttpResponseHead &head,
                                  std::string_view body) const override;
  Error decode_error(const HttpResponseHead &head, std::string_view body) const override;
  std::unique_ptr<StreamDecoder> new_stream_decoder() const override;

private:
  Provider provider_;
};

} // namespace llmux
