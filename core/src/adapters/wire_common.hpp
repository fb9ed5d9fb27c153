#pragma once
// Pieces every adapter's request building shares.

#include "json/json.hpp"

#include <llmux/adapter.hpp>
#include <llmux/chat_request.hpp>
#include <llmux/http.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>
#include <llmux/usage.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace llmux {

/// `base` (with or without a trailing slash) followed by `path` (starting with '/').
std::string join_url(std::string_view base, std::string_view path);

/// The endpoint's base URL, or the provider's default; invalid_argument when neither exists.
Result<std::string> base_url(const Endpoint &endpoint);

/// The request's numbers checked as ChatRequest says (check_request runs it first, before any
/// adapter builds, so that every host refuses the same); invalid_argument naming the first one
/// wrong.
Result<void> check_request_numbers(const ChatRequest &request);

/// Content-Type, Accept (SSE or JSON), the API key in the provider's scheme (left out when
/// empty), then the endpoint's extra headers.
std::vector<Header> standard_headers(const Endpoint &endpoint, bool stream);

/// A tool's parameter schema as JSON; an empty schema is an object without properties.
/// invalid_argument when the text is not a JSON object.
Result<json::Value> tool_schema(const Tool &tool);

/// The token count `parent[key]` of a provider's usage, absent when missing or null. This is
/// the one place that decides which counts llmux believes: a whole number from 0 to
/// max_token_count. Anything else (-5, 2^62, 1.5, "12", an object) is left absent, with a
/// warning in `usage.warnings` naming the key and the value: the answer is kept, and its cost
/// is unknown rather than wrong.
std::optional<std::int64_t> read_token_count(const json::Value &parent, std::string_view key,
                                             Usage &usage);

/// A caller error: the request cannot be built as given.
Error invalid_argument(std::string message);

/// A caller error: the provider cannot do what the request asks.
Error unsupported(std::string message);

/// `text` parsed as a JSON object. bad_response "<what> is not JSON: ..." or "<what> is an
/// array, not an object" otherwise (`what`: "the chat completion", "a stream event").
Result<json::Value> parse_object(std::string_view text, std::string_view what);

/// Where every adapter's decode_response starts: the JSON object of a whole 2xx body; or
/// nothing, with the error put in `decoded`: the provider's (adapter.decode_error) for any
/// other status, or parse_object's bad_response when the body is not a JSON object.
std::optional<json::Value> successful_body(const Adapter &adapter, const HttpResponseHead &head,
                                           std::string_view body, std::string_view what,
                                           DecodedResponse &decoded);

/// An id for a tool call the provider sent without one (Gemini, older Ollama):
/// "call_<index>_<8 hex digits of FNV-1a 32 of name and arguments>". The same for the same
/// response however its bytes arrived, and distinct between the response's calls.
std::string generated_call_id(std::size_t index, std::string_view name, std::string_view arguments);

/// A tool call's arguments as a JSON object: empty text is {}; text that is not a JSON
/// object is invalid_argument.
Result<json::Value> arguments_object(const ToolCall &call);

} // namespace llmux
