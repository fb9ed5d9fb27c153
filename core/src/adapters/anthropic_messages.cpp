#include "adapters/anthropic_messages.hpp"

#include "adapters/request_body.hpp"
#include "adapters/sse_stream_decoder.hpp"
#include "adapters/turn_writer.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

using json::Value;

constexpr std::string_view default_api_version = "2023-06-01";
// Anthropic requires max_tokens. Without one from the caller (the catalog supplies the
// model's limit), ask for an amount every current model allows.
constexpr std::int64_t default_max_tokens = 4096;

// ---------------------------------------------------------------------------------------
// Requests

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

// Thinking goes back only as Anthropic signed it; reasoning without a signature (from
// another provider) would be rejected, so it stays behind.
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
  if (request.tools.empty()) {
    if (request.tool_choice && request.tool_choice->mode != ToolChoice::Mode::None &&
        request.tool_choice->mode != ToolChoice::Mode::Auto)
      return invalid_argument("tool_choice requires a tool but the request has none");
    return {};
  }
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

// ---------------------------------------------------------------------------------------
// Responses

FinishReason normalise_stop_reason(std::string_view raw) {
  if (raw == "end_turn" || raw == "stop_sequence")
    return FinishReason::Stop;
  if (raw == "max_tokens" || raw == "model_context_window_exceeded")
    return FinishReason::Length;
  if (raw == "tool_use")
    return FinishReason::ToolCalls;
  if (raw == "refusal")
    return FinishReason::ContentFilter;
  return FinishReason::Other; // pause_turn, and values added later
}

Usage read_usage(const Value &usage) {
  Usage out;
  out.input_tokens = read_token_count(usage, "input_tokens", out);
  out.output_tokens = read_token_count(usage, "output_tokens", out);
  out.cached_input_tokens = read_token_count(usage, "cache_read_input_tokens", out);
  out.cache_write_input_tokens = read_token_count(usage, "cache_creation_input_tokens", out);
  return out;
}

ProviderErrorFields read_error_fields(json::Reader &reader, const Value &body) {
  ProviderErrorFields fields;
  if (const Value *error = reader.object(body, "error")) {
    fields.type = std::string(reader.string(*error, "type").value_or(""));
    fields.message = std::string(reader.string(*error, "message").value_or(""));
  }
  fields.request_id = std::string(reader.string(body, "request_id").value_or(""));
  return fields;
}

// ---------------------------------------------------------------------------------------
// Streams

class AnthropicStreamDecoder final : public SseStreamDecoder {
private:
  enum class BlockKind : std::uint8_t { Text, Thinking, RedactedThinking, ToolUse, Other };

  struct Block {
    std::int64_t wire_index = 0;
    BlockKind kind = BlockKind::Other;
    std::size_t tool_index = 0; // ToolUse: position among the response's tool calls
    std::string id;
    std::string name;
    std::string arguments;
    std::string initial_input; // tool_use input sent whole in content_block_start, if any
    bool got_json_delta = false;
    bool stopped = false;
  };

  void on_end(std::vector<StreamEvent> &events) override {
    fail(events, bad_response("the stream ended before message_stop"));
  }

  Block *block(std::int64_t wire_index) {
    for (Block &known : blocks_)
      if (known.wire_index == wire_index)
        return &known;
    return nullptr;
  }

  void on_event(const SseEvent &event, std::vector<StreamEvent> &events) override {
    auto parsed = parse_object(event.data, "a message stream event");
    if (!parsed.ok())
      return fail(events, std::move(parsed).error());
    const Value &data = parsed.value();
    json::Reader reader("message stream event");
    // The JSON `type` always equals the SSE event name; the JSON is what is documented.
    std::string_view type = reader.string(data, "type").value_or("");
    if (type == "message_start") {
      if (const Value *message = reader.object(data, "message"))
        if (const Value *usage = reader.object(*message, "usage")) {
          Usage counts = read_usage(*usage);
          if (!reader.failed() && !counts.empty())
            events.push_back(StreamEvent::usage_report(counts));
        }
    } else if (type == "content_block_start") {
      content_block_start(reader, data, events);
    } else if (type == "content_block_delta") {
      content_block_delta(reader, data, events);
    } else if (type == "content_block_stop") {
      content_block_stop(reader, data, events);
    } else if (type == "message_delta") {
      // Usage first: the finish event is the last word about the message.
      if (const Value *usage = reader.object(data, "usage")) {
        Usage counts = read_usage(*usage);
        if (!reader.failed() && !counts.empty())
          events.push_back(StreamEvent::usage_report(counts));
      }
      if (const Value *delta = reader.object(data, "delta"))
        if (auto stop = reader.string(*delta, "stop_reason"); stop && !reader.failed())
          events.push_back(StreamEvent::finish(normalise_stop_reason(*stop), std::string(*stop)));
    } else if (type == "message_stop") {
      complete();
    } else if (type == "error") {
      ProviderErrorFields fields = read_error_fields(reader, data);
      if (!reader.failed()) {
        HttpResponseHead head;
        head.status = 200;
        return fail(events, make_provider_error(head, std::move(fields), true));
      }
    } else if (type.empty() && !reader.failed()) {
      return fail(events, bad_response("a message stream event has no type"));
    }
    // "ping" and event types added after this was written are skipped, as Anthropic's
    // versioning policy asks of clients.
    if (reader.failed())
      fail(events, *reader.error());
  }

