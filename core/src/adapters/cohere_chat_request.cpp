// The Cohere v2 chat adapter's requests: a ChatRequest written as its body. Its responses
// and streams are read in cohere_chat.cpp.

#include "adapters/cohere_chat.hpp"

#include "adapters/check_request.hpp"
#include "adapters/openai_parts.hpp"
#include "adapters/request_body.hpp"
#include "adapters/wire_common.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

void write_text_block(std::string_view text, json::ArrayWriter &blocks) {
  json::ObjectWriter block = blocks.object();
  block.member("type", "text");
  block.member("text", text);
  block.close();
}

// A tool result as Cohere's tool message. Its content is a list of tool content blocks: a
// "text" block carries the result exactly as the tool wrote it. The "document" block of
// Cohere's examples is not used: its `data` is documented as an object (the examples pass a
// JSON-encoded object), which plain text is not. Cohere has no error flag for a result;
// a failed tool's content says what went wrong.
void write_tool_message(const ToolResult &result, json::ArrayWriter &out) {
  json::ObjectWriter wire = out.object();
  wire.member("role", "tool");
  wire.member("tool_call_id", result.tool_call_id);
  json::ArrayWriter content = wire.array("content");
  write_text_block(result.content, content);
  content.close();
  wire.close();
}

// The assistant's turn: its thinking blocks (Cohere's reasoning guide appends the whole
// response message to the conversation) before its text, and its tool calls with the plan
// that announced them.
void write_assistant_message(const Message &message, std::string_view text,
                             std::string_view tool_plan, json::ArrayWriter &out) {
  bool has_thinking = false;
  bool has_tool_calls = false;
  for (const ContentPart &part : message.content) {
    // Thinking blocks carry no signature; encrypted blocks from other providers have no text
    // to send.
    has_thinking = has_thinking ||
                   (part.kind == ContentPart::Kind::Reasoning && !part.reasoning.text.empty());
    has_tool_calls = has_tool_calls || part.kind == ContentPart::Kind::ToolCall;
  }
  if (text.empty() && !has_tool_calls)
    return;
  json::ObjectWriter wire = out.object();
  wire.member("role", "assistant");
  if (has_thinking) {
    json::ArrayWriter content = wire.array("content");
    for (const ContentPart &part : message.content)
      if (part.kind == ContentPart::Kind::Reasoning && !part.reasoning.text.empty()) {
        json::ObjectWriter block = content.object();
        block.member("type", "thinking");
        block.member("thinking", part.reasoning.text);
        block.close();
      }
    if (!text.empty())
      write_text_block(text, content);
    content.close();
  } else if (!text.empty()) {
    wire.member("content", text);
  }
  // The plan belongs to the calls it announced; without calls it has nothing to explain.
  if (has_tool_calls) {
    if (!tool_plan.empty())
      wire.member("tool_plan", tool_plan);
    json::ArrayWriter calls = wire.array("tool_calls");
    for (const ContentPart &part : message.content)
      if (part.kind == ContentPart::Kind::ToolCall)
        write_function_call(part.tool_call, calls.next());
    calls.close();
  }
  wire.close();
}

// A user's turn: its text, or its parts when it has images (Cohere's image_url takes "a
// base64 data URI or a web URL").
void write_user_message(const Message &message, std::string_view text, bool has_image,
                        json::ArrayWriter &out) {
  json::ObjectWriter wire = out.object();
  wire.member("role", "user");
  if (has_image) {
    json::ArrayWriter parts = wire.array("content");
    for (const ContentPart &part : message.content) {
      if (part.kind == ContentPart::Kind::Text)
        write_text_block(part.text, parts);
      else if (part.kind == ContentPart::Kind::Image)
        write_image_url_part(part.image, parts.next());
    }
    parts.close();
  } else {
    wire.member("content", text);
  }
  wire.close();
}

// Writes the wire messages for one neutral message. Tool results become one "tool" message
// each, whatever message they came in, written before it.
Result<void> write_wire_messages(const Message &message, json::ArrayWriter &out) {
  // check_request saw to the other roles; a system message is held to the same rule.
  if (message.role == Role::System)
    if (auto roles = check_part_roles(message); !roles.ok())
      return roles;
  std::string text;
  std::string tool_plan;
  bool has_text = false;
  bool has_image = false;
  for (const ContentPart &part : message.content) {
    switch (part.kind) {
      case ContentPart::Kind::Text:
        has_text = true;
        text += part.text;
        break;
      case ContentPart::Kind::Image:
        has_image = true;
        break;
      case ContentPart::Kind::ToolResult:
        write_tool_message(part.tool_result, out);
        break;
      case ContentPart::Kind::ToolPlan:
        if (message.role == Role::Assistant)
          tool_plan += part.text;
        break;
      case ContentPart::Kind::ToolCall:
      case ContentPart::Kind::Reasoning:
        break;
    }
  }
  switch (message.role) {
    case Role::Tool:
      if (has_text || has_image)
        return invalid_argument("a tool message carries tool results only");
      return {};
    case Role::Assistant:
      write_assistant_message(message, text, tool_plan, out);
      return {};
    case Role::System:
      if (!text.empty()) {
        json::ObjectWriter wire = out.object();
        wire.member("role", "system");
        wire.member("content", text);
        wire.close();
      }
      return {};
    case Role::User:
      break;
  }
  if (has_text || has_image)
    write_user_message(message, text, has_image, out);
  return {};
}

