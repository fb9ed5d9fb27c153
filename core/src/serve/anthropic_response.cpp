// Responses in Anthropic's Messages format, whole (a message object) and streamed (message
// events): what the Anthropic adapter's decoders read.

#include <llmux/serve.hpp>

#include "adapters/anthropic_messages.hpp"
#include "serve/error_reply.hpp"
#include "json/json_writer.hpp"

namespace llmux {
namespace {

// Only the counts that were reported (see the OpenAI writer's).
void write_usage(const Usage &usage, std::string &text) {
  json::ObjectWriter out(text);
  if (usage.input_tokens)
    out.member("input_tokens", *usage.input_tokens);
  if (usage.cache_write_input_tokens)
    out.member("cache_creation_input_tokens", *usage.cache_write_input_tokens);
  if (usage.cached_input_tokens)
    out.member("cache_read_input_tokens", *usage.cached_input_tokens);
  if (usage.output_tokens)
    out.member("output_tokens", *usage.output_tokens);
  out.close();
}

} // namespace

std::string anthropic_stop_reason(FinishReason reason, std::string_view raw) {
  switch (reason) {
    case FinishReason::Stop:
      return raw == "stop_sequence" ? "stop_sequence" : "end_turn";
    case FinishReason::Length:
      return raw == "model_context_window_exceeded" ? std::string(raw) : "max_tokens";
    case FinishReason::ToolCalls:
      return "tool_use";
    case FinishReason::ContentFilter:
      return "refusal";
    case FinishReason::Other:
      if (!raw.empty())
        return std::string(raw);
      break;
    case FinishReason::None:
      break;
  }
  return "end_turn";
}

Result<std::string> write_anthropic_message(const ChatResponse &response,
                                            const ResponseIdentity &identity) {
  std::string out;
  json::ObjectWriter root(out);
  root.member("id", identity.id);
  root.member("type", "message");
  root.member("role", "assistant");
  root.member("model", identity.model);
  json::ArrayWriter content = root.array("content");
  for (const Reasoning &reasoning : response.reasoning_blocks)
    write_thinking_block(reasoning, content);
  // Reasoning from a provider that keeps no blocks (OpenAI-compatible servers): one block.
  if (response.reasoning_blocks.empty() && !response.reasoning.empty())
    write_thinking_block(Reasoning{response.reasoning, {}, {}}, content);
  const std::string &text = response.text.empty() ? response.refusal : response.text;
  if (!text.empty()) {
    json::ObjectWriter block = content.object();
    block.member("type", "text");
    block.member("text", text);
    block.close();
  }
  for (const ToolCall &call : response.tool_calls) {
    json::Value input = json::Value::object();
    if (!call.arguments.empty()) {
      auto parsed = json::parse(call.arguments);
      if (!parsed.ok() || !parsed.value().is_object())
        return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                          "tool call " + call.id +
                              ": its arguments are not a JSON object, which tool_use needs");
      input = std::move(parsed).value();
    }
    json::ObjectWriter block = content.object();
    block.member("type", "tool_use");
    block.member("id", call.id);
    block.member("name", call.name);
    block.member("input", input);
    block.close();
  }
  content.close();
  root.member("stop_reason",
              anthropic_stop_reason(response.finish_reason, response.finish_reason_raw));
  root.member("stop_sequence", nullptr);
  write_usage(response.usage, root.key("usage"));
  root.close();
  return out;
}

// ---------------------------------------------------------------------------------------
// Streams. Each event is `event: <type>` then `data: <JSON>` and a blank line. Blocks are
// numbered in the order they start. A text or thinking block stays open while its deltas
// come and closes when another block starts; a tool_use block closes at its call's end.

namespace {

void sse_event(std::string_view type, std::string &out) {
  out += "event: ";
  out += type;
  out += "\ndata: ";
}

} // namespace

AnthropicEventWriter::AnthropicEventWriter(ResponseIdentity identity)
    : identity_(std::move(identity)) {}

void AnthropicEventWriter::start_message(std::string &out) {
  if (started_)
    return;
  started_ = true;
  sse_event("message_start", out);
  json::ObjectWriter data(out);
  data.member("type", "message_start");
  json::ObjectWriter message = data.object("message");
  message.member("id", identity_.id);
  message.member("type", "message");
  message.member("role", "assistant");
  message.member("model", identity_.model);
  message.raw_member("content", "[]");
  message.member("stop_reason", nullptr);
  message.member("stop_sequence", nullptr);
  write_usage(start_usage_, message.key("usage"));
  message.close();
  data.close();
  out += "\n\n";
}

AnthropicEventWriter::Block *AnthropicEventWriter::find_open(BlockKind kind, std::size_t key) {
  for (Block &block : blocks_)
    if (block.open && block.kind == kind && block.key == key)
      return &block;
  return nullptr;
}

void AnthropicEventWriter::close_block(Block &block, std::string &out) {
  if (!block.open)
    return;
  block.open = false;
  sse_event("content_block_stop", out);
  out += "{\"type\":\"content_block_stop\",\"index\":";
  json::write_unsigned(block.wire_index, out);
  out += "}\n\n";
}

void AnthropicEventWriter::close_text_blocks(std::string &out) {
  for (Block &block : blocks_)
    if (block.kind != BlockKind::ToolUse)
      close_block(block, out);
}

