#include <llmux/usage.hpp>

#include <algorithm>
#include <limits>

namespace llmux {

bool Usage::empty() const noexcept {
  for (const auto &[name, count] : usage_counts)
    if (this->*count)
      return false;
  return warnings.empty();
}

namespace {

// Appends the warnings of `from` that `to` does not have yet: a stream repeats its usage.
void keep_warnings(std::vector<std::string> &to, const std::vector<std::string> &from) {
  for (const std::string &warning : from)
    if (std::find(to.begin(), to.end(), warning) == to.end())
      to.push_back(warning);
}

} // namespace

void Usage::merge(const Usage &later) {
  for (const auto &[name, count] : usage_counts)
    if (later.*count)
      this->*count = later.*count;
  keep_warnings(warnings, later.warnings);
}

void Usage::add(const Usage &other) {
  keep_warnings(warnings, other.warnings);
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
