#include <llmux/usage.hpp>

#include <limits>

namespace llmux {

bool Usage::empty() const noexcept {
  for (const auto &[name, count] : usage_counts)
    if (this->*count)
      return false;
  return true;
}

void Usage::merge(const Usage &later) noexcept {
  for (const auto &[name, count] : usage_counts)
    if (later.*count)
      this->*count = later.*count;
}

void Usage::add(const Usage &other) noexcept {
  for (const auto &[name, count] : usage_counts) {
    if (!(other.*count))
      continue;
    std::int64_t total = 0;
    if (__builtin_add_overflow((this->*count).value_or(0), *(other.*count), &total))
      total = std::numeric_limits<std::int64_t>::max();
    this->*count = total;
  }
}

} // namespace llmux
