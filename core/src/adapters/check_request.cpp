#include "adapters/check_request.hpp"

#include "adapters/wire_common.hpp"

namespace llmux {

namespace {

// What is wrong with where the message's parts are, or null. Apart from the errors it leads
// to, so that the loop that every request runs through stays small.
const char *misplaced_part(const Message &message) noexcept {
  for (const ContentPart &part : message.content) {
    if (part.kind == ContentPart::Kind::Image && message.role != Role::User)
      return "images are only allowed in user messages";
    if (part.kind == ContentPart::Kind::ToolCall && message.role != Role::Assistant)
      return "tool calls are only allowed in assistant messages";
  }
  return nullptr;
}

} // namespace

Result<void> check_part_roles(const Message &message) {
  if (const char *fault = misplaced_part(message))
    return invalid_argument(fault);
  return {};
}

Result<void> check_request(const ChatRequest &request) {
  if (auto numbers = check_request_numbers(request); !numbers.ok())
    return numbers;
  for (const Message &message : request.messages)
    if (message.role != Role::System)
      if (const char *fault = misplaced_part(message))
        return invalid_argument(fault);
  for (const Tool &tool : request.tools)
    if (tool.name.empty())
      return invalid_argument("a tool has no name");
  return {};
}

Result<void> check_tool_choice_has_tools(const ChatRequest &request) {
  if (request.tools.empty() && request.tool_choice &&
      request.tool_choice->mode != ToolChoice::Mode::None &&
      request.tool_choice->mode != ToolChoice::Mode::Auto)
    return invalid_argument("tool_choice requires a tool but the request has none");
  return {};
}

} // namespace llmux