Result<void> write_response_format(const ResponseFormat &format, RequestBody &body) {
  if (format.type == ResponseFormat::Type::JsonObject) {
    json::ObjectWriter wire = body.object("response_format");
    wire.member("type", "json_object");
    wire.close();
    return {};
  }
  // Cohere always holds the output to a given schema (there is no strict switch), and a
  // schema has no name.
  auto schema = json::parse(format.schema);
  if (!schema.ok() || !schema.value().is_object())
    return invalid_argument("response_format schema must be a JSON Schema object");
  json::ObjectWriter wire = body.object("response_format");
  wire.member("type", "json_object");
  wire.member("json_schema", schema.value());
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
  if (auto tools = write_function_tools(request.tools, body.key("tools")); !tools.ok())
    return tools;
  // Auto is Cohere's default, and its only way to say it.
  if (request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::Required)
    body.member("tool_choice", "REQUIRED");
  else if (request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::None)
    body.member("tool_choice", "NONE");
  return {};
}

Result<void> write_parameters(const ChatRequest &request, RequestBody &body) {
  if (request.temperature)
    body.member("temperature", *request.temperature);
  if (request.top_p)
    body.member("p", *request.top_p);
  if (request.max_tokens)
    body.member("max_tokens", *request.max_tokens);
  if (!request.stop.empty())
    body.member("stop_sequences", request.stop);
  if (request.response_format.type != ResponseFormat::Type::Text)
    if (auto format = write_response_format(request.response_format, body); !format.ok())
      return format;
  if (request.reasoning_budget_tokens) {
    json::ObjectWriter thinking = body.object("thinking");
    thinking.member("type", "enabled");
    thinking.member("token_budget", *request.reasoning_budget_tokens);
    thinking.close();
  }
  // `user` is not sent: Cohere's chat has no end-user field, and it changes no answer.
  if (request.stream)
    body.member("stream", true);
  return {};
}

} // namespace

Result<HttpRequest> CohereChatAdapter::build_request(const ChatRequest &request,
                                                     const Endpoint &endpoint) const {
  auto base = base_url(endpoint);
  if (!base.ok())
    return std::move(base).error();
  if (request.model.empty())
    return invalid_argument("the request names no model");
  // Refuse what Cohere cannot express rather than drop it and answer something else.
  const bool has_tools = !request.tools.empty();
  if (request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::Named)
    return unsupported("Cohere cannot be told which tool to call (its tool_choice is only "
                       "REQUIRED or NONE); send only that tool with tool_choice required");
  if (auto choice = check_tool_choice_has_tools(request); !choice.ok())
    return std::move(choice).error();
  if (has_tools && request.parallel_tool_calls && !*request.parallel_tool_calls)
    return unsupported("Cohere cannot turn off parallel tool calls");
  if (has_tools && request.response_format.type != ResponseFormat::Type::Text)
    return unsupported("Cohere does not support response_format together with tools");
  if (!request.reasoning_effort.empty())
    return unsupported("Cohere has no reasoning effort; set reasoning_budget_tokens (Cohere's "
                       "thinking token_budget) instead");

  HttpRequest http;
  http.stream = request.stream;
  std::string_view root = base.value();
  while (!root.empty() && root.back() == '/')
    root.remove_suffix(1);
  // Accept base URLs given with or without the version segment.
  http.url = join_url(root, root.size() >= 3 && root.substr(root.size() - 3) == "/v2" ? "/chat"
                                                                                      : "/v2/chat");
  http.headers = standard_headers(endpoint, request.stream);

  RequestBody body(request);
  body.member("model", request.model);
  if (auto messages = write_messages(request, body); !messages.ok())
    return std::move(messages).error();
  if (has_tools)
    if (auto tools = write_tools(request, body); !tools.ok())
      return std::move(tools).error();
  if (auto parameters = write_parameters(request, body); !parameters.ok())
    return std::move(parameters).error();
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
  return http;
}

} // namespace llmux
