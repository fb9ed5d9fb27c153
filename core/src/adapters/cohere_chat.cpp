#include "adapters/cohere_chat.hpp"

#include "adapters/check_request.hpp"
#include "adapters/openai_parts.hpp"
#include "adapters/request_body.hpp"
#include "adapters/sse_stream_decoder.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

using json::Value;

// ---------------------------------------------------------------------------------------
// Requests

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
Result<void> write_messages(const Message &message, json::ArrayWriter &out) {
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

// ---------------------------------------------------------------------------------------
// Responses

FinishReason normalise_finish(std::string_view raw) {
  if (raw == "COMPLETE" || raw == "STOP_SEQUENCE")
    return FinishReason::Stop;
  if (raw == "MAX_TOKENS")
    return FinishReason::Length;
  if (raw == "TOOL_CALL")
    return FinishReason::ToolCalls;
  return FinishReason::Other; // ERROR, TIMEOUT, and values added later
}

// Cohere counts twice: `tokens` is what the model processed, `billed_units` what is charged.
Usage read_usage(json::Reader &reader, const Value &usage) {
  Usage out;
  if (const Value *tokens = reader.object(usage, "tokens")) {
    out.input_tokens = read_token_count(*tokens, "input_tokens", out);
    out.output_tokens = read_token_count(*tokens, "output_tokens", out);
  }
  if (const Value *billed = reader.object(usage, "billed_units")) {
    out.billed_input_tokens = read_token_count(*billed, "input_tokens", out);
    out.billed_output_tokens = read_token_count(*billed, "output_tokens", out);
  }
  out.cached_input_tokens = read_token_count(usage, "cached_tokens", out);
  return out;
}

// Cohere's error body: {"message": "...", "id": "..."} for every status.
ProviderErrorFields read_error_fields(json::Reader &reader, const Value &body) {
  ProviderErrorFields fields;
  fields.message = std::string(reader.string(body, "message").value_or(""));
  fields.request_id = std::string(reader.string(body, "id").value_or(""));
  return fields;
}

// The `delta.message` object of a stream event, or null.
const Value *delta_message(json::Reader &reader, const Value &event) {
  const Value *delta = reader.object(event, "delta");
  return delta ? reader.object(*delta, "message") : nullptr;
}

// The event's `index`. Cohere's recordings always send it; an absent one reads as 0, which is
// what a serializer that leaves out zero values would have meant.
std::int64_t event_index(json::Reader &reader, const Value &event) {
  return reader.integer(event, "index").value_or(0);
}

// Tool-call arguments: a JSON string, as Cohere documents them; an object is taken whole.
std::string read_arguments(json::Reader &reader, const Value &function) {
  const Value *arguments = reader.any(function, "arguments");
  if (!arguments)
    return {};
  if (arguments->is_string())
    return arguments->as_string();
  if (arguments->is_object())
    return json::dump(*arguments);
  reader.type_error("arguments", "a string", *arguments);
  return {};
}

// ---------------------------------------------------------------------------------------
// Streams

// Cohere's v2 stream: SSE events named like the JSON `type` of their data, from message-start
// to message-end. Only the JSON is read. Errors inside the stream: the OpenAPI spec gives
// message-end a `delta.error` ("an error message if an error occurred during the
// generation"); nothing else is documented, so an object shaped like Cohere's error body
// ({"message": ...} without a type, or with type "error") is read as one too, rather than
// failing as an undecodable event and losing what the provider said.
class CohereStreamDecoder final : public SseStreamDecoder {
private:
  struct Call {
    std::int64_t wire_index = 0;
    std::string id;
    std::string name;
    std::string arguments;
    bool ended = false;
  };

  void on_end(std::vector<StreamEvent> &events) override {
    fail(events, bad_response("the stream ended before message-end"));
  }

  Call *call(std::int64_t wire_index) {
    for (Call &known : calls_)
      if (known.wire_index == wire_index)
        return &known;
    return nullptr;
  }

  std::size_t index_of(const Call &known) const {
    return static_cast<std::size_t>(&known - calls_.data());
  }

  void on_event(const SseEvent &event, std::vector<StreamEvent> &events) override {
    // Cohere's SDKs stop at `data: [DONE]`; whether the API sends it is not established. It
    // can only arrive here before message-end (which completes the stream): too early.
    if (event.data == "[DONE]")
      return fail(events, bad_response("the stream ended ([DONE]) before message-end"));
    auto parsed = parse_object(event.data, "a chat stream event");
    if (!parsed.ok())
      return fail(events, std::move(parsed).error());
    const Value &data = parsed.value();
    json::Reader reader("chat stream event");
    std::string_view type = reader.string(data, "type").value_or("");
    if (type == "content-start" || type == "content-delta") {
      content(reader, data, events);
    } else if (type == "tool-plan-delta") {
      if (const Value *message = delta_message(reader, data))
        if (auto plan = reader.string(*message, "tool_plan"); plan && !plan->empty())
          events.push_back(StreamEvent::tool_plan_delta(std::string(*plan)));
    } else if (type == "tool-call-start") {
      tool_call_start(reader, data, events);
    } else if (type == "tool-call-delta") {
      tool_call_delta(reader, data, events);
    } else if (type == "tool-call-end") {
      tool_call_end(reader, data, events);
    } else if (type == "message-end") {
      message_end(reader, data, events);
    } else if (type.empty() || type == "error") {
      if (type.empty() && !reader.any(data, "message") && !reader.failed())
        return fail(events, bad_response("a chat stream event has no type"));
      ProviderErrorFields fields = read_error_fields(reader, data);
      if (!reader.failed())
        return fail(events, stream_error(std::move(fields)));
    }
    // message-start (its message is empty), content-end, citation-start, citation-end, debug
    // and event types added later carry nothing llmux models.
    if (reader.failed() && !stopped())
      fail(events, *reader.error());
  }

  static Error stream_error(ProviderErrorFields fields) {
    HttpResponseHead head;
    head.status = 200;
    return make_provider_error(head, std::move(fields), true);
  }

  // content-start (whose block may open with text) and content-delta: delta.message.content
  // with `text` or, for a reasoning block, `thinking`.
  void content(json::Reader &reader, const Value &data, std::vector<StreamEvent> &events) {
    const std::int64_t wire_index = event_index(reader, data);
    const Value *message = delta_message(reader, data);
    const Value *content = message ? reader.object(*message, "content") : nullptr;
    if (!content)
      return;
    auto thinking = reader.string(*content, "thinking");
    auto text = reader.string(*content, "text");
    if (reader.failed())
      return;
    if (thinking && !thinking->empty())
      events.push_back(StreamEvent::reasoning_delta(static_cast<std::size_t>(wire_index),
                                                    std::string(*thinking)));
    if (text && !text->empty())
      events.push_back(StreamEvent::text_delta(std::string(*text)));
  }

  // tool-call-start: delta.message.tool_calls is one call {id, type, function {name,
  // arguments}}, usually with empty arguments.
  void tool_call_start(json::Reader &reader, const Value &data, std::vector<StreamEvent> &events) {
    const std::int64_t wire_index = event_index(reader, data);
    const Value *message = delta_message(reader, data);
    const Value *wire = message ? reader.object(*message, "tool_calls") : nullptr;
    if (reader.failed())
      return;
    if (!wire)
      return fail(events, bad_response("tool-call-start without its tool call"));
    Call started;
    started.wire_index = wire_index;
    started.id = std::string(reader.string(*wire, "id").value_or(""));
    if (const Value *function = reader.object(*wire, "function")) {
      started.name = std::string(reader.string(*function, "name").value_or(""));
      started.arguments = read_arguments(reader, *function);
    }
    if (reader.failed())
      return;
    if (call(wire_index))
      return fail(events,
                  bad_response("tool call " + std::to_string(wire_index) + " started twice"));
    calls_.push_back(std::move(started));
    const Call &added = calls_.back();
    events.push_back(StreamEvent::tool_call_start(index_of(added), added.id, added.name));
    if (!added.arguments.empty())
      events.push_back(StreamEvent::tool_call_delta(index_of(added), added.arguments));
  }

  void tool_call_delta(json::Reader &reader, const Value &data, std::vector<StreamEvent> &events) {
    const std::int64_t wire_index = event_index(reader, data);
    std::string fragment;
    if (const Value *message = delta_message(reader, data))
      if (const Value *wire = reader.object(*message, "tool_calls"))
        if (const Value *function = reader.object(*wire, "function"))
          fragment = read_arguments(reader, *function);
    if (reader.failed())
      return;
    Call *target = call(wire_index);
    if (!target)
      return fail(events, bad_response("tool-call-delta for a call that was not started"));
    if (target->ended)
      return fail(events, bad_response("tool-call-delta after tool-call-end"));
    if (fragment.empty())
      return;
    target->arguments += fragment;
    events.push_back(StreamEvent::tool_call_delta(index_of(*target), std::move(fragment)));
  }

  void tool_call_end(json::Reader &reader, const Value &data, std::vector<StreamEvent> &events) {
    const std::int64_t wire_index = event_index(reader, data);
    if (reader.failed())
      return;
    Call *target = call(wire_index);
    if (!target)
      return fail(events, bad_response("tool-call-end for a call that was not started"));
    if (target->ended)
      return;
    // Now, and only now, the call's arguments are whole.
    target->ended = true;
    events.push_back(
        StreamEvent::tool_call_end(index_of(*target), target->id, target->name, target->arguments));
  }

  // message-end: delta {finish_reason, usage, error}. The last event of the stream.
  void message_end(json::Reader &reader, const Value &data, std::vector<StreamEvent> &events) {
    Usage usage;
    std::optional<std::string_view> finish;
    std::optional<std::string_view> error;
    if (const Value *delta = reader.object(data, "delta")) {
      finish = reader.string(*delta, "finish_reason");
      if (const Value *counts = reader.object(*delta, "usage"))
        usage = read_usage(reader, *counts);
      error = reader.string(*delta, "error");
    }
    if (reader.failed())
      return;
    // Usage first: the finish event is the last word about the message.
    if (!usage.empty())
      events.push_back(StreamEvent::usage_report(usage));
    if (finish)
      events.push_back(StreamEvent::finish(normalise_finish(*finish), std::string(*finish)));
    if (error && !error->empty()) {
      ProviderErrorFields fields;
      fields.message = std::string(*error);
      return fail(events, stream_error(std::move(fields)));
    }
    complete();
  }

  std::vector<Call> calls_;
};

} // namespace

