// Errors as OpenAI and Anthropic answer them. Statuses and types are each API's own, so that
// the SDKs pointed at the gateway raise the error class and retry as they would against the
// provider: OpenAI's SDK retries 408, 409, 429 and 5xx; Anthropic's the same plus its 529.

#include <llmux/serve.hpp>

#include "serve/error_reply.hpp"
#include "json/json_writer.hpp"

namespace llmux {
namespace {

struct WireError {
  int status;
  std::string_view type;
  std::string_view code; // OpenAI's `code`; empty for null
};

WireError openai_wire_error(ErrorCode code) {
  switch (code) {
    case ErrorCode::AuthFailed:
      return {401, "invalid_request_error", "invalid_api_key"};
    case ErrorCode::PermissionDenied:
      return {403, "invalid_request_error", "permission_denied"};
    case ErrorCode::NotFound:
    case ErrorCode::UnknownModel:
      return {404, "invalid_request_error", "model_not_found"};
    case ErrorCode::RateLimited:
      return {429, "requests", "rate_limit_exceeded"};
    case ErrorCode::QuotaExceeded:
      return {429, "insufficient_quota", "insufficient_quota"};
    case ErrorCode::BudgetExceeded:
      return {429, "insufficient_quota", "budget_exceeded"};
    case ErrorCode::Overloaded:
      // Not "server_error": the SDKs and llmux's own adapter tell a 503 that is a busy
      // engine from a failure by its status, and a server_error type would say failure.
      return {503, "service_unavailable", "overloaded"};
    case ErrorCode::ContextLengthExceeded:
      return {400, "invalid_request_error", "context_length_exceeded"};
    case ErrorCode::ContentFiltered:
      return {400, "invalid_request_error", "content_filter"};
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidRequest:
      return {400, "invalid_request_error", ""};
    case ErrorCode::ToolChoiceUnsupported:
    case ErrorCode::Unsupported:
      return {400, "invalid_request_error", "unsupported_parameter"};
    case ErrorCode::BadResponse:
    case ErrorCode::Network:
      return {502, "server_error", ""};
    case ErrorCode::Timeout:
      return {504, "server_error", "timeout"};
    case ErrorCode::Cancelled:
      return {499, "server_error", "cancelled"};
    case ErrorCode::ServerError:
    case ErrorCode::Storage:
    case ErrorCode::Internal:
      break;
  }
  return {500, "server_error", ""};
}

WireError anthropic_wire_error(ErrorCode code) {
  switch (code) {
    case ErrorCode::AuthFailed:
      return {401, "authentication_error", {}};
    case ErrorCode::PermissionDenied:
      return {403, "permission_error", {}};
    case ErrorCode::NotFound:
    case ErrorCode::UnknownModel:
      return {404, "not_found_error", {}};
    case ErrorCode::RateLimited:
      return {429, "rate_limit_error", {}};
    case ErrorCode::QuotaExceeded:
    case ErrorCode::BudgetExceeded:
      return {402, "billing_error", {}};
    case ErrorCode::Overloaded:
      return {529, "overloaded_error", {}};
    case ErrorCode::ContextLengthExceeded:
    case ErrorCode::ContentFiltered:
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidRequest:
    case ErrorCode::ToolChoiceUnsupported:
    case ErrorCode::Unsupported:
      return {400, "invalid_request_error", {}};
    case ErrorCode::Timeout:
      return {504, "timeout_error", {}};
    case ErrorCode::BadResponse:
    case ErrorCode::Network:
    case ErrorCode::Cancelled:
    case ErrorCode::ServerError:
    case ErrorCode::Storage:
    case ErrorCode::Internal:
      break;
  }
  return {500, "api_error", {}};
}

// The message the caller reads: the error's own, else the table's; never a secret.
std::string message_of(const Error &error, const SecretScrubber &scrubber) {
  std::string message =
      error.message.empty() ? std::string(default_message(error.code)) : error.message;
  return scrubber.empty() ? message : scrubber.scrub(message);
}

} // namespace

void write_openai_error_object(const Error &error, const SecretScrubber &scrubber,
                               std::string &out) {
  const WireError wire = openai_wire_error(error.code);
  json::ObjectWriter root(out);
  json::ObjectWriter body = root.object("error");
  body.member("message", message_of(error, scrubber));
  body.member("type", wire.type);
  if (error.param.empty())
    body.member("param", nullptr);
  else
    body.member("param", scrubber.empty() ? error.param : scrubber.scrub(error.param));
  if (wire.code.empty())
    body.member("code", nullptr);
  else
    body.member("code", wire.code);
  body.close();
  root.close();
}

void write_anthropic_error_object(const Error &error, const SecretScrubber &scrubber,
                                  std::string &out) {
  json::ObjectWriter root(out);
  root.member("type", "error");
  json::ObjectWriter body = root.object("error");
  body.member("type", anthropic_wire_error(error.code).type);
  body.member("message", message_of(error, scrubber));
  body.close();
  root.close();
}

ErrorReply write_openai_error(const Error &error, const SecretScrubber &scrubber) {
  ErrorReply reply;
  reply.http_status = openai_wire_error(error.code).status;
  write_openai_error_object(error, scrubber, reply.body);
  return reply;
}

ErrorReply write_anthropic_error(const Error &error, const SecretScrubber &scrubber) {
  ErrorReply reply;
  reply.http_status = anthropic_wire_error(error.code).status;
  write_anthropic_error_object(error, scrubber, reply.body);
  return reply;
}

} // namespace llmux
