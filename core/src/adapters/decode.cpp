#include <llmux/decode.hpp>

#include <llmux/limits.hpp>

#include "json/json.hpp"
#include "json/json_writer.hpp"

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

void write_usage(const Usage &usage, std::string &out) {
  if (usage.empty()) {
    out += "null";
    return;
  }
  json::ObjectWriter object(out);
  for (const auto &[name, count] : usage_counts)
    if (usage.*count)
      object.member(name, *(usage.*count));
  object.close();
}

void write_error(const Error &error, std::string &out) {
  json::ObjectWriter object(out);
  auto text_or_null = [&object](std::string_view name, const std::string &text) {
    if (text.empty())
      object.member(name, nullptr);
    else
      object.member(name, text);
  };
  object.member("code", to_string(error.code));
  object.member("origin", to_string(error.origin));
  object.member("status", error.http_status);
  object.member("in_stream", error.in_stream);
  text_or_null("type", error.provider_type);
  text_or_null("provider_code", error.provider_code);
  text_or_null("param", error.param);
  object.member("message", error.message);
  text_or_null("hint", error.hint);
  text_or_null("request_id", error.request_id);
  if (error.retry_after_ms)
    object.member("retry_after_ms", *error.retry_after_ms);
  else
    object.member("retry_after_ms", nullptr);
  object.close();
}

void write_tool_call(const ToolCall &call, json::ArrayWriter &calls) {
  json::ObjectWriter object = calls.object();
  // The id the provider sent, or null: an id llmux made (Gemini) is not the wire's.
  if (call.id.empty() || call.generated_id)
    object.member("id", nullptr);
  else
    object.member("id", call.id);
  object.member("name", call.name);
  if (call.arguments.empty()) {
    object.raw_member("arguments", "{}"); // empty text means no arguments
  } else {
    // Arguments that are not JSON (a stream cut by max_tokens) come out as null; the raw
    // text stays in arguments_raw.
    auto parsed = json::parse(call.arguments);
    if (parsed.ok())
      object.member("arguments", parsed.value());
    else
      object.member("arguments", nullptr);
  }
  object.member("arguments_raw", call.arguments);
  if (!call.signature.empty())
    object.member("signature", call.signature);
  object.close();
}

} // namespace

std::string to_json(const DecodedResponse &decoded) {
  const ChatResponse &response = decoded.response;
  std::string out;
  json::ObjectWriter object(out);
  object.member("text", response.text);
  object.member("reasoning", response.reasoning);
  if (!response.refusal.empty())
    object.member("refusal", response.refusal);
  if (!response.tool_plan.empty())
    object.member("tool_plan", response.tool_plan);
  json::ArrayWriter calls = object.array("tool_calls");
  for (const ToolCall &call : response.tool_calls)
    write_tool_call(call, calls);
  calls.close();
  if (response.finish_reason_raw.empty())
    object.member("finish_reason", nullptr);
  else
    object.member("finish_reason", response.finish_reason_raw);
  object.member("finish", to_string(response.finish_reason));
  write_usage(response.usage, object.key("usage"));
  if (decoded.error)
    write_error(*decoded.error, object.key("error"));
  else
    object.member("error", nullptr);
  object.close();
  return out;
}

// Streams turn every chunk into events: a small event's JSON is most of what a chunk costs
// in Wasm, so it is written straight into one string of about the right size.
std::string to_json(const StreamEvent &event) {
  std::string out;
  out.reserve(48 + event.text.size() + event.id.size() + event.name.size());
  json::ObjectWriter object(out);
  object.member("type", to_string(event.type));
  switch (event.type) {
    case StreamEventType::TextDelta:
    case StreamEventType::RefusalDelta:
    case StreamEventType::ToolPlanDelta:
      object.member("text", event.text);
      break;
    case StreamEventType::ReasoningDelta:
    case StreamEventType::ReasoningSignature:
    case StreamEventType::RedactedReasoning:
    case StreamEventType::ToolCallDelta:
      object.member("index", event.index);
      object.member("text", event.text);
      break;
    case StreamEventType::ToolCallStart:
      object.member("index", event.index);
      object.member("id", event.id);
      object.member("name", event.name);
      if (event.generated_id)
        object.member("generated_id", true);
      break;
    case StreamEventType::ToolCallEnd:
      object.member("index", event.index);
      object.member("id", event.id);
      object.member("name", event.name);
      object.member("arguments", event.text);
      if (!event.signature.empty())
        object.member("signature", event.signature);
      if (event.generated_id)
        object.member("generated_id", true);
      break;
    case StreamEventType::Usage:
      write_usage(event.usage, object.key("usage"));
      break;
    case StreamEventType::Finish:
      object.member("finish_reason", event.text);
      object.member("finish", to_string(event.finish_reason));
      break;
    case StreamEventType::Error:
      write_error(event.error, object.key("error"));
      break;
  }
  object.close();
  return out;
}

} // namespace llmux
