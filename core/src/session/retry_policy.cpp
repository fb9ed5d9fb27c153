#include <llmux/retry_policy.hpp>

#include <algorithm>

namespace llmux {

bool is_retryable(const Error &error) noexcept {
  switch (error.code) {
    case ErrorCode::RateLimited:
    case ErrorCode::Overloaded:
    case ErrorCode::ServerError:
    case ErrorCode::Network:
    case ErrorCode::Timeout:
      return true;
    default:
      return false;
  }
}

bool can_fall_back(const Error &error) noexcept {
  switch (error.code) {
    case ErrorCode::BudgetExceeded:
    case ErrorCode::Cancelled:
      return false;
    case ErrorCode::InvalidArgument:
      // The caller's request cannot be expressed: it cannot be expressed for the next model
      // either. (An adapter's "unsupported" can be: another provider may support it.)
      return error.origin != ErrorOrigin::Caller;
    default:
      return true;
  }
}

std::int64_t retry_delay_ms(const RetryPolicy &policy, const Error &error, int retry,
                            std::uint64_t random) noexcept {
  if (error.retry_after_ms)
    return std::max<std::int64_t>(0, *error.retry_after_ms);
  std::int64_t backoff = std::max<std::int64_t>(0, policy.initial_backoff_ms);
  for (int doubling = 1; doubling < retry && backoff < policy.max_backoff_ms; ++doubling)
    backoff *= 2;
  backoff = std::min(backoff, std::max<std::int64_t>(0, policy.max_backoff_ms));
  const std::int64_t fixed = backoff / 2;
  const std::int64_t spread = backoff - fixed;
  return fixed + (spread == 0 ? 0 : static_cast<std::int64_t>(random % static_cast<std::uint64_t>(spread + 1)));
}

} // namespace llmux
