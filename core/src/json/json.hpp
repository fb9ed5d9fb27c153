#pragma once
// JSON for the core: nlohmann/json behind calls that never throw. Untrusted bytes reach
// nlohmann only through `parse` (its non-throwing SAX path, with a nesting limit) and leave
// only through `dump` (which replaces invalid UTF-8 instead of throwing).

#include <llmux/error.hpp>
#include <llmux/result.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmux::json {

using Value = nlohmann::json;

/// Deepest nesting accepted. Provider responses nest a handful of levels and tool arguments
/// rarely a dozen; the limit keeps recursive code (dump, copy) far from the stack's end on
/// hostile input such as a megabyte of '['.
inline constexpr int max_depth = 256;

/// Parses one JSON text. Fails with bad_response (saying where and why) on invalid JSON,
/// invalid UTF-8 in strings, trailing bytes, or nesting deeper than max_depth.
Result<Value> parse(std::string_view text);

/// Compact JSON text. Never throws: invalid UTF-8 in strings becomes U+FFFD.
std::string dump(const Value &value);

/// A readable name of the JSON type of `value` ("a number", "an object").
std::string_view type_name(const Value &value) noexcept;

/// Reads members of provider JSON and remembers the first one of the wrong type, so that a
/// decoder can read many fields and check once. Absent and null members read as absent.
class Reader {
public:
  /// `context` names what is read, for messages ("chat completion chunk").
  explicit Reader(std::string_view context) : context_(context) {}

  const Value *object(const Value &parent, std::string_view key);
  const Value *array(const Value &parent, std::string_view key);
  std::optional<std::string_view> string(const Value &parent, std::string_view key);
  /// An integer; a float with an integral value is accepted (some servers send 12.0).
  std::optional<std::int64_t> integer(const Value &parent, std::string_view key);
  std::optional<bool> boolean(const Value &parent, std::string_view key);
  /// A string, or a number given as its decimal text (error codes come both ways).
  std::optional<std::string> string_or_number(const Value &parent, std::string_view key);
  /// Any non-null member.
  const Value *any(const Value &parent, std::string_view key);

  /// Records a type error for `key` unless one is recorded already.
  void type_error(std::string_view key, std::string_view expected, const Value &got);

  bool failed() const noexcept { return error_.has_value(); }
  const std::optional<Error> &error() const noexcept { return error_; }

private:
  std::string_view context_;
  std::optional<Error> error_;
};

/// The member `key` of `parent`, or null when `parent` is not an object or lacks it.
const Value *find(const Value &parent, std::string_view key) noexcept;

} // namespace llmux::json