// ---------------------------------------------------------------------------------------

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
  if (request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::Required && !has_tools)
    return invalid_argument("tool_choice requires a tool but the request has none");
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
  json::ArrayWriter messages = body.array("messages");
  if (!request.system.empty()) {
    json::ObjectWriter system = messages.object();
    system.member("role", "system");
    system.member("content", request.system);
    system.close();
  }
  for (const Message &message : request.messages)
    if (auto written = write_messages(message, messages); !written.ok())
      return std::move(written).error();
  messages.close();

  if (has_tools) {
    json::ArrayWriter tools = body.array("tools");
    for (const Tool &tool : request.tools) {
      auto schema = tool_schema(tool);
      if (!schema.ok())
        return std::move(schema).error();
      json::ObjectWriter wire = tools.object();
      wire.member("type", "function");
      json::ObjectWriter function = wire.object("function");
      function.member("name", tool.name);
      if (!tool.description.empty())
        function.member("description", tool.description);
      function.member("parameters", schema.value());
      function.close();
      wire.close();
    }
    tools.close();
    // Auto is Cohere's default, and its only way to say it.
    if (request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::Required)
      body.member("tool_choice", "REQUIRED");
    else if (request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::None)
      body.member("tool_choice", "NONE");
  }
  if (request.temperature)
    body.member("temperature", *request.temperature);
  if (request.top_p)
    body.member("p", *request.top_p);
  if (request.max_tokens)
    body.member("max_tokens", *request.max_tokens);
  if (!request.stop.empty()) {
    json::ArrayWriter stop = body.array("stop_sequences");
    for (const std::string &text : request.stop)
      stop.item(text);
    stop.close();
  }
  if (request.response_format.type != ResponseFormat::Type::Text)
    if (auto format = write_response_format(request.response_format, body); !format.ok())
      return std::move(format).error();
  if (request.reasoning_budget_tokens) {
    json::ObjectWriter thinking = body.object("thinking");
    thinking.member("type", "enabled");
    thinking.member("token_budget", *request.reasoning_budget_tokens);
    thinking.close();
  }
  // `user` is not sent: Cohere's chat has no end-user field, and it changes no answer.
  if (request.stream)
    body.member("stream", true);
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
  return http;
}

