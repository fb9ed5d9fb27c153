#include "session/response_events.hpp"

namespace llmux {

std::vector<StreamEvent> response_events(const ChatResponse &response) {
  std::vector<StreamEvent> events;
  for (std::size_t block = 0; block < response.reasoning_blocks.size(); ++block) {
    const Reasoning &reasoning = response.reasoning_blocks[block];
    if (!reasoning.redacted_data.empty()) {
      events.push_back(StreamEvent::redacted_reasoning(block, reasoning.redacted_data));
      continue;
    }
    events.push_back(StreamEvent::reasoning_delta(block, reasoning.text));
    if (!reasoning.signature.empty())
      events.push_back(StreamEvent::reasoning_signature(block, reasoning.signature));
  }
  if (!response.tool_plan.empty())
    events.push_back(StreamEvent::tool_plan_delta(response.tool_plan));
  if (!response.text.empty())
    events.push_back(StreamEvent::text_delta(response.text));
  if (!response.refusal.empty())
    events.push_back(StreamEvent::refusal_delta(response.refusal));
  for (std::size_t index = 0; index < response.tool_calls.size(); ++index) {
    const ToolCall &call = response.tool_calls[index];
    StreamEvent start = StreamEvent::tool_call_start(index, call.id, call.name);
    start.generated_id = call.generated_id;
    events.push_back(std::move(start));
    if (!call.arguments.empty())
      events.push_back(StreamEvent::tool_call_delta(index, call.arguments));
    StreamEvent end = StreamEvent::tool_call_end(index, call.id, call.name, call.arguments);
    end.signature = call.signature;
    end.generated_id = call.generated_id;
    events.push_back(std::move(end));
  }
  if (!response.usage.empty())
    events.push_back(StreamEvent::usage_report(response.usage));
  if (response.finish_reason != FinishReason::None || !response.finish_reason_raw.empty())
    events.push_back(StreamEvent::finish(response.finish_reason, response.finish_reason_raw));
  return events;
}

} // namespace llmux