  void content_block_start(json::Reader &reader, const Value &data,
                           std::vector<StreamEvent> &events) {
    auto wire_index = reader.integer(data, "index");
    const Value *content = reader.object(data, "content_block");
    if (reader.failed())
      return;
    if (!wire_index || !content)
      return fail(events, bad_response("content_block_start lacks its index or content_block"));
    if (block(*wire_index))
      return fail(events,
                  bad_response("content block " + std::to_string(*wire_index) + " started twice"));
    Block started;
    started.wire_index = *wire_index;
    std::string_view kind = reader.string(*content, "type").value_or("");
    const std::size_t block_index = static_cast<std::size_t>(*wire_index);
    if (kind == "text") {
      started.kind = BlockKind::Text;
      if (auto text = reader.string(*content, "text"); text && !text->empty())
        events.push_back(StreamEvent::text_delta(std::string(*text)));
    } else if (kind == "thinking") {
      started.kind = BlockKind::Thinking;
      if (auto text = reader.string(*content, "thinking"); text && !text->empty())
        events.push_back(StreamEvent::reasoning_delta(block_index, std::string(*text)));
    } else if (kind == "redacted_thinking") {
      started.kind = BlockKind::RedactedThinking;
      events.push_back(StreamEvent::redacted_reasoning(
          block_index, std::string(reader.string(*content, "data").value_or(""))));
    } else if (kind == "tool_use") {
      started.kind = BlockKind::ToolUse;
      started.tool_index = tool_calls_++;
      started.id = std::string(reader.string(*content, "id").value_or(""));
      started.name = std::string(reader.string(*content, "name").value_or(""));
      if (const Value *input = reader.object(*content, "input"); input && !input->empty())
        started.initial_input = json::dump(*input);
      events.push_back(StreamEvent::tool_call_start(started.tool_index, started.id, started.name));
    }
    // Server-side tool blocks (server_tool_use, web_search_tool_result) are the provider's
    // own business: not tool calls for the caller to run.
    blocks_.push_back(std::move(started));
  }

  void content_block_delta(json::Reader &reader, const Value &data,
                           std::vector<StreamEvent> &events) {
    auto wire_index = reader.integer(data, "index");
    const Value *delta = reader.object(data, "delta");
    if (reader.failed())
      return;
    Block *target = wire_index ? block(*wire_index) : nullptr;
    if (!target || !delta)
      return fail(events, bad_response("content_block_delta for a block that was not started"));
    if (target->stopped)
      return fail(events, bad_response("content_block_delta after content_block_stop"));
    std::string_view type = reader.string(*delta, "type").value_or("");
    const std::size_t block_index = static_cast<std::size_t>(target->wire_index);
    if (type == "text_delta") {
      if (auto text = reader.string(*delta, "text"); text && !text->empty())
        events.push_back(StreamEvent::text_delta(std::string(*text)));
    } else if (type == "thinking_delta") {
      if (auto text = reader.string(*delta, "thinking"); text && !text->empty())
        events.push_back(StreamEvent::reasoning_delta(block_index, std::string(*text)));
    } else if (type == "signature_delta") {
      if (auto signature = reader.string(*delta, "signature"); signature && !signature->empty())
        events.push_back(StreamEvent::reasoning_signature(block_index, std::string(*signature)));
    } else if (type == "input_json_delta") {
      if (target->kind != BlockKind::ToolUse)
        return; // server tool input: not ours to run
      target->got_json_delta = true;
      if (auto fragment = reader.string(*delta, "partial_json"); fragment && !fragment->empty()) {
        target->arguments.append(*fragment);
        events.push_back(StreamEvent::tool_call_delta(target->tool_index, std::string(*fragment)));
      }
    }
    // citations_delta and later delta types carry nothing llmux models yet.
  }

