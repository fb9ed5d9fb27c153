// An Anthropic Messages request body read into a neutral ChatRequest: the inverse of the
// Anthropic adapter's build_request. serve.hpp lists what is read, passed on, ignored and
// refused.

#include <llmux/serve.hpp>

#include "serve/request_reading.hpp"

namespace llmux {
namespace {

using json::Value;

// The text of a text block, checked.
// The text of a text block, checked. Anthropic refuses empty text blocks, and so does its
// adapter's writer (it leaves them out), so they are refused here.
std::string text_block(api::ApiReader &reader, const Value &block, const std::string &at) {
  reader.only(block, {"type", "text", "cache_control", "citations"}, at);
  std::string text = reader.string(block, "text", at).value_or("");
  if (text.empty() && !reader.failed())
    reader.fail(api::member_path(at, "text"), "must not be empty");
  return text;
}

void read_image(api::ApiReader &reader, const Value &block, const std::string &at,
                Message &message) {
  reader.only(block, {"type", "source", "cache_control"}, at);
  const std::string path = api::member_path(at, "source");
  const Value *source = api::ApiReader::member(block, "source");
  if (!source || !source->is_object())
    return reader.fail(path, "must be an object {type: \"base64\" or \"url\", ...}");
  const std::string type = reader.string(*source, "type", path).value_or("");
  if (type == "base64") {
    reader.only(*source, {"type", "media_type", "data"}, path);
    std::string media_type = reader.string(*source, "media_type", path).value_or("");
    std::string data = reader.string(*source, "data", path).value_or("");
    if (media_type.empty() || data.empty())
      return reader.fail(path, "a base64 image needs media_type and data");
    message.content.push_back(
        ContentPart::make_image_base64(std::move(media_type), std::move(data)));
  } else if (type == "url") {
    reader.only(*source, {"type", "url"}, path);
    std::string url = reader.string(*source, "url", path).value_or("");
    if (url.empty())
      return reader.fail(api::member_path(path, "url"), "an image needs a URL");
    message.content.push_back(ContentPart::make_image_url(std::move(url)));
  } else {
    reader.fail(api::member_path(path, "type"), "must be \"base64\" or \"url\"");
  }
}

ToolResult read_tool_result(api::ApiReader &reader, const Value &block, const std::string &at,
                            const std::vector<Message> &earlier) {
  reader.only(block, {"type", "tool_use_id", "content", "is_error", "cache_control"}, at);
  ToolResult result;
  result.tool_call_id = reader.string(block, "tool_use_id", at).value_or("");
  if (result.tool_call_id.empty())
    reader.fail(api::member_path(at, "tool_use_id"), "a tool_result needs one");
  result.tool_name = tool_name_of_call(earlier, result.tool_call_id);
  result.is_error = reader.boolean(block, "is_error", at).value_or(false);
  const std::string path = api::member_path(at, "content");
  if (const Value *content = api::ApiReader::member(block, "content")) {
    if (content->is_string()) {
      result.content = content->as_string();
    } else if (content->is_array()) {
      for (std::size_t i = 0; i < content->items().size() && !reader.failed(); ++i) {
        const Value &inner = content->items()[i];
        const std::string inner_at = api::item_path(path, i);
        if (!inner.is_object() || reader.string(inner, "type", inner_at).value_or("") != "text") {
          reader.fail(inner_at, "must be a text block (a tool result's images are not supported)");
          break;
        }
        result.content += text_block(reader, inner, inner_at);
      }
    } else {
      reader.fail(path, "must be a string or an array of text blocks");
    }
  }
  return result;
}

// One wire message: an assistant's, or a user's split into runs of tool results (a Tool
// message) and of other blocks (a User message), in order, as the adapter merges them back.
void read_message(api::ApiReader &reader, const Value &wire, const std::string &at,
                  ChatRequest &request) {
  if (!wire.is_object())
    return reader.fail(at, "must be an object {role, content}");
  reader.only(wire, {"role", "content"}, at);
  const std::string role = reader.string(wire, "role", at).value_or("");
  if (role != "user" && role != "assistant")
    return reader.fail(api::member_path(at, "role"), "must be \"user\" or \"assistant\"");
  const Role neutral = role == "user" ? Role::User : Role::Assistant;
  const std::string path = api::member_path(at, "content");
  const Value *content = api::ApiReader::member(wire, "content");
  if (!content)
    return reader.fail(path, "a message needs content");
  if (content->is_string()) {
    if (content->as_string().empty())
      return reader.fail(path, "must not be empty");
    Message message;
    message.role = neutral;
    message.content.push_back(ContentPart::make_text(content->as_string()));
    request.messages.push_back(std::move(message));
    return;
  }
  if (!content->is_array() || content->empty())
    return reader.fail(path, "must be a string or a non-empty array of content blocks");
  Message current;
  current.role = neutral;
  auto flush = [&] {
    if (!current.content.empty())
      request.messages.push_back(std::move(current));
    current = Message{};
  };
  for (std::size_t i = 0; i < content->items().size() && !reader.failed(); ++i) {
    const Value &block = content->items()[i];
    const std::string block_at = api::item_path(path, i);
    if (!block.is_object())
      return reader.fail(block_at, "must be an object {type, ...}");
    const std::string type = reader.string(block, "type", block_at).value_or("");
    const Role wanted = type == "tool_result" ? Role::Tool : neutral;
    if (current.role != wanted) {
      flush();
      current.role = wanted;
    }
    auto misplaced = [&] {
      reader.fail(api::member_path(block_at, "type"),
                  "\"" + type + "\" blocks are not allowed in " + role + " messages");
    };
    if (type == "text") {
      current.content.push_back(ContentPart::make_text(text_block(reader, block, block_at)));
    } else if (type == "image") {
      if (neutral != Role::User)
        return misplaced();
      read_image(reader, block, block_at, current);
    } else if (type == "tool_result") {
      if (neutral != Role::User)
        return misplaced();
      // Results answer the calls of the messages before this one.
      current.content.push_back(ContentPart::make_tool_result(
          read_tool_result(reader, block, block_at, request.messages)));
    } else if (type == "tool_use") {
      if (neutral != Role::Assistant)
        return misplaced();
      reader.only(block, {"type", "id", "name", "input", "cache_control"}, block_at);
      ToolCall call;
      call.id = reader.string(block, "id", block_at).value_or("");
      call.name = reader.string(block, "name", block_at).value_or("");
      const Value *input = api::ApiReader::member(block, "input");
      if (!input || !input->is_object())
        return reader.fail(api::member_path(block_at, "input"), "must be an object");
      call.arguments = json::dump(*input);
      if (call.id.empty() || call.name.empty())
        return reader.fail(block_at, "a tool_use block needs an id and a name");
      current.content.push_back(ContentPart::make_tool_call(std::move(call)));
    } else if (type == "thinking" || type == "redacted_thinking") {
      if (neutral != Role::Assistant)
        return misplaced();
      Reasoning reasoning;
      if (type == "thinking") {
        reader.only(block, {"type", "thinking", "signature"}, block_at);
        reasoning.text = reader.string(block, "thinking", block_at).value_or("");
        reasoning.signature = reader.string(block, "signature", block_at).value_or("");
      } else {
        reader.only(block, {"type", "data"}, block_at);
        reasoning.redacted_data = reader.string(block, "data", block_at).value_or("");
      }
      // Thinking goes back only as Anthropic signed it (the adapter drops it otherwise).
      if (reasoning.signature.empty() && reasoning.redacted_data.empty())
        return reader.fail(block_at,
                           "a thinking block needs its signature, a redacted one its data");
      current.content.push_back(ContentPart::make_reasoning(std::move(reasoning)));
    } else {
      return reader.fail(api::member_path(block_at, "type"),
                         "\"" + type + "\" blocks are not supported");
    }
  }
  flush();
}

void read_system(api::ApiReader &reader, const Value &system, ChatRequest &request) {
  if (system.is_string()) {
    request.system = system.as_string();
    return;
  }
  if (!system.is_array())
    return reader.fail("system", "must be a string or an array of text blocks");
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < system.items().size() && !reader.failed(); ++i) {
    const Value &block = system.items()[i];
    const std::string at = api::item_path("system", i);
    if (!block.is_object() || reader.string(block, "type", at).value_or("") != "text")
      return reader.fail(at, "must be a text block");
    texts.push_back(text_block(reader, block, at));
  }
  // One block is the request's system prompt; several stay apart, as system messages first.
  if (texts.size() == 1) {
    request.system = std::move(texts.front());
    return;
  }
  std::vector<Message> messages;
  for (std::string &text : texts)
    messages.push_back(Message::system(std::move(text)));
  request.messages.insert(request.messages.begin(), messages.begin(), messages.end());
}

void read_tools(api::ApiReader &reader, const Value &tools, ChatRequest &request) {
  if (!tools.is_array())
    return reader.fail("tools", "must be an array of tools");
  for (std::size_t i = 0; i < tools.items().size() && !reader.failed(); ++i) {
    const Value &tool = tools.items()[i];
    const std::string at = api::item_path("tools", i);
    if (!tool.is_object())
      return reader.fail(at, "must be an object {name, description?, input_schema}");
    if (reader.string(tool, "type", at).value_or("custom") != "custom")
      return reader.fail(api::member_path(at, "type"),
                         "server tools are not supported (custom tools are)");
    reader.only(tool, {"type", "name", "description", "input_schema", "cache_control", "strict"},
                at);
    Tool out;
    out.name = reader.string(tool, "name", at).value_or("");
    out.description = reader.string(tool, "description", at).value_or("");
    out.parameters = schema_text(reader, tool, "input_schema", at);
    if (out.name.empty())
      return reader.fail(api::member_path(at, "name"), "a tool needs a name");
    request.tools.push_back(std::move(out));
  }
}

void read_tool_choice(api::ApiReader &reader, const Value &choice, ChatRequest &request) {
  if (!choice.is_object())
    return reader.fail("tool_choice", "must be an object {type}");
  reader.only(choice, {"type", "name", "disable_parallel_tool_use"}, "tool_choice");
  const std::string type = reader.string(choice, "type", "tool_choice").value_or("");
  ToolChoice out;
  if (type == "auto") {
    out.mode = ToolChoice::Mode::Auto;
  } else if (type == "any") {
    out.mode = ToolChoice::Mode::Required;
  } else if (type == "none") {
    out.mode = ToolChoice::Mode::None;
  } else if (type == "tool") {
    out.mode = ToolChoice::Mode::Named;
    out.name = reader.string(choice, "name", "tool_choice").value_or("");
    if (out.name.empty())
      return reader.fail("tool_choice.name", "must name a tool");
  } else {
    return reader.fail("tool_choice.type", "must be \"auto\", \"any\", \"tool\" or \"none\"");
  }
  if (auto disable = reader.boolean(choice, "disable_parallel_tool_use", "tool_choice"))
    request.parallel_tool_calls = !*disable;
  request.tool_choice = std::move(out);
}

void read_thinking(api::ApiReader &reader, const Value &thinking, ChatRequest &request) {
  if (!thinking.is_object())
    return reader.fail("thinking", "must be an object {type, budget_tokens?}");
  const std::string type = reader.string(thinking, "type", "thinking").value_or("");
  if (type == "enabled") {
    reader.only(thinking, {"type", "budget_tokens", "display"}, "thinking");
    request.reasoning_budget_tokens =
        reader.integer(thinking, "budget_tokens", "thinking", 1, max_token_count);
    if (!request.reasoning_budget_tokens && !reader.failed())
      reader.fail("thinking.budget_tokens", "enabled thinking needs a budget");
  } else if (type == "disabled") {
    reader.only(thinking, {"type"}, "thinking");
  } else {
    reader.fail("thinking.type", "must be \"enabled\" or \"disabled\"");
  }
}

void read_output_config(api::ApiReader &reader, const Value &config, ChatRequest &request) {
  if (!config.is_object())
    return reader.fail("output_config", "must be an object {effort?, format?}");
  reader.only(config, {"effort", "format"}, "output_config");
  request.reasoning_effort = reader.string(config, "effort", "output_config").value_or("");
  const Value *format = api::ApiReader::member(config, "format");
  if (!format)
    return;
  constexpr std::string_view path = "output_config.format";
  if (!format->is_object() || reader.string(*format, "type", path).value_or("") != "json_schema")
    return reader.fail(path, "must be {type: \"json_schema\", schema}");
  reader.only(*format, {"type", "schema"}, path);
  request.response_format.type = ResponseFormat::Type::JsonSchema;
  request.response_format.schema = schema_text(reader, *format, "schema", path);
  if (request.response_format.schema.empty() && !reader.failed())
    reader.fail("output_config.format.schema", "a json_schema format needs a schema");
}

} // namespace

