#pragma once
// Anthropic Messages: POST /v1/messages, whole and streamed.

#include <llmux/adapter.hpp>
#include <llmux/message.hpp>

#include "json/json_writer.hpp"

namespace llmux {

class AnthropicMessagesAdapter final : public Adapter {
public:
  Result<HttpRequest> build_request(const ChatRequest &request,
                                    const Endpoint &endpoint) const override;
  DecodedResponse decode_response(const HttpResponseHead &head,
                                  std::string_view body) const override;
  Error decode_error(const HttpResponseHead &head, std::string_view body) const override;
  std::unique_ptr<StreamDecoder> new_stream_decoder() const override;
};

/// A reasoning block as Anthropic's content block: redacted_thinking with its data, or thinking
/// with its text and signature. The request writer sends back the thinking Anthropic signed;
/// the gateway's response writer (serve/) writes any model's reasoning the same way.
void write_thinking_block(const Reasoning &reasoning, json::ArrayWriter &blocks);

} // namespace llmux
