#pragma once
// Reading the JavaScript API's JSON strictly, with errors that name the member's path
// ("messages[2].content: must be a string or an array of parts"). Private to core/src/api.
//
// The first error wins: later reads return nothing, so a parser can read everything and
// check once at the end.

#include <llmux/error.hpp>
#include <llmux/result.hpp>
#include <llmux/retry_policy.hpp>

#include "json/json.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace llmux::api {

class ApiReader {
public:
  /// Fails with "<path>: <what>", unless an error is recorded already.
  void fail(std::string_view path, std::string_view what);

  /// The member `key` of `object` when present and not null.
  static const json::Value *member(const json::Value &object, std::string_view key) noexcept;

  std::optional<std::string> string(const json::Value &object, std::string_view key,
                                    std::string_view path);
  std::optional<bool> boolean(const json::Value &object, std::string_view key,
                              std::string_view path);
  /// A finite number.
  std::optional<double> number(const json::Value &object, std::string_view key,
                               std::string_view path);
  /// An integer from `min` to `max`.
  std::optional<std::int64_t> integer(const json::Value &object, std::string_view key,
                                      std::string_view path, std::int64_t min, std::int64_t max);
  /// An array of strings.
  std::optional<std::vector<std::string>> strings(const json::Value &object,
                                                  std::string_view key, std::string_view path);

  /// Fails when `object` has a member not in `known` (a misspelt option must not be ignored).
  void only(const json::Value &object, std::initializer_list<std::string_view> known,
            std::string_view path);

  bool failed() const noexcept { return error_.has_value(); }
  const Error &error() const noexcept { return *error_; }

private:
  std::optional<Error> error_;
};

/// Reads a retry policy {maxRetries?, initialDelayMs?, maxDelayMs?, maxRetryAfterMs?} over
/// what `policy` holds.
void read_retry(ApiReader &reader, const json::Value &value, std::string_view path,
                RetryPolicy &policy);

/// The JSON object `text` holds: invalid_argument "<what>: not JSON: ..." or "<what>: must
/// be an object" otherwise.
Result<json::Value> parse_object_text(std::string_view text, std::string_view what);

/// A core name in JavaScript's case: "input_tokens" is "inputTokens".
std::string camel_case(std::string_view snake);

/// `path` + "." + `key` (or just `key` at the top).
std::string member_path(std::string_view path, std::string_view key);
/// `path` + "[" + index + "]".
std::string item_path(std::string_view path, std::size_t index);

} // namespace llmux::api
