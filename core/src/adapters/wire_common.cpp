#include "adapters/wire_common.hpp"

#include <llmux/utf8.hpp>

#include <cmath>

namespace llmux {

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/')
    base.remove_suffix(1);
  std::string url(base);
  url += path;
  return url;
}

Error invalid_argument(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

Error unsupported(std::string message) {
  return make_error(ErrorCode::Unsupported, ErrorOrigin::Caller, std::move(message));
}

Result<json::Value> parse_object(std::string_view text, std::string_view what) {
  auto parsed = json::parse(text);
  if (!parsed.ok())
    return bad_response(std::string(what) + " is not JSON: " + parsed.error().message);
  if (!parsed.value().is_object())
    return bad_response(std::string(what) + " is " + std::string(json::type_name(parsed.value())) +
                        ", not an object");
  return std::move(parsed).value();
}

std::optional<json::Value> successful_body(const Adapter &adapter, const HttpResponseHead &head,
                                           std::string_view body, std::string_view what,
                                           DecodedResponse &decoded) {
  if (head.status < 200 || head.status >= 300) {
    decoded.error = adapter.decode_error(head, body);
    return std::nullopt;
  }
  auto parsed = parse_object(body, what);
  if (!parsed.ok()) {
    decoded.error = std::move(parsed).error();
    return std::nullopt;
  }
  return std::move(parsed).value();
}

std::string generated_call_id(std::size_t index, std::string_view name,
                              std::string_view arguments) {
  std::uint32_t hash = 2166136261u; // FNV-1a 32
  for (std::string_view bytes : {name, arguments})
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 16777619u;
    }
  constexpr char digits[] = "0123456789abcdef";
  std::string id = "call_" + std::to_string(index) + "_";
  for (int shift = 28; shift >= 0; shift -= 4)
    id.push_back(digits[(hash >> shift) & 0xfu]);
  return id;
}

Result<std::string> base_url(const Endpoint &endpoint) {
  if (!endpoint.base_url.empty())
    return endpoint.base_url;
  const ProviderInfo &info = provider_info(endpoint.provider);
  if (info.default_base_url.empty())
    return invalid_argument(std::string(info.name) + " needs a base URL (endpoint.base_url)");
  return std::string(info.default_base_url);
}

Result<void> check_request_numbers(const ChatRequest &request) {
  auto check = [](std::string_view name, const std::optional<double> &value,
                  std::string_view max_text, double max) -> std::optional<Error> {
    if (!value || (std::isfinite(*value) && *value >= 0 && *value <= max))
      return std::nullopt;
    const std::string text = std::isnan(*value)   ? "NaN"
                             : std::isinf(*value) ? (*value > 0 ? "infinity" : "-infinity")
                                                  : json::dump(json::Value(*value));
    return invalid_argument(std::string(name) + " must be a number from 0 to " +
                            std::string(max_text) + ", not " + text);
  };
  if (auto error = check("temperature", request.temperature, "2", max_temperature))
    return *error;
  if (auto error = check("top_p", request.top_p, "1", max_top_p))
    return *error;
  // reasoning_budget_tokens is not checked: Gemini reads 0 as "no thinking" and -1 as "as much
  // as the model decides".
  if (request.max_tokens && *request.max_tokens < 1)
    return invalid_argument("max_tokens must be 1 or more, not " +
                            std::to_string(*request.max_tokens));
  return {};
}

std::optional<std::int64_t> read_token_count(const json::Value &parent, std::string_view key,
                                             Usage &usage) {
  const json::Value *value = json::find(parent, key);
  if (!value || value->is_null())
    return std::nullopt;
  if (value->is_integer() && value->as_integer() >= 0 && value->as_integer() <= max_token_count)
    return value->as_integer();
  // The value as JSON (control characters escaped), cut short: it came from the provider.
  constexpr std::size_t shown_bytes = 40;
  std::string shown = json::dump(*value);
  if (shown.size() > shown_bytes)
    shown = shown.substr(0, complete_utf8_prefix(std::string_view(shown).substr(0, shown_bytes))) +
            "...";
  usage.warnings.push_back("the provider reported " + std::string(key) + " = " + shown +
                           ", which is not a token count: recorded as unknown");
  return std::nullopt;
}

std::vector<Header> standard_headers(const Endpoint &endpoint, bool stream) {
  std::vector<Header> headers;
  headers.reserve(3 + endpoint.extra_headers.size());
  headers.push_back({"content-type", "application/json"});
  headers.push_back({"accept", stream ? "text/event-stream" : "application/json"});
  if (!endpoint.api_key.empty()) {
    switch (provider_info(endpoint.provider).auth) {
      case AuthScheme::Bearer:
        headers.push_back({"authorization", "Bearer " + endpoint.api_key});
        break;
      case AuthScheme::ApiKey:
        headers.push_back({"api-key", endpoint.api_key});
        break;
      case AuthScheme::XApiKey:
        headers.push_back({"x-api-key", endpoint.api_key});
        break;
      case AuthScheme::GoogApiKey:
        headers.push_back({"x-goog-api-key", endpoint.api_key});
        break;
    }
  }
  for (const Header &extra : endpoint.extra_headers)
    headers.push_back(extra);
  return headers;
}

Result<json::Value> tool_schema(const Tool &tool) {
  if (tool.parameters.empty())
    return json::Value::object({{"type", "object"}, {"properties", json::Value::object()}});
  auto schema = json::parse(tool.parameters);
  if (!schema.ok())
    return invalid_argument("tool \"" + tool.name +
                            "\": parameters are not JSON: " + schema.error().message);
  if (!schema.value().is_object())
    return invalid_argument("tool \"" + tool.name + "\": parameters must be a JSON Schema object");
  return std::move(schema).value();
}

Result<json::Value> arguments_object(const ToolCall &call) {
  if (call.arguments.empty())
    return json::Value::object();
  auto parsed = json::parse(call.arguments);
  if (!parsed.ok() || !parsed.value().is_object())
    return invalid_argument("tool call \"" + call.id + "\" (" + call.name +
                            "): arguments are not a JSON object");
  return std::move(parsed).value();
}

} // namespace llmux
