#pragma once
// Google Gemini generateContent and streamGenerateContent?alt=sse.

#include <llmux/adapter.hpp>

namespace llmux {

/// The Gemini API (generativelanguage.googleapis.com): `contents` of "user" and "model"
/// turns, a top-level `systemInstruction`, function declarations with standard JSON Schema,
/// thought summaries and thought signatures. Gemini gives most function calls no id: the
/// adapter makes a stable one (ToolCall::generated_id) and never sends it back, matching
/// results by name instead.
class GeminiAdapter final : public Adapter {
public:
  Result<HttpRequest> build_request(const ChatRequest &request,
                                    const Endpoint &endpoint) const override;
  DecodedResponse decode_response(const HttpResponseHead &head,
                                  std::string_view body) const override;
  Error decode_error(const HttpResponseHead &head, std::string_view body) const override;
  std::unique_ptr<StreamDecoder> new_stream_decoder() const override;
};

} // namespace llmux
