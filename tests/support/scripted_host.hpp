#pragma once
// A host for Session tests with no sockets and no clock: it answers each Send with the next
// scripted reply (real provider bytes, fed in the chunks the script says), jumps its clock to
// each Wait's deadline, and runs tools with a function of the test's.

#include <llmux/llmux.hpp>
#include <llmux/session.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmux::testing {

/// One scripted answer to a Send.
struct Reply {
  int status = 200;
  std::vector<Header> headers;
  /// The body in the pieces it arrives in.
  std::vector<std::string> chunks;
  /// A transport failure: before the head when `fail_before_head`, else after the chunks.
  std::optional<Error> transport_error;
  bool fail_before_head = false;
  /// Cancel the session after this many chunks.
  std::optional<std::size_t> cancel_after_chunks;
};

inline Error transport_failure(ErrorCode code, std::string message) {
  return make_error(code, ErrorOrigin::Network, std::move(message));
}

/// An SSE reply (text/event-stream) from whole events, one chunk each.
inline Reply sse_reply(std::vector<std::string> events) {
  Reply reply;
  reply.headers = {{"content-type", "text/event-stream"}};
  reply.chunks = std::move(events);
  return reply;
}

/// A JSON reply of `status`.
inline Reply json_reply(std::string body, int status = 200, std::vector<Header> extra = {}) {
  Reply reply;
  reply.status = status;
  reply.headers = {{"content-type", "application/json"}};
  for (Header &header : extra)
    reply.headers.push_back(std::move(header));
  reply.chunks = {std::move(body)};
  return reply;
}

// OpenAI Chat Completions bytes.
inline std::string openai_chunk(const std::string &delta, const std::string &finish = "null") {
  return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
         "\"choices\":[{\"index\":0,\"delta\":" +
         delta + ",\"finish_reason\":" + finish + "}]}\n\n";
}
inline std::string openai_usage_chunk(int input, int output) {
  return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
         "\"choices\":[],\"usage\":{\"prompt_tokens\":" +
         std::to_string(input) + ",\"completion_tokens\":" + std::to_string(output) +
         ",\"total_tokens\":" + std::to_string(input + output) + "}}\n\n";
}
/// A streamed text answer: one chunk per word group, then finish, usage and [DONE].
inline Reply openai_stream_text(const std::vector<std::string> &pieces, int input, int output) {
  std::vector<std::string> events;
  events.push_back(openai_chunk("{\"role\":\"assistant\",\"content\":\"\"}"));
  for (const std::string &piece : pieces)
    events.push_back(openai_chunk("{\"content\":\"" + piece + "\"}"));
  events.push_back(openai_chunk("{}", "\"stop\""));
  events.push_back(openai_usage_chunk(input, output));
  events.push_back("data: [DONE]\n\n");
  return sse_reply(std::move(events));
}
struct ScriptedCall {
  std::string id;
  std::string name;
  std::string arguments; // JSON text, as the provider sends it (escaped below)
};
inline std::string json_string(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}
/// A whole OpenAI answer: text and/or tool calls.
inline Reply openai_json(const std::string &text, const std::vector<ScriptedCall> &calls, int input,
                         int output) {
  std::string tool_calls;
  for (const ScriptedCall &call : calls) {
    if (!tool_calls.empty())
      tool_calls += ",";
    tool_calls += "{\"id\":" + json_string(call.id) + ",\"type\":\"function\",\"function\":{\"name\":" +
                  json_string(call.name) + ",\"arguments\":" + json_string(call.arguments) + "}}";
  }
  std::string message = "{\"role\":\"assistant\",\"content\":" +
                        (text.empty() ? std::string("null") : json_string(text)) +
                        (calls.empty() ? "" : ",\"tool_calls\":[" + tool_calls + "]") + "}";
  return json_reply("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                    "\"choices\":[{\"index\":0,\"message\":" +
                    message + ",\"finish_reason\":\"" + (calls.empty() ? "stop" : "tool_calls") +
                    "\"}],\"usage\":{\"prompt_tokens\":" + std::to_string(input) +
                    ",\"completion_tokens\":" + std::to_string(output) +
                    ",\"total_tokens\":" + std::to_string(input + output) + "}}");
}
inline Reply openai_error(int status, const std::string &type, std::vector<Header> headers = {}) {
  return json_reply("{\"error\":{\"message\":\"scripted " + type + "\",\"type\":\"" + type +
                        "\",\"param\":null,\"code\":\"" + type + "\"}}",
                    status, std::move(headers));
}

