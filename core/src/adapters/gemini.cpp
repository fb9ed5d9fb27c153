// The Gemini generateContent adapter's responses: whole bodies, streams and errors decoded. Its requests
// are written in gemini_request.cpp.

#include "adapters/gemini.hpp"

#include "adapters/sse_stream_decoder.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "http/retry_after.hpp"
#include "json/json.hpp"

#include <llmux/response_builder.hpp>

#include <cstdint>

namespace llmux {
namespace {

using json::Value;

// ---------------------------------------------------------------------------------------
// Responses

FinishReason normalise_finish(std::string_view raw, bool had_tool_calls) {
  // Gemini ends a turn of function calls with STOP, like any other.
  if (raw == "STOP")
    return had_tool_calls ? FinishReason::ToolCalls : FinishReason::Stop;
  if (raw == "MAX_TOKENS")
    return FinishReason::Length;
  for (std::string_view filtered :
       {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"})
    if (raw == filtered)
      return FinishReason::ContentFilter;
  return FinishReason::Other; // MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, and later values
}

Usage read_usage(const Value &usage) {
  Usage out;
  out.input_tokens = read_token_count(usage, "promptTokenCount", out);
  out.output_tokens = read_token_count(usage, "candidatesTokenCount", out);
  out.total_tokens = read_token_count(usage, "totalTokenCount", out);
  out.cached_input_tokens = read_token_count(usage, "cachedContentTokenCount", out);
  // Thinking tokens are billed as output but not counted in candidatesTokenCount.
  out.reasoning_tokens = read_token_count(usage, "thoughtsTokenCount", out);
  return out;
}

// Turns the parts of candidate 0 into events, numbering tool calls and reasoning blocks over a
// whole response: the parts of one body, or of every chunk of a stream.
//
// Thought signatures: a signature on a function call is the call's. Any other signature ends
// the reasoning before it: Gemini signs a run of thought parts on the part after them (the
// answer's first text part), or on a thought part of its own, or on a text part with no
// thoughts shown at all (thought summaries off). It becomes the signature of the current
// reasoning block, possibly one without text, and the next thought starts a new block.
class PartDecoder {
public:
  void decode(json::Reader &reader, const Value &parts, std::vector<StreamEvent> &events) {
    for (const Value &part : parts.items()) {
      if (!part.is_object()) {
        reader.type_error("parts[]", "an object", part);
        return;
      }
      decode_part(reader, part, events);
      if (reader.failed())
        return;
    }
  }

  bool had_tool_calls() const noexcept { return tool_calls_ > 0; }

private:
  void decode_part(json::Reader &reader, const Value &part, std::vector<StreamEvent> &events) {
    const bool thought = reader.boolean(part, "thought").value_or(false);
    const std::string_view signature = reader.string(part, "thoughtSignature").value_or("");
    const Value *call = reader.object(part, "functionCall");
    const auto text = reader.string(part, "text");
    if (reader.failed())
      return;
    if (call)
      return function_call(reader, *call, signature, events);
    if (text && !text->empty()) {
      if (thought) {
        events.push_back(StreamEvent::reasoning_delta(block_, std::string(*text)));
        block_open_ = true;
      } else {
        events.push_back(StreamEvent::text_delta(std::string(*text)));
      }
    }
    // Parts llmux does not model (inlineData answers, executableCode, codeExecutionResult)
    // carry no text, but their signature counts like any other.
    if (!signature.empty()) {
      events.push_back(StreamEvent::reasoning_signature(block_, std::string(signature)));
      ++block_;
      block_open_ = false;
    }
  }

  // Gemini sends each function call whole, in one part.
  void function_call(json::Reader &reader, const Value &call, std::string_view signature,
                     std::vector<StreamEvent> &events) {
    const std::string name(reader.string(call, "name").value_or(""));
    const auto id = reader.string(call, "id");
    const Value *args = reader.object(call, "args");
    if (reader.failed())
      return;
    std::string arguments = args ? json::dump(*args) : std::string();
    const std::size_t index = tool_calls_++;
    const bool generated = !id || id->empty();
    std::string call_id = generated ? generated_call_id(index, name, arguments) : std::string(*id);
    StreamEvent start = StreamEvent::tool_call_start(index, call_id, name);
    start.generated_id = generated;
    events.push_back(std::move(start));
    if (!arguments.empty())
      events.push_back(StreamEvent::tool_call_delta(index, arguments));
    StreamEvent end =
        StreamEvent::tool_call_end(index, std::move(call_id), name, std::move(arguments));
    end.signature = std::string(signature);
    end.generated_id = generated;
    events.push_back(std::move(end));
    // The thinking before a signed call is over too, though its signature went to the call.
    if (!signature.empty() && block_open_) {
      ++block_;
      block_open_ = false;
    }
  }

  std::size_t block_ = 0;
  bool block_open_ = false; // block_ has reasoning text and no signature yet
  std::size_t tool_calls_ = 0;
};

// Candidate 0, or null: llmux asks for one candidate (candidateCount), and a stream's chunks
// may leave out its index.
const Value *first_candidate(json::Reader &reader, const Value &root) {
  const Value *candidates = reader.array(root, "candidates");
  if (!candidates)
    return nullptr;
  for (const Value &candidate : candidates->items()) {
    if (!candidate.is_object()) {
      reader.type_error("candidates[]", "an object", candidate);
      return nullptr;
    }
    if (reader.integer(candidate, "index").value_or(0) == 0)
      return reader.failed() ? nullptr : &candidate;
  }
  return nullptr;
}

// Decodes a candidate's parts; returns its finishReason, if it has one.
std::optional<std::string_view> decode_candidate(json::Reader &reader, const Value &candidate,
                                                 PartDecoder &parts,
                                                 std::vector<StreamEvent> &events) {
  if (const Value *content = reader.object(candidate, "content"))
    if (const Value *list = reader.array(*content, "parts"))
      parts.decode(reader, *list, events);
  auto finish = reader.string(candidate, "finishReason");
  if (reader.failed() || !finish || finish->empty())
    return std::nullopt;
  return finish;
}

// What Gemini says in {"error": {"code", "message", "status", "details": [...]}}.
struct GeminiError {
  ProviderErrorFields fields;
  bool api_key_invalid = false;
};

std::optional<GeminiError> read_error(json::Reader &reader, const Value &body) {
  const Value *error = reader.object(body, "error");
  if (!error)
    return std::nullopt;
  GeminiError out;
  out.fields.type = std::string(reader.string(*error, "status").value_or(""));
  out.fields.code = reader.string_or_number(*error, "code").value_or("");
  out.fields.message = std::string(reader.string(*error, "message").value_or(""));
  // The details are google.rpc messages, told apart by "@type". Ones llmux cannot read are
  // skipped: they only refine what the status already says.
  const Value *details = json::find(*error, "details");
  if (!details || !details->is_array())
    return out;
  for (const Value &detail : details->items()) {
    const Value *type = json::find(detail, "@type");
    if (!type || !type->is_string())
      continue;
    std::string_view kind = type->as_string();
    if (kind.ends_with("google.rpc.RetryInfo")) {
      // Gemini puts its retry hint here, not in a Retry-After header.
      const Value *delay = json::find(detail, "retryDelay");
      if (delay && delay->is_string())
        out.fields.retry_after_ms = parse_duration_ms(delay->as_string());
    } else if (kind.ends_with("google.rpc.ErrorInfo")) {
      // A wrong key is a 400 INVALID_ARGUMENT; only the reason tells it from a bad request.
      const Value *reason = json::find(detail, "reason");
      if (reason && reason->is_string() && reason->as_string() == "API_KEY_INVALID")
        out.api_key_invalid = true;
    }
  }
  return out;
}

Error provider_error(const HttpResponseHead &head, GeminiError error, bool in_stream) {
  const bool api_key_invalid = error.api_key_invalid;
  Error out = make_provider_error(head, std::move(error.fields), in_stream);
  if (api_key_invalid) {
    out.code = ErrorCode::AuthFailed;
    out.retry_after_ms.reset();
    out.hint.clear();
  }
  return out;
}

// A prompt Gemini refused to answer: promptFeedback.blockReason and no candidates.
std::optional<Error> blocked_prompt(json::Reader &reader, const Value &root,
                                    const HttpResponseHead &head, bool in_stream) {
  const Value *feedback = reader.object(root, "promptFeedback");
  if (!feedback)
    return std::nullopt;
  auto reason = reader.string(*feedback, "blockReason");
  auto message = reader.string(*feedback, "blockReasonMessage");
  if (reader.failed() || !reason || reason->empty())
    return std::nullopt;
  ProviderErrorFields fields;
  fields.type = std::string(*reason);
  fields.message = message && !message->empty()
                       ? std::string(*message)
                       : "Gemini blocked the prompt (blockReason " + std::string(*reason) + ")";
  Error error = make_provider_error(head, std::move(fields), in_stream);
  // The status (200) says nothing; the block reason says it all, and retrying will not help.
  error.code = ErrorCode::ContentFiltered;
  error.retry_after_ms.reset();
  error.hint.clear();
  return error;
}

// ---------------------------------------------------------------------------------------
// Streams

class GeminiStreamDecoder final : public SseStreamDecoder {
private:
  void on_end(std::vector<StreamEvent> &events) override {
    // Gemini sends no [DONE]: a finishReason is the only sign the answer is whole.
    if (!finished_)
      fail(events, bad_response("the stream ended before a finishReason"));
  }

  void on_event(const SseEvent &event, std::vector<StreamEvent> &events) override {
    auto parsed = parse_object(event.data, "a streamGenerateContent chunk");
    if (!parsed.ok())
      return fail(events, std::move(parsed).error());
    const Value &chunk = parsed.value();
    json::Reader reader("streamGenerateContent chunk");
    HttpResponseHead head;
    head.status = 200;
    auto error = read_error(reader, chunk);
    if (reader.failed())
      return fail(events, *reader.error());
    if (error) // an error inside a 200 stream: the output so far stands
      return fail(events, provider_error(head, std::move(*error), true));
    std::optional<std::string_view> finish;
    if (const Value *candidate = first_candidate(reader, chunk)) {
      finish = decode_candidate(reader, *candidate, parts_, events);
    } else if (auto blocked = blocked_prompt(reader, chunk, head, true)) {
      return fail(events, std::move(*blocked));
    }
    if (const Value *usage = reader.object(chunk, "usageMetadata")) {
      // Each chunk reports the counts so far (promptTokenCount can still change): the last
      // report wins.
      Usage counts = read_usage(*usage);
      if (!reader.failed() && !counts.empty())
        events.push_back(StreamEvent::usage_report(counts));
    }
    if (reader.failed())
      return fail(events, *reader.error());
    if (finish && !finished_) {
      finished_ = true;
      events.push_back(StreamEvent::finish(normalise_finish(*finish, parts_.had_tool_calls()),
                                           std::string(*finish)));
    }
  }

  PartDecoder parts_;
  bool finished_ = false; // candidate 0 sent its finishReason
};

} // namespace

// ---------------------------------------------------------------------------------------


DecodedResponse GeminiAdapter::decode_response(const HttpResponseHead &head,
                                               std::string_view body) const {
  DecodedResponse decoded;
  auto parsed = successful_body(*this, head, body, "the generateContent response", decoded);
  if (!parsed)
    return decoded;
  const Value &root = *parsed;
  json::Reader reader("generateContent response");
  auto error = read_error(reader, root);
  if (error && !reader.failed()) {
    decoded.error = provider_error(head, std::move(*error), false);
    return decoded;
  }
  const Value *candidate = reader.failed() ? nullptr : first_candidate(reader, root);
  if (!candidate) {
    std::optional<Error> blocked;
    if (!reader.failed())
      blocked = blocked_prompt(reader, root, head, false);
    if (blocked)
      decoded.error = std::move(blocked);
    else if (reader.failed())
      decoded.error = *reader.error();
    else
      decoded.error = bad_response("the generateContent response has no candidates");
    return decoded;
  }
  // The parts become the events a stream of them would give, and the same builder folds
  // them: a whole response and a stream of it decode alike.
  PartDecoder parts;
  std::vector<StreamEvent> events;
  auto finish = decode_candidate(reader, *candidate, parts, events);
  ResponseBuilder builder;
  for (const StreamEvent &event : events)
    builder.apply(event);
  decoded = builder.take();
  ChatResponse &response = decoded.response;
  response.id = std::string(reader.string(root, "responseId").value_or(""));
  response.model = std::string(reader.string(root, "modelVersion").value_or(""));
  if (finish) {
    response.finish_reason = normalise_finish(*finish, parts.had_tool_calls());
    response.finish_reason_raw = std::string(*finish);
  }
  if (const Value *usage = reader.object(root, "usageMetadata"))
    response.usage = read_usage(*usage);
  if (reader.failed()) {
    decoded.error = *reader.error();
    decoded.response = {};
  }
  return decoded;
}

Error GeminiAdapter::decode_error(const HttpResponseHead &head, std::string_view body) const {
  auto parsed = json::parse(body);
  if (parsed.ok()) {
    const Value *root = &parsed.value();
    // LENIENCY: streamGenerateContent without alt=sse answers with a JSON array, and its
    // errors come as [{"error": {...}}]. Risk: none; an array is no other error shape.
    if (root->is_array() && !root->empty())
      root = &root->items().front();
    if (root->is_object()) {
      json::Reader reader("error body");
      auto error = read_error(reader, *root);
      if (error && !reader.failed() &&
          (!error->fields.message.empty() || !error->fields.type.empty()))
        return provider_error(head, std::move(*error), false);
    }
  }
  ProviderErrorFields fields;
  fields.message = body_excerpt(body);
  return make_provider_error(head, std::move(fields), false);
}

std::unique_ptr<StreamDecoder> GeminiAdapter::new_stream_decoder() const {
  return std::make_unique<GeminiStreamDecoder>();
}

} // namespace llmux
