#include "http/provider_error.hpp"
#include "http/retry_after.hpp"

#include <llmux/utf8.hpp>

namespace llmux {
namespace {

bool contains(std::string_view text, std::string_view part) noexcept {
  return text.find(part) != std::string_view::npos;
}

bool contains_ignore_case(std::string_view text, std::string_view part) noexcept {
  if (part.size() > text.size())
    return false;
  for (std::size_t i = 0; i + part.size() <= text.size(); ++i)
    if (equals_ignore_case(text.substr(i, part.size()), part))
      return true;
  return false;
}

// Phrases providers use when the prompt does not fit, quoted from their messages.
bool says_context_too_long(const ProviderErrorFields &fields) {
  if (fields.code == "context_length_exceeded" || fields.type == "context_length_exceeded" ||
      fields.code == "context_window_exceeded")
    return true;
  for (std::string_view phrase : {
           "maximum context length",     // OpenAI, vLLM
           "context length exceeded",    // several compatible servers
           "prompt is too long",         // Anthropic
           "exceed context limit",       // Anthropic (input + max_tokens)
           "exceeds the context window", // OpenAI Responses, Mistral
           "context_length_exceeded",    // OpenRouter wraps codes into messages
           "reduce the length of the messages",
           // Gemini: "The input token count (1205018) exceeds the maximum number of tokens
           // allowed (1048575)."
           "exceeds the maximum number of tokens allowed",
           "too many input tokens",
           // Cohere: "too many tokens: size limit exceeded by 11326 tokens", "too many tokens:
           // total number of tokens in the prompt cannot exceed 4081 - received 4292" (but not
           // its "too many tokens: max tokens must be ...", which is about max_tokens).
           "size limit exceeded by",
           "total number of tokens in the prompt cannot exceed",
       })
    if (contains_ignore_case(fields.message, phrase))
      return true;
  return false;
}

bool all_digits(std::string_view text) noexcept {
  if (text.empty())
    return false;
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  return true;
}

ErrorCode classify_status(int status) noexcept {
  switch (status) {
    case 400:
    case 413: // request too large: a request that cannot succeed as it is
    case 422:
      return ErrorCode::InvalidRequest;
    case 401:
      return ErrorCode::AuthFailed;
    case 402: // payment required (OpenRouter: no credits left)
      return ErrorCode::QuotaExceeded;
    case 403:
      return ErrorCode::PermissionDenied;
    case 404:
      return ErrorCode::NotFound;
    case 408: // request timeout: the server gave up waiting; retrying is safe
    case 409: // conflict: OpenAI documents it as transient
      return ErrorCode::ServerError;
    case 429:
      return ErrorCode::RateLimited;
    case 498: // Cohere: "a request or response contains a deny-listed token"
      return ErrorCode::ContentFiltered;
    case 499: // request cancelled (Cohere, nginx): Cohere says to try again
      return ErrorCode::ServerError;
    case 503: // "The engine is currently overloaded" (OpenAI), UNAVAILABLE (Gemini)
    case 529: // Anthropic's overloaded status
      return ErrorCode::Overloaded;
    default:
      break;
  }
  if (status >= 400 && status < 500)
    return ErrorCode::InvalidRequest;
  if (status >= 500 && status < 600)
    return ErrorCode::ServerError;
  return ErrorCode::BadResponse;
}

bool retryable(ErrorCode code) noexcept {
  return code == ErrorCode::RateLimited || code == ErrorCode::Overloaded ||
         code == ErrorCode::ServerError;
}

} // namespace

ErrorCode classify_provider_error(int status, bool in_stream, const ProviderErrorFields &fields) {
  const std::string &type = fields.type;
  const std::string &code = fields.code;
  // vLLM started without tool calling answers any request with tools this way.
  if (contains(fields.message, "--enable-auto-tool-choice"))
    return ErrorCode::ToolChoiceUnsupported;
  if (says_context_too_long(fields))
    return ErrorCode::ContextLengthExceeded;
  // Anthropic's error types, one per condition.
  if (type == "overloaded_error")
    return ErrorCode::Overloaded;
  if (type == "rate_limit_error")
    return ErrorCode::RateLimited;
  // xAI answers a key it does not know with a 400 that only its message tells apart.
  if (type == "authentication_error" || code == "invalid_api_key" ||
      fields.message.starts_with("Incorrect API key provided"))
    return ErrorCode::AuthFailed;
  if (type == "permission_error")
    return ErrorCode::PermissionDenied;
  if (type == "not_found_error" || code == "model_not_found" || code == "DeploymentNotFound")
    return ErrorCode::NotFound;
  if (type == "billing_error" || code == "insufficient_quota" || type == "insufficient_quota")
    return ErrorCode::QuotaExceeded;
  if (type == "api_error" || type == "server_error" || type == "internal_server_error")
    return ErrorCode::ServerError;
  // Azure's content filter, and OpenAI's content policy rejections.
  if (code == "content_filter" || code == "content_policy_violation" ||
      code == "ResponsibleAIPolicyViolation")
    return ErrorCode::ContentFiltered;
  // An error inside a 2xx response (a stream's error event, a gateway's error body) says
  // nothing through the status: take a numeric provider code in its place.
  const bool in_success = in_stream || (status >= 200 && status < 300);
  int effective_status = status;
  if (in_success && all_digits(code) && code.size() == 3)
    effective_status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  if (in_success && effective_status >= 200 && effective_status < 300)
    return ErrorCode::ServerError; // an unexplained failure: the server's fault
  return classify_status(effective_status);
}

Error make_provider_error(const HttpResponseHead &head, ProviderErrorFields fields,
                          bool in_stream) {
  Error error;
  error.origin = ErrorOrigin::Provider;
  error.http_status = head.status;
  error.in_stream = in_stream;
  error.code = classify_provider_error(head.status, in_stream, fields);
  if (fields.message.empty())
    fields.message = std::string(default_message(error.code));
  if (error.code == ErrorCode::ToolChoiceUnsupported)
    error.hint = "restart vLLM with --enable-auto-tool-choice --tool-call-parser <parser> (the "
                 "parser that fits the model, e.g. hermes for Qwen and Hermes, llama3_json for "
                 "Llama 3.x, mistral for Mistral), or send the request without tools";
  else if (error.code == ErrorCode::ContextLengthExceeded)
    error.hint = "shorten the conversation or lower max_tokens";
  if (retryable(error.code)) {
    error.retry_after_ms = fields.retry_after_ms;
    if (!error.retry_after_ms)
      error.retry_after_ms = retry_after_from_headers(head);
    if (!error.retry_after_ms)
      error.retry_after_ms = retry_after_from_message(fields.message);
  }
  error.request_id = std::move(fields.request_id);
  if (error.request_id.empty()) {
    for (std::string_view name : {"x-request-id", "request-id", "apim-request-id"})
      if (auto id = head.header(name)) {
        error.request_id = std::string(*id);
        break;
      }
  }
  error.provider_type = std::move(fields.type);
  error.provider_code = std::move(fields.code);
  error.param = std::move(fields.param);
  error.message = std::move(fields.message);
  return error;
}

std::string body_excerpt(std::string_view body) {
  constexpr std::size_t limit = 512;
  std::string_view cut = body.substr(0, limit);
  cut = cut.substr(0, complete_utf8_prefix(cut));
  std::string text = replace_invalid_utf8(cut);
  std::string collapsed;
  collapsed.reserve(text.size());
  bool in_space = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (space) {
      in_space = !collapsed.empty();
      continue;
    }
    if (in_space)
      collapsed.push_back(' ');
    in_space = false;
    collapsed.push_back(c);
  }
  if (body.size() > limit)
    collapsed += "...";
  return collapsed;
}

} // namespace llmux