// Anthropic Messages bytes.
inline std::string anthropic_event(const std::string &type, const std::string &data) {
  return "event: " + type + "\ndata: " + data + "\n\n";
}
inline Reply anthropic_stream_text(const std::vector<std::string> &pieces, int input, int output) {
  std::vector<std::string> events;
  events.push_back(anthropic_event(
      "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                       "\"role\":\"assistant\",\"model\":\"claude-3-5-sonnet-20241022\",\"content\":[],"
                       "\"stop_reason\":null,\"usage\":{\"input_tokens\":" +
                           std::to_string(input) + ",\"output_tokens\":1}}}"));
  events.push_back(anthropic_event("content_block_start",
                                   "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                                   "{\"type\":\"text\",\"text\":\"\"}}"));
  for (const std::string &piece : pieces)
    events.push_back(anthropic_event("content_block_delta",
                                     "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                                     "\"text_delta\",\"text\":\"" +
                                         piece + "\"}}"));
  events.push_back(anthropic_event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
  events.push_back(anthropic_event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                                                    "\"end_turn\"},\"usage\":{\"output_tokens\":" +
                                                        std::to_string(output) + "}}"));
  events.push_back(anthropic_event("message_stop", "{\"type\":\"message_stop\"}"));
  return sse_reply(std::move(events));
}
inline Reply anthropic_json(const std::string &text, int input, int output) {
  return json_reply("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                    "\"model\":\"claude-3-5-sonnet-20241022\",\"content\":[{\"type\":\"text\",\"text\":" +
                    json_string(text) +
                    "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" +
                    std::to_string(input) + ",\"output_tokens\":" + std::to_string(output) + "}}");
}
inline std::string anthropic_overloaded_event() {
  return anthropic_event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                                  "\"message\":\"Overloaded\"}}");
}

/// Drives a session to its end with fake time.
class ScriptedHost {
public:
  explicit ScriptedHost(SessionConfig config) : session(std::move(config)) {}

  Session session;
  std::int64_t now_ms = 1'764'000'000'000; // 2025-11-24T16:00:00Z
  std::deque<Reply> replies;
  std::vector<HttpRequest> sent;
  std::vector<SessionEvent> events;
  std::vector<std::vector<ToolRun>> tool_batches;
  std::vector<std::int64_t> waits; // each Wait's length
  /// Runs a tool; by default every tool answers "ok".
  std::function<ToolOutput(const ToolRun &)> run_tool = [](const ToolRun &run) {
    return ToolOutput{run.call.id, true, "ok", std::nullopt};
  };
  /// How long the host's tools take, in fake milliseconds.
  std::int64_t tool_time_ms = 7;

  /// Runs until Done or Fail (or `max_steps`); returns the last action.
  SessionAction run(int max_steps = 1000) {
    SessionAction action;
    for (int step = 0; step < max_steps; ++step) {
      action = session.next_action(now_ms);
      collect();
      switch (action.kind) {
        case SessionAction::Kind::Send:
          sent.push_back(action.request);
          answer();
          break;
        case SessionAction::Kind::Wait:
          waits.push_back(action.until_ms - now_ms);
          now_ms = action.until_ms;
          session.on_timer(now_ms);
          break;
        case SessionAction::Kind::RunTools: {
          tool_batches.push_back(action.tool_runs);
          std::vector<ToolOutput> outputs;
          for (const ToolRun &run : action.tool_runs)
            outputs.push_back(run_tool(run));
          now_ms += tool_time_ms;
          session.on_tool_results(std::move(outputs), now_ms);
          break;
        }
        case SessionAction::Kind::Idle:
          FAIL("the session is idle with nothing in flight");
          return action;
        case SessionAction::Kind::Done:
        case SessionAction::Kind::Fail:
          collect();
          return action;
      }
      collect();
    }
    FAIL("the session did not finish");
    return action;
  }

  /// The text of every Stream text delta, in order.
  std::string streamed_text() const {
    std::string text;
    for (const SessionEvent &event : events)
      if (event.kind == SessionEvent::Kind::Stream && event.stream.type == StreamEventType::TextDelta)
        text += event.stream.text;
    return text;
  }
  std::size_t count(SessionEvent::Kind kind) const {
    std::size_t n = 0;
    for (const SessionEvent &event : events)
      n += event.kind == kind;
    return n;
  }

private:
  void collect() {
    for (SessionEvent &event : session.take_events())
      events.push_back(std::move(event));
  }

  void answer() {
    if (replies.empty()) {
      FAIL("no scripted reply for request " << sent.size());
      return;
    }
    Reply reply = std::move(replies.front());
    replies.pop_front();
    now_ms += 1;
    if (reply.transport_error && reply.fail_before_head) {
      session.on_transport_error(*reply.transport_error, now_ms);
      return;
    }
    HttpResponseHead head;
    head.status = reply.status;
    head.headers = reply.headers;
    head.received_at_ms = now_ms;
    session.on_response_head(head, now_ms);
    for (std::size_t i = 0; i < reply.chunks.size(); ++i) {
      if (reply.cancel_after_chunks && i == *reply.cancel_after_chunks) {
        session.cancel(now_ms);
        return;
      }
      session.on_response_body(reply.chunks[i], now_ms);
      collect();
      // A session that decided (an error after output) ends the exchange, as a host would.
      if (session.finished())
        return;
    }
    if (reply.cancel_after_chunks && *reply.cancel_after_chunks >= reply.chunks.size()) {
      session.cancel(now_ms);
      return;
    }
    if (reply.transport_error)
      session.on_transport_error(*reply.transport_error, now_ms);
    else
      session.on_response_end(now_ms);
  }
};

} // namespace llmux::testing
