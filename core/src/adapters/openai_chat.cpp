// The OpenAI Chat Completions adapter's responses: whole bodies, streams and errors decoded. Its requests
// are written in openai_chat_request.cpp.

#include "adapters/openai_chat.hpp"

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
  if (raw == "stop" || raw == "end_turn" || raw == "eos" || raw == "stop_sequence")
    return FinishReason::Stop;
  if (raw == "length" || raw == "model_length")
    return FinishReason::Length;
  if (raw == "tool_calls" || raw == "function_call")
    return FinishReason::ToolCalls;
  if (raw == "content_filter")
    return FinishReason::ContentFilter;
  return FinishReason::Other;
}

Usage read_usage(json::Reader &reader, const Value &usage) {
  Usage out;
  out.input_tokens = read_token_count(usage, "prompt_tokens", out);
  out.output_tokens = read_token_count(usage, "completion_tokens", out);
  out.total_tokens = read_token_count(usage, "total_tokens", out);
  if (const Value *details = reader.object(usage, "prompt_tokens_details"))
    out.cached_input_tokens = read_token_count(*details, "cached_tokens", out);
  if (const Value *details = reader.object(usage, "completion_tokens_details"))
    out.reasoning_tokens = read_token_count(*details, "reasoning_tokens", out);
  return out;
}

// What one message or delta carries, read with type checks. Mistral sends `content` as an
// array of chunks ({"type":"text"} and {"type":"thinking","thinking":[...]}), others as a
// string.
struct Fragment {
  std::string text;
  std::string reasoning;
  std::string refusal;
};

void read_content(json::Reader &reader, const Value &message, Fragment &out) {
  const Value *content = reader.any(message, "content");
  if (content && content->is_string()) {
    out.text = content->as_string();
  } else if (content && content->is_array()) {
    for (const Value &chunk : content->items()) {
      if (!chunk.is_object()) {
        reader.type_error("content[]", "an object", chunk);
        return;
      }
      std::string_view type = reader.string(chunk, "type").value_or("");
      if (type == "text") {
        out.text += reader.string(chunk, "text").value_or("");
      } else if (type == "thinking") {
        const Value *thinking = reader.array(chunk, "thinking");
        if (!thinking)
          continue;
        for (const Value &inner : thinking->items())
          if (inner.is_object())
            out.reasoning += reader.string(inner, "text").value_or("");
      }
      // Other chunk types (references, images) carry no text.
    }
  } else if (content) {
    reader.type_error("content", "a string or an array", *content);
  }
  if (auto refusal = reader.string(message, "refusal"))
    out.refusal = std::string(*refusal);
  // vLLM, DeepSeek and xAI name it reasoning_content; OpenRouter and newer vLLM, reasoning.
  // Some send both with the same text: take one.
  if (auto reasoning = reader.string(message, "reasoning_content"))
    out.reasoning += *reasoning;
  else if (auto other = reader.string(message, "reasoning"))
    out.reasoning += *other;
}

// An in-body error: {"error": {...}} (OpenAI, OpenRouter, vLLM), {"error": "text"} (TGI,
// RunPod; xAI with a "code" beside it), or a top-level {"object": "error", "message": ...}
// (vLLM before 0.6, Mistral).
std::optional<ProviderErrorFields> read_error_fields(json::Reader &reader, const Value &body) {
  const Value *error = json::find(body, "error");
  ProviderErrorFields fields;
  const Value *source = nullptr;
  if (error && error->is_object()) {
    source = error;
  } else if (error && error->is_string()) {
    fields.message = error->as_string();
    if (auto type = reader.string(body, "error_type"))
      fields.type = std::string(*type);
    fields.code = reader.string_or_number(body, "code").value_or("");
    return fields;
  } else if (reader.string(body, "object").value_or("") == "error") {
    source = &body;
  } else if (const Value *detail = json::find(body, "detail");
             detail && !json::find(body, "choices")) {
    // FastAPI validation errors (vLLM, Mistral): {"detail": "text" or [{"msg": ...}]}.
    fields.message = detail->is_string() ? detail->as_string() : json::dump(*detail);
    return fields;
  } else {
    return std::nullopt;
  }
  fields.message = std::string(reader.string(*source, "message").value_or(""));
  fields.type = std::string(reader.string(*source, "type").value_or(""));
  fields.code = reader.string_or_number(*source, "code").value_or("");
  fields.param = reader.string_or_number(*source, "param").value_or("");
  // Azure's content filter puts its verdict in innererror.
  if (const Value *inner = reader.object(*source, "innererror"))
    if (auto inner_code = reader.string(*inner, "code"); inner_code && fields.code.empty())
      fields.code = std::string(*inner_code);
  return fields;
}

