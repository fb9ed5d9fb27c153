// The Ollama's /api/chat adapter's requests: a ChatRequest written as its body. Its responses
// and streams are read in ollama_chat.cpp.

#include "adapters/ollama_chat.hpp"

#include "adapters/check_request.hpp"
#include "adapters/openai_parts.hpp"
#include "adapters/request_body.hpp"
#include "adapters/wire_common.hpp"
#include "json/json.hpp"

#include <map>

namespace llmux {
namespace {

// What Ollama takes as an image: the bare base64 text. A data: URL carries the same bytes,
// so its payload is accepted; an image by http(s) URL would have to be fetched, which the
// core does not do.
Result<std::string> image_data(const Image &image) {
  constexpr std::string_view marker = ";base64,";
  std::string_view data = image.base64.empty() ? std::string_view(image.url) : image.base64;
  if (data.substr(0, 5) == "data:") {
    std::size_t at = data.find(marker);
    if (at == std::string_view::npos)
      return invalid_argument("an image data: URL is not base64; Ollama takes base64 images");
    return std::string(data.substr(at + marker.size()));
  }
  if (!image.base64.empty())
    return image.base64;
  if (!image.url.empty())
    return unsupported("Ollama takes images only inline as base64, not by URL; fetch the image "
                       "and pass its bytes (ContentPart::make_image_base64)");
  return invalid_argument("an image has neither data nor a URL");
}

// The tool names of the calls made so far in the conversation, by call id. Ollama matches a
// tool result to its call by the tool's name (`tool_name`), not by an id. An ordered map of
// the type the settings and the memory store use: one instantiation in the Wasm module, where a
// hash map brought its own (about 2.5 KB).
using CallNames = std::map<std::string, std::string, std::less<>>;

// What an assistant or user message carries besides its tool results, gathered (and checked)
// part by part before the message is written.
struct MessageParts {
  std::string text;
  bool has_text = false;
  std::string thinking;
  std::vector<std::string> images;      // base64
  std::vector<json::Value> arguments;   // of each tool call, in order
};

// A tool result as Ollama's tool message, named by its tool.
Result<void> write_tool_message(const ToolResult &result, const CallNames &names,
                                json::ArrayWriter &out) {
  std::string_view name = result.tool_name;
  if (name.empty())
    if (auto found = names.find(result.tool_call_id); found != names.end())
      name = found->second;
  if (name.empty())
    return invalid_argument("the result of tool call \"" + result.tool_call_id +
                            "\" names no tool and answers no earlier tool call; Ollama "
                            "needs the tool's name (ToolResult::tool_name)");
  json::ObjectWriter wire = out.object();
  wire.member("role", "tool");
  wire.member("content", result.content);
  wire.member("tool_name", name);
  wire.close();
  return {};
}

// Reads the message's parts in order, writing its tool results as they come (check_request
// has seen that images are in user messages and tool calls in assistant messages; a system
// message is held to the same rule here).
Result<void> gather_parts(const Message &message, CallNames &names, MessageParts &parts,
                          json::ArrayWriter &out) {
  if (message.role == Role::System)
    if (auto roles = check_part_roles(message); !roles.ok())
      return roles;
  for (const ContentPart &part : message.content) {
    switch (part.kind) {
      case ContentPart::Kind::Text:
        parts.text += part.text;
        parts.has_text = true;
        break;
      case ContentPart::Kind::Image: {
        auto data = image_data(part.image);
        if (!data.ok())
          return std::move(data).error();
        parts.images.push_back(std::move(data).value());
        break;
      }
      case ContentPart::Kind::ToolCall: {
        const ToolCall &call = part.tool_call;
        if (call.name.empty())
          return invalid_argument("tool call \"" + call.id + "\" has no name");
        auto arguments = arguments_object(call);
        if (!arguments.ok())
          return std::move(arguments).error();
        parts.arguments.push_back(std::move(arguments).value());
        if (!call.id.empty())
          names[call.id] = call.name;
        break;
      }
      case ContentPart::Kind::ToolResult:
        if (message.role != Role::User && message.role != Role::Tool)
          return invalid_argument("tool results are only allowed in tool and user messages");
        if (auto written = write_tool_message(part.tool_result, names, out); !written.ok())
          return written;
        break;
      case ContentPart::Kind::Reasoning:
        // Earlier thinking goes back as the assistant message's `thinking` text. A redacted
        // block is Anthropic's encrypted data: no other model can read it.
        if (message.role == Role::Assistant)
          parts.thinking += part.reasoning.text;
        break;
      case ContentPart::Kind::ToolPlan:
        break; // Cohere's; /api/chat has no place for it
    }
  }
  return {};
}

void write_assistant_message(const Message &message, const MessageParts &parts,
                             json::ArrayWriter &out) {
  if (!parts.has_text && parts.thinking.empty() && parts.arguments.empty())
    return;
  json::ObjectWriter wire = out.object();
  wire.member("role", "assistant");
  wire.member("content", parts.text);
  if (!parts.thinking.empty())
    wire.member("thinking", parts.thinking);
  if (!parts.arguments.empty()) {
    json::ArrayWriter calls = wire.array("tool_calls");
    std::size_t index = 0;
    for (const ContentPart &part : message.content) {
      if (part.kind != ContentPart::Kind::ToolCall)
        continue;
      json::ObjectWriter call = calls.object();
      json::ObjectWriter function = call.object("function");
      function.member("name", part.tool_call.name);
      function.member("arguments", parts.arguments[index++]);
      function.close();
      call.close();
    }
    calls.close();
  }
  wire.close();
}

// Writes the wire messages for one neutral message. Tool results become one "tool" message
// each, ahead of the text of the message they came in.
Result<void> write_messages(const Message &message, CallNames &names, json::ArrayWriter &out) {
  MessageParts parts;
  if (auto gathered = gather_parts(message, names, parts, out); !gathered.ok())
    return gathered;
  if (message.role == Role::Tool) {
    if (parts.has_text)
      return invalid_argument("a tool message carries tool results only");
    return {};
  }
  if (message.role == Role::Assistant) {
    write_assistant_message(message, parts, out);
    return {};
  }
  if (!parts.has_text && parts.images.empty())
    return {};
  json::ObjectWriter wire = out.object();
  wire.member("role", to_string(message.role));
  wire.member("content", parts.text);
  if (!parts.images.empty()) {
    json::ArrayWriter images = wire.array("images");
    for (const std::string &image : parts.images)
      images.item(image);
    images.close();
  }
  wire.close();
  return {};
}

// Whether, and which tools, the request may send; Ollama has no tool_choice to say more.
Result<void> check_tool_choice(const ChatRequest &request, bool &send_tools) {
  send_tools = !request.tools.empty();
  if (!request.tool_choice)
    return {};
  switch (request.tool_choice->mode) {
    case ToolChoice::Mode::Auto:
      return {};
    case ToolChoice::Mode::None:
      // The model cannot call a tool it is not told about: exactly "no tool calls".
      send_tools = false;
      return {};
    case ToolChoice::Mode::Required:
    case ToolChoice::Mode::Named:
      break;
  }
  if (auto choice = check_tool_choice_has_tools(request); !choice.ok())
    return choice;
  return unsupported("Ollama cannot force a tool call: /api/chat has no tool_choice (leave it "
                     "unset or Auto, or None to send no tools)");
}

// Ollama's `think`: true, false, or an effort level that some models (gpt-oss) take; left
// out when the request asks nothing of reasoning.
void write_think(const ChatRequest &request, RequestBody &body) {
  const std::string &effort = request.reasoning_effort;
  if (effort == "low" || effort == "medium" || effort == "high")
    body.member("think", effort);
  else if (effort == "none")
    body.member("think", false); // asks for no reasoning: `true` would invert it
  else if (!effort.empty() || request.reasoning_budget_tokens)
    body.member("think", true);
}

Result<void> write_format(const ResponseFormat &format, RequestBody &body) {
  switch (format.type) {
    case ResponseFormat::Type::Text:
      return {};
    case ResponseFormat::Type::JsonObject:
      body.member("format", "json");
      return {};
    case ResponseFormat::Type::JsonSchema:
      break;
  }
  // Ollama constrains the output to the schema itself: there is no name and no non-strict
  // mode to pass.
  auto schema = json::parse(format.schema);
  if (!schema.ok() || !schema.value().is_object())
    return invalid_argument("response_format schema must be a JSON Schema object");
  body.member("format", schema.value());
  return {};
}

// The sampling parameters, in Ollama's `options`.
void write_options(const ChatRequest &request, RequestBody &body) {
  if (!request.temperature && !request.top_p && !request.max_tokens && request.stop.empty())
    return;
  json::ObjectWriter options = body.object("options");
  if (request.temperature)
    options.member("temperature", *request.temperature);
  if (request.top_p)
    options.member("top_p", *request.top_p);
  if (request.max_tokens)
    options.member("num_predict", *request.max_tokens);
  if (!request.stop.empty())
    options.member("stop", request.stop);
  options.close();
}

} // namespace

Result<HttpRequest> OllamaChatAdapter::build_request(const ChatRequest &request,
                                                     const Endpoint &endpoint) const {
  auto base = base_url(endpoint);
  if (!base.ok())
    return std::move(base).error();
  if (request.model.empty())
    return invalid_argument("the request names no model");
  bool send_tools = false;
  if (auto checked = check_tool_choice(request, send_tools); !checked.ok())
    return std::move(checked).error();
  if (send_tools && request.parallel_tool_calls == false)
    return unsupported("Ollama cannot limit a response to one tool call (parallel_tool_calls "
                       "false); leave it unset");

  HttpRequest http;
  http.stream = request.stream;
  http.url = join_url(base.value(), "/api/chat");
  http.headers = standard_headers(endpoint, request.stream);
  // Ollama streams NDJSON, not server-sent events. The first accept header is ours; the
  // endpoint's extra headers come after it.
  for (Header &header : http.headers)
    if (equals_ignore_case(header.name, "accept")) {
      header.value = request.stream ? "application/x-ndjson" : "application/json";
      break;
    }

  RequestBody body(request);
  body.member("model", request.model);
  json::ArrayWriter messages = body.array("messages");
  if (!request.system.empty())
    write_system_message(request.system, messages);
  CallNames names;
  for (const Message &message : request.messages)
    if (auto written = write_messages(message, names, messages); !written.ok())
      return std::move(written).error();
  messages.close();
  if (send_tools)
    if (auto tools = write_function_tools(request.tools, body.key("tools")); !tools.ok())
      return std::move(tools).error();
  write_think(request, body);
  if (auto format = write_format(request.response_format, body); !format.ok())
    return std::move(format).error();
  write_options(request, body);
  // Always explicit: Ollama streams unless told otherwise.
  body.member("stream", request.stream);
  // request.user has no counterpart: Ollama keeps no per-user abuse records.
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
  return http;
}

} // namespace llmux
