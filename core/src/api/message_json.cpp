// Messages in the JavaScript API's JSON form, both ways (see api_json.hpp): result.messages
// must read back exactly, so that a conversation can go on from where a call left it.

#include "api/message_json.hpp"

#include <llmux/api_json.hpp>

#include "json/json_writer.hpp"

namespace llmux::api {
namespace {

std::optional<Role> role_from_name(std::string_view name) {
  if (name == "system")
    return Role::System;
  if (name == "user")
    return Role::User;
  if (name == "assistant")
    return Role::Assistant;
  if (name == "tool")
    return Role::Tool;
  return std::nullopt;
}

// Tool-call arguments: an object (written as compact JSON), or JSON text as a string.
std::string arguments_text(ApiReader &reader, const json::Value &part, const std::string &path) {
  const json::Value *arguments = ApiReader::member(part, "arguments");
  if (!arguments)
    return {};
  if (arguments->is_string())
    return arguments->as_string();
  if (arguments->is_object())
    return json::dump(*arguments);
  reader.fail(member_path(path, "arguments"), "must be an object or JSON text");
  return {};
}

std::optional<ContentPart> read_part(ApiReader &reader, const json::Value &part,
                                     const std::string &path) {
  if (!part.is_object()) {
    reader.fail(path, "must be an object with a type");
    return std::nullopt;
  }
  const std::string type = reader.string(part, "type", path).value_or("");
  if (type == "text") {
    reader.only(part, {"type", "text"}, path);
    return ContentPart::make_text(reader.string(part, "text", path).value_or(""));
  }
  if (type == "image") {
    reader.only(part, {"type", "url", "mediaType", "data"}, path);
    auto url = reader.string(part, "url", path);
    auto data = reader.string(part, "data", path);
    auto media_type = reader.string(part, "mediaType", path);
    if (url && !data)
      return ContentPart::make_image_url(*url);
    if (data && media_type && !url)
      return ContentPart::make_image_base64(*media_type, *data);
    reader.fail(path, "an image needs a url, or data (base64) with its mediaType");
    return std::nullopt;
  }
  if (type == "tool-call") {
    reader.only(part, {"type", "id", "name", "arguments", "signature"}, path);
    ToolCall call;
    call.id = reader.string(part, "id", path).value_or("");
    call.name = reader.string(part, "name", path).value_or("");
    call.arguments = arguments_text(reader, part, path);
    call.signature = reader.string(part, "signature", path).value_or("");
    if (call.name.empty())
      reader.fail(member_path(path, "name"), "a tool call needs the tool's name");
    return ContentPart::make_tool_call(std::move(call));
  }
  if (type == "tool-result") {
    reader.only(part, {"type", "toolCallId", "toolName", "content", "isError"}, path);
    ToolResult result;
    result.tool_call_id = reader.string(part, "toolCallId", path).value_or("");
    result.tool_name = reader.string(part, "toolName", path).value_or("");
    result.content = reader.string(part, "content", path).value_or("");
    result.is_error = reader.boolean(part, "isError", path).value_or(false);
    return ContentPart::make_tool_result(std::move(result));
  }
  if (type == "reasoning") {
    reader.only(part, {"type", "text", "signature", "redactedData"}, path);
    Reasoning reasoning;
    reasoning.text = reader.string(part, "text", path).value_or("");
    reasoning.signature = reader.string(part, "signature", path).value_or("");
    reasoning.redacted_data = reader.string(part, "redactedData", path).value_or("");
    return ContentPart::make_reasoning(std::move(reasoning));
  }
  if (type == "tool-plan") {
    reader.only(part, {"type", "text"}, path);
    return ContentPart::make_tool_plan(reader.string(part, "text", path).value_or(""));
  }
  reader.fail(member_path(path, "type"), "must be text, image, tool-call, tool-result, "
                                         "reasoning or tool-plan");
  return std::nullopt;
}

void write_part(const ContentPart &part, json::ArrayWriter &parts) {
  json::ObjectWriter object = parts.object();
  switch (part.kind) {
    case ContentPart::Kind::Text:
      object.member("type", "text");
      object.member("text", part.text);
      break;
    case ContentPart::Kind::Image:
      object.member("type", "image");
      if (part.image.base64.empty()) {
        object.member("url", part.image.url);
      } else {
        object.member("mediaType", part.image.media_type);
        object.member("data", part.image.base64);
      }
      break;
    case ContentPart::Kind::ToolCall:
      object.member("type", "tool-call");
      object.member("id", part.tool_call.id);
      object.member("name", part.tool_call.name);
      object.member("arguments", part.tool_call.arguments);
      if (!part.tool_call.signature.empty())
        object.member("signature", part.tool_call.signature);
      break;
    case ContentPart::Kind::ToolResult:
      object.member("type", "tool-result");
      object.member("toolCallId", part.tool_result.tool_call_id);
      object.member("toolName", part.tool_result.tool_name);
      object.member("content", part.tool_result.content);
      if (part.tool_result.is_error)
        object.member("isError", true);
      break;
    case ContentPart::Kind::Reasoning:
      object.member("type", "reasoning");
      object.member("text", part.reasoning.text);
      if (!part.reasoning.signature.empty())
        object.member("signature", part.reasoning.signature);
      if (!part.reasoning.redacted_data.empty())
        object.member("redactedData", part.reasoning.redacted_data);
      break;
    case ContentPart::Kind::ToolPlan:
      object.member("type", "tool-plan");
      object.member("text", part.text);
      break;
  }
  object.close();
}

} // namespace

std::vector<Message> read_messages(ApiReader &reader, const json::Value &messages,
                                   std::string_view path) {
  std::vector<Message> out;
  if (!messages.is_array()) {
    reader.fail(path, "must be an array of messages");
    return out;
  }
  for (std::size_t i = 0; i < messages.items().size() && !reader.failed(); ++i) {
    const json::Value &item = messages.items()[i];
    const std::string at = item_path(path, i);
    if (!item.is_object()) {
      reader.fail(at, "must be a message object {role, content}");
      break;
    }
    reader.only(item, {"role", "content"}, at);
    Message message;
    const auto role = role_from_name(reader.string(item, "role", at).value_or(""));
    if (!role) {
      reader.fail(member_path(at, "role"), "must be system, user, assistant or tool");
      break;
    }
    message.role = *role;
    const json::Value *content = ApiReader::member(item, "content");
    const std::string content_at = member_path(at, "content");
    if (content && content->is_string()) {
      message.content.push_back(ContentPart::make_text(content->as_string()));
    } else if (content && content->is_array()) {
      for (std::size_t p = 0; p < content->items().size() && !reader.failed(); ++p)
        if (auto part = read_part(reader, content->items()[p], item_path(content_at, p)))
          message.content.push_back(std::move(*part));
    } else if (content) {
      reader.fail(content_at, "must be a string or an array of parts");
    }
    out.push_back(std::move(message));
  }
  return out;
}

std::string messages_json(const std::vector<Message> &messages) {
  std::string out;
  write_messages(messages, out);
  return out;
}

void write_messages(const std::vector<Message> &messages, std::string &out) {
  json::ArrayWriter list(out);
  for (const Message &message : messages) {
    json::ObjectWriter object = list.object();
    object.member("role", to_string(message.role));
    if (message.content.size() == 1 && message.content.front().kind == ContentPart::Kind::Text) {
      object.member("content", message.content.front().text);
    } else {
      json::ArrayWriter parts = object.array("content");
      for (const ContentPart &part : message.content)
        write_part(part, parts);
      parts.close();
    }
    object.close();
  }
  list.close();
}

} // namespace llmux::api