// OpenRouter relays the upstream's rate-limit headers inside the body.
HttpResponseHead with_relayed_headers(const HttpResponseHead &head, const Value &body) {
  HttpResponseHead merged = head;
  const Value *error = json::find(body, "error");
  const Value *metadata = error ? json::find(*error, "metadata") : nullptr;
  const Value *headers = metadata ? json::find(*metadata, "headers") : nullptr;
  if (headers && headers->is_object())
    for (const json::Member &member : headers->members())
      if (member.value.is_string() && !merged.header(member.key))
        merged.headers.push_back({member.key, member.value.as_string()});
  return merged;
}

// ---------------------------------------------------------------------------------------
// Streams

class OpenAiStreamDecoder final : public SseStreamDecoder {
private:
  struct Call {
    std::optional<std::int64_t> wire_index; // the provider's tool_calls[].index, if sent
    std::string id;
    std::string name;
    std::string arguments;
    bool started = false;
    bool ended = false;
  };

  void on_end(std::vector<StreamEvent> &events) override {
    // LENIENCY: some compatible servers end without `data: [DONE]`; a stream whose choice
    // finished is complete all the same. One that never finished was cut short.
    if (!finished_)
      fail(events, bad_response("the stream ended before the response was complete (no "
                                "finish_reason and no [DONE])"));
  }

  void on_event(const SseEvent &event, std::vector<StreamEvent> &events) override {
    if (event.data == "[DONE]") {
      end_tool_calls(events); // the choice is over even if no finish_reason said so
      complete();
      return;
    }
    auto parsed = parse_object(event.data, "a chat completion chunk");
    if (!parsed.ok())
      return fail(events, std::move(parsed).error());
    const Value &chunk = parsed.value();
    json::Reader reader("chat completion chunk");
    auto error_fields = read_error_fields(reader, chunk);
    if (const Value *choices = reader.array(chunk, "choices")) {
      for (const Value &choice : choices->items()) {
        if (!choice.is_object()) {
          reader.type_error("choices[]", "an object", choice);
          break;
        }
        // llmux asks for one choice; with n > 1 only choice 0 is decoded.
        if (reader.integer(choice, "index").value_or(0) != 0)
          continue;
        handle_choice(reader, choice, events);
      }
    }
    if (const Value *usage = reader.object(chunk, "usage")) {
      Usage counts = read_usage(reader, *usage);
      if (!reader.failed() && !counts.empty())
        events.push_back(StreamEvent::usage_report(counts));
    }
    if (reader.failed())
      return fail(events, *reader.error());
    if (error_fields) {
      // An error inside a 200 stream (OpenRouter, vLLM): the output so far stands.
      HttpResponseHead head;
      head.status = 200;
      return fail(events, make_provider_error(head, std::move(*error_fields), true));
    }
  }

  void handle_choice(json::Reader &reader, const Value &choice, std::vector<StreamEvent> &events) {
    if (const Value *delta = reader.object(choice, "delta")) {
      Fragment fragment;
      read_content(reader, *delta, fragment);
      if (!fragment.reasoning.empty())
        events.push_back(StreamEvent::reasoning_delta(0, std::move(fragment.reasoning)));
      if (!fragment.text.empty())
        events.push_back(StreamEvent::text_delta(std::move(fragment.text)));
      if (!fragment.refusal.empty())
        events.push_back(StreamEvent::refusal_delta(std::move(fragment.refusal)));
      if (const Value *calls = reader.array(*delta, "tool_calls"))
        for (const Value &call : calls->items()) {
          if (!call.is_object()) {
            reader.type_error("tool_calls[]", "an object", call);
            return;
          }
          handle_tool_call_delta(reader, call, events);
        }
    }
    auto finish_reason = reader.string(choice, "finish_reason");
    if (finish_reason && !finished_ && !reader.failed()) {
      // The choice is over: its tool calls are whole now, and only now.
      end_tool_calls(events);
      finished_ = true;
      events.push_back(
          StreamEvent::finish(normalise_finish(*finish_reason), std::string(*finish_reason)));
    }
  }