AnthropicEventWriter::Block &AnthropicEventWriter::open_block(BlockKind kind, std::size_t key,
                                                              std::string_view content_block,
                                                              std::string &out) {
  start_message(out);
  close_text_blocks(out);
  Block block;
  block.kind = kind;
  block.key = key;
  block.wire_index = blocks_.size();
  sse_event("content_block_start", out);
  out += "{\"type\":\"content_block_start\",\"index\":";
  json::write_unsigned(block.wire_index, out);
  out += ",\"content_block\":";
  out += content_block;
  out += "}\n\n";
  blocks_.push_back(block);
  return blocks_.back();
}

void AnthropicEventWriter::delta(const Block &block, std::string_view delta_json,
                                 std::string &out) {
  sse_event("content_block_delta", out);
  out += "{\"type\":\"content_block_delta\",\"index\":";
  json::write_unsigned(block.wire_index, out);
  out += ",\"delta\":";
  out += delta_json;
  out += "}\n\n";
}

void AnthropicEventWriter::write(const StreamEvent &event, std::string &out) {
  if (over_)
    return;
  std::string delta_json;
  json::ObjectWriter fields(delta_json);
  switch (event.type) {
    case StreamEventType::TextDelta:
    case StreamEventType::RefusalDelta: {
      if (event.text.empty())
        return;
      Block *block = find_open(BlockKind::Text, 0);
      if (!block || &*block != &blocks_.back())
        block = &open_block(BlockKind::Text, 0, R"({"type":"text","text":""})", out);
      fields.member("type", "text_delta");
      fields.member("text", event.text);
      fields.close();
      return delta(*block, delta_json, out);
    }
    case StreamEventType::ReasoningDelta:
    case StreamEventType::ReasoningSignature: {
      Block *block = find_open(BlockKind::Thinking, event.index);
      if (!block)
        block = &open_block(BlockKind::Thinking, event.index,
                            R"({"type":"thinking","thinking":"","signature":""})", out);
      if (event.type == StreamEventType::ReasoningDelta) {
        fields.member("type", "thinking_delta");
        fields.member("thinking", event.text);
      } else {
        fields.member("type", "signature_delta");
        fields.member("signature", event.text);
      }
      fields.close();
      return delta(*block, delta_json, out);
    }
    case StreamEventType::RedactedReasoning: {
      std::string content_block;
      json::ObjectWriter redacted(content_block);
      redacted.member("type", "redacted_thinking");
      redacted.member("data", event.text);
      redacted.close();
      close_block(open_block(BlockKind::Thinking, event.index, content_block, out), out);
      return;
    }
    case StreamEventType::ToolCallStart: {
      if (find_open(BlockKind::ToolUse, event.index))
        return;
      std::string content_block;
      json::ObjectWriter tool_use(content_block);
      tool_use.member("type", "tool_use");
      tool_use.member("id", event.id);
      tool_use.member("name", event.name);
      tool_use.raw_member("input", "{}");
      tool_use.close();
      open_block(BlockKind::ToolUse, event.index, content_block, out);
      return;
    }
    case StreamEventType::ToolCallDelta:
    case StreamEventType::ToolCallEnd: {
      Block *block = find_open(BlockKind::ToolUse, event.index);
      if (!block) {
        StreamEvent start = StreamEvent::tool_call_start(event.index, event.id, event.name);
        write(start, out);
        block = find_open(BlockKind::ToolUse, event.index);
      }
      // A call whose arguments came whole (Gemini) sends them at its end.
      const bool send = event.type == StreamEventType::ToolCallDelta || !block->got_arguments;
      if (send && !event.text.empty()) {
        block->got_arguments = true;
        fields.member("type", "input_json_delta");
        fields.member("partial_json", event.text);
        fields.close();
        delta(*block, delta_json, out);
      }
      if (event.type == StreamEventType::ToolCallEnd)
        close_block(*block, out);
      return;
    }
    case StreamEventType::Usage:
      (started_ ? later_usage_ : start_usage_).merge(event.usage);
      return;
    case StreamEventType::Finish:
      finish_reason_ = event.finish_reason;
      finish_raw_ = event.text;
      return;
    case StreamEventType::Error:
      return fail(event.error, out);
    case StreamEventType::ToolPlanDelta:
      return; // Messages has no place for Cohere's plans
  }
}

void AnthropicEventWriter::finish(std::string &out) {
  if (over_)
    return;
  over_ = true;
  start_message(out);
  for (Block &block : blocks_)
    close_block(block, out);
  sse_event("message_delta", out);
  json::ObjectWriter data(out);
  data.member("type", "message_delta");
  json::ObjectWriter delta_object = data.object("delta");
  delta_object.member("stop_reason", anthropic_stop_reason(finish_reason_, finish_raw_));
  delta_object.member("stop_sequence", nullptr);
  delta_object.close();
  write_usage(later_usage_, data.key("usage"));
  data.close();
  out += "\n\n";
  sse_event("message_stop", out);
  out += "{\"type\":\"message_stop\"}\n\n";
}

void AnthropicEventWriter::fail(const Error &error, std::string &out,
                                const SecretScrubber &scrubber) {
  if (over_)
    return;
  over_ = true;
  sse_event("error", out);
  write_anthropic_error_object(error, scrubber, out);
  out += "\n\n";
}

} // namespace llmux
