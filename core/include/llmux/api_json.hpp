#pragma once
/// The JSON form of calls, messages, session events and results that llmux's JavaScript API
/// speaks: camelCase members, the shapes its TypeScript typings declare (wasm/index.d.ts).
/// The Wasm bindings hand these texts across the boundary unchanged, so that JavaScript does
/// one JSON.parse per network read and no reshaping.
///
/// Parsing takes any bytes (they come from user code) and fails with invalid_argument naming
/// the member ("messages[2].content: must be a string or an array of parts"); nothing here
/// throws or trusts a size.

#include <llmux/chat_request.hpp>
#include <llmux/client.hpp>
#include <llmux/context_window.hpp>
#include <llmux/cost.hpp>
#include <llmux/error.hpp>
#include <llmux/message.hpp>
#include <llmux/resolve.hpp>
#include <llmux/result.hpp>
#include <llmux/retry_policy.hpp>
#include <llmux/session.hpp>
#include <llmux/usage.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::api {

/// One chat call as JavaScript describes it: the core's CallSpec (client.hpp), which the
/// client plans into a session.
using CallSpec = llmux::CallSpec;

/// Reads a call: {model?, fallbacks?, task?, system?, prompt?, messages?, tools?, toolChoice?,
/// parallelToolCalls?, temperature?, topP?, maxTokens?, stop?, responseFormat?,
/// reasoningEffort?, reasoningBudgetTokens?, user?, extraBody?, stream?, maxRounds?,
/// validateToolArguments?, overflow?, cacheTtlMs?, budgetScopes?, retry?, seed?}. `prompt`
/// appends a user message after `messages`; a call needs at least one message. Unknown
/// members are refused (a misspelt option must not be ignored silently).
Result<CallSpec> parse_call(std::string_view json_text);

/// A client's options as JavaScript gives them to createClient (less what JavaScript keeps:
/// fetch, storage, tool handlers).
struct ClientOptions {
  /// Settings by their environment names (OPENAI_API_KEY, OPENAI_BASE_URL, LLM_PROVIDER...).
  Settings settings;
  /// The default chain: `model` then `fallbacks`.
  std::vector<std::string> models;
  std::optional<RetryPolicy> retry;
  /// The ledger's user and budget scopes when a call names none.
  std::string user;
  std::vector<std::string> budget_scopes;
  /// The routing table, in RoutingTable::load_json's form; empty for none.
  std::string routes_json;
  /// User models, in the catalog's form ({"models": [...]}); empty for none.
  std::string models_json;
};

/// Reads {settings?: {NAME: "value"}, model?, fallbacks?, retry?, user?, budgetScopes?,
/// routes?, models?}. Unknown members are refused.
Result<ClientOptions> parse_client_options(std::string_view json_text);

/// Reads a usage {inputTokens?, outputTokens?, cachedInputTokens?, ...}: the counts of
/// write_usage, each a non-negative integer. Unknown members are refused.
Result<Usage> parse_usage(std::string_view json_text);

/// Messages as JSON: [{role, content: text | [parts]}]; parts are {type: "text", text},
/// {type: "image", url} or {type: "image", mediaType, data}, {type: "tool-call", id, name,
/// arguments}, {type: "tool-result", toolCallId, toolName, content, isError},
/// {type: "reasoning", text, signature, redactedData}, {type: "tool-plan", text}. A message
/// whose only part is text is written with its content as a string. parse_call reads them
/// back exactly, so result.messages can be sent again.
std::string messages_json(const std::vector<Message> &messages);
/// The same, appended to `out`.
void write_messages(const std::vector<Message> &messages, std::string &out);

/// `text` as a JSON string literal.
void write_string_value(std::string_view text, std::string &out);
/// Usage as {inputTokens, outputTokens, ...}: the counts the provider reported, no others.
void write_usage(const Usage &usage, std::string &out);
/// Picodollars as an exact decimal number of dollars, without the "$": "0.00045".
std::string dollars(Picodollars amount);
/// A cost as exact decimal dollar strings: {input, cachedInput, cacheWrite, output, total};
/// null when unknown.
void write_cost(const std::optional<Cost> &cost, std::string &out);
/// An error as {code, number, origin, status, message, providerType, providerCode, param,
/// hint, requestId, retryAfterMs, inStream}.
void write_error(const Error &error, std::string &out);

/// Appends the events as JSON objects, each followed by a comma, to `out` (the caller opens
/// and closes the array). Events JavaScript has no use for (a stream's own error, which the
/// session turns into a retry, a fallback or the failure) are left out.
void append_events(const std::vector<SessionEvent> &events, std::string &out);

/// A session's next action as the JavaScript driver performs it: {kind: "send", method, url,
/// headers: [[name, value], ...], stream, deadlineMs} (without the request's body), {kind:
/// "wait", untilMs}, {kind: "tools", calls: [{id, name, argumentsText, round}]}, {kind:
/// "idle"}, or {kind: "done" or "fail", result} with the session's result (write_result).
void write_action(const SessionAction &action, const Session &session, std::string &out);

/// The outcome: {text, reasoning, refusal, toolCalls, finishReason, finishReasonRaw, usage,
/// cost, model, modelsTried, toolsCalled, modelCalls, toolRounds, fromCache, messages,
/// responseId, error}.
std::string result_json(const SessionResult &result);
/// The same, appended to `out` (wasm/session_binding.cpp writes it inside a step's action).
void write_result(const SessionResult &result, std::string &out);

} // namespace llmux::api
