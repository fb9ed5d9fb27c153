#pragma once
// Ollama's native chat API: POST /api/chat, whole JSON responses and NDJSON streams.

#include <llmux/adapter.hpp>

namespace llmux {

class OllamaChatAdapter final : public Adapter {
public:
  Result<HttpRequest> build_request(const ChatRequest &request,
                                    const Endpoint &endpoint) const override;
  DecodedResponse decode_response(const HttpResponseHead &head,
                                  std::string_view body) const override;
  Error decode_error(const HttpResponseHead &head, std::string_view body) const override;
  std::unique_ptr<StreamDecoder> new_stream_decoder() const override;
  /// Every 2xx answer to a streamed request is a stream: Ollama's cloud sends its NDJSON
  /// under `Content-Type: application/json`, and a whole response is a one-line stream.
  bool is_stream(const HttpResponseHead &head) const override;
};

} // namespace llmux