  void content_block_stop(json::Reader &reader, const Value &data,
                          std::vector<StreamEvent> &events) {
    auto wire_index = reader.integer(data, "index");
    if (reader.failed())
      return;
    Block *target = wire_index ? block(*wire_index) : nullptr;
    if (!target)
      return fail(events, bad_response("content_block_stop for a block that was not started"));
    if (target->stopped)
      return;
    target->stopped = true;
    if (target->kind != BlockKind::ToolUse)
      return;
    // The block is over: now, and only now, the call's arguments are whole.
    std::string arguments = target->got_json_delta ? target->arguments : target->initial_input;
    events.push_back(StreamEvent::tool_call_end(target->tool_index, target->id, target->name,
                                                std::move(arguments)));
  }

  std::vector<Block> blocks_;
  std::size_t tool_calls_ = 0;
};

} // namespace

// ---------------------------------------------------------------------------------------

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
  if (request.temperature)
    body.member("temperature", *request.temperature);
  if (request.top_p)
    body.member("top_p", *request.top_p);
  if (!request.stop.empty()) {
    json::ArrayWriter stop = body.array("stop_sequences");
    for (const std::string &text : request.stop)
      stop.item(text);
    stop.close();
  }
  if (auto tools = write_tools(request, body); !tools.ok())
    return std::move(tools).error();
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
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
  return http;
}

DecodedResponse AnthropicMessagesAdapter::decode_response(const HttpResponseHead &head,
                                                          std::string_view body) const {
  DecodedResponse decoded;
  auto parsed = successful_body(*this, head, body, "the message", decoded);
  if (!parsed)
    return decoded;
  const Value &root = *parsed;
  json::Reader reader("message");
  std::string_view type = reader.string(root, "type").value_or("");
  if (type == "error") {
    ProviderErrorFields fields = read_error_fields(reader, root);
    decoded.error = make_provider_error(head, std::move(fields), false);
    return decoded;
  }
  ChatResponse &response = decoded.response;
  response.id = std::string(reader.string(root, "id").value_or(""));
  response.model = std::string(reader.string(root, "model").value_or(""));
  const Value *content = reader.array(root, "content");
  if (!content && !reader.failed()) {
    decoded.error = bad_response("the message has no content");
    decoded.response = {};
    return decoded;
  }
  if (content) {
    for (const Value &block : content->items()) {
      if (!block.is_object()) {
        reader.type_error("content[]", "an object", block);
        break;
      }
      std::string_view kind = reader.string(block, "type").value_or("");
      if (kind == "text") {
        response.text += reader.string(block, "text").value_or("");
      } else if (kind == "thinking") {
        Reasoning reasoning;
        reasoning.text = std::string(reader.string(block, "thinking").value_or(""));
        reasoning.signature = std::string(reader.string(block, "signature").value_or(""));
        response.reasoning += reasoning.text;
        response.reasoning_blocks.push_back(std::move(reasoning));
      } else if (kind == "redacted_thinking") {
        Reasoning reasoning;
        reasoning.redacted_data = std::string(reader.string(block, "data").value_or(""));
        response.reasoning_blocks.push_back(std::move(reasoning));
      } else if (kind == "tool_use") {
        ToolCall call;
        call.id = std::string(reader.string(block, "id").value_or(""));
        call.name = std::string(reader.string(block, "name").value_or(""));
        if (const Value *input = reader.object(block, "input"))
          call.arguments = json::dump(*input);
        response.tool_calls.push_back(std::move(call));
      }
    }
  }
  if (auto stop = reader.string(root, "stop_reason")) {
    response.finish_reason = normalise_stop_reason(*stop);
    response.finish_reason_raw = std::string(*stop);
  }
  if (const Value *usage = reader.object(root, "usage"))
    response.usage = read_usage(*usage);
  if (reader.failed()) {
    decoded.error = *reader.error();
    decoded.response = {};
  }
  return decoded;
}

Error AnthropicMessagesAdapter::decode_error(const HttpResponseHead &head,
                                             std::string_view body) const {
  auto parsed = json::parse(body);
  if (parsed.ok() && parsed.value().is_object()) {
    json::Reader reader("error body");
    ProviderErrorFields fields = read_error_fields(reader, parsed.value());
    if (!reader.failed() && (!fields.message.empty() || !fields.type.empty()))
      return make_provider_error(head, std::move(fields), false);
  }
  ProviderErrorFields fields;
  fields.message = body_excerpt(body);
  return make_provider_error(head, std::move(fields), false);
}

std::unique_ptr<StreamDecoder> AnthropicMessagesAdapter::new_stream_decoder() const {
  return std::make_unique<AnthropicStreamDecoder>();
}

} // namespace llmux
