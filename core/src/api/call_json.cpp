// A chat call in the JavaScript API's JSON form (see api_json.hpp): everything JavaScript
// may pass to chat() or stream(), read strictly.

#include <llmux/api_json.hpp>

#include "api/api_reader.hpp"
#include "api/message_json.hpp"

#include <limits>

namespace llmux::api {
namespace {

constexpr std::int64_t max_int = std::numeric_limits<std::int64_t>::max();
// A day: no wait or timeout of a chat call is meaningfully longer.
constexpr std::int64_t max_delay_ms = 86'400'000;

} // namespace

void read_retry(ApiReader &reader, const json::Value &value, std::string_view path,
                RetryPolicy &policy) {
  if (!value.is_object()) {
    reader.fail(path, "must be an object {maxRetries, initialDelayMs, maxDelayMs, maxRetryAfterMs}");
    return;
  }
  reader.only(value, {"maxRetries", "initialDelayMs", "maxDelayMs", "maxRetryAfterMs"}, path);
  if (auto retries = reader.integer(value, "maxRetries", path, 0, 20))
    policy.max_retries = static_cast<int>(*retries);
  if (auto delay = reader.integer(value, "initialDelayMs", path, 0, max_delay_ms))
    policy.initial_backoff_ms = *delay;
  if (auto delay = reader.integer(value, "maxDelayMs", path, 0, max_delay_ms))
    policy.max_backoff_ms = *delay;
  if (auto delay = reader.integer(value, "maxRetryAfterMs", path, 0, max_delay_ms))
    policy.max_retry_after_ms = *delay;
}

namespace {

void read_tools(ApiReader &reader, const json::Value &tools, std::vector<Tool> &out) {
  if (!tools.is_array()) {
    reader.fail("tools", "must be an array of {name, description, parameters}");
    return;
  }
  for (std::size_t i = 0; i < tools.items().size() && !reader.failed(); ++i) {
    const json::Value &item = tools.items()[i];
    const std::string at = item_path("tools", i);
    if (!item.is_object()) {
      reader.fail(at, "must be an object {name, description, parameters}");
      return;
    }
    reader.only(item, {"name", "description", "parameters", "hasHandler"}, at);
    Tool tool;
    tool.name = reader.string(item, "name", at).value_or("");
    tool.description = reader.string(item, "description", at).value_or("");
    if (const json::Value *parameters = ApiReader::member(item, "parameters")) {
      if (!parameters->is_object())
        reader.fail(member_path(at, "parameters"), "must be a JSON Schema object");
      else
        tool.parameters = json::dump(*parameters);
    }
    // JavaScript says false for a tool given without execute (see Tool::has_handler).
    tool.has_handler = reader.boolean(item, "hasHandler", at).value_or(true);
    if (tool.name.empty())
      reader.fail(member_path(at, "name"), "a tool needs a name");
    out.push_back(std::move(tool));
  }
}

void read_tool_choice(ApiReader &reader, const json::Value &value, ChatRequest &request) {
  ToolChoice choice;
  if (value.is_string()) {
    const std::string &mode = value.as_string();
    if (mode == "auto")
      choice.mode = ToolChoice::Mode::Auto;
    else if (mode == "none")
      choice.mode = ToolChoice::Mode::None;
    else if (mode == "required")
      choice.mode = ToolChoice::Mode::Required;
    else
      reader.fail("toolChoice", "must be auto, none, required or {name}");
  } else if (value.is_object()) {
    reader.only(value, {"name"}, "toolChoice");
    choice.mode = ToolChoice::Mode::Named;
    choice.name = reader.string(value, "name", "toolChoice").value_or("");
    if (choice.name.empty())
      reader.fail("toolChoice.name", "must name a tool");
  } else {
    reader.fail("toolChoice", "must be auto, none, required or {name}");
  }
  request.tool_choice = choice;
}

void read_response_format(ApiReader &reader, const json::Value &value, ResponseFormat &format) {
  constexpr std::string_view path = "responseFormat";
  if (!value.is_object()) {
    reader.fail(path, "must be an object {type: text | json | json-schema, schema, name, strict}");
    return;
  }
  reader.only(value, {"type", "schema", "name", "strict"}, path);
  const std::string type = reader.string(value, "type", path).value_or("");
  if (type == "text") {
    format.type = ResponseFormat::Type::Text;
  } else if (type == "json") {
    format.type = ResponseFormat::Type::JsonObject;
  } else if (type == "json-schema") {
    format.type = ResponseFormat::Type::JsonSchema;
    const json::Value *schema = ApiReader::member(value, "schema");
    if (!schema || !schema->is_object())
      reader.fail("responseFormat.schema", "must be a JSON Schema object");
    else
      format.schema = json::dump(*schema);
    format.name = reader.string(value, "name", path).value_or("");
    format.strict = reader.boolean(value, "strict", path).value_or(true);
  } else {
    reader.fail("responseFormat.type", "must be text, json or json-schema");
  }
}

} // namespace

Result<Usage> parse_usage(std::string_view json_text) {
  auto parsed = parse_object_text(json_text, "usage");
  if (!parsed.ok())
    return parsed.error();
  const json::Value &value = parsed.value();
  ApiReader reader;
  Usage usage;
  std::size_t known = 0;
  for (const auto &[name, count] : usage_counts) {
    const std::string key = camel_case(name); // the names write_usage writes
    if (value.find(key))
      ++known;
    usage.*count = reader.integer(value, key, "usage", 0, max_int);
  }
  if (!reader.failed() && known != value.members().size())
    reader.fail("usage", "has a member that is not a token count llmux knows");
  if (reader.failed())
    return reader.error();
  return usage;
}

Result<CallSpec> parse_call(std::string_view json_text) {
  auto parsed = parse_object_text(json_text, "the call");
  if (!parsed.ok())
    return parsed.error();
  const json::Value &call = parsed.value();
  ApiReader reader;
  reader.only(call,
              {"model", "fallbacks", "task", "system", "prompt", "messages", "tools",
               "toolChoice", "parallelToolCalls", "temperature", "topP", "maxTokens", "stop",
               "responseFormat", "reasoningEffort", "reasoningBudgetTokens", "user",
               "extraBody", "stream", "maxRounds", "validateToolArguments", "overflow",
               "cacheTtlMs", "budgetScopes", "retry", "seed"},
              "");
  CallSpec spec;
  ChatRequest &request = spec.request;
  if (auto model = reader.string(call, "model", ""))
    spec.models.push_back(*model);
  if (auto fallbacks = reader.strings(call, "fallbacks", "")) {
    if (spec.models.empty() && !fallbacks->empty())
      reader.fail("fallbacks", "need a model to fall back from");
    spec.models.insert(spec.models.end(), fallbacks->begin(), fallbacks->end());
  }
  spec.task = reader.string(call, "task", "").value_or("");
  if (!spec.task.empty() && !spec.models.empty())
    reader.fail("task", "chooses the models itself: leave model and fallbacks out");
  request.system = reader.string(call, "system", "").value_or("");
  if (const json::Value *messages = ApiReader::member(call, "messages"))
    request.messages = read_messages(reader, *messages, "messages");
  if (auto prompt = reader.string(call, "prompt", ""))
    request.messages.push_back(Message::user(*prompt));
  if (!reader.failed() && request.messages.empty())
    reader.fail("messages", "a call needs a prompt or at least one message");
  if (const json::Value *tools = ApiReader::member(call, "tools"))
    read_tools(reader, *tools, request.tools);
  if (const json::Value *choice = ApiReader::member(call, "toolChoice"))
    read_tool_choice(reader, *choice, request);
  request.parallel_tool_calls = reader.boolean(call, "parallelToolCalls", "");
  request.temperature = reader.number(call, "temperature", "");
  request.top_p = reader.number(call, "topP", "");
  request.max_tokens = reader.integer(call, "maxTokens", "", 1, max_int);
  request.stop = reader.strings(call, "stop", "").value_or(std::vector<std::string>{});
  if (const json::Value *format = ApiReader::member(call, "responseFormat"))
    read_response_format(reader, *format, request.response_format);
  request.reasoning_effort = reader.string(call, "reasoningEffort", "").value_or("");
  request.reasoning_budget_tokens = reader.integer(call, "reasoningBudgetTokens", "", 1, max_int);
  if (const json::Value *extra = ApiReader::member(call, "extraBody")) {
    if (!extra->is_object())
      reader.fail("extraBody", "must be an object");
    else
      request.extra_body = json::dump(*extra);
  }
  request.stream = reader.boolean(call, "stream", "").value_or(false);
  if (auto rounds = reader.integer(call, "maxRounds", "", 0, 100))
    spec.max_rounds = static_cast<int>(*rounds);
  spec.validate_tool_arguments = reader.boolean(call, "validateToolArguments", "");
  if (auto overflow = reader.string(call, "overflow", "")) {
    if (*overflow == "refuse")
      spec.overflow = Overflow::Refuse;
    else if (*overflow == "trim")
      spec.overflow = Overflow::TrimOldestTurns;
    else
      reader.fail("overflow", "must be refuse or trim");
  }
  spec.cache_ttl_ms = reader.integer(call, "cacheTtlMs", "", 0, max_int / 2);
  spec.user = reader.string(call, "user", "");
  spec.budget_scopes = reader.strings(call, "budgetScopes", "");
  if (const json::Value *retry = ApiReader::member(call, "retry")) {
    RetryPolicy policy;
    read_retry(reader, *retry, "retry", policy);
    spec.retry = policy;
  }
  // A seed from JavaScript is a safe integer (JSON numbers above 2^53 are not exact).
  if (auto seed = reader.integer(call, "seed", "", 0, (std::int64_t{1} << 53) - 1))
    spec.seed = static_cast<std::uint64_t>(*seed);
  if (reader.failed())
    return reader.error();
  return spec;
}

} // namespace llmux::api
