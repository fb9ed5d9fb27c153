#include <llmux/chat_response.hpp>

namespace llmux {

Message ChatResponse::to_message() const {
  Message message;
  message.role = Role::Assistant;
  for (const Reasoning &block : reasoning_blocks)
    message.content.push_back(ContentPart::make_reasoning(block));
  if (!tool_plan.empty())
    message.content.push_back(ContentPart::make_tool_plan(tool_plan));
  if (!text.empty())
    message.content.push_back(ContentPart::make_text(text));
  for (const ToolCall &call : tool_calls)
    message.content.push_back(ContentPart::make_tool_call(call));
  return message;
}

} // namespace llmux
