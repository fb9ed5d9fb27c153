#pragma once
// Cohere v2 chat: POST /v2/chat, whole and streamed.

#include <llmux/adapter.hpp>

namespace llmux {

class CohereChatAdapter final : public Adapter {
public:
  Result<HttpRequest> build_request(const ChatRequest &request,
                                    const Endpoint &endpoint) const override;
  DecodedResponse decode_response(const HttpResponseHead &head,
                                  std::string_view body) const override;
  Error decode_error(const HttpResponseHead &head, std::string_view body) const override;
  std::unique_ptr<StreamDecoder> new_stream_decoder() const override;
};

} // namespace llmux
