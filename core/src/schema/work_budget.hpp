#pragma once
// The work a validation may do, counted in small units, so that a hostile schema or instance
// (an anyOf nested along a deep instance, a pattern against a megabyte string, a uniqueItems
// over a huge array) ends in bounded time instead of hanging the host.

#include <cstdint>

namespace llmux::schema {

/// A count of work units left. Spending more than is left exhausts it for good: every later
/// spend fails too, so one check at the end tells whether the work was cut short.
class WorkBudget {
public:
  explicit WorkBudget(std::uint64_t units) noexcept : left_(units) {}

  /// Takes `units` from the budget; false (and exhausted from then on) when they are not there.
  bool spend(std::uint64_t units = 1) noexcept {
    if (exhausted_ || units > left_) {
      exhausted_ = true;
      left_ = 0;
      return false;
    }
    left_ -= units;
    return true;
  }

  bool exhausted() const noexcept { return exhausted_; }

private:
  std::uint64_t left_;
  bool exhausted_ = false;
};

} // namespace llmux::schema
