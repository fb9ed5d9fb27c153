// Session events and results in the JavaScript API's JSON form (see api_json.hpp). Written
// straight into one string, member by member: a streamed answer passes here once per text
// fragment, so no JSON value tree is built on the way.

#include <llmux/api_json.hpp>
#include <llmux/money.hpp>

#include "api/api_reader.hpp"
#include "api/message_json.hpp"
#include "json/json.hpp"

#include <array>
#include <charconv>

namespace llmux::api {
namespace {

void append_integer(std::int64_t value, std::string &out) {
  char buffer[20];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

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

// Writes the members of one JSON object into `out`, commas included.
class ObjectWriter {
public:
  explicit ObjectWriter(std::string &out) : out_(out) { out_ += '{'; }
  void close() { out_ += '}'; }

  void string(std::string_view key, std::string_view value) {
    name(key);
    json::write_string(value, out_);
  }
  void integer(std::string_view key, std::int64_t value) {
    name(key);
    append_integer(value, out_);
  }
  /// `amount` as a string of dollars ("0.00045"): digits need no escaping.
  void dollars(std::string_view key, Picodollars amount) {
    name(key);
    out_ += '"';
    append_dollars(amount, out_);
    out_ += '"';
  }
  void boolean(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
  }
  void null(std::string_view key) {
    name(key);
    out_ += "null";
  }
  /// The key; the caller writes the value into out().
  std::string &raw(std::string_view key) {
    name(key);
    return out_;
  }

private:
  // Three appends, the comma and quote together and no strlen: a result writes some thirty
  // names.
  void name(std::string_view key) {
    if (first_)
      out_ += '"';
    else
      out_.append(",\"", 2);
    first_ = false;
    out_.append(key.data(), key.size());
    out_.append("\":", 2);
  }
  std::string &out_;
  bool first_ = true;
};


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
  ObjectWriter object(out);
  object.string("id", call.id);
  object.string("name", call.name);
  write_arguments(call.arguments, object.raw("arguments"));
  object.string("argumentsText", call.arguments);
  if (!call.signature.empty())
    object.string("signature", call.signature);
  object.close();
}

void write_invocation(const ToolInvocation &tool, ObjectWriter &object) {
  object.string("id", tool.id);
  object.string("name", tool.name);
  write_arguments(tool.arguments, object.raw("arguments"));
  object.integer("round", tool.round);
  object.boolean("ok", tool.ok);
  object.string("result", tool.result);
  if (tool.ok)
    object.null("error");
  else
    object.string("error", tool.error);
  object.integer("durationMs", tool.duration_ms);
}

void write_stream_event(const StreamEvent &event, std::string &out) {
  ObjectWriter object(out);
  switch (event.type) {
    case StreamEventType::TextDelta:
      object.string("type", "text-delta");
      object.string("text", event.text);
      break;
    case StreamEventType::ReasoningDelta:
      object.string("type", "reasoning-delta");
      object.string("text", event.text);
      object.integer("index", static_cast<std::int64_t>(event.index));
      break;
    case StreamEventType::ReasoningSignature:
      object.string("type", "reasoning-signature");
      object.string("signature", event.text);
      object.integer("index", static_cast<std::int64_t>(event.index));
      break;
    case StreamEventType::RedactedReasoning:
      object.string("type", "redacted-reasoning");
      object.string("data", event.text);
      object.integer("index", static_cast<std::int64_t>(event.index));
      break;
    case StreamEventType::RefusalDelta:
      object.string("type", "refusal-delta");
      object.string("text", event.text);
      break;
    case StreamEventType::ToolPlanDelta:
      object.string("type", "tool-plan-delta");
      object.string("text", event.text);
      break;
    case StreamEventType::ToolCallStart:
      object.string("type", "tool-call-start");
      object.integer("index", static_cast<std::int64_t>(event.index));
      object.string("id", event.id);
      object.string("name", event.name);
      break;
    case StreamEventType::ToolCallDelta:
      object.string("type", "tool-call-delta");
      object.integer("index", static_cast<std::int64_t>(event.index));
      object.string("text", event.text);
      break;
    case StreamEventType::ToolCallEnd:
      object.string("type", "tool-call");
      object.integer("index", static_cast<std::int64_t>(event.index));
      object.string("id", event.id);
      object.string("name", event.name);
      write_arguments(event.text, object.raw("arguments"));
      object.string("argumentsText", event.text);
      break;
    case StreamEventType::Usage:
      object.string("type", "usage");
      write_usage(event.usage, object.raw("usage"));
      break;
    case StreamEventType::Finish:
      object.string("type", "finish");
      object.string("finishReason", to_string(event.finish_reason));
      object.string("finishReasonRaw", event.text);
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
  ObjectWriter object(out);
  for (std::size_t i = 0; i < usage_counts.size(); ++i)
    if (const auto &count = usage.*(usage_counts[i].second))
      object.integer(usage_keys()[i], *count);
  object.close();
}

void write_cost(const std::optional<Cost> &cost, std::string &out) {
  if (!cost) {
    out += "null";
    return;
  }
  ObjectWriter object(out);
  object.dollars("input", cost->input);
  object.dollars("cachedInput", cost->cached_input);
  object.dollars("cacheWrite", cost->cache_write);
  object.dollars("output", cost->output);
  object.dollars("total", cost->total);
  std::string &total = object.raw("totalPicodollars");
  total += '"';
  append_integer(cost->total, total);
  total += '"';
  object.close();
}

void write_error(const Error &error, std::string &out) {
  ObjectWriter object(out);
  object.string("code", to_string(error.code));
  object.integer("number", static_cast<std::int64_t>(error.code));
  object.string("origin", to_string(error.origin));
  object.integer("status", error.http_status);
  object.string("message", error.message);
  auto optional_string = [&object](std::string_view key, const std::string &value) {
    if (value.empty())
      object.null(key);
    else
      object.string(key, value);
  };
  optional_string("providerType", error.provider_type);
  optional_string("providerCode", error.provider_code);
  optional_string("param", error.param);
  optional_string("hint", error.hint);
  optional_string("requestId", error.request_id);
  if (error.retry_after_ms)
    object.integer("retryAfterMs", *error.retry_after_ms);
  else
    object.null("retryAfterMs");
  object.boolean("inStream", error.in_stream);
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
        ObjectWriter object(out);
        object.string("type", "round-start");
        object.integer("round", event.round);
        object.string("model", event.model);
        object.close();
        break;
      }
      case SessionEvent::Kind::ToolResult: {
        ObjectWriter object(out);
        object.string("type", "tool-result");
        write_invocation(event.tool, object);
        object.close();
        break;
      }
      case SessionEvent::Kind::Retrying: {
        ObjectWriter object(out);
        object.string("type", "retry");
        object.string("model", event.model);
        object.integer("attempt", event.attempt);
        object.integer("untilMs", event.until_ms);
        write_error(event.error, object.raw("error"));
        object.close();
        break;
      }
      case SessionEvent::Kind::FallingBack: {
        ObjectWriter object(out);
        object.string("type", "fallback");
        object.string("model", event.model);
        write_error(event.error, object.raw("error"));
        object.close();
        break;
      }
      case SessionEvent::Kind::CacheHit: {
        ObjectWriter object(out);
        object.string("type", "cache-hit");
        object.string("model", event.model);
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
  ObjectWriter object(out);
  const ChatResponse &response = result.response;
  object.string("text", response.text);
  object.string("reasoning", response.reasoning);
  if (!response.refusal.empty())
    object.string("refusal", response.refusal);
  if (!response.tool_plan.empty())
    object.string("toolPlan", response.tool_plan);
  std::string &calls = object.raw("toolCalls");
  calls += '[';
  for (std::size_t i = 0; i < response.tool_calls.size(); ++i) {
    if (i > 0)
      calls += ',';
    write_tool_call(response.tool_calls[i], calls);
  }
  calls += ']';
  object.string("finishReason", to_string(response.finish_reason));
  object.string("finishReasonRaw", response.finish_reason_raw);
  write_usage(result.usage, object.raw("usage"));
  write_cost(result.cost, object.raw("cost"));
  // Apart from the usage, whose members are all counts (cost() reads a usage back).
  std::string &warnings = object.raw("warnings");
  warnings += '[';
  for (std::size_t i = 0; i < result.usage.warnings.size(); ++i) {
    if (i > 0)
      warnings += ',';
    json::write_string(result.usage.warnings[i], warnings);
  }
  warnings += ']';
  object.string("model", result.model);
  object.string("responseId", response.id);
  std::string &tried = object.raw("modelsTried");
  tried += '[';
  for (std::size_t i = 0; i < result.models_tried.size(); ++i) {
    const ModelAttempt &attempt = result.models_tried[i];
    if (i > 0)
      tried += ',';
    ObjectWriter item(tried);
    item.string("model", attempt.model);
    item.integer("attempts", attempt.attempts);
    if (attempt.error)
      write_error(*attempt.error, item.raw("error"));
    else
      item.null("error");
    item.close();
  }
  tried += ']';
  std::string &tools = object.raw("toolsCalled");
  tools += '[';
  for (std::size_t i = 0; i < result.tools_called.size(); ++i) {
    if (i > 0)
      tools += ',';
    ObjectWriter item(tools);
    write_invocation(result.tools_called[i], item);
    item.close();
  }
  tools += ']';
  object.integer("modelCalls", result.model_calls);
  object.integer("toolRounds", result.tool_rounds);
  object.boolean("fromCache", result.from_cache);
  write_messages(result.messages, object.raw("messages"));
  if (result.error)
    write_error(*result.error, object.raw("error"));
  else
    object.null("error");
  object.close();
}

} // namespace llmux::api
