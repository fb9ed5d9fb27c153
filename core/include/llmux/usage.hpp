#pragma once
/// Token usage as the provider reported it.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace llmux {

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

  /// True when no count is present.
  bool empty() const noexcept;

  /// Overwrites each count that `later` reports. Streams report usage as snapshots (Anthropic
  /// message_start then message_delta; Gemini on every chunk): the last report of a count wins.
  void merge(const Usage &later) noexcept;
  /// Adds the counts of another response (a later round of the same call): a count present in
  /// either is present in the sum. Saturates at the int64 maximum instead of overflowing.
  void add(const Usage &other) noexcept;

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
