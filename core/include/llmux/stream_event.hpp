#pragma once
/// Events a stream decoder produces, in wire order.

#include <llmux/error.hpp>
#include <llmux/finish_reason.hpp>
#include <llmux/usage.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmux {

enum class StreamEventType : std::uint8_t {
  TextDelta,          ///< `text`: a fragment of the answer
  ReasoningDelta,     ///< `text`: a fragment of reasoning; `index`: the reasoning block
  ReasoningSignature, ///< `text`: the signature of reasoning block `index`
  RedactedReasoning,  ///< `text`: an encrypted reasoning block's data; `index`: its block
  RefusalDelta,       ///< `text`: a fragment of OpenAI's refusal
  ToolCallStart,      ///< `index`, `id`, `name`: a tool call began
  ToolCallDelta,      ///< `index`, `text`: a fragment of the call's JSON arguments
  ToolCallEnd,        ///< `index`, `id`, `name`, `text` (all the arguments): the call is whole
  Usage,              ///< `usage`: counts so far; present counts replace earlier ones
  Finish,             ///< `finish_reason`, `text` (the raw value): why the model stopped
  Error,              ///< `error`: the stream failed; nothing follows
  ToolPlanDelta,      ///< `text`: a fragment of Cohere's tool plan
};

std::string_view to_string(StreamEventType type) noexcept;

/// One decoded stream event: plain data tagged by `type`; the members `type` names are
/// meaningful, the rest are empty. Tool-call `index` counts the response's tool calls from
/// zero in order of first appearance, whatever numbering the provider uses. A ToolCallEnd
/// is emitted only when the provider ends the call (its block or its choice ends, or it sent
/// the call whole), never because the arguments so far happen to parse as JSON.
struct StreamEvent {
  StreamEventType type = StreamEventType::TextDelta;
  std::string text;
  std::size_t index = 0;
  std::string id;
  std::string name;
  llmux::Usage usage;
  FinishReason finish_reason = FinishReason::None;
  llmux::Error error;
  /// ToolCallEnd: the call's signature (see ToolCall::signature).
  std::string signature;
  /// ToolCallStart and ToolCallEnd: `id` was made by llmux (see ToolCall::generated_id).
  bool generated_id = false;

  static StreamEvent text_delta(std::string text);
  static StreamEvent reasoning_delta(std::size_t block, std::string text);
  static StreamEvent reasoning_signature(std::size_t block, std::string signature);
  static StreamEvent redacted_reasoning(std::size_t block, std::string data);
  static StreamEvent refusal_delta(std::string text);
  static StreamEvent tool_call_start(std::size_t index, std::string id, std::string name);
  static StreamEvent tool_call_delta(std::size_t index, std::string arguments_fragment);
  static StreamEvent tool_call_end(std::size_t index, std::string id, std::string name,
                                   std::string arguments);
  static StreamEvent usage_report(llmux::Usage usage);
  static StreamEvent finish(FinishReason reason, std::string raw);
  static StreamEvent failure(llmux::Error error);
  static StreamEvent tool_plan_delta(std::string text);

  friend bool operator==(const StreamEvent &, const StreamEvent &) = default;
};

} // namespace llmux
