#include <llmux/message.hpp>

namespace llmux {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::System:
      return "system";
    case Role::User:
      return "user";
    case Role::Assistant:
      return "assistant";
    case Role::Tool:
      return "tool";
  }
  return "user";
}

ContentPart ContentPart::make_text(std::string text) {
  ContentPart part;
  part.kind = Kind::Text;
  part.text = std::move(text);
  return part;
}

ContentPart ContentPart::make_image_url(std::string url) {
  ContentPart part;
  part.kind = Kind::Image;
  part.image.url = std::move(url);
  return part;
}

ContentPart ContentPart::make_image_base64(std::string media_type, std::string base64) {
  ContentPart part;
  part.kind = Kind::Image;
  part.image.media_type = std::move(media_type);
  part.image.base64 = std::move(base64);
  return part;
}

ContentPart ContentPart::make_tool_call(llmux::ToolCall call) {
  ContentPart part;
  part.kind = Kind::ToolCall;
  part.tool_call = std::move(call);
  return part;
}

ContentPart ContentPart::make_tool_result(llmux::ToolResult result) {
  ContentPart part;
  part.kind = Kind::ToolResult;
  part.tool_result = std::move(result);
  return part;
}

ContentPart ContentPart::make_reasoning(llmux::Reasoning reasoning) {
  ContentPart part;
  part.kind = Kind::Reasoning;
  part.reasoning = std::move(reasoning);
  return part;
}

ContentPart ContentPart::make_tool_plan(std::string plan) {
  ContentPart part;
  part.kind = Kind::ToolPlan;
  part.text = std::move(plan);
  return part;
}

namespace {
Message text_message(Role role, std::string text) {
  Message message;
  message.role = role;
  message.content.push_back(ContentPart::make_text(std::move(text)));
  return message;
}
} // namespace

Message Message::system(std::string text) {
  return text_message(Role::System, std::move(text));
}
Message Message::user(std::string text) {
  return text_message(Role::User, std::move(text));
}
Message Message::assistant(std::string text) {
  return text_message(Role::Assistant, std::move(text));
}

Message Message::tool(std::string tool_call_id, std::string content, bool is_error) {
  Message message;
  message.role = Role::Tool;
  ToolResult result;
  result.tool_call_id = std::move(tool_call_id);
  result.content = std::move(content);
  result.is_error = is_error;
  message.content.push_back(ContentPart::make_tool_result(std::move(result)));
  return message;
}

std::string Message::text() const {
  std::string joined;
  for (const ContentPart &part : content)
    if (part.kind == ContentPart::Kind::Text)
      joined += part.text;
  return joined;
}

} // namespace llmux
