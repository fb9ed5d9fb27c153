#include "adapters/check_request.hpp"

#include "adapters/wire_common.hpp"

namespace llmux {

Result<void> check_part_roles(const Message &message) {
  for (const ContentPart &part : message.content) {
    if (part.kind == ContentPart::Kind::Image && message.role != Role::User)
      return invalid_argument("images are only allowed in user messages");
    if (part.kind == ContentPart::Kind::ToolCall && message.role != Role::Assistant)
      return invalid_argument("tool calls are only allowed in assistant messages");
  }
  return {};
}

Result<void> check_request(const ChatRequest &request) {
  if (auto numbers = check_request_numbers(request); !numbers.ok())
    return numbers;
  for (const Message &message : request.messages)
    if (message.role != Role::System)
      if (auto roles = check_part_roles(message); !roles.ok())
        return roles;
  for (const Tool &tool : request.tools)
    if (tool.name.empty())
      return invalid_argument("a tool has no name");
  return {};
}

} // namespace llmux
