#pragma once
/// Token usage as the provider reported it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmux {

/// The largest token count llmux takes from a provider: 10^9, a hundred times the largest
/// context window any model has (10M tokens), and small enough that a count times the
/// highest price per token (about 10^8 picodollars) fits an int64. A count above it, or below
/// zero, is no count: see Usage::warnings.
inline constexpr std::int64_t max_token_count = 1'000'000'000;

/// Token counts of one response, each present only when the provider reported it, so that
/// "zero" and "not reported" stay apart. Counts are the provider's own: whether
/// `input_tokens` includes cached tokens differs (OpenAI's prompt_tokens does, Anthropic's
/// input_tokens does not), and Gemini reports thinking tokens outside `output_tokens`.
struct Usage {
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
  std::optional<std::int64_t> total_tokens;
  /// Input tokens read from the provider's prompt cache (OpenAI cached_tokens,
  /// Anthropic cache_read_input_tokens).
  std::optional<std::int64_t> cached_input_tokens;
  /// Input tokens written to the prompt cache (Anthropic cache_creation_input_tokens).
  std::optional<std::int64_t> cache_write_input_tokens;
  /// Output tokens spent on reasoning (OpenAI completion_tokens_details.reasoning_tokens).
  std::optional<std::int64_t> reasoning_tokens;
  /// The tokens the provider bills, where it reports them apart from the tokens processed
  /// (Cohere's billed_units).
  std::optional<std::int64_t> billed_input_tokens;
  std::optional<std::int64_t> billed_output_tokens;
  /// The counts the provider reported that cannot be right (negative, above max_token_count,
  /// not whole numbers, not numbers), one sentence each: "the provider reported prompt_tokens
  /// = -5, which is not a token count: recorded as unknown". Such a count is left absent, so
  /// that its cost is unknown rather than wrong, and the answer is kept. Every decoder reads
  /// counts through one function (read_token_count) that decides this.
  std::vector<std::string> warnings;

  /// True when the provider reported nothing: no count and no warning. A usage of warnings
  /// alone was reported (and is recorded, at an unknown cost).
  bool empty() const noexcept;

  /// Overwrites each count that `later` reports. Streams report usage as snapshots (Anthropic
  /// message_start then message_delta; Gemini on every chunk): the last report of a count wins.
  /// Warnings are kept, each once.
  void merge(const Usage &later);
  /// Adds the counts of another response (a later round of the same call): a count present in
  /// either is present in the sum. Saturates at the int64 maximum instead of overflowing.
  /// Warnings are kept, each once.
  void add(const Usage &other);

  friend bool operator==(const Usage &, const Usage &) = default;
};

/// Every count of Usage with its name, in declaration order: the one list for code that visits
/// each count (merging and summing usage, storing it), so that a count added to Usage and
/// here is handled everywhere alike.
using UsageCount = std::optional<std::int64_t> Usage::*;
inline constexpr std::array<std::pair<std::string_view, UsageCount>, 8> usage_counts = {{
    {"input_tokens", &Usage::input_tokens},
    {"output_tokens", &Usage::output_tokens},
    {"total_tokens", &Usage::total_tokens},
    {"cached_input_tokens", &Usage::cached_input_tokens},
    {"cache_write_input_tokens", &Usage::cache_write_input_tokens},
    {"reasoning_tokens", &Usage::reasoning_tokens},
    {"billed_input_tokens", &Usage::billed_input_tokens},
    {"billed_output_tokens", &Usage::billed_output_tokens},
}};

} // namespace llmux
