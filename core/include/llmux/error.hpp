#pragma once
/// Errors as values: a stable code, whose fault it was, and what the provider said.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmux {

/// The one table of error codes: number, enumerator, the string JavaScript sees, and a
/// default message. Numbers are a stable contract: append new rows, never renumber or reuse.
/// The JS constants and the TypeScript union are checked against this table by a test.
#define LLMUX_ERROR_CODES(X)                                                                       \
  X(1, AuthFailed, "auth_failed", "the provider rejected the API key or token")                    \
  X(2, PermissionDenied, "permission_denied", "the credentials may not use this resource")         \
  X(3, NotFound, "not_found", "the model, deployment or endpoint does not exist")                  \
  X(4, RateLimited, "rate_limited", "too many requests; retry later")                              \
  X(5, Overloaded, "overloaded", "the provider is temporarily overloaded; retry later")            \
  X(6, ContextLengthExceeded, "context_length_exceeded",                                           \
    "the request does not fit the model's context window")                                         \
  X(7, InvalidRequest, "invalid_request", "the provider rejected the request as invalid")          \
  X(8, ToolChoiceUnsupported, "tool_choice_unsupported",                                           \
    "the server was not started with tool calling enabled")                                        \
  X(9, ContentFiltered, "content_filtered", "the provider's content filter blocked the request")   \
  X(10, ServerError, "server_error", "the provider failed with an internal error")                 \
  X(11, BadResponse, "bad_response", "the response could not be decoded")                          \
  X(12, QuotaExceeded, "quota_exceeded", "the account has no quota or credit left")                \
  X(13, InvalidArgument, "invalid_argument", "the caller passed an invalid argument")              \
  X(14, Unsupported, "unsupported", "the provider does not support what the request asks for")     \
  X(15, UnknownModel, "unknown_model", "no model of that name is known")                           \
  X(16, BudgetExceeded, "budget_exceeded", "the call would exceed a spending budget")              \
  X(17, Network, "network", "the connection to the provider failed")                               \
  X(18, Timeout, "timeout", "the provider did not answer in time")                                 \
  X(19, Cancelled, "cancelled", "the caller cancelled the call")                                  \
  X(20, Storage, "storage", "the host's storage (files, IndexedDB) failed")                        \
  X(21, Internal, "internal",                                                                      \
    "llmux failed inside its core (its Wasm module aborted); the call was abandoned")

/// A stable error code. The numbers are part of the public contract (see LLMUX_ERROR_CODES).
enum class ErrorCode : std::uint16_t {
#define LLMUX_ERROR_ENUMERATOR(number, name, string, message) name = number,
  LLMUX_ERROR_CODES(LLMUX_ERROR_ENUMERATOR)
#undef LLMUX_ERROR_ENUMERATOR
};

/// The code as JavaScript and the CLI spell it ("rate_limited"). Unknown values give "unknown".
std::string_view to_string(ErrorCode code) noexcept;

/// The code for its string form, if there is one.
std::optional<ErrorCode> error_code_from_string(std::string_view text) noexcept;

/// The table's default message for the code: used when nobody said anything better.
std::string_view default_message(ErrorCode code) noexcept;

/// The whole table as a JSON array of {"number", "code", "message"}, in number order: what
/// JavaScript's error constants are checked against.
std::string error_table_json();

/// Whose fault an error is.
enum class ErrorOrigin : std::uint8_t {
  Provider, ///< the provider answered with an error (HTTP status or an error inside a stream)
  Decoder,  ///< the bytes that arrived could not be decoded (bad_response)
  Caller,   ///< the request could not be built from what the caller passed
  Network,  ///< the host's driver could not reach the provider, or gave up waiting
  Session,  ///< the session's own policy ended the call (a budget, a cancellation)
};

std::string_view to_string(ErrorOrigin origin) noexcept;

/// An error value. Plain data: copy it freely. Never holds an API key.
struct Error {
  ErrorCode code = ErrorCode::BadResponse;
  ErrorOrigin origin = ErrorOrigin::Provider;
  /// HTTP status of the response, 0 when there was none (a decoder or caller error before one).
  int http_status = 0;
  /// True when the error arrived inside a 200 stream (an SSE `error` event or error chunk).
  bool in_stream = false;
  /// The provider's own error type ("rate_limit_error", "RESOURCE_EXHAUSTED"), or empty.
  std::string provider_type;
  /// The provider's own error code, as text ("context_length_exceeded", "429"), or empty.
  std::string provider_code;
  /// The request parameter the provider blamed, or empty.
  std::string param;
  /// The provider's message verbatim; for decoder and caller errors, ours.
  std::string message;
  /// What to do about it, when llmux knows more than the provider said; else empty.
  std::string hint;
  /// The provider's request id (header or body), for support tickets; else empty.
  std::string request_id;
  /// How long the provider asked us to wait before retrying, when it said so.
  std::optional<std::int64_t> retry_after_ms;

  friend bool operator==(const Error &, const Error &) = default;
};

/// An error the core raises itself (decoder or caller), with a message of its own.
Error make_error(ErrorCode code, ErrorOrigin origin, std::string message);

/// Shorthand for a bad_response decoder error.
Error bad_response(std::string message);

} // namespace llmux
