// The Anthropic Messages adapter's requests: a ChatRequest written as its body. Its responses
// and streams are read in anthropic_messages.cpp.

#include "adapters/anthropic_messages.hpp"

#include "adapters/check_request.hpp"
#include "adapters/request_body.hpp"
#include "adapters/turn_writer.hpp"
#include "adapters/wire_common.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

constexpr std::string_view default_api_version = "2023-06-01";
// Anthropic requires max_tokens. Without one from the caller (the catalog supplies the
// model's limit), ask for an amount every current model allows.
constexpr std::int64_t default_max_tokens = 4096;

void write_image_block(const Image &image, json::ArrayWriter &blocks) {
  json::ObjectWriter block = blocks.object();
  block.member("type", "image");
  json::ObjectWriter source = block.object("source");
  if (!image.url.empty()) {
    source.member("type", "url");
    source.member("url", image.url);
  } else {
    source.member("type", "base64");
    source.member("media_type", image.media_type);
    source.member("data", image.base64);
  }
  source.close();
  block.close();
}

Result<void> write_tool_use_block(const ToolCall &call, json::ArrayWriter &blocks) {
  auto input = arguments_object(call);
  if (!input.ok())
    return std::move(input).error();
  json::ObjectWriter block = blocks.object();
  block.member("type", "tool_use");
  block.member("id", call.id);
  block.member("name", call.name);
  block.member("input", input.value());
  block.close();
  return {};
}

void write_tool_result_block(const ToolResult &result, json::ArrayWriter &blocks) {
  json::ObjectWriter block = blocks.object();
  block.member("type", "tool_result");
  block.member("tool_use_id", result.tool_call_id);
  block.member("content", result.content);
  if (result.is_error)
    block.member("is_error", true);
  block.close();
}

// Whether the part of a user, assistant or tool message becomes a content block.
bool is_content_block(const ContentPart &part, Role role) {
  switch (part.kind) {
    case ContentPart::Kind::Text:
      return !part.text.empty(); // Anthropic rejects empty text blocks
    case ContentPart::Kind::Image:
    case ContentPart::Kind::ToolCall:
    case ContentPart::Kind::ToolResult:
      return true;
    case ContentPart::Kind::Reasoning:
      // Thinking goes back only as Anthropic signed it; reasoning without a signature (from
      // another provider) would be rejected, so it stays behind.
      return role == Role::Assistant &&
             (!part.reasoning.redacted_data.empty() || !part.reasoning.signature.empty());
    case ContentPart::Kind::ToolPlan:
      return false; // Cohere's; Messages has no place for it
  }
  return false;
}

// The content blocks of one user, assistant or tool message (check_request has seen that
// images are in user messages and tool calls in assistant messages).
Result<void> write_content_blocks(const Message &message, json::ArrayWriter &blocks) {
  for (const ContentPart &part : message.content) {
    if (!is_content_block(part, message.role))
      continue;
    switch (part.kind) {
      case ContentPart::Kind::Text: {
        json::ObjectWriter block = blocks.object();
        block.member("type", "text");
        block.member("text", part.text);
        block.close();
        break;
      }
      case ContentPart::Kind::Image:
        write_image_block(part.image, blocks);
        break;
      case ContentPart::Kind::ToolCall:
        if (auto written = write_tool_use_block(part.tool_call, blocks); !written.ok())
          return written;
        break;
      case ContentPart::Kind::ToolResult:
        write_tool_result_block(part.tool_result, blocks);
        break;
      case ContentPart::Kind::Reasoning:
        write_thinking_block(part.reasoning, blocks);
        break;
      case ContentPart::Kind::ToolPlan:
        break;
    }
  }
  return {};
}

// System text lives outside the messages: the request's prompt, then the system messages'
// text; one text as a string, several as text blocks.
void write_system(const ChatRequest &request, RequestBody &body) {
  std::size_t count = request.system.empty() ? 0 : 1;
  for (const Message &message : request.messages)
    if (message.role == Role::System && !message.text().empty())
      ++count;
  if (count == 0)
    return;
  if (count == 1) {
    if (!request.system.empty()) {
      body.member("system", request.system);
      return;
    }
    for (const Message &message : request.messages)
      if (message.role == Role::System)
        if (std::string text = message.text(); !text.empty())
          body.member("system", text);
    return;
  }
  json::ArrayWriter blocks = body.array("system");
  auto write_text = [&blocks](std::string_view text) {
    json::ObjectWriter block = blocks.object();
    block.member("type", "text");
    block.member("text", text);
    block.close();
  };
  if (!request.system.empty())
    write_text(request.system);
  for (const Message &message : request.messages)
    if (message.role == Role::System)
      if (std::string text = message.text(); !text.empty())
        write_text(text);
  blocks.close();
}

// Tool results go back in a user turn. Consecutive turns of one role merge into one, so that
// the results of parallel calls share the user turn right after the calls.
Result<void> write_messages(const ChatRequest &request, RequestBody &body) {
  json::ArrayWriter messages = body.array("messages");
  TurnWriter turns(messages, "content");
  for (const Message &message : request.messages) {
    if (message.role == Role::System)
      continue;
    bool has_block = false;
    for (const ContentPart &part : message.content)
      has_block = has_block || is_content_block(part, message.role);
    if (!has_block)
      continue;
    json::ArrayWriter &blocks = turns.blocks(message.role == Role::Assistant ? "assistant" : "user");
    if (auto written = write_content_blocks(message, blocks); !written.ok())
      return written;
  }
  turns.close();
  messages.close();
  return {};
}

