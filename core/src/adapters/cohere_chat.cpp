// The Cohere v2 chat adapter's responses: whole bodies, streams and errors decoded. Its requests
// are written in cohere_chat_request.cpp.

#include "adapters/cohere_chat.hpp"

#include "adapters/sse_stream_decoder.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

using json::Value;

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
