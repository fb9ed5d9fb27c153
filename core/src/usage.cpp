#include <llmux/usage.hpp>

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

} // namespace llmux