Result<InboundRequest> parse_anthropic_messages_request(std::string_view body) {
  auto parsed = api::parse_object_text(body, "the request body");
  if (!parsed.ok())
    return with_param(std::move(parsed).error());
  const Value &root = parsed.value();
  api::ApiReader reader;
  reader.only(root,
              {"model", "messages", "max_tokens", "system", "temperature", "top_p", "top_k",
               "stop_sequences", "tools", "tool_choice", "thinking", "output_config", "metadata",
               "stream", "cache_control", "service_tier", "speed", "inference_geo"},
              "");
  InboundRequest inbound;
  inbound.include_usage = true;
  ChatRequest &request = inbound.request;
  read_model_and_messages(reader, root, read_message, request);
  request.max_tokens = reader.integer(root, "max_tokens", "", 1, max_token_count);
  if (!request.max_tokens && !reader.failed())
    reader.fail("max_tokens", "Anthropic's Messages API requires it");
  if (const Value *system = api::ApiReader::member(root, "system"))
    read_system(reader, *system, request);
  request.temperature = reader.number(root, "temperature", "");
  request.top_p = reader.number(root, "top_p", "");
  request.stop = reader.strings(root, "stop_sequences", "").value_or(std::vector<std::string>{});
  if (const Value *tools = api::ApiReader::member(root, "tools"))
    read_tools(reader, *tools, request);
  if (const Value *choice = api::ApiReader::member(root, "tool_choice"))
    read_tool_choice(reader, *choice, request);
  if (const Value *thinking = api::ApiReader::member(root, "thinking"))
    read_thinking(reader, *thinking, request);
  if (const Value *config = api::ApiReader::member(root, "output_config"))
    read_output_config(reader, *config, request);
  if (const Value *metadata = api::ApiReader::member(root, "metadata")) {
    if (!metadata->is_object()) {
      reader.fail("metadata", "must be an object {user_id?}");
    } else {
      reader.only(*metadata, {"user_id"}, "metadata");
      request.user = reader.string(*metadata, "user_id", "metadata").value_or("");
    }
  }
  request.stream = reader.boolean(root, "stream", "").value_or(false);
  pass_on(reader, root, {"top_k"}, request);
  return finish_request(reader, std::move(inbound));
}

} // namespace llmux
