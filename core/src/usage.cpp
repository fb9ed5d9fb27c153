#include <llmux/usage.hpp>

#include <limits>

namespace llmux {

bool Usage::empty() const noexcept {
  return !input_tokens && !output_tokens && !total_tokens && !cached_input_tokens &&
         !cache_write_input_tokens && !reasoning_tokens && !billed_input_tokens &&
         !billed_output_tokens;
}

void Usage::merge(const Usage &later) noexcept {
  auto take = [](std::optional<std::int64_t> &mine, const std::optional<std::int64_t> &theirs) {
    if (theirs)
      mine = theirs;
  };
  take(input_tokens, later.input_tokens);
  take(output_tokens, later.output_tokens);
  take(total_tokens, later.total_tokens);
  take(cached_input_tokens, later.cached_input_tokens);
  take(cache_write_input_tokens, later.cache_write_input_tokens);
  take(reasoning_tokens, later.reasoning_tokens);
  take(billed_input_tokens, later.billed_input_tokens);
  take(billed_output_tokens, later.billed_output_tokens);
}

void Usage::add(const Usage &other) noexcept {
  auto sum = [](std::optional<std::int64_t> &mine, const std::optional<std::int64_t> &theirs) {
    if (!theirs)
      return;
    std::int64_t total = 0;
    if (__builtin_add_overflow(mine.value_or(0), *theirs, &total))
      total = std::numeric_limits<std::int64_t>::max();
    mine = total;
  };
  sum(input_tokens, other.input_tokens);
  sum(output_tokens, other.output_tokens);
  sum(total_tokens, other.total_tokens);
  sum(cached_input_tokens, other.cached_input_tokens);
  sum(cache_write_input_tokens, other.cache_write_input_tokens);
  sum(reasoning_tokens, other.reasoning_tokens);
  sum(billed_input_tokens, other.billed_input_tokens);
  sum(billed_output_tokens, other.billed_output_tokens);
}

} // namespace llmux
