// The OpenAI Chat Completions adapter's requests: a ChatRequest written as its body. Its responses
// and streams are read in openai_chat.cpp.

#include "adapters/openai_chat.hpp"

#include "adapters/check_request.hpp"
#include "adapters/openai_parts.hpp"
#include "adapters/request_body.hpp"
#include "adapters/wire_common.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

constexpr std::string_view azure_default_api_version = "2024-10-21";

// A message's text and images: a plain string where possible (every compatible server
// understands it, not all understand content arrays), else an array of parts.
void write_content(const Message &message, bool only_text, json::ObjectWriter &wire) {
  if (only_text) {
    std::string text;
    for (const ContentPart &part : message.content)
      if (part.kind == ContentPart::Kind::Text)
        text += part.text;
    wire.member("content", text);
    return;
  }
  json::ArrayWriter parts = wire.array("content");
  for (const ContentPart &part : message.content) {
    if (part.kind == ContentPart::Kind::Image) {
      write_image_url_part(part.image, parts.next());
    } else if (part.kind == ContentPart::Kind::Text) {
      json::ObjectWriter text = parts.object();
      text.member("type", "text");
      text.member("text", part.text);
      text.close();
    }
  }
  parts.close();
}

// Writes the wire messages for one neutral message. Tool results become one "tool" message
// each, whatever message they came in, written before it.
Result<void> write_wire_messages(const Message &message, json::ArrayWriter &out) {
  // check_request saw to the other roles; a system message is held to the same rule.
  if (message.role == Role::System)
    if (auto roles = check_part_roles(message); !roles.ok())
      return roles;
  bool has_parts = false; // text or images
  bool only_text = true;
  bool has_tool_calls = false;
  for (const ContentPart &part : message.content) {
    switch (part.kind) {
      case ContentPart::Kind::Text:
        has_parts = true;
        break;
      case ContentPart::Kind::Image:
        has_parts = true;
        only_text = false;
        break;
      case ContentPart::Kind::ToolCall:
        has_tool_calls = true;
        break;
      case ContentPart::Kind::ToolResult: {
        json::ObjectWriter result = out.object();
        result.member("role", "tool");
        result.member("tool_call_id", part.tool_result.tool_call_id);
        result.member("content", part.tool_result.content);
        result.close();
        break;
      }
      case ContentPart::Kind::Reasoning:
      case ContentPart::Kind::ToolPlan:
        // Chat Completions takes no reasoning or plans back (and DeepSeek-style servers
        // reject `reasoning_content` in requests).
        break;
    }
  }
  if (message.role == Role::Tool) {
    if (has_parts)
      return invalid_argument("a tool message carries tool results only");
    return {};
  }
  if (message.role == Role::Assistant ? !has_parts && !has_tool_calls : !has_parts)
    return {};
  json::ObjectWriter wire = out.object();
  wire.member("role", to_string(message.role));
  if (message.role == Role::Assistant && !has_parts)
    wire.member("content", nullptr);
  else
    write_content(message, only_text, wire);
  if (has_tool_calls) {
    json::ArrayWriter calls = wire.array("tool_calls");
    for (const ContentPart &part : message.content)
      if (part.kind == ContentPart::Kind::ToolCall)
        write_function_call(part.tool_call, calls.next());
    calls.close();
  }
  wire.close();
  return {};
}

void write_tool_choice(const ToolChoice &choice, std::string &out) {
  switch (choice.mode) {
    case ToolChoice::Mode::Auto:
      out += "\"auto\"";
      return;
    case ToolChoice::Mode::None:
      out += "\"none\"";
      return;
    case ToolChoice::Mode::Required:
      out += "\"required\"";
      return;
    case ToolChoice::Mode::Named:
      break;
  }
  json::ObjectWriter named(out);
  named.member("type", "function");
  json::ObjectWriter function = named.object("function");
  function.member("name", choice.name);
  function.close();
  named.close();
}

