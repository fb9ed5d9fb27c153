#pragma once
/// When a failed model call is tried again, after how long, and when the session gives up on
/// a model and moves to the next one of its fallback chain.

#include <llmux/error.hpp>

#include <cstdint>

namespace llmux {

/// How a session retries one model before it falls back to the next.
struct RetryPolicy {
  /// Retries of one model call after its first attempt (so 2 means up to 3 attempts).
  int max_retries = 2;
  /// The first backoff; each later one doubles, up to max_backoff_ms.
  std::int64_t initial_backoff_ms = 500;
  std::int64_t max_backoff_ms = 30'000;
  /// A provider's Retry-After longer than this is not waited for: the session moves to the
  /// next model at once, or fails with the provider's error when there is none (a caller is
  /// better served by `rate_limited` and its retry_after_ms than by a ten-minute hang).
  std::int64_t max_retry_after_ms = 60'000;
};

/// Whether trying the same call again may cure `error`: rate limits, overload, the provider's
/// internal errors, and the network failing or timing out. Never for errors of the caller's
/// request, its key, its budget, or a cancellation.
bool is_retryable(const Error &error) noexcept;

/// Whether another model of a fallback chain may succeed where this one failed: every error
/// of the provider or the network (another provider has other keys, limits and windows),
/// but not the caller's own invalid arguments, a budget, or a cancellation, which would fail
/// the same everywhere.
bool can_fall_back(const Error &error) noexcept;

/// The wait before retry number `retry` (1 for the first retry) of a call that failed with
/// `error`: the provider's retry_after_ms when it gave one, else exponential backoff with
/// "equal jitter" (half the backoff fixed, half drawn from `random`, a uniformly random
/// 64-bit value) so that many clients that failed together do not retry together.
std::int64_t retry_delay_ms(const RetryPolicy &policy, const Error &error, int retry,
                            std::uint64_t random) noexcept;

} // namespace llmux
