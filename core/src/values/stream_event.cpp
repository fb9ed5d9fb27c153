#include <llmux/stream_event.hpp>

namespace llmux {

std::string_view to_string(StreamEventType type) noexcept {
  switch (type) {
    case StreamEventType::TextDelta:
      return "text_delta";
    case StreamEventType::ReasoningDelta:
      return "reasoning_delta";
    case StreamEventType::ReasoningSignature:
      return "reasoning_signature";
    case StreamEventType::RedactedReasoning:
      return "redacted_reasoning";
    case StreamEventType::RefusalDelta:
      return "refusal_delta";
    case StreamEventType::ToolCallStart:
      return "tool_call_start";
    case StreamEventType::ToolCallDelta:
      return "tool_call_delta";
    case StreamEventType::ToolCallEnd:
      return "tool_call_end";
    case StreamEventType::Usage:
      return "usage";
    case StreamEventType::Finish:
      return "finish";
    case StreamEventType::Error:
      return "error";
    case StreamEventType::ToolPlanDelta:
      return "tool_plan_delta";
  }
  return "unknown";
}

namespace {
StreamEvent with_text(StreamEventType type, std::size_t index, std::string text) {
  StreamEvent event;
  event.type = type;
  event.index = index;
  event.text = std::move(text);
  return event;
}
} // namespace

StreamEvent StreamEvent::text_delta(std::string text) {
  return with_text(StreamEventType::TextDelta, 0, std::move(text));
}
StreamEvent StreamEvent::reasoning_delta(std::size_t block, std::string text) {
  return with_text(StreamEventType::ReasoningDelta, block, std::move(text));
}
StreamEvent StreamEvent::reasoning_signature(std::size_t block, std::string signature) {
  return with_text(StreamEventType::ReasoningSignature, block, std::move(signature));
}
StreamEvent StreamEvent::redacted_reasoning(std::size_t block, std::string data) {
  return with_text(StreamEventType::RedactedReasoning, block, std::move(data));
}
StreamEvent StreamEvent::refusal_delta(std::string text) {
  return with_text(StreamEventType::RefusalDelta, 0, std::move(text));
}
StreamEvent StreamEvent::tool_call_start(std::size_t index, std::string id, std::string name) {
  StreamEvent event = with_text(StreamEventType::ToolCallStart, index, {});
  event.id = std::move(id);
  event.name = std::move(name);
  return event;
}
StreamEvent StreamEvent::tool_call_delta(std::size_t index, std::string arguments_fragment) {
  return with_text(StreamEventType::ToolCallDelta, index, std::move(arguments_fragment));
}
StreamEvent StreamEvent::tool_call_end(std::size_t index, std::string id, std::string name,
                                       std::string arguments) {
  StreamEvent event = with_text(StreamEventType::ToolCallEnd, index, std::move(arguments));
  event.id = std::move(id);
  event.name = std::move(name);
  return event;
}
StreamEvent StreamEvent::usage_report(llmux::Usage usage) {
  StreamEvent event;
  event.type = StreamEventType::Usage;
  event.usage = usage;
  return event;
}
StreamEvent StreamEvent::finish(FinishReason reason, std::string raw) {
  StreamEvent event = with_text(StreamEventType::Finish, 0, std::move(raw));
  event.finish_reason = reason;
  return event;
}
StreamEvent StreamEvent::tool_plan_delta(std::string text) {
  return with_text(StreamEventType::ToolPlanDelta, 0, std::move(text));
}
StreamEvent StreamEvent::failure(llmux::Error error) {
  StreamEvent event;
  event.type = StreamEventType::Error;
  event.error = std::move(error);
  return event;
}

} // namespace llmux