DecodedResponse CohereChatAdapter::decode_response(const HttpResponseHead &head,
                                                   std::string_view body) const {
  DecodedResponse decoded;
  auto parsed = successful_body(*this, head, body, "the chat response", decoded);
  if (!parsed)
    return decoded;
  const Value &root = *parsed;
  json::Reader reader("chat response");
  const Value *message_value = reader.any(root, "message");
  if (message_value && message_value->is_string()) {
    // An error body ({"message": "..."}) in a 2xx, as a gateway may send it.
    ProviderErrorFields fields = read_error_fields(reader, root);
    decoded.error =
        reader.failed() ? *reader.error() : make_provider_error(head, std::move(fields), false);
    return decoded;
  }
  const Value *message = reader.object(root, "message");
  if (!message) {
    decoded.error =
        reader.failed() ? *reader.error() : bad_response("the chat response has no message");
    return decoded;
  }
  ChatResponse &response = decoded.response;
  response.id = std::string(reader.string(root, "id").value_or(""));
  if (const Value *content = reader.any(*message, "content")) {
    if (content->is_string()) {
      response.text = content->as_string();
    } else if (content->is_array()) {
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
          response.reasoning += reasoning.text;
          response.reasoning_blocks.push_back(std::move(reasoning));
        }
      }
    } else {
      reader.type_error("content", "an array or a string", *content);
    }
  }
  response.tool_plan = std::string(reader.string(*message, "tool_plan").value_or(""));
  if (const Value *calls = reader.array(*message, "tool_calls")) {
    for (const Value &call : calls->items()) {
      if (!call.is_object()) {
        reader.type_error("tool_calls[]", "an object", call);
        break;
      }
      ToolCall out;
      out.id = std::string(reader.string(call, "id").value_or(""));
      if (const Value *function = reader.object(call, "function")) {
        out.name = std::string(reader.string(*function, "name").value_or(""));
        out.arguments = read_arguments(reader, *function);
      }
      response.tool_calls.push_back(std::move(out));
    }
  }
  // Citations refer to documents and tool results llmux does not model.
  if (auto finish = reader.string(root, "finish_reason")) {
    response.finish_reason = normalise_finish(*finish);
    response.finish_reason_raw = std::string(*finish);
  }
  if (const Value *usage = reader.object(root, "usage"))
    response.usage = read_usage(reader, *usage);
  if (reader.failed()) {
    decoded.error = *reader.error();
    decoded.response = {};
  }
  return decoded;
}

Error CohereChatAdapter::decode_error(const HttpResponseHead &head, std::string_view body) const {
  auto parsed = json::parse(body);
  if (parsed.ok() && parsed.value().is_object()) {
    json::Reader reader("error body");
    ProviderErrorFields fields = read_error_fields(reader, parsed.value());
    if (!reader.failed() && !fields.message.empty())
      return make_provider_error(head, std::move(fields), false);
  }
  ProviderErrorFields fields;
  fields.message = body_excerpt(body);
  return make_provider_error(head, std::move(fields), false);
}

std::unique_ptr<StreamDecoder> CohereChatAdapter::new_stream_decoder() const {
  return std::make_unique<CohereStreamDecoder>();
}

} // namespace llmux
