// The Ollama's /api/chat adapter's responses: whole bodies, streams and errors decoded. Its requests
// are written in ollama_chat_request.cpp.

#include "adapters/ollama_chat.hpp"

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
