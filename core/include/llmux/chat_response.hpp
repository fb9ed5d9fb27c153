#pragma once
/// A provider-neutral chat response.

#include <llmux/finish_reason.hpp>
#include <llmux/message.hpp>
#include <llmux/usage.hpp>

#include <string>
#include <vector>

namespace llmux {

/// The model's answer (choice 0). Everything is owned; nothing points into the input bytes.
struct ChatResponse {
  std::string id;    ///< the provider's response id, or empty
  std::string model; ///< the model that answered, as the provider names it, or empty
  /// Answer text, exactly as sent (an inline "<think>" stays in it).
  std::string text;
  /// Reasoning ("thinking") text, concatenated over its blocks.
  std::string reasoning;
  /// Reasoning blocks with their signatures, in order, to send back on the next turn.
  std::vector<Reasoning> reasoning_blocks;
  /// OpenAI's refusal text (not part of `text`), or empty.
  std::string refusal;
  /// Cohere's tool plan: what the model means to do with its tool calls (not part of
  /// `text`), or empty.
  std::string tool_plan;
  /// Tool calls in order of first appearance.
  std::vector<ToolCall> tool_calls;
  FinishReason finish_reason = FinishReason::None;
  /// The provider's own value ("end_turn", "tool_calls"), or empty when none was sent.
  std::string finish_reason_raw;
  Usage usage;

  /// The assistant message that continues the conversation after this response: reasoning
  /// blocks, the tool plan, text, then tool calls.
  Message to_message() const;

  friend bool operator==(const ChatResponse &, const ChatResponse &) = default;
};

} // namespace llmux
