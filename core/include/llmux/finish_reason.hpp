#pragma once
/// Why the model stopped, normalised across providers.

#include <cstdint>
#include <string_view>

namespace llmux {

enum class FinishReason : std::uint8_t {
  None,          ///< not reported (the stream ended without a reason, or failed)
  Stop,          ///< natural end or a stop sequence (OpenAI "stop", Anthropic "end_turn")
  Length,        ///< the output limit was reached (OpenAI "length", Anthropic "max_tokens")
  ToolCalls,     ///< the model wants tools run (OpenAI "tool_calls", Anthropic "tool_use")
  ContentFilter, ///< output withheld by a filter (OpenAI "content_filter", Anthropic "refusal")
  Other,         ///< a value llmux does not know; the raw value says which
};

std::string_view to_string(FinishReason reason) noexcept;

} // namespace llmux