  void handle_tool_call_delta(json::Reader &reader, const Value &delta,
                              std::vector<StreamEvent> &events) {
    auto wire_index = reader.integer(delta, "index");
    auto id = reader.string(delta, "id");
    std::string_view name;
    std::string_view arguments;
    if (const Value *function = reader.object(delta, "function")) {
      name = reader.string(*function, "name").value_or("");
      const Value *args = reader.any(*function, "arguments");
      if (args && args->is_string())
        arguments = args->as_string();
      else if (args && args->is_object()) {
        // Some local servers send the arguments as an object in one piece.
        object_arguments_ = json::dump(*args);
        arguments = object_arguments_;
      } else if (args)
        reader.type_error("arguments", "a string", *args);
    }
    if (reader.failed())
      return;
    // Find the call this delta continues: by index when the server numbers its calls, else
    // (Mistral sends no index) by id; a delta with neither continues the latest call.
    Call *call = nullptr;
    for (Call &known : calls_) {
      if (wire_index ? known.wire_index == wire_index
                     : (id && !id->empty() ? known.id == *id : false)) {
        call = &known;
        break;
      }
    }
    if (!call && !wire_index && (!id || id->empty()) && !calls_.empty() && !calls_.back().ended)
      call = &calls_.back();
    if (!call) {
      calls_.push_back(Call{});
      call = &calls_.back();
      call->wire_index = wire_index;
    }
    std::size_t index = static_cast<std::size_t>(call - calls_.data());
    if (call->ended)
      return; // a server repeating a finished call: the first version stands
    if (id && !id->empty() && call->id.empty())
      call->id = std::string(*id);
    if (!name.empty() && call->name.empty())
      call->name = std::string(name);
    call->arguments.append(arguments);
    if (!call->started) {
      // Start once the name is known; arguments that came before it go out together.
      if (call->name.empty())
        return;
      call->started = true;
      events.push_back(StreamEvent::tool_call_start(index, call->id, call->name));
      if (!call->arguments.empty())
        events.push_back(StreamEvent::tool_call_delta(index, call->arguments));
      return;
    }
    if (!arguments.empty())
      events.push_back(StreamEvent::tool_call_delta(index, std::string(arguments)));
  }

  void end_tool_calls(std::vector<StreamEvent> &events) {
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      Call &call = calls_[i];
      if (call.ended)
        continue;
      call.ended = true;
      if (!call.started) {
        call.started = true;
        events.push_back(StreamEvent::tool_call_start(i, call.id, call.name));
      }
      events.push_back(StreamEvent::tool_call_end(i, call.id, call.name, call.arguments));
    }
  }

  std::vector<Call> calls_;
  std::string object_arguments_;
  bool finished_ = false; // choice 0 sent its finish_reason
};

} // namespace

// ---------------------------------------------------------------------------------------


DecodedResponse OpenAiChatAdapter::decode_response(const HttpResponseHead &head,
                                                   std::string_view body) const {
  DecodedResponse decoded;
  auto parsed = successful_body(*this, head, body, "the chat completion", decoded);
  if (!parsed)
    return decoded;
  const Value &root = *parsed;
  json::Reader reader("chat completion");
  const Value *choices = reader.array(root, "choices");
  if (!choices || choices->empty()) {
    // Some gateways answer 200 with an error body.
    if (auto fields = read_error_fields(reader, root)) {
      decoded.error = make_provider_error(head, std::move(*fields), false);
      return decoded;
    }
    decoded.error =
        reader.failed() ? *reader.error() : bad_response("the chat completion has no choices");
    return decoded;
  }
  ChatResponse &response = decoded.response;
  response.id = std::string(reader.string(root, "id").value_or(""));
  response.model = std::string(reader.string(root, "model").value_or(""));
  const Value &choice = choices->items().front();
  if (!choice.is_object()) {
    decoded.error = bad_response("the chat completion's choices[0] is " +
                                 std::string(json::type_name(choice)) + ", not an object");
    return decoded;
  }
  if (const Value *message = reader.object(choice, "message")) {
    Fragment fragment;
    read_content(reader, *message, fragment);
    response.text = std::move(fragment.text);
    response.refusal = std::move(fragment.refusal);
    if (!fragment.reasoning.empty()) {
      response.reasoning = fragment.reasoning;
      response.reasoning_blocks.push_back(Reasoning{std::move(fragment.reasoning), {}, {}});
    }
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
          const Value *args = reader.any(*function, "arguments");
          if (args && args->is_string())
            out.arguments = args->as_string();
          else if (args && args->is_object())
            out.arguments = json::dump(*args);
          else if (args)
            reader.type_error("arguments", "a string", *args);
        }
        response.tool_calls.push_back(std::move(out));
      }
    }
  }
  if (auto finish = reader.string(choice, "finish_reason")) {
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

Error OpenAiChatAdapter::decode_error(const HttpResponseHead &head, std::string_view body) const {
  auto parsed = json::parse(body);
  if (parsed.ok()) {
    json::Reader reader("error body");
    if (auto fields = read_error_fields(reader, parsed.value()))
      return make_provider_error(with_relayed_headers(head, parsed.value()), std::move(*fields),
                                 false);
  }
  ProviderErrorFields fields;
  fields.message = body_excerpt(body);
  return make_provider_error(head, std::move(fields), false);
}

std::unique_ptr<StreamDecoder> OpenAiChatAdapter::new_stream_decoder() const {
  return std::make_unique<OpenAiStreamDecoder>();
}

} // namespace llmux
