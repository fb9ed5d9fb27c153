// The gateway's codecs in the JSON the npm package speaks (api_json.hpp's forms), for the Wasm
// serve module: a parsed request as the call JSON that chat() and stream() take, and the
// package's results, stream events and errors read back into neutral values for the writers.

#include <llmux/api_json.hpp>
#include <llmux/serve.hpp>

#include "api/api_reader.hpp"
#include "api/message_json.hpp"
#include "json/json_writer.hpp"

namespace llmux {
namespace {

using json::Value;

void write_tool_choice(const ToolChoice &choice, json::ObjectWriter &call) {
  switch (choice.mode) {
    case ToolChoice::Mode::Auto:
      return call.member("toolChoice", "auto");
    case ToolChoice::Mode::None:
      return call.member("toolChoice", "none");
    case ToolChoice::Mode::Required:
      return call.member("toolChoice", "required");
    case ToolChoice::Mode::Named:
      break;
  }
  json::ObjectWriter named = call.object("toolChoice");
  named.member("name", choice.name);
  named.close();
}

void write_response_format(const ResponseFormat &format, json::ObjectWriter &call) {
  if (format.type == ResponseFormat::Type::Text)
    return;
  json::ObjectWriter out = call.object("responseFormat");
  if (format.type == ResponseFormat::Type::JsonObject) {
    out.member("type", "json");
  } else {
    out.member("type", "json-schema");
    out.raw_member("schema", format.schema); // JSON text the parser checked
    if (!format.name.empty())
      out.member("name", format.name);
    out.member("strict", format.strict);
  }
  out.close();
}

std::optional<FinishReason> finish_reason_named(std::string_view name) {
  for (FinishReason reason :
       {FinishReason::None, FinishReason::Stop, FinishReason::Length, FinishReason::ToolCalls,
        FinishReason::ContentFilter, FinishReason::Other})
    if (to_string(reason) == name)
      return reason;
  return std::nullopt;
}

std::optional<Usage> read_usage(api::ApiReader &reader, const Value &parent,
                                std::string_view path) {
  const Value *usage = api::ApiReader::member(parent, "usage");
  if (!usage)
    return Usage{};
  auto parsed = api::parse_usage(json::dump(*usage));
  if (!parsed.ok()) {
    reader.fail(api::member_path(path, "usage"), parsed.error().message);
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::size_t read_index(api::ApiReader &reader, const Value &event, std::string_view path) {
  // Indexes count a response's blocks and calls: small numbers.
  return static_cast<std::size_t>(reader.integer(event, "index", path, 0, 1 << 20).value_or(0));
}

} // namespace

namespace {

// The session's answer as one response: its last, with the usage of every round.
ChatResponse answer_of(const SessionResult &result) {
  ChatResponse answer = result.response;
  answer.usage = result.usage;
  return answer;
}

} // namespace

std::string write_openai_chat_completion(const SessionResult &result,
                                         const ResponseIdentity &identity) {
  return write_openai_chat_completion(answer_of(result), identity);
}

Result<std::string> write_anthropic_message(const SessionResult &result,
                                            const ResponseIdentity &identity) {
  return write_anthropic_message(answer_of(result), identity);
}

std::string call_json(const ChatRequest &request) {
  std::string out;
  json::ObjectWriter call(out);
  call.member("model", request.model);
  if (!request.system.empty())
    call.member("system", request.system);
  api::write_messages(request.messages, call.key("messages"));
  if (!request.tools.empty()) {
    json::ArrayWriter tools = call.array("tools");
    for (const Tool &tool : request.tools) {
      json::ObjectWriter entry = tools.object();
      entry.member("name", tool.name);
      if (!tool.description.empty())
        entry.member("description", tool.description);
      if (!tool.parameters.empty())
        entry.raw_member("parameters", tool.parameters);
      // The gateway's caller runs its tools.
      entry.member("hasHandler", false);
      entry.close();
    }
    tools.close();
  }
  if (request.tool_choice)
    write_tool_choice(*request.tool_choice, call);
  if (request.parallel_tool_calls)
    call.member("parallelToolCalls", *request.parallel_tool_calls);
  if (request.temperature)
    call.member("temperature", *request.temperature);
  if (request.top_p)
    call.member("topP", *request.top_p);
  if (request.max_tokens)
    call.member("maxTokens", *request.max_tokens);
  if (!request.stop.empty()) {
    json::ArrayWriter stop = call.array("stop");
    for (const std::string &sequence : request.stop)
      stop.item(sequence);
    stop.close();
  }
  write_response_format(request.response_format, call);
  if (!request.reasoning_effort.empty())
    call.member("reasoningEffort", request.reasoning_effort);
  if (request.reasoning_budget_tokens)
    call.member("reasoningBudgetTokens", *request.reasoning_budget_tokens);
  if (!request.user.empty())
    call.member("user", request.user);
  if (!request.extra_body.empty())
    call.raw_member("extraBody", request.extra_body); // an object the parser built
  call.member("stream", request.stream);
  call.close();
  return out;
}

Result<ChatResponse> parse_result_json(std::string_view text) {
  auto parsed = api::parse_object_text(text, "the result");
  if (!parsed.ok())
    return std::move(parsed).error();
  const Value &result = parsed.value();
  api::ApiReader reader;
  ChatResponse response;
  response.text = reader.string(result, "text", "").value_or("");
  response.reasoning = reader.string(result, "reasoning", "").value_or("");
  response.refusal = reader.string(result, "refusal", "").value_or("");
  response.tool_plan = reader.string(result, "toolPlan", "").value_or("");
  response.id = reader.string(result, "responseId", "").value_or("");
  response.model = reader.string(result, "model", "").value_or("");
  response.finish_reason_raw = reader.string(result, "finishReasonRaw", "").value_or("");
  if (auto name = reader.string(result, "finishReason", "")) {
    auto reason = finish_reason_named(*name);
    if (!reason)
      reader.fail("finishReason", "is not a finish reason llmux knows");
    response.finish_reason = reason.value_or(FinishReason::Other);
  }
  if (const Value *calls = api::ApiReader::member(result, "toolCalls")) {
    if (!calls->is_array())
      reader.fail("toolCalls", "must be an array");
    for (std::size_t i = 0; i < calls->items().size() && !reader.failed(); ++i) {
      const Value &call = calls->items()[i];
      const std::string at = api::item_path("toolCalls", i);
      if (!call.is_object()) {
        reader.fail(at, "must be an object");
        break;
      }
      ToolCall out;
      out.id = reader.string(call, "id", at).value_or("");
      out.name = reader.string(call, "name", at).value_or("");
      // argumentsText is the model's own text; arguments may be its parse (or null).
      out.arguments = reader.string(call, "argumentsText", at).value_or("");
      out.signature = reader.string(call, "signature", at).value_or("");
      response.tool_calls.push_back(std::move(out));
    }
  }
  if (auto usage = read_usage(reader, result, ""))
    response.usage = std::move(*usage);
  // The reasoning blocks, with their signatures, are those of the conversation's last
  // assistant message: the answer.
  if (const Value *messages = api::ApiReader::member(result, "messages")) {
    std::vector<Message> conversation = api::read_messages(reader, *messages, "messages");
    if (!conversation.empty() && conversation.back().role == Role::Assistant)
      for (const ContentPart &part : conversation.back().content)
        if (part.kind == ContentPart::Kind::Reasoning)
          response.reasoning_blocks.push_back(part.reasoning);
  }
  if (reader.failed())
    return reader.error();
  return response;
}

Result<std::vector<StreamEvent>> parse_stream_events_json(std::string_view text) {
  auto parsed = json::parse(text);
  api::ApiReader reader;
  if (!parsed.ok() || !parsed.value().is_array()) {
    reader.fail("events", "must be a JSON array of stream events");
    return reader.error();
  }
  std::vector<StreamEvent> events;
  const auto &items = parsed.value().items();
  for (std::size_t i = 0; i < items.size() && !reader.failed(); ++i) {
    const Value &event = items[i];
    const std::string at = api::item_path("events", i);
    if (!event.is_object()) {
      reader.fail(at, "must be an object {type, ...}");
      break;
    }
    const std::string type = reader.string(event, "type", at).value_or("");
    auto text_of = [&](std::string_view key) { return reader.string(event, key, at).value_or(""); };
    if (type == "text-delta") {
      events.push_back(StreamEvent::text_delta(text_of("text")));
    } else if (type == "reasoning-delta") {
      events.push_back(
          StreamEvent::reasoning_delta(read_index(reader, event, at), text_of("text")));
    } else if (type == "reasoning-signature") {
      events.push_back(
          StreamEvent::reasoning_signature(read_index(reader, event, at), text_of("signature")));
    } else if (type == "redacted-reasoning") {
      events.push_back(
          StreamEvent::redacted_reasoning(read_index(reader, event, at), text_of("data")));
    } else if (type == "refusal-delta") {
      events.push_back(StreamEvent::refusal_delta(text_of("text")));
    } else if (type == "tool-plan-delta") {
      events.push_back(StreamEvent::tool_plan_delta(text_of("text")));
    } else if (type == "tool-call-start") {
      events.push_back(StreamEvent::tool_call_start(read_index(reader, event, at), text_of("id"),
                                                    text_of("name")));
    } else if (type == "tool-call-delta") {
      events.push_back(
          StreamEvent::tool_call_delta(read_index(reader, event, at), text_of("text")));
    } else if (type == "tool-call") {
      events.push_back(StreamEvent::tool_call_end(read_index(reader, event, at), text_of("id"),
                                                  text_of("name"), text_of("argumentsText")));
    } else if (type == "usage") {
      if (auto usage = read_usage(reader, event, at))
        events.push_back(StreamEvent::usage_report(std::move(*usage)));
    } else if (type == "finish") {
      auto reason = finish_reason_named(text_of("finishReason"));
      if (!reason)
        reader.fail(api::member_path(at, "finishReason"), "is not a finish reason llmux knows");
      events.push_back(
          StreamEvent::finish(reason.value_or(FinishReason::Other), text_of("finishReasonRaw")));
    } else if (type.empty()) {
      reader.fail(api::member_path(at, "type"), "an event needs a type");
    }
    // The session's own events (round-start, tool-result, retry, fallback, cache-hit, done)
    // say nothing a caller of the two APIs is sent.
  }
  if (reader.failed())
    return reader.error();
  return events;
}

Error parse_error_json(std::string_view text) {
  Error out = make_error(ErrorCode::Internal, ErrorOrigin::Session, "");
  auto parsed = json::parse(text);
  if (!parsed.ok() || !parsed.value().is_object())
    return out; // the table's message for internal, rather than text nobody can read
  const Value &error = parsed.value();
  auto string = [&](std::string_view key) -> std::string {
    const Value *value = error.find(key);
    return value && value->is_string() ? value->as_string() : std::string();
  };
  out.code = error_code_from_string(string("code")).value_or(ErrorCode::Internal);
  out.message = string("message");
  out.param = string("param");
  if (const Value *status = error.find("status"); status && status->is_integer())
    out.http_status = static_cast<int>(status->as_integer());
  return out;
}

} // namespace llmux
