#pragma once
// When a provider says to retry: Retry-After and its relatives in headers and bodies.

#include <llmux/http.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace llmux {

/// Milliseconds since the Unix epoch for an HTTP date in any of the three forms RFC 9110
/// requires recipients to accept (IMF-fixdate, RFC 850, asctime).
std::optional<std::int64_t> parse_http_date_ms(std::string_view text) noexcept;

/// A Go-style duration as providers write them ("34.4s", "6m0s", "1h2m", "120ms").
std::optional<std::int64_t> parse_duration_ms(std::string_view text) noexcept;

/// A Retry-After value: delta-seconds (integral, or fractional as some servers send) or an
/// HTTP date, which needs the time the response arrived (`now_ms`, 0 = unknown).
std::optional<std::int64_t> parse_retry_after_ms(std::string_view value,
                                                 std::int64_t now_ms) noexcept;

/// The delay the response headers ask for, in order of precision: `retry-after-ms`
/// (OpenAI, Azure), `retry-after`, OpenAI's `x-ratelimit-reset-{requests,tokens}` for the
/// limit that is exhausted, and `x-ratelimit-reset` (OpenRouter: epoch milliseconds).
std::optional<std::int64_t> retry_after_from_headers(const HttpResponseHead &head) noexcept;

/// A delay stated in an error message: "Please try again in 1.5s" (OpenAI), "Please retry
/// after 6 seconds" (Azure).
std::optional<std::int64_t> retry_after_from_message(std::string_view message) noexcept;

} // namespace llmux
