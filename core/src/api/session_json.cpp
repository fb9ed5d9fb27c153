// Session events and results in the JavaScript API's JSON form (see api_json.hpp). Written
// straight into one string, member by member: a streamed answer passes here once per text
// fragment, so no JSON value tree is built on the way.

#include <llmux/api_json.hpp>
#include <llmux/money.hpp>

#include "api/api_reader.hpp"
#include "api/message_json.hpp"
#include "json/json.hpp"
#include "json/json_writer.hpp"

#include <array>

namespace llmux::api {
namespace {

// The JavaScript names of usage_counts ("inputTokens"), converted once: every result and
// usage event writes them.
const std::array<std::string, usage_counts.size()> &usage_keys() {
  static const auto keys = [] {
    std::array<std::string, usage_counts.size()> names;
    for (std::size_t i = 0; i < usage_counts.size(); ++i)
      names[i] = camel_case(usage_counts[i].first);
    return names;
  }();
  return keys;
}

// `amount` as a string of dollars ("0.00045"): digits need no escaping.
void write_dollars(Picodollars amount, std::string &out) {
  out += '"';
  append_dollars(amount, out);
  out += '"';
}

// Tool-call arguments as JSON: the text itself when it is a JSON value, else null (a stream
// cut by max_tokens); an empty text means no arguments, {}.
void write_arguments(const std::string &arguments, std::string &out) {
  if (arguments.empty()) {
    out += "{}";
    return;
  }
  auto parsed = json::parse(arguments);
  if (parsed.ok())
    json::write(parsed.value(), out);
  else
    out += "null";
}

void write_tool_call(const ToolCall &call, std::string &out) {
  json::ObjectWriter object(out);
  object.member("id", call.id);
  object.member("name", call.name);
  write_arguments(call.arguments, object.key("arguments"));
  object.member("argumentsText", call.arguments);
  if (!call.signature.empty())
    object.member("signature", call.signature);
  object.close();
}

void write_invocation(const ToolInvocation &tool, json::ObjectWriter &object) {
  object.member("id", tool.id);
  object.member("name", tool.name);
  write_arguments(tool.arguments, object.key("arguments"));
  object.member("round", tool.round);
  object.member("ok", tool.ok);
  object.member("result", tool.result);
  if (tool.ok)
    object.member("error", nullptr);
  else
    object.member("error", tool.error);
  object.member("durationMs", tool.duration_ms);
}

void write_stream_event(const StreamEvent &event, std::string &out) {
  json::ObjectWriter object(out);
  switch (event.type) {
    case StreamEventType::TextDelta:
      object.member("type", "text-delta");
      object.member("text", event.text);
      break;
    case StreamEventType::ReasoningDelta:
      object.member("type", "reasoning-delta");
      object.member("text", event.text);
      object.member("index", static_cast<std::int64_t>(event.index));
      break;
    case StreamEventType::ReasoningSignature:
      object.member("type", "reasoning-signature");
      object.member("signature", event.text);
      object.member("index", static_cast<std::int64_t>(event.index));
      break;
    case StreamEventType::RedactedReasoning:
      object.member("type", "redacted-reasoning");
      object.member("data", event.text);
      object.member("index", static_cast<std::int64_t>(event.index));
      break;
    case StreamEventType::RefusalDelta:
      object.member("type", "refusal-delta");
      object.member("text", event.text);
      break;
    case StreamEventType::ToolPlanDelta:
      object.member("type", "tool-plan-delta");
      object.member("text", event.text);
      break;
    case StreamEventType::ToolCallStart:
      object.member("type", "tool-call-start");
      object.member("index", static_cast<std::int64_t>(event.index));
      object.member("id", event.id);
      object.member("name", event.name);
      break;
    case StreamEventType::ToolCallDelta:
      object.member("type", "tool-call-delta");
      object.member("index", static_cast<std::int64_t>(event.index));
      object.member("text", event.text);
      break;
    case StreamEventType::ToolCallEnd:
      object.member("type", "tool-call");
      object.member("index", static_cast<std::int64_t>(event.index));
      object.member("id", event.id);
      object.member("name", event.name);
      write_arguments(event.text, object.key("arguments"));
      object.member("argumentsText", event.text);
      break;
    case StreamEventType::Usage:
      object.member("type", "usage");
      write_usage(event.usage, object.key("usage"));
      break;
    case StreamEventType::Finish:
      object.member("type", "finish");
      object.member("finishReason", to_string(event.finish_reason));
      object.member("finishReasonRaw", event.text);
      break;
    case StreamEventType::Error: // not written: see append_events
      break;
  }
  object.close();
}

} // namespace

std::string dollars(Picodollars amount) {
  std::string text;
  append_dollars(amount, text);
  return text;
}

void write_string_value(std::string_view text, std::string &out) {
  json::write_string(text, out);
}

void write_usage(const Usage &usage, std::string &out) {
  json::ObjectWriter object(out);
  for (std::size_t i = 0; i < usage_counts.size(); ++i)
    if (const auto &count = usage.*(usage_counts[i].second))
      object.member(usage_keys()[i], *count);
  object.close();
}

void write_cost(const std::optional<Cost> &cost, std::string &out) {
  if (!cost) {
    out += "null";
    return;
  }
  json::ObjectWriter object(out);
  write_dollars(cost->input, object.key("input"));
  write_dollars(cost->cached_input, object.key("cachedInput"));
  write_dollars(cost->cache_write, object.key("cacheWrite"));
  write_dollars(cost->output, object.key("output"));
  write_dollars(cost->total, object.key("total"));
  // As a string: JavaScript's numbers are exact only to 2^53 picodollars ($9,007).
  std::string &total = object.key("totalPicodollars");
  total += '"';
  json::write_integer(cost->total, total);
  total += '"';
  object.close();
}

void write_error(const Error &error, std::string &out) {
  json::ObjectWriter object(out);
  object.member("code", to_string(error.code));
  object.member("number", static_cast<std::int64_t>(error.code));
  object.member("origin", to_string(error.origin));
  object.member("status", error.http_status);
  object.member("message", error.message);
  auto optional_string = [&object](std::string_view key, const std::string &value) {
    if (value.empty())
      object.member(key, nullptr);
    else
      object.member(key, value);
  };
  optional_string("providerType", error.provider_type);
  optional_string("providerCode", error.provider_code);
  optional_string("param", error.param);
  optional_string("hint", error.hint);
  optional_string("requestId", error.request_id);
  if (error.retry_after_ms)
    object.member("retryAfterMs", *error.retry_after_ms);
  else
    object.member("retryAfterMs", nullptr);
  object.member("inStream", error.in_stream);
  object.close();
}

void append_events(const std::vector<SessionEvent> &events, std::string &out) {
  for (const SessionEvent &event : events) {
    switch (event.kind) {
      case SessionEvent::Kind::Stream:
        // A stream's own error reaches JavaScript as what the session makes of it.
        if (event.stream.type == StreamEventType::Error)
          continue;
        write_stream_event(event.stream, out);
        break;
      case SessionEvent::Kind::RoundStarted: {
        json::ObjectWriter object(out);
        object.member("type", "round-start");
        object.member("round", event.round);
        object.member("model", event.model);
        object.close();
        break;
      }
      case SessionEvent::Kind::ToolResult: {
        json::ObjectWriter object(out);
        object.member("type", "tool-result");
        write_invocation(event.tool, object);
        object.close();
        break;
      }
      case SessionEvent::Kind::Retrying: {
        json::ObjectWriter object(out);
        object.member("type", "retry");
        object.member("model", event.model);
        object.member("attempt", event.attempt);
        object.member("untilMs", event.until_ms);
        write_error(event.error, object.key("error"));
        object.close();
        break;
      }
      case SessionEvent::Kind::FallingBack: {
        json::ObjectWriter object(out);
        object.member("type", "fallback");
        object.member("model", event.model);
        write_error(event.error, object.key("error"));
        object.close();
        break;
      }
      case SessionEvent::Kind::CacheHit: {
        json::ObjectWriter object(out);
        object.member("type", "cache-hit");
        object.member("model", event.model);
        object.close();
        break;
      }
      case SessionEvent::Kind::Failed:
      case SessionEvent::Kind::Finished:
        // The end: JavaScript reads the result (or its error) instead.
        continue;
    }
    out += ',';
  }
}

std::string result_json(const SessionResult &result) {
  std::string out;
  write_result(result, out);
  return out;
}

void write_result(const SessionResult &result, std::string &out) {
  // A small call's result is about a kilobyte: one allocation instead of one a doubling.
  out.reserve(out.size() + 1024 + result.response.text.size());
  json::ObjectWriter object(out);
  const ChatResponse &response = result.response;
  object.member("text", response.text);
  object.member("reasoning", response.reasoning);
  if (!response.refusal.empty())
    object.member("refusal", response.refusal);
  if (!response.tool_plan.empty())
    object.member("toolPlan", response.tool_plan);
  json::ArrayWriter calls = object.array("toolCalls");
  for (const ToolCall &call : response.tool_calls)
    write_tool_call(call, calls.next());
  calls.close();
  object.member("finishReason", to_string(response.finish_reason));
  object.member("finishReasonRaw", response.finish_reason_raw);
  write_usage(result.usage, object.key("usage"));
  write_cost(result.cost, object.key("cost"));
  // Apart from the usage, whose members are all counts (cost() reads a usage back).
  json::ArrayWriter warnings = object.array("warnings");
  for (const std::string &warning : result.usage.warnings)
    warnings.item(warning);
  warnings.close();
  object.member("model", result.model);
  object.member("responseId", response.id);
  json::ArrayWriter tried = object.array("modelsTried");
  for (const ModelAttempt &attempt : result.models_tried) {
    json::ObjectWriter item = tried.object();
    item.member("model", attempt.model);
    item.member("attempts", attempt.attempts);
    if (attempt.error)
      write_error(*attempt.error, item.key("error"));
    else
      item.member("error", nullptr);
    item.close();
  }
  tried.close();
  json::ArrayWriter tools = object.array("toolsCalled");
  for (const ToolInvocation &tool : result.tools_called) {
    json::ObjectWriter item = tools.object();
    write_invocation(tool, item);
    item.close();
  }
  tools.close();
  object.member("modelCalls", result.model_calls);
  object.member("toolRounds", result.tool_rounds);
  object.member("fromCache", result.from_cache);
  write_messages(result.messages, object.key("messages"));
  if (result.error)
    write_error(*result.error, object.key("error"));
  else
    object.member("error", nullptr);
  object.close();
}

void write_action(const SessionAction &action, const Session &session, std::string &out) {
  json::ObjectWriter object(out);
  switch (action.kind) {
    case SessionAction::Kind::Send: {
      const HttpRequest &request = action.request;
      object.member("kind", "send");
      object.member("method", request.method);
      object.member("url", request.url);
      json::ArrayWriter headers = object.array("headers");
      for (const Header &header : request.headers) {
        json::ArrayWriter pair = headers.array();
        pair.item(header.name);
        pair.item(header.value);
        pair.close();
      }
      headers.close();
      object.member("stream", request.stream);
      object.member("deadlineMs", action.deadline_ms);
      break;
    }
    case SessionAction::Kind::Wait:
      object.member("kind", "wait");
      object.member("untilMs", action.until_ms);
      break;
    case SessionAction::Kind::RunTools: {
      object.member("kind", "tools");
      json::ArrayWriter calls = object.array("calls");
      for (const ToolRun &run : action.tool_runs) {
        json::ObjectWriter call = calls.object();
        call.member("id", run.call.id);
        call.member("name", run.call.name);
        call.member("argumentsText", run.call.arguments);
        call.member("round", run.round);
        call.close();
      }
      calls.close();
      break;
    }
    case SessionAction::Kind::Idle:
      object.member("kind", "idle");
      break;
    case SessionAction::Kind::Done:
    case SessionAction::Kind::Fail:
      object.member("kind", action.kind == SessionAction::Kind::Done ? "done" : "fail");
      write_result(session.result(), object.key("result"));
      break;
  }
  object.close();
}

} // namespace llmux::api
