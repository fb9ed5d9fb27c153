#pragma once
// Reading a built-in tool's JSON arguments. Every failure is invalid_argument with a message
// written for the model that sent the arguments: it names the argument and what is accepted.

#include "json/json.hpp"

#include <llmux/error.hpp>
#include <llmux/result.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace llmux::tools {

/// invalid_argument from the caller (the model), with `message`.
Error tool_error(std::string message);

/// The arguments as a JSON object. Empty text (some providers send it for "no arguments")
/// reads as `{}`; anything else that is not a JSON object fails, saying so.
Result<json::Value> parse_arguments(std::string_view tool_name, std::string_view arguments_json);

/// Fails on the first non-null member of `arguments` not in `accepted`, naming the accepted
/// ones: a misspelt or invented argument ("timezone") would otherwise be silently ignored.
/// `context` says who does not take it ("calculator", "datetime operation \"add\"").
std::optional<Error> reject_unknown_arguments(const json::Value &arguments,
                                              std::initializer_list<std::string_view> accepted,
                                              std::string_view context);

/// The string member `key`: absent (or null) gives nullopt, any other type fails. The view
/// lives as long as `arguments`.
Result<std::optional<std::string_view>> optional_string_argument(const json::Value &arguments,
                                                                 std::string_view key);

/// `name` in double quotes: "\"days\"".
std::string quoted(std::string_view name);

/// `text` quoted for a message, cut to `max_bytes` (with "..." appended when cut) so that a
/// megabyte of argument does not come back in the error.
std::string quote_for_message(std::string_view text, std::size_t max_bytes = 40);

} // namespace llmux::tools
