// The Anthropic Messages adapter's responses: whole bodies, streams and errors decoded. Its requests
// are written in anthropic_messages_request.cpp.

#include "adapters/anthropic_messages.hpp"

#include "adapters/sse_stream_decoder.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

using json::Value;

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
