#pragma once
// Turning what a provider said about a failure into an Error with a stable code.

#include <llmux/error.hpp>
#include <llmux/http.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmux {

/// The fields of a provider's error, as its adapter read them from the body.
struct ProviderErrorFields {
  std::string type; ///< "rate_limit_error", "BadRequestError", "RESOURCE_EXHAUSTED"
  std::string code; ///< "context_length_exceeded", "400"
  std::string param;
  std::string message;
  std::string request_id;
  /// A delay the body asks for (Gemini's RetryInfo), which beats the headers' guesses.
  std::optional<std::int64_t> retry_after_ms;
};

/// The stable code for a provider error: first from what the provider's type, code and
/// message say, then from the HTTP status (`status` 200 with `in_stream`: from a numeric
/// provider code when there is one).
ErrorCode classify_provider_error(int status, bool in_stream, const ProviderErrorFields &fields);

/// The Error for a provider's failure: classified, with a hint where llmux knows better, and
/// for retryable codes the delay the body, the headers or the message ask for.
Error make_provider_error(const HttpResponseHead &head, ProviderErrorFields fields, bool in_stream);

/// A body that is not the provider's JSON error shape (an HTML page from a proxy, plain
/// text): at most 512 bytes of it, as valid UTF-8 with whitespace runs collapsed.
std::string body_excerpt(std::string_view body);

} // namespace llmux