void write_tool_choice(const std::optional<ToolChoice> &choice, std::optional<bool> parallel,
                       RequestBody &body) {
  std::string_view type = "auto";
  if (choice) {
    switch (choice->mode) {
      case ToolChoice::Mode::Auto:
        break;
      case ToolChoice::Mode::None:
        type = "none";
        break;
      case ToolChoice::Mode::Required:
        type = "any";
        break;
      case ToolChoice::Mode::Named:
        type = "tool";
        break;
    }
  }
  json::ObjectWriter wire = body.object("tool_choice");
  wire.member("type", type);
  if (type == "tool")
    wire.member("name", choice->name);
  if (parallel && !*parallel && type != "none")
    wire.member("disable_parallel_tool_use", true);
  wire.close();
}

Result<void> write_tools(const ChatRequest &request, RequestBody &body) {
  if (request.tools.empty())
    return check_tool_choice_has_tools(request);
  json::ArrayWriter tools = body.array("tools");
  for (const Tool &tool : request.tools) {
    auto schema = tool_schema(tool);
    if (!schema.ok())
      return std::move(schema).error();
    json::ObjectWriter wire = tools.object();
    wire.member("name", tool.name);
    if (!tool.description.empty())
      wire.member("description", tool.description);
    wire.member("input_schema", schema.value());
    wire.close();
  }
  tools.close();
  if (request.tool_choice || request.parallel_tool_calls)
    write_tool_choice(request.tool_choice, request.parallel_tool_calls, body);
  return {};
}

// Sampling, tools, thinking and the end user, after the messages.
Result<void> write_parameters(const ChatRequest &request, RequestBody &body) {
  if (request.temperature)
    body.member("temperature", *request.temperature);
  if (request.top_p)
    body.member("top_p", *request.top_p);
  if (!request.stop.empty())
    body.member("stop_sequences", request.stop);
  if (auto tools = write_tools(request, body); !tools.ok())
    return tools;
  if (request.reasoning_budget_tokens) {
    json::ObjectWriter thinking = body.object("thinking");
    thinking.member("type", "enabled");
    thinking.member("budget_tokens", *request.reasoning_budget_tokens);
    thinking.close();
  }
  if (!request.user.empty()) {
    json::ObjectWriter metadata = body.object("metadata");
    metadata.member("user_id", request.user);
    metadata.close();
  }
  if (request.stream)
    body.member("stream", true);
  return {};
}

} // namespace

void write_thinking_block(const Reasoning &reasoning, json::ArrayWriter &blocks) {
  json::ObjectWriter block = blocks.object();
  if (!reasoning.redacted_data.empty()) {
    block.member("type", "redacted_thinking");
    block.member("data", reasoning.redacted_data);
  } else {
    block.member("type", "thinking");
    block.member("thinking", reasoning.text);
    block.member("signature", reasoning.signature);
  }
  block.close();
}

Result<HttpRequest> AnthropicMessagesAdapter::build_request(const ChatRequest &request,
                                                            const Endpoint &endpoint) const {
  auto base = base_url(endpoint);
  if (!base.ok())
    return std::move(base).error();
  if (request.model.empty())
    return invalid_argument("the request names no model");
  if (request.response_format.type != ResponseFormat::Type::Text)
    return make_error(ErrorCode::Unsupported, ErrorOrigin::Caller,
                      "Anthropic Messages has no JSON mode; describe the JSON in the prompt or "
                      "use a tool with the schema");

  HttpRequest http;
  http.stream = request.stream;
  std::string_view root = base.value();
  while (!root.empty() && root.back() == '/')
    root.remove_suffix(1);
  // Accept base URLs given with or without the version segment.
  http.url =
      join_url(root, root.size() >= 3 && root.substr(root.size() - 3) == "/v1" ? "/messages"
                                                                               : "/v1/messages");
  http.headers = standard_headers(endpoint, request.stream);
  http.headers.push_back({"anthropic-version", endpoint.api_version.empty()
                                                   ? std::string(default_api_version)
                                                   : endpoint.api_version});
  // A page calling Anthropic directly must say so, or Anthropic refuses the CORS request; the
  // official SDK sends the same header when it is allowed to run in a browser.
  if (endpoint.from_browser_page)
    http.headers.push_back({"anthropic-dangerous-direct-browser-access", "true"});

  RequestBody body(request);
  body.member("model", request.model);
  std::int64_t max_tokens = default_max_tokens;
  if (request.max_tokens)
    max_tokens = *request.max_tokens;
  else if (request.reasoning_budget_tokens)
    max_tokens = *request.reasoning_budget_tokens + default_max_tokens; // room to answer
  body.member("max_tokens", max_tokens);
  write_system(request, body);
  if (auto messages = write_messages(request, body); !messages.ok())
    return std::move(messages).error();
  if (auto parameters = write_parameters(request, body); !parameters.ok())
    return std::move(parameters).error();
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
  return http;
}

} // namespace llmux