// The response_format member, when the format asks for one.
Result<void> write_response_format(const ResponseFormat &format, RequestBody &body) {
  switch (format.type) {
    case ResponseFormat::Type::Text:
      return {};
    case ResponseFormat::Type::JsonObject: {
      json::ObjectWriter wire = body.object("response_format");
      wire.member("type", "json_object");
      wire.close();
      return {};
    }
    case ResponseFormat::Type::JsonSchema:
      break;
  }
  auto schema = json::parse(format.schema);
  if (!schema.ok() || !schema.value().is_object())
    return invalid_argument("response_format schema must be a JSON Schema object");
  json::ObjectWriter wire = body.object("response_format");
  wire.member("type", "json_schema");
  json::ObjectWriter json_schema = wire.object("json_schema");
  json_schema.member("name", format.name.empty() ? std::string_view("response")
                                                 : std::string_view(format.name));
  json_schema.member("schema", schema.value());
  json_schema.member("strict", format.strict);
  json_schema.close();
  wire.close();
  return {};
}

// The system prompt as the first message, then each message's.
Result<void> write_messages(const ChatRequest &request, RequestBody &body) {
  json::ArrayWriter messages = body.array("messages");
  if (!request.system.empty())
    write_system_message(request.system, messages);
  for (const Message &message : request.messages)
    if (auto written = write_wire_messages(message, messages); !written.ok())
      return written;
  messages.close();
  return {};
}

Result<void> write_tools(const ChatRequest &request, RequestBody &body) {
  if (!request.tools.empty()) {
    if (auto tools = write_function_tools(request.tools, body.key("tools")); !tools.ok())
      return tools;
  }
  if (request.tool_choice)
    write_tool_choice(*request.tool_choice, body.key("tool_choice"));
  if (request.parallel_tool_calls && !request.tools.empty())
    body.member("parallel_tool_calls", *request.parallel_tool_calls);
  return {};
}

// Sampling, tools, the answer's format and the stream's options, in the body's order of
// old (tests pin it).
Result<void> write_parameters(const ChatRequest &request, const ProviderInfo &info,
                              RequestBody &body) {
  if (request.temperature)
    body.member("temperature", *request.temperature);
  if (request.top_p)
    body.member("top_p", *request.top_p);
  if (request.max_tokens)
    body.member(info.max_completion_tokens ? "max_completion_tokens" : "max_tokens",
                *request.max_tokens);
  if (!request.stop.empty())
    body.member("stop", request.stop);
  if (auto tools = write_tools(request, body); !tools.ok())
    return tools;
  if (auto format = write_response_format(request.response_format, body); !format.ok())
    return format;
  if (!request.reasoning_effort.empty())
    body.member("reasoning_effort", request.reasoning_effort);
  if (!request.user.empty())
    body.member("user", request.user);
  if (request.stream) {
    body.member("stream", true);
    if (info.stream_usage_option) {
      json::ObjectWriter options = body.object("stream_options");
      options.member("include_usage", true);
      options.close();
    }
  }
  return {};
}

} // namespace

Result<HttpRequest> OpenAiChatAdapter::build_request(const ChatRequest &request,
                                                     const Endpoint &endpoint) const {
  const ProviderInfo &info = provider_info(provider_);
  auto base = base_url(endpoint);
  if (!base.ok())
    return std::move(base).error();

  HttpRequest http;
  http.stream = request.stream;
  if (provider_ == Provider::AzureOpenAi) {
    // Azure routes by deployment, not by model: the deployment is in the URL.
    const std::string &deployment =
        endpoint.deployment.empty() ? request.model : endpoint.deployment;
    if (deployment.empty())
      return invalid_argument("azure needs a deployment name (endpoint.deployment)");
    std::string api_version = endpoint.api_version.empty() ? std::string(azure_default_api_version)
                                                           : endpoint.api_version;
    http.url = join_url(base.value(), "/openai/deployments/" + deployment +
                                          "/chat/completions?api-version=" + api_version);
  } else {
    if (request.model.empty())
      return invalid_argument("the request names no model");
    http.url = join_url(base.value(), "/chat/completions");
  }
  http.headers = standard_headers(endpoint, request.stream);

  RequestBody body(request);
  if (provider_ != Provider::AzureOpenAi)
    body.member("model", request.model);
  if (auto messages = write_messages(request, body); !messages.ok())
    return std::move(messages).error();
  if (auto parameters = write_parameters(request, info, body); !parameters.ok())
    return std::move(parameters).error();
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
  return http;
}

} // namespace llmux
