#include "adapters/ollama_chat.hpp"

#include "adapters/check_request.hpp"
#include "adapters/request_body.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "json/json.hpp"

#include <llmux/ndjson_decoder.hpp>

#include <cstdint>
#include <map>

namespace llmux {
namespace {

using json::Value;

// ---------------------------------------------------------------------------------------
// Requests

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
  if (request.tools.empty())
    return invalid_argument("tool_choice requires a tool but the request has none");
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

Result<void> write_tools(const ChatRequest &request, RequestBody &body) {
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
  return {};
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
  if (!request.stop.empty()) {
    json::ArrayWriter stop = options.array("stop");
    for (const std::string &text : request.stop)
      stop.item(text);
    stop.close();
  }
  options.close();
}

// ---------------------------------------------------------------------------------------
// Responses

// Ollama says "stop" when the model ends its turn with tool calls too, and versions before
// done_reason existed say nothing: the calls tell.
FinishReason normalise_done_reason(std::string_view raw, bool has_tool_calls) {
  if (has_tool_calls && (raw == "stop" || raw.empty()))
    return FinishReason::ToolCalls;
  if (raw.empty())
    return FinishReason::None;
  if (raw == "stop")
    return FinishReason::Stop;
  if (raw == "length")
    return FinishReason::Length;
  return FinishReason::Other; // "load", "unload", and values added later
}

// One tool call as the wire carries it: an id when Ollama numbers its calls, the arguments as
// their compact JSON text.
struct WireCall {
  std::string id;
  std::string name;
  std::string arguments;
};

// What one response object or stream line carries, read with type checks.
struct Chunk {
  std::string model;
  std::string content;
  std::string thinking;
  std::vector<WireCall> tool_calls;
  bool has_message = false;
  std::optional<bool> done;
  std::string done_reason;
  Usage usage;
  std::optional<ProviderErrorFields> error;
};

// Ollama's error shape is {"error": "text"}; proxies in front of it may send an object.
std::optional<ProviderErrorFields> read_error_fields(json::Reader &reader, const Value &root) {
  const Value *error = reader.any(root, "error");
  if (!error)
    return std::nullopt;
  ProviderErrorFields fields;
  if (error->is_string()) {
    fields.message = error->as_string();
  } else if (error->is_object()) {
    fields.message = std::string(reader.string(*error, "message").value_or(""));
    fields.type = std::string(reader.string(*error, "type").value_or(""));
    fields.code = reader.string_or_number(*error, "code").value_or("");
  } else {
    reader.type_error("error", "a string or an object", *error);
    return std::nullopt;
  }
  return fields;
}

void read_tool_calls(json::Reader &reader, const Value &message, std::vector<WireCall> &out) {
  const Value *calls = reader.array(message, "tool_calls");
  if (!calls)
    return;
  for (const Value &call : calls->items()) {
    if (!call.is_object()) {
      reader.type_error("tool_calls[]", "an object", call);
      return;
    }
    WireCall wire;
    wire.id = std::string(reader.string(call, "id").value_or(""));
    if (const Value *function = reader.object(call, "function")) {
      wire.name = std::string(reader.string(*function, "name").value_or(""));
      (void)reader.integer(*function, "index"); // llmux numbers calls itself; checked only
      if (const Value *arguments = reader.any(*function, "arguments")) {
        if (arguments->is_object())
          wire.arguments = json::dump(*arguments);
        else
          reader.type_error("arguments", "an object", *arguments);
      }
    }
    if (reader.failed())
      return;
    out.push_back(std::move(wire));
  }
}

void read_chunk(json::Reader &reader, const Value &root, Chunk &out) {
  out.error = read_error_fields(reader, root);
  out.model = std::string(reader.string(root, "model").value_or(""));
  if (const Value *message = reader.object(root, "message")) {
    out.has_message = true;
    out.content = std::string(reader.string(*message, "content").value_or(""));
    out.thinking = std::string(reader.string(*message, "thinking").value_or(""));
    read_tool_calls(reader, *message, out.tool_calls);
  }
  out.done = reader.boolean(root, "done");
  out.done_reason = std::string(reader.string(root, "done_reason").value_or(""));
  out.usage.input_tokens = read_token_count(root, "prompt_eval_count", out.usage);
  out.usage.output_tokens = read_token_count(root, "eval_count", out.usage);
}

// What the type checks cannot see: a call without a name cannot be run, and Ollama sends each
// call whole, so nothing will complete it.
std::optional<Error> broken_chunk(std::string_view context, const Chunk &chunk) {
  for (const WireCall &call : chunk.tool_calls)
    if (call.name.empty())
      return bad_response("a tool call in the " + std::string(context) + " has no function name");
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Streams

// Bytes framed before their lines are handed on, so that a whole body fed at once does not
// hold all its events at once (as the SSE decoders do).
constexpr std::size_t slice_bytes = 16 * 1024;

// One JSON object per line; the last has "done": true with done_reason and the counts. Tool
// calls arrive whole inside one line, so each is started, given its arguments and ended at
// once.
class OllamaStreamDecoder final : public StreamDecoder {
public:
  void feed(std::string_view bytes, std::vector<StreamEvent> &events) override {
    while (!bytes.empty() && !stopped()) {
      std::string_view slice = bytes.substr(0, slice_bytes);
      bytes.remove_prefix(slice.size());
      ndjson_.feed(slice, lines_);
      dispatch(events);
    }
  }

  void finish(std::vector<StreamEvent> &events) override {
    if (stopped())
      return;
    ndjson_.finish(lines_);
    dispatch(events);
    if (!stopped())
      fail(events, bad_response("the stream ended before done"));
  }

private:
  bool stopped() const noexcept { return failed_ || complete_; }

  void fail(std::vector<StreamEvent> &events, Error error) {
    failed_ = true;
    events.push_back(StreamEvent::failure(std::move(error)));
  }

  void dispatch(std::vector<StreamEvent> &events) {
    for (const std::string &line : lines_) {
      if (stopped())
        break;
      on_line(line, events);
    }
    lines_.clear();
    if (!stopped() && ndjson_.error())
      fail(events, *ndjson_.error());
  }

  void on_line(std::string_view line, std::vector<StreamEvent> &events) {
    auto parsed = parse_object(line, "a chat stream line");
    if (!parsed.ok())
      return fail(events, std::move(parsed).error());
    const Value &root = parsed.value();
    json::Reader reader("chat stream line");
    Chunk chunk;
    read_chunk(reader, root, chunk);
    // Read whole before anything is emitted: a broken line adds nothing but its error.
    if (reader.failed())
      return fail(events, *reader.error());
    if (auto broken = broken_chunk("chat stream line", chunk))
      return fail(events, std::move(*broken));

    if (!chunk.thinking.empty())
      events.push_back(StreamEvent::reasoning_delta(0, std::move(chunk.thinking)));
    if (!chunk.content.empty())
      events.push_back(StreamEvent::text_delta(std::move(chunk.content)));
    for (WireCall &call : chunk.tool_calls) {
      const std::size_t index = calls_++;
      const bool generated = call.id.empty();
      if (generated)
        call.id = generated_call_id(index, call.name, call.arguments);
      StreamEvent start = StreamEvent::tool_call_start(index, call.id, call.name);
      start.generated_id = generated;
      events.push_back(std::move(start));
      if (!call.arguments.empty())
        events.push_back(StreamEvent::tool_call_delta(index, call.arguments));
      StreamEvent end = StreamEvent::tool_call_end(index, std::move(call.id), std::move(call.name),
                                                   std::move(call.arguments));
      end.generated_id = generated;
      events.push_back(std::move(end));
    }
    if (chunk.error) {
      // Ollama reports a failure after the 200 head (a runner that crashed) as a line of its
      // own; the output so far stands.
      HttpResponseHead head;
      head.status = 200;
      return fail(events, make_provider_error(head, std::move(*chunk.error), true));
    }
    if (!chunk.done.value_or(false))
      return;
    if (!chunk.usage.empty())
      events.push_back(StreamEvent::usage_report(chunk.usage));
    FinishReason reason = normalise_done_reason(chunk.done_reason, calls_ > 0);
    if (reason != FinishReason::None)
      events.push_back(StreamEvent::finish(reason, std::move(chunk.done_reason)));
    // Anything after the done line is not part of this response.
    complete_ = true;
  }

  NdjsonDecoder ndjson_;
  std::vector<std::string> lines_; // reused between slices
  std::size_t calls_ = 0;          // tool calls so far: the next call's index
  bool failed_ = false;
  bool complete_ = false;
};

} // namespace

// ---------------------------------------------------------------------------------------

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
  if (!request.system.empty()) {
    json::ObjectWriter system = messages.object();
    system.member("role", "system");
    system.member("content", request.system);
    system.close();
  }
  CallNames names;
  for (const Message &message : request.messages)
    if (auto written = write_messages(message, names, messages); !written.ok())
      return std::move(written).error();
  messages.close();
  if (send_tools)
    if (auto tools = write_tools(request, body); !tools.ok())
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

DecodedResponse OllamaChatAdapter::decode_response(const HttpResponseHead &head,
                                                   std::string_view body) const {
  DecodedResponse decoded;
  auto parsed = successful_body(*this, head, body, "the chat response", decoded);
  if (!parsed)
    return decoded;
  const Value &root = *parsed;
  json::Reader reader("chat response");
  Chunk chunk;
  read_chunk(reader, root, chunk);
  if (reader.failed()) {
    decoded.error = *reader.error();
    return decoded;
  }
  if (auto broken = broken_chunk("chat response", chunk)) {
    decoded.error = std::move(*broken);
    return decoded;
  }
  if (chunk.error) {
    decoded.error = make_provider_error(head, std::move(*chunk.error), false);
    return decoded;
  }
  if (!chunk.has_message) {
    decoded.error = bad_response("the chat response has no message");
    return decoded;
  }
  if (chunk.done == false) {
    decoded.error = bad_response("the chat response is not done (\"done\": false)");
    return decoded;
  }
  ChatResponse &response = decoded.response;
  response.model = std::move(chunk.model);
  response.text = std::move(chunk.content);
  if (!chunk.thinking.empty()) {
    response.reasoning = chunk.thinking;
    response.reasoning_blocks.push_back(Reasoning{std::move(chunk.thinking), {}, {}});
  }
  for (std::size_t i = 0; i < chunk.tool_calls.size(); ++i) {
    WireCall &wire = chunk.tool_calls[i];
    ToolCall call;
    call.generated_id = wire.id.empty();
    call.id =
        call.generated_id ? generated_call_id(i, wire.name, wire.arguments) : std::move(wire.id);
    call.name = std::move(wire.name);
    call.arguments = std::move(wire.arguments);
    response.tool_calls.push_back(std::move(call));
  }
  response.finish_reason = normalise_done_reason(chunk.done_reason, !response.tool_calls.empty());
  response.finish_reason_raw = std::move(chunk.done_reason);
  response.usage = chunk.usage;
  return decoded;
}

Error OllamaChatAdapter::decode_error(const HttpResponseHead &head, std::string_view body) const {
  auto parsed = json::parse(body);
  if (parsed.ok() && parsed.value().is_object()) {
    json::Reader reader("error body");
    auto fields = read_error_fields(reader, parsed.value());
    if (fields && !reader.failed())
      return make_provider_error(head, std::move(*fields), false);
  }
  // Plain text ("404 page not found" from Ollama's router, a proxy's HTML page).
  ProviderErrorFields fields;
  fields.message = body_excerpt(body);
  return make_provider_error(head, std::move(fields), false);
}

std::unique_ptr<StreamDecoder> OllamaChatAdapter::new_stream_decoder() const {
  return std::make_unique<OllamaStreamDecoder>();
}

bool OllamaChatAdapter::is_stream(const HttpResponseHead &head) const {
  return head.status >= 200 && head.status < 300;
}

} // namespace llmux
