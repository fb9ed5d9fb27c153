// Responses in OpenAI's Chat Completions format, whole (chat.completion) and streamed
// (chat.completion.chunk events): what the OpenAI adapter's decoders read.

#include <llmux/serve.hpp>

#include "serve/error_reply.hpp"
#include "json/json_writer.hpp"

namespace llmux {
namespace {

// Only the counts that were reported: a count the upstream did not give is left out rather
// than written as a zero that would read as "nothing was used".
void write_usage(const Usage &usage, std::string &text) {
  json::ObjectWriter out(text);
  if (usage.input_tokens)
    out.member("prompt_tokens", *usage.input_tokens);
  if (usage.output_tokens)
    out.member("completion_tokens", *usage.output_tokens);
  if (usage.total_tokens)
    out.member("total_tokens", *usage.total_tokens);
  if (usage.cached_input_tokens) {
    json::ObjectWriter details = out.object("prompt_tokens_details");
    details.member("cached_tokens", *usage.cached_input_tokens);
    details.close();
  }
  if (usage.reasoning_tokens) {
    json::ObjectWriter details = out.object("completion_tokens_details");
    details.member("reasoning_tokens", *usage.reasoning_tokens);
    details.close();
  }
  out.close();
}

void write_tool_call(const ToolCall &call, std::size_t index, bool with_index,
                     json::ArrayWriter &calls) {
  json::ObjectWriter out = calls.object();
  if (with_index)
    out.member("index", index);
  out.member("id", call.id);
  out.member("type", "function");
  json::ObjectWriter function = out.object("function");
  function.member("name", call.name);
  function.member("arguments", call.arguments);
  function.close();
  out.close();
}

} // namespace

std::string openai_finish_reason(FinishReason reason, std::string_view raw) {
  switch (reason) {
    case FinishReason::Length:
      return "length";
    case FinishReason::ToolCalls:
      return "tool_calls";
    case FinishReason::ContentFilter:
      return "content_filter";
    case FinishReason::Other:
      if (!raw.empty())
        return std::string(raw);
      break;
    case FinishReason::None:
    case FinishReason::Stop:
      break;
  }
  return "stop";
}

std::string write_openai_chat_completion(const ChatResponse &response,
                                         const ResponseIdentity &identity) {
  std::string out;
  json::ObjectWriter root(out);
  root.member("id", identity.id);
  root.member("object", "chat.completion");
  root.member("created", identity.created_s);
  root.member("model", identity.model);
  json::ArrayWriter choices = root.array("choices");
  json::ObjectWriter choice = choices.object();
  choice.member("index", 0);
  json::ObjectWriter message = choice.object("message");
  message.member("role", "assistant");
  // OpenAI sends null content beside tool calls and no text.
  if (response.text.empty() && !response.tool_calls.empty())
    message.member("content", nullptr);
  else
    message.member("content", response.text);
  if (response.refusal.empty())
    message.member("refusal", nullptr);
  else
    message.member("refusal", response.refusal);
  if (!response.reasoning.empty())
    message.member("reasoning_content", response.reasoning);
  if (!response.tool_calls.empty()) {
    json::ArrayWriter calls = message.array("tool_calls");
    for (std::size_t i = 0; i < response.tool_calls.size(); ++i)
      write_tool_call(response.tool_calls[i], i, false, calls);
    calls.close();
  }
  message.close();
  choice.member("logprobs", nullptr);
  choice.member("finish_reason",
                openai_finish_reason(response.finish_reason, response.finish_reason_raw));
  choice.close();
  choices.close();
  write_usage(response.usage, root.key("usage"));
  root.close();
  return out;
}

// ---------------------------------------------------------------------------------------
// Streams. Every chunk is `data: {"id":...,"object":"chat.completion.chunk","created":...,
// "model":...,"choices":[...]}` and a blank line; the prefix up to "choices" is the same for
// all of them and written once.

OpenAiChunkWriter::OpenAiChunkWriter(ResponseIdentity identity, bool include_usage)
    : identity_(std::move(identity)), include_usage_(include_usage) {
  chunk_prefix_ = "data: ";
  json::ObjectWriter prefix(chunk_prefix_);
  prefix.member("id", identity_.id);
  prefix.member("object", "chat.completion.chunk");
  prefix.member("created", identity_.created_s);
  prefix.member("model", identity_.model);
  chunk_prefix_ += ",\"choices\":";
}

void OpenAiChunkWriter::chunk_start(std::string &out) {
  out += chunk_prefix_;
}

// The first chunk says who speaks, as OpenAI's does; the SDKs' stream helpers start the
// message from it.
void OpenAiChunkWriter::role_chunk(std::string &out) {
  if (role_sent_)
    return;
  role_sent_ = true;
  chunk_start(out);
  out += "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
         "\"finish_reason\":null}]}\n\n";
}

void OpenAiChunkWriter::delta_chunk(std::string_view delta_member, std::string_view text,
                                    std::string &out) {
  role_chunk(out);
  chunk_start(out);
  out += "[{\"index\":0,\"delta\":";
  json::ObjectWriter delta(out);
  delta.member(delta_member, text);
  delta.close();
  out += ",\"logprobs\":null,\"finish_reason\":null}]}\n\n";
}

void OpenAiChunkWriter::tool_call_chunk(std::size_t index, const StreamEvent &event,
                                        std::string_view arguments, bool first, std::string &out) {
  role_chunk(out);
  chunk_start(out);
  out += "[{\"index\":0,\"delta\":{\"tool_calls\":";
  json::ArrayWriter calls(out);
  json::ObjectWriter call = calls.object();
  call.member("index", index);
  if (first) {
    call.member("id", event.id);
    call.member("type", "function");
  }
  json::ObjectWriter function = call.object("function");
  if (first)
    function.member("name", event.name);
  function.member("arguments", arguments);
  function.close();
  call.close();
  calls.close();
  out += "},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
}

void OpenAiChunkWriter::write(const StreamEvent &event, std::string &out) {
  if (over_)
    return;
  switch (event.type) {
    case StreamEventType::TextDelta:
      return delta_chunk("content", event.text, out);
    case StreamEventType::ReasoningDelta:
      return delta_chunk("reasoning_content", event.text, out);
    case StreamEventType::RefusalDelta:
      return delta_chunk("refusal", event.text, out);
    case StreamEventType::ToolCallStart:
    case StreamEventType::ToolCallDelta:
    case StreamEventType::ToolCallEnd: {
      if (calls_.size() <= event.index) {
        // Indexes count the response's calls from zero; one far beyond them is not a call
        // this stream can hold (and must not size a vector).
        if (event.index > calls_.size() + 1024)
          return;
        calls_.resize(event.index + 1);
      }
      Call &call = calls_[event.index];
      if (event.type == StreamEventType::ToolCallStart && call.started)
        return;
      std::string_view arguments;
      if (event.type == StreamEventType::ToolCallDelta) {
        arguments = event.text;
      } else if (event.type == StreamEventType::ToolCallEnd) {
        // A decoder that gets a call whole (Gemini) sends its arguments only here: what was
        // not written as deltas goes out now.
        std::string_view whole = event.text;
        const std::string &written = call.arguments_written;
        if (whole.size() > written.size() && whole.substr(0, written.size()) == written)
          arguments = whole.substr(written.size());
        if (call.started && arguments.empty())
          return;
      }
      const bool first = !call.started;
      call.started = true;
      call.arguments_written.append(arguments);
      if (first && event.type == StreamEventType::ToolCallDelta) {
        // A fragment before its start: the call starts here, with what is known.
        StreamEvent unnamed = event;
        unnamed.id.clear();
        unnamed.name.clear();
        return tool_call_chunk(event.index, unnamed, arguments, true, out);
      }
      return tool_call_chunk(event.index, event, arguments, first, out);
    }
    case StreamEventType::Usage:
      usage_.merge(event.usage);
      return;
    case StreamEventType::Finish: {
      if (finish_sent_)
        return;
      finish_sent_ = true;
      role_chunk(out);
      chunk_start(out);
      out += "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":";
      json::write_string(openai_finish_reason(event.finish_reason, event.text), out);
      out += "}]}\n\n";
      return;
    }
    case StreamEventType::Error:
      return fail(event.error, out);
    case StreamEventType::ReasoningSignature:
    case StreamEventType::RedactedReasoning:
    case StreamEventType::ToolPlanDelta:
      return; // no place for them in Chat Completions
  }
}

void OpenAiChunkWriter::finish(std::string &out) {
  if (over_)
    return;
  over_ = true;
  role_chunk(out);
  if (include_usage_) {
    chunk_start(out);
    out += "[],\"usage\":";
    write_usage(usage_, out);
    out += "}\n\n";
  }
  out += "data: [DONE]\n\n";
}

void OpenAiChunkWriter::fail(const Error &error, std::string &out, const SecretScrubber &scrubber) {
  if (over_)
    return;
  over_ = true;
  out += "data: ";
  write_openai_error_object(error, scrubber, out);
  out += "\n\n";
}

} // namespace llmux
