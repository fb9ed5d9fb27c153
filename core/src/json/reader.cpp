#include "json/json.hpp"

#include <cmath>

namespace llmux::json {

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
  const Value *member = parent.find(key);
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
  return std::string_view(member->as_string());
}

std::optional<std::int64_t> Reader::integer(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (member->is_integer())
    return member->as_integer();
  type_error(key, "an integer", *member);
  return std::nullopt;
}

std::optional<bool> Reader::boolean(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (!member->is_bool()) {
    type_error(key, "a boolean", *member);
    return std::nullopt;
  }
  return member->as_bool();
}

std::optional<std::string> Reader::string_or_number(const Value &parent, std::string_view key) {
  const Value *member = any(parent, key);
  if (!member)
    return std::nullopt;
  if (member->is_string())
    return member->as_string();
  if (member->is_number())
    return dump(*member);
  type_error(key, "a string or a number", *member);
  return std::nullopt;
}

} // namespace llmux::json
