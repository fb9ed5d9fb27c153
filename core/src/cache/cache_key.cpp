#include "cache/cache_key.hpp"

#include <llmux/response_cache.hpp>

#include "cache/canonical_json.hpp"
#include "cache/sha256.hpp"
#include "json/json.hpp"

namespace llmux {
namespace {

using json::Value;

std::string_view to_string(ContentPart::Kind kind) {
  switch (kind) {
    case ContentPart::Kind::Text:
      return "text";
    case ContentPart::Kind::Image:
      return "image";
    case ContentPart::Kind::ToolCall:
      return "tool_call";
    case ContentPart::Kind::ToolResult:
      return "tool_result";
    case ContentPart::Kind::Reasoning:
      return "reasoning";
    case ContentPart::Kind::ToolPlan:
      return "tool_plan";
  }
  return "unknown";
}

std::string_view to_string(ToolChoice::Mode mode) {
  switch (mode) {
    case ToolChoice::Mode::Auto:
      return "auto";
    case ToolChoice::Mode::None:
      return "none";
    case ToolChoice::Mode::Required:
      return "required";
    case ToolChoice::Mode::Named:
      return "named";
  }
  return "unknown";
}

std::string_view to_string(ResponseFormat::Type type) {
  switch (type) {
    case ResponseFormat::Type::Text:
      return "text";
    case ResponseFormat::Type::JsonObject:
      return "json_object";
    case ResponseFormat::Type::JsonSchema:
      return "json_schema";
  }
  return "unknown";
}

template <class T> Value optional_value(const std::optional<T> &value) {
  return value ? Value(*value) : Value();
}

// Only the member that matches the part's kind: the others are not sent, so stale values in
// them must not split the cache.
Value part_value(const ContentPart &part) {
  Value out = Value::object({{"kind", to_string(part.kind)}});
  switch (part.kind) {
    case ContentPart::Kind::Text:
    case ContentPart::Kind::ToolPlan:
      out["text"] = part.text;
      break;
    case ContentPart::Kind::Image:
      out["url"] = part.image.url;
      out["media_type"] = part.image.media_type;
      out["base64"] = part.image.base64;
      break;
    case ContentPart::Kind::ToolCall:
      out["id"] = part.tool_call.id;
      out["name"] = part.tool_call.name;
      out["arguments"] = part.tool_call.arguments;
      out["signature"] = part.tool_call.signature;
      out["generated_id"] = part.tool_call.generated_id;
      break;
    case ContentPart::Kind::ToolResult:
      out["tool_call_id"] = part.tool_result.tool_call_id;
      out["tool_name"] = part.tool_result.tool_name;
      out["content"] = part.tool_result.content;
      out["is_error"] = part.tool_result.is_error;
      break;
    case ContentPart::Kind::Reasoning:
      out["text"] = part.reasoning.text;
      out["signature"] = part.reasoning.signature;
      out["redacted_data"] = part.reasoning.redacted_data;
      break;
  }
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Headers that carry credentials: never part of a key, even hashed.
bool is_credential_header(std::string_view lowercase_name) {
  return lowercase_name == "authorization" || lowercase_name == "proxy-authorization" ||
         lowercase_name == "cookie" || lowercase_name == "api-key" ||
         lowercase_name == "x-api-key" || lowercase_name == "x-goog-api-key";
}

} // namespace

std::string cache_key_text(const ChatRequest &request, const Endpoint &endpoint) {
  Value key = Value::object();
  key["provider"] = provider_info(endpoint.provider).name;
  // "https://host/v1" and "https://host/v1/" reach the same server, as does an empty base URL
  // and the provider's default written out.
  std::string_view base_url = endpoint.base_url.empty()
                                  ? provider_info(endpoint.provider).default_base_url
                                  : std::string_view(endpoint.base_url);
  while (!base_url.empty() && base_url.back() == '/')
    base_url.remove_suffix(1);
  key["base_url"] = base_url;
  key["deployment"] = endpoint.deployment;
  key["api_version"] = endpoint.api_version;
  // Extra headers can change the answer (Anthropic's beta flags): they count, in order, names
  // lowercased as HTTP compares them; credentials do not.
  Value headers = Value::array();
  for (const Header &header : endpoint.extra_headers) {
    std::string name = lowercase(header.name);
    if (!is_credential_header(name))
      headers.push_back(Value::array({Value(std::move(name)), Value(header.value)}));
  }
  key["headers"] = std::move(headers);

  key["model"] = request.model;
  key["system"] = request.system;
  Value messages = Value::array();
  for (const Message &message : request.messages) {
    Value parts = Value::array();
    for (const ContentPart &part : message.content)
      parts.push_back(part_value(part));
    messages.push_back(Value::object({{"role", to_string(message.role)}, {"content", parts}}));
  }
  key["messages"] = std::move(messages);
  key["temperature"] = optional_value(request.temperature);
  key["top_p"] = optional_value(request.top_p);
  key["max_tokens"] = optional_value(request.max_tokens);
  Value stop = Value::array();
  for (const std::string &sequence : request.stop)
    stop.push_back(sequence);
  key["stop"] = std::move(stop);
  // JSON texts (schemas, arguments, extra_body) count byte for byte: a change of whitespace
  // is a miss, which costs a call but can never serve a wrong answer.
  Value tools = Value::array();
  for (const Tool &tool : request.tools)
    tools.push_back(Value::object(
        {{"name", tool.name}, {"description", tool.description}, {"parameters", tool.parameters}}));
  key["tools"] = std::move(tools);
  key["tool_choice"] = request.tool_choice
                           ? Value::object({{"mode", to_string(request.tool_choice->mode)},
                                            {"name", request.tool_choice->name}})
                           : Value();
  key["parallel_tool_calls"] = optional_value(request.parallel_tool_calls);
  // A schema's name, text and strictness are sent only with a schema.
  Value format = Value::object({{"type", to_string(request.response_format.type)}});
  if (request.response_format.type == ResponseFormat::Type::JsonSchema) {
    format["name"] = request.response_format.name;
    format["schema"] = request.response_format.schema;
    format["strict"] = request.response_format.strict;
  }
  key["response_format"] = std::move(format);
  key["reasoning_effort"] = request.reasoning_effort;
  key["reasoning_budget_tokens"] = optional_value(request.reasoning_budget_tokens);
  key["extra_body"] = request.extra_body;
  // Left out on purpose: endpoint.api_key (a secret), request.user (who asks does not change
  // the answer) and request.stream (a streamed and a whole request share an answer).

  std::string text(cache_key_format);
  write_canonical_json(key, text);
  return text;
}

std::string cache_key(const ChatRequest &request, const Endpoint &endpoint) {
  return sha256_hex(cache_key_text(request, endpoint));
}

} // namespace llmux
