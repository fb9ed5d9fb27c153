// An OpenAI Chat Completions request body read into a neutral ChatRequest: the inverse of the
// OpenAI adapter's build_request. serve.hpp lists what is read, passed on, ignored and refused.

#include <llmux/serve.hpp>

#include "serve/request_reading.hpp"

namespace llmux {
namespace {

using json::Value;

// "data:image/png;base64,AAAA" -> media type and data; false for any other URL.
bool split_data_url(const std::string &url, Image &image) {
  constexpr std::string_view prefix = "data:";
  constexpr std::string_view marker = ";base64,";
  if (url.compare(0, prefix.size(), prefix) != 0)
    return false;
  const std::size_t at = url.find(marker);
  if (at == std::string::npos)
    return false;
  image.media_type = url.substr(prefix.size(), at - prefix.size());
  image.base64 = url.substr(at + marker.size());
  return true;
}

// Text parts of a message's content ("text", or "refusal" in an assistant's), concatenated;
// used where only text is allowed (system, developer, tool messages).
std::string text_content(api::ApiReader &reader, const Value &content, const std::string &path) {
  if (content.is_string())
    return content.as_string();
  std::string text;
  if (!content.is_array()) {
    reader.fail(path, "must be a string or an array of text parts");
    return text;
  }
  for (std::size_t i = 0; i < content.items().size() && !reader.failed(); ++i) {
    const Value &part = content.items()[i];
    const std::string at = api::item_path(path, i);
    if (!part.is_object()) {
      reader.fail(at, "must be an object");
      break;
    }
    std::string type = reader.string(part, "type", at).value_or("");
    if (type != "text" && type != "refusal") {
      reader.fail(api::member_path(at, "type"), "must be \"text\" here");
      break;
    }
    reader.only(part, {"type", "text", "refusal"}, at);
    text += reader.string(part, type, at).value_or("");
  }
  return text;
}

void read_user_content(api::ApiReader &reader, const Value &content, const std::string &path,
                       Message &message) {
  if (content.is_string()) {
    message.content.push_back(ContentPart::make_text(content.as_string()));
    return;
  }
  if (!content.is_array() || content.empty()) {
    reader.fail(path, "must be a string or a non-empty array of parts");
    return;
  }
  for (std::size_t i = 0; i < content.items().size() && !reader.failed(); ++i) {
    const Value &part = content.items()[i];
    const std::string at = api::item_path(path, i);
    if (!part.is_object()) {
      reader.fail(at, "must be an object");
      return;
    }
    std::string type = reader.string(part, "type", at).value_or("");
    if (type == "text") {
      reader.only(part, {"type", "text"}, at);
      message.content.push_back(
          ContentPart::make_text(reader.string(part, "text", at).value_or("")));
    } else if (type == "image_url") {
      reader.only(part, {"type", "image_url"}, at);
      const std::string image_path = api::member_path(at, "image_url");
      const Value *image = api::ApiReader::member(part, "image_url");
      if (!image || !image->is_object()) {
        reader.fail(image_path, "must be an object {url, detail?}");
        return;
      }
      reader.only(*image, {"url", "detail"}, image_path);
      std::string url = reader.string(*image, "url", image_path).value_or("");
      if (url.empty()) {
        reader.fail(api::member_path(image_path, "url"), "an image needs a URL");
        return;
      }
      ContentPart out = ContentPart::make_image_url({});
      if (!split_data_url(url, out.image))
        out.image.url = std::move(url);
      message.content.push_back(std::move(out));
    } else {
      reader.fail(api::member_path(at, "type"),
                  "\"" + type + "\" parts are not supported (text and image_url are)");
    }
  }
}

void read_tool_calls(api::ApiReader &reader, const Value &calls, const std::string &path,
                     Message &message) {
  if (!calls.is_array()) {
    reader.fail(path, "must be an array");
    return;
  }
  for (std::size_t i = 0; i < calls.items().size() && !reader.failed(); ++i) {
    const Value &call = calls.items()[i];
    const std::string at = api::item_path(path, i);
    if (!call.is_object()) {
      reader.fail(at, "must be an object");
      return;
    }
    reader.only(call, {"id", "type", "function"}, at);
    if (reader.string(call, "type", at).value_or("function") != "function") {
      reader.fail(api::member_path(at, "type"), "must be \"function\"");
      return;
    }
    ToolCall out;
    out.id = reader.string(call, "id", at).value_or("");
    const std::string function_path = api::member_path(at, "function");
    const Value *function = api::ApiReader::member(call, "function");
    if (!function || !function->is_object()) {
      reader.fail(function_path, "must be an object {name, arguments}");
      return;
    }
    reader.only(*function, {"name", "arguments"}, function_path);
    out.name = reader.string(*function, "name", function_path).value_or("");
    out.arguments = reader.string(*function, "arguments", function_path).value_or("");
    if (out.id.empty() || out.name.empty()) {
      reader.fail(at, "a tool call needs an id and a function name");
      return;
    }
    message.content.push_back(ContentPart::make_tool_call(std::move(out)));
  }
}

void read_message(api::ApiReader &reader, const Value &wire, const std::string &at,
                  ChatRequest &request) {
  if (!wire.is_object()) {
    reader.fail(at, "must be an object {role, content}");
    return;
  }
  const std::string role = reader.string(wire, "role", at).value_or("");
  const Value *content = api::ApiReader::member(wire, "content");
  const std::string content_path = api::member_path(at, "content");
  Message message;
  if (role == "system" || role == "developer") {
    reader.only(wire, {"role", "content", "name"}, at);
    message.role = Role::System;
    if (!content)
      return reader.fail(content_path, "a system message needs content");
    message.content.push_back(ContentPart::make_text(text_content(reader, *content, content_path)));
  } else if (role == "user") {
    reader.only(wire, {"role", "content", "name"}, at);
    message.role = Role::User;
    if (!content)
      return reader.fail(content_path, "a user message needs content");
    read_user_content(reader, *content, content_path, message);
  } else if (role == "assistant") {
    reader.only(wire, {"role", "content", "name", "tool_calls", "refusal"}, at);
    message.role = Role::Assistant;
    if (content) {
      std::string text = text_content(reader, *content, content_path);
      if (!text.empty())
        message.content.push_back(ContentPart::make_text(std::move(text)));
    }
    if (const Value *calls = api::ApiReader::member(wire, "tool_calls"))
      read_tool_calls(reader, *calls, api::member_path(at, "tool_calls"), message);
    if (message.content.empty() && !reader.failed())
      return reader.fail(at, "an assistant message needs content or tool_calls");
  } else if (role == "tool") {
    reader.only(wire, {"role", "content", "tool_call_id"}, at);
    ToolResult result;
    result.tool_call_id = reader.string(wire, "tool_call_id", at).value_or("");
    if (result.tool_call_id.empty())
      return reader.fail(api::member_path(at, "tool_call_id"), "a tool message needs one");
    if (!content)
      return reader.fail(content_path, "a tool message needs content");
    result.content = text_content(reader, *content, content_path);
    result.tool_name = tool_name_of_call(request.messages, result.tool_call_id);
    message.role = Role::Tool;
    message.content.push_back(ContentPart::make_tool_result(std::move(result)));
  } else if (role == "function") {
    return reader.fail(api::member_path(at, "role"),
                       "\"function\" messages are the deprecated form: use tool messages");
  } else {
    return reader.fail(api::member_path(at, "role"),
                       "must be system, developer, user, assistant or tool");
  }
  if (!reader.failed())
    request.messages.push_back(std::move(message));
}

void read_tools(api::ApiReader &reader, const Value &tools, ChatRequest &request) {
  if (!tools.is_array())
    return reader.fail("tools", "must be an array of function tools");
  for (std::size_t i = 0; i < tools.items().size() && !reader.failed(); ++i) {
    const Value &tool = tools.items()[i];
    const std::string at = api::item_path("tools", i);
    if (!tool.is_object())
      return reader.fail(at, "must be an object {type: \"function\", function}");
    reader.only(tool, {"type", "function"}, at);
    if (reader.string(tool, "type", at).value_or("") != "function")
      return reader.fail(api::member_path(at, "type"), "must be \"function\"");
    const std::string function_path = api::member_path(at, "function");
    const Value *function = api::ApiReader::member(tool, "function");
    if (!function || !function->is_object())
      return reader.fail(function_path, "must be an object {name, description?, parameters?}");
    reader.only(*function, {"name", "description", "parameters", "strict"}, function_path);
    Tool out;
    out.name = reader.string(*function, "name", function_path).value_or("");
    out.description = reader.string(*function, "description", function_path).value_or("");
    out.parameters = schema_text(reader, *function, "parameters", function_path);
    if (out.name.empty())
      return reader.fail(api::member_path(function_path, "name"), "a tool needs a name");
    request.tools.push_back(std::move(out));
  }
}

void read_tool_choice(api::ApiReader &reader, const Value &choice, ChatRequest &request) {
  ToolChoice out;
  if (choice.is_string()) {
    const std::string &mode = choice.as_string();
    if (mode == "auto")
      out.mode = ToolChoice::Mode::Auto;
    else if (mode == "none")
      out.mode = ToolChoice::Mode::None;
    else if (mode == "required")
      out.mode = ToolChoice::Mode::Required;
    else
      return reader.fail("tool_choice", "must be \"auto\", \"none\", \"required\" or a function");
  } else if (choice.is_object()) {
    reader.only(choice, {"type", "function"}, "tool_choice");
    if (reader.string(choice, "type", "tool_choice").value_or("") != "function")
      return reader.fail("tool_choice.type", "must be \"function\" (allowed_tools and custom "
                                             "tools are not supported)");
    const Value *function = api::ApiReader::member(choice, "function");
    if (!function || !function->is_object())
      return reader.fail("tool_choice.function", "must be an object {name}");
    reader.only(*function, {"name"}, "tool_choice.function");
    out.mode = ToolChoice::Mode::Named;
    out.name = reader.string(*function, "name", "tool_choice.function").value_or("");
    if (out.name.empty())
      return reader.fail("tool_choice.function.name", "must name a tool");
  } else {
    return reader.fail("tool_choice", "must be a string or an object");
  }
  request.tool_choice = std::move(out);
}

void read_response_format(api::ApiReader &reader, const Value &format, ChatRequest &request) {
  if (!format.is_object())
    return reader.fail("response_format", "must be an object {type, ...}");
  const std::string type = reader.string(format, "type", "response_format").value_or("");
  if (type == "text") {
    reader.only(format, {"type"}, "response_format");
  } else if (type == "json_object") {
    reader.only(format, {"type"}, "response_format");
    request.response_format.type = ResponseFormat::Type::JsonObject;
  } else if (type == "json_schema") {
    reader.only(format, {"type", "json_schema"}, "response_format");
    const Value *schema = api::ApiReader::member(format, "json_schema");
    if (!schema || !schema->is_object())
      return reader.fail("response_format.json_schema", "must be an object {name, schema}");
    constexpr std::string_view path = "response_format.json_schema";
    reader.only(*schema, {"name", "description", "schema", "strict"}, path);
    request.response_format.type = ResponseFormat::Type::JsonSchema;
    request.response_format.name = reader.string(*schema, "name", path).value_or("");
    request.response_format.strict = reader.boolean(*schema, "strict", path).value_or(false);
    request.response_format.schema = schema_text(reader, *schema, "schema", path);
    if (request.response_format.schema.empty() && !reader.failed())
      reader.fail("response_format.json_schema.schema", "a json_schema format needs a schema");
  } else {
    reader.fail("response_format.type", "must be \"text\", \"json_object\" or \"json_schema\"");
  }
}

// Members OpenAI defines whose default is all llmux can do: accepted at their default,
// refused otherwise.
void refuse_unless_default(api::ApiReader &reader, const Value &body) {
  if (auto n = reader.integer(body, "n", "", 1, 128); n && *n != 1)
    reader.fail("n", "only one choice (n = 1) is supported");
  if (reader.boolean(body, "logprobs", "").value_or(false))
    reader.fail("logprobs", "log probabilities are not supported");
  if (api::ApiReader::member(body, "top_logprobs"))
    reader.fail("top_logprobs", "log probabilities are not supported");
  if (const Value *modalities = api::ApiReader::member(body, "modalities")) {
    bool text_only = modalities->is_array();
    for (const Value &item : modalities->items())
      text_only = text_only && item.is_string() && item.as_string() == "text";
    if (!text_only)
      reader.fail("modalities", "only text output is supported");
  }
  for (std::string_view key :
       {"audio", "prediction", "web_search_options", "functions", "function_call", "moderation"})
    if (api::ApiReader::member(body, key))
      reader.fail(key, "is not supported by this gateway");
}

} // namespace

Result<InboundRequest> parse_openai_chat_request(std::string_view body) {
  auto parsed = api::parse_object_text(body, "the request body");
  if (!parsed.ok())
    return with_param(std::move(parsed).error());
  const Value &root = parsed.value();
  api::ApiReader reader;
  reader.only(root,
              {"model",
               "messages",
               "temperature",
               "top_p",
               "max_tokens",
               "max_completion_tokens",
               "stop",
               "tools",
               "tool_choice",
               "parallel_tool_calls",
               "response_format",
               "reasoning_effort",
               "stream",
               "stream_options",
               "user",
               "frequency_penalty",
               "presence_penalty",
               "logit_bias",
               "seed",
               "store",
               "metadata",
               "service_tier",
               "prompt_cache_key",
               "prompt_cache_retention",
               "prompt_cache_options",
               "safety_identifier",
               "verbosity",
               "n",
               "logprobs",
               "top_logprobs",
               "modalities",
               "audio",
               "prediction",
               "web_search_options",
               "functions",
               "function_call",
               "moderation"},
              "");
  refuse_unless_default(reader, root);

  InboundRequest inbound;
  ChatRequest &request = inbound.request;
  read_model_and_messages(reader, root, read_message, request);
  request.temperature = reader.number(root, "temperature", "");
  request.top_p = reader.number(root, "top_p", "");
  auto max_tokens = reader.integer(root, "max_tokens", "", 1, max_token_count);
  auto max_completion_tokens =
      reader.integer(root, "max_completion_tokens", "", 1, max_token_count);
  if (max_tokens && max_completion_tokens && *max_tokens != *max_completion_tokens)
    reader.fail("max_completion_tokens", "differs from max_tokens: give one of them");
  request.max_tokens = max_completion_tokens ? max_completion_tokens : max_tokens;
  if (const Value *stop = api::ApiReader::member(root, "stop")) {
    if (stop->is_string())
      request.stop.push_back(stop->as_string());
    else
      request.stop = reader.strings(root, "stop", "").value_or(std::vector<std::string>{});
  }
  if (const Value *tools = api::ApiReader::member(root, "tools"))
    read_tools(reader, *tools, request);
  if (const Value *choice = api::ApiReader::member(root, "tool_choice"))
    read_tool_choice(reader, *choice, request);
  request.parallel_tool_calls = reader.boolean(root, "parallel_tool_calls", "");
  if (const Value *format = api::ApiReader::member(root, "response_format"))
    read_response_format(reader, *format, request);
  request.reasoning_effort = reader.string(root, "reasoning_effort", "").value_or("");
  request.stream = reader.boolean(root, "stream", "").value_or(false);
  if (const Value *options = api::ApiReader::member(root, "stream_options")) {
    if (!options->is_object()) {
      reader.fail("stream_options", "must be an object");
    } else {
      reader.only(*options, {"include_usage", "include_obfuscation"}, "stream_options");
      inbound.include_usage =
          reader.boolean(*options, "include_usage", "stream_options").value_or(false);
    }
  }
  request.user = reader.string(root, "user", "").value_or("");
  pass_on(reader, root, {"frequency_penalty", "presence_penalty", "logit_bias"}, request);
  return finish_request(reader, std::move(inbound));
}

} // namespace llmux
