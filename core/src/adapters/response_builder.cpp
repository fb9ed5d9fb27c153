#include <llmux/response_builder.hpp>

namespace llmux {

Reasoning &ResponseBuilder::reasoning_block(std::size_t index) {
  std::vector<Reasoning> &blocks = result_.response.reasoning_blocks;
  if (blocks.empty() || index != reasoning_index_) {
    blocks.emplace_back();
    reasoning_index_ = index;
  }
  return blocks.back();
}

ToolCall &ResponseBuilder::tool_call(std::size_t index) {
  std::vector<ToolCall> &calls = result_.response.tool_calls;
  // Decoders number calls densely from zero; an index past the end starts the next call.
  if (index >= calls.size()) {
    calls.emplace_back();
    return calls.back();
  }
  return calls[index];
}

void ResponseBuilder::apply(const StreamEvent &event) {
  ChatResponse &response = result_.response;
  switch (event.type) {
    case StreamEventType::TextDelta:
      response.text += event.text;
      break;
    case StreamEventType::ReasoningDelta:
      response.reasoning += event.text;
      reasoning_block(event.index).text += event.text;
      break;
    case StreamEventType::ReasoningSignature:
      reasoning_block(event.index).signature += event.text;
      break;
    case StreamEventType::RedactedReasoning:
      reasoning_block(event.index).redacted_data += event.text;
      break;
    case StreamEventType::RefusalDelta:
      response.refusal += event.text;
      break;
    case StreamEventType::ToolPlanDelta:
      response.tool_plan += event.text;
      break;
    case StreamEventType::ToolCallStart: {
      ToolCall &call = tool_call(event.index);
      call.id = event.id;
      call.name = event.name;
      call.generated_id = event.generated_id;
      break;
    }
    case StreamEventType::ToolCallDelta:
      tool_call(event.index).arguments += event.text;
      break;
    case StreamEventType::ToolCallEnd: {
      ToolCall &call = tool_call(event.index);
      call.id = event.id;
      call.name = event.name;
      call.arguments = event.text;
      call.signature = event.signature;
      call.generated_id = event.generated_id;
      break;
    }
    case StreamEventType::Usage:
      response.usage.merge(event.usage);
      break;
    case StreamEventType::Finish:
      response.finish_reason = event.finish_reason;
      response.finish_reason_raw = event.text;
      break;
    case StreamEventType::Error:
      result_.error = event.error;
      break;
  }
}

DecodedResponse ResponseBuilder::take() {
  DecodedResponse taken = std::move(result_);
  result_ = {};
  reasoning_index_ = 0;
  return taken;
}

} // namespace llmux
