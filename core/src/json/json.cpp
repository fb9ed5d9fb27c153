#include "json/json.hpp"

#include <cmath>

namespace llmux::json {
namespace {

// Builds the DOM through nlohmann's own SAX DOM builder and stops at max_depth.
class DepthLimitedBuilder {
public:
  explicit DepthLimitedBuilder(Value &result) : builder_(result, /*allow_exceptions=*/false) {}

  bool null() { return builder_.null(); }
  bool boolean(bool value) { return builder_.boolean(value); }
  bool number_integer(Value::number_integer_t value) { return builder_.number_integer(value); }
  bool number_unsigned(Value::number_unsigned_t value) { return builder_.number_unsigned(value); }
  bool number_float(Value::number_float_t value, const Value::string_t &text) {
    return builder_.number_float(value, text);
  }
  bool string(Value::string_t &value) { return builder_.string(value); }
  bool binary(Value::binary_t &value) { return builder_.binary(value); }
  bool start_object(std::size_t size) { return enter() && builder_.start_object(size); }
  bool key(Value::string_t &value) { return builder_.key(value); }
  bool end_object() {
    --depth_;
    return builder_.end_object();
  }
  bool start_array(std::size_t size) { return enter() && builder_.start_array(size); }
  bool end_array() {
    --depth_;
    return builder_.end_array();
  }
  bool parse_error(std::size_t position, const std::string &, const nlohmann::detail::exception &e) {
    message_ = e.what();
    position_ = position;
    return false;
  }

  bool too_deep() const { return too_deep_; }
  const std::string &message() const { return message_; }
  std::size_t position() const { return position_; }

private:
  bool enter() {
    if (++depth_ > max_depth) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<Value> builder_;
  int depth_ = 0;
  bool too_deep_ = false;
  std::string message_;
  std::size_t position_ = 0;
};

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; the rest is
// what a reader needs.
std::string strip_exception_tag(const std::string &message) {
  std::size_t tag_end = message.find("] ");
  return tag_end == std::string::npos ? message : message.substr(tag_end + 2);
}

} // namespace

Result<Value> parse(std::string_view text) {
  Value result;
  DepthLimitedBuilder builder(result);
  bool ok = Value::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json,
                             /*strict=*/true, /*ignore_comments=*/false);
  if (ok)
    return result;
  if (builder.too_deep())
    return bad_response("JSON nested deeper than " + std::to_string(max_depth) + " levels");
  return bad_response("invalid JSON: " + strip_exception_tag(builder.message()));
}

std::string dump(const Value &value) {
  return value.dump(-1, ' ', false, Value::error_handler_t::replace);
}

std::string_view type_name(const Value &value) noexcept {
  switch (value.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::object:
      return "an object";
    case Value::value_t::array:
      return "an array";
    case Value::value_t::string:
      return "a string";
    case Value::value_t::boolean:
      return "a boolean";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return "a number";
    case Value::value_t::binary:
      return "binary";
    case Value::value_t::discarded:
      return "discarded";
  }
  return "unknown";
}

const Value *find(const Value &parent, std::string_view key) noexcept {
  if (!parent.is_object())
    return nullptr;
  auto found = parent.find(key);
  return found == parent.end() ? nullptr : &*found;
}

void Reader::type_error(std::string_view key, std::string_view expected, const Value &got) {
  if (error_)
    return;
  std::string message = "the ";
  message += context_;
  message += "'s \"";
  message += key;
  message += "\" is ";
  message += type_name(got);
  message += "; expected ";
  message += expected;
  error_ = bad_response(std::move(message));
}

const Value *Reader::any(const Value &parent, std::string_view key) {
  const Value *member = find(parent, key);
  return member && !member->is_null() ? member : nullptr;
}

const Value *Reader::object(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (member && !member->is_object()) {
    type_error(key, "an object", *member);
    return nullptr;
  }
  return member;
}

const Value *Reader::array(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (member && !member->is_array()) {
    type_error(key, "an array", *member);
    return nullptr;
  }
  return member;
}

std::optional<std::string_view> Reader::string(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (!member->is_string()) {
    type_error(key, "a string", *member);
    return std::nullopt;
  }
  return std::string_view(member->get_ref<const std::string &>());
}

std::optional<std::int64_t> Reader::integer(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (member->is_number_integer() && !member->is_number_unsigned())
    return member->get<std::int64_t>();
  if (member->is_number_unsigned()) {
    auto value = member->get<std::uint64_t>();
    if (value <= static_cast<std::uint64_t>(INT64_MAX))
      return static_cast<std::int64_t>(value);
  } else if (member->is_number_float()) {
    double value = member->get<double>();
    // 2^53: past it doubles stop being exact integers.
    if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) <= 9007199254740992.0)
      return static_cast<std::int64_t>(value);
  }
  type_error(key, "an integer", *member);
  return std::nullopt;
}

std::optional<bool> Reader::boolean(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (!member->is_boolean()) {
    type_error(key, "a boolean", *member);
    return std::nullopt;
  }
  return member->get<bool>();
}

std::optional<std::string> Reader::string_or_number(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (member->is_string())
    return member->get<std::string>();
  if (member->is_number())
    return dump(*member);
  type_error(key, "a string or a number", *member);
  return std::nullopt;
}

} // namespace llmux::json
