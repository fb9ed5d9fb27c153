#include <llmux/decode.hpp>

#include <llmux/limits.hpp>

#include "json/json.hpp"

namespace llmux {

ResponseDecoder::ResponseDecoder(Provider provider, bool stream, HttpResponseHead head)
    : adapter_(make_adapter(provider)), head_(std::move(head)) {
  // Errors, and answers from servers that ignored `stream`, come as one whole body.
  if (stream && adapter_->is_stream(head_))
    stream_ = adapter_->new_stream_decoder();
}

namespace {

bool is_success(int status) { return status >= 200 && status < 300; }

std::size_t body_limit(int status, bool stream) {
  return stream               ? max_stream_body_bytes
         : is_success(status) ? max_response_body_bytes
                              : max_error_body_bytes;
}

} // namespace

Error body_too_large(int status, bool stream) {
  // Whole sentences (the assert keeps their sizes the table's): a message put together with
  // number conversions costs the Wasm module more code than the text.
  static_assert(max_stream_body_bytes == std::size_t{64} << 20 &&
                max_response_body_bytes == std::size_t{32} << 20 &&
                max_error_body_bytes == std::size_t{1} << 20);
  Error error = bad_response(
      stream ? "the response is too large: a stream is longer than max_stream_body_bytes (64 MiB)"
      : is_success(status)
          ? "the response is too large: a whole answer is longer than max_response_body_bytes (32 MiB)"
          : "the response is too large: an error body is longer than max_error_body_bytes (1 MiB)");
  error.http_status = status;
  return error;
}

bool ResponseDecoder::within_limit(std::size_t bytes) {
  if (error_)
    return false;
  body_bytes_ += bytes;
  if (body_bytes_ <= body_limit(head_.status, stream_ != nullptr))
    return true;
  error_ = body_too_large(head_.status, stream_ != nullptr);
  body_ = std::string(); // frees what was buffered
  return false;
}

void ResponseDecoder::feed(std::string_view bytes, std::vector<StreamEvent> &events) {
  if (!within_limit(bytes.size()))
    return;
  if (!stream_) {
    body_.append(bytes);
    return;
  }
  std::size_t first = events.size();
  stream_->feed(bytes, events);
  for (std::size_t i = first; i < events.size(); ++i) {
    builder_.apply(events[i]);
    if (events[i].type == StreamEventType::Error && events[i].error.origin == ErrorOrigin::Decoder)
      error_ = events[i].error;
  }
}

void ResponseDecoder::feed(std::string_view bytes) {
  scratch_.clear();
  feed(bytes, scratch_);
}

DecodedResponse ResponseDecoder::finish(std::vector<StreamEvent> &events) {
  if (error_) {
    // What a stream delivered before it gave up stays (its usage was spent).
    DecodedResponse decoded = stream_ ? builder_.take() : DecodedResponse{};
    decoded.error = error_;
    return decoded;
  }
  if (!stream_)
    return adapter_->decode_response(head_, body_);
  std::size_t first = events.size();
  stream_->finish(events);
  for (std::size_t i = first; i < events.size(); ++i)
    builder_.apply(events[i]);
  return builder_.take();
}

DecodedResponse ResponseDecoder::finish() {
  scratch_.clear();
  return finish(scratch_);
}

DecodedResponse decode(Provider provider, bool stream, const HttpResponseHead &head,
                       std::string_view body) {
  ResponseDecoder decoder(provider, stream, head);
  decoder.feed(body);
  return decoder.finish();
}

namespace {

json::Value usage_json(const Usage &usage) {
  if (usage.empty())
    return nullptr;
  json::Value out = json::Value::object();
  for (const auto &[name, count] : usage_counts)
    if (usage.*count)
      out[name] = *(usage.*count);
  return out;
}

json::Value error_json(const Error &error) {
  auto or_null = [](const std::string &text) -> json::Value {
    return text.empty() ? json::Value(nullptr) : json::Value(text);
  };
  json::Value out = json::Value::object();
  out["code"] = to_string(error.code);
  out["origin"] = to_string(error.origin);
  out["status"] = error.http_status;
  out["in_stream"] = error.in_stream;
  out["type"] = or_null(error.provider_type);
  out["provider_code"] = or_null(error.provider_code);
  out["param"] = or_null(error.param);
  out["message"] = error.message;
  out["hint"] = or_null(error.hint);
  out["request_id"] = or_null(error.request_id);
  out["retry_after_ms"] =
      error.retry_after_ms ? json::Value(*error.retry_after_ms) : json::Value(nullptr);
  return out;
}

} // namespace

std::string to_json(const DecodedResponse &decoded) {
  const ChatResponse &response = decoded.response;
  json::Value out = json::Value::object();
  out["text"] = response.text;
  out["reasoning"] = response.reasoning;
  if (!response.refusal.empty())
    out["refusal"] = response.refusal;
  if (!response.tool_plan.empty())
    out["tool_plan"] = response.tool_plan;
  json::Value calls = json::Value::array();
  for (const ToolCall &call : response.tool_calls) {
    json::Value arguments = json::Value::object(); // empty text means no arguments: {}
    if (!call.arguments.empty()) {
      auto parsed = json::parse(call.arguments);
      // Arguments that are not JSON (a stream cut by max_tokens) come out as null; the raw
      // text stays in arguments_raw.
      arguments = parsed.ok() ? std::move(parsed).value() : json::Value(nullptr);
    }
    // The id the provider sent, or null: an id llmux made (Gemini) is not the wire's.
    json::Value id = call.id.empty() || call.generated_id ? json::Value(nullptr) : json::Value(call.id);
    json::Value printed = json::Value::object({{"id", std::move(id)},
                                               {"name", call.name},
                                               {"arguments", std::move(arguments)},
                                               {"arguments_raw", call.arguments}});
    if (!call.signature.empty())
      printed["signature"] = call.signature;
    calls.push_back(std::move(printed));
  }
  out["tool_calls"] = std::move(calls);
  out["finish_reason"] = response.finish_reason_raw.empty()
                             ? json::Value(nullptr)
                             : json::Value(response.finish_reason_raw);
  out["finish"] = to_string(response.finish_reason);
  out["usage"] = usage_json(response.usage);
  out["error"] = decoded.error ? error_json(*decoded.error) : json::Value(nullptr);
  return json::dump(out);
}

// Streams turn every chunk into events, so their JSON is written directly rather than built
// as a json::Value first: a Value costs an allocation per member, which made this the
// largest cost of a small event in Wasm. The bytes are what json::dump of the same object
// gives (keys in this order, strings through json::write_string); the rare usage and error
// events still go through json::Value.
std::string to_json(const StreamEvent &event) {
  std::string out;
  out.reserve(48 + event.text.size() + event.id.size() + event.name.size());
  out += "{\"type\":\"";
  out += to_string(event.type); // plain ASCII names: nothing to escape
  out += '"';
  // Keys are ASCII literals, written as they are.
  auto key = [&out](std::string_view name) {
    out += ",\"";
    out += name;
    out += "\":";
  };
  auto string_member = [&](std::string_view name, std::string_view value) {
    key(name);
    json::write_string(value, out);
  };
  auto index_member = [&] {
    key("index");
    json::write(json::Value(event.index), out);
  };
  switch (event.type) {
    case StreamEventType::TextDelta:
    case StreamEventType::RefusalDelta:
    case StreamEventType::ToolPlanDelta:
      string_member("text", event.text);
      break;
    case StreamEventType::ReasoningDelta:
    case StreamEventType::ReasoningSignature:
    case StreamEventType::RedactedReasoning:
    case StreamEventType::ToolCallDelta:
      index_member();
      string_member("text", event.text);
      break;
    case StreamEventType::ToolCallStart:
      index_member();
      string_member("id", event.id);
      string_member("name", event.name);
      if (event.generated_id) {
        key("generated_id");
        out += "true";
      }
      break;
    case StreamEventType::ToolCallEnd:
      index_member();
      string_member("id", event.id);
      string_member("name", event.name);
      string_member("arguments", event.text);
      if (!event.signature.empty())
        string_member("signature", event.signature);
      if (event.generated_id) {
        key("generated_id");
        out += "true";
      }
      break;
    case StreamEventType::Usage:
      key("usage");
      json::write(usage_json(event.usage), out);
      break;
    case StreamEventType::Finish:
      string_member("finish_reason", event.text);
      string_member("finish", to_string(event.finish_reason));
      break;
    case StreamEventType::Error:
      key("error");
      json::write(error_json(event.error), out);
      break;
  }
  out += '}';
  return out;
}

} // namespace llmux
