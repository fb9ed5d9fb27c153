#include "api/api_reader.hpp"

#include <cmath>

namespace llmux::api {

Result<json::Value> parse_object_text(std::string_view text, std::string_view what) {
  auto parsed = json::parse(text);
  ApiReader reader;
  if (!parsed.ok())
    reader.fail(what, "not JSON: " + parsed.error().message);
  else if (!parsed.value().is_object())
    reader.fail(what, "must be an object");
  if (reader.failed())
    return reader.error();
  return parsed;
}

std::string camel_case(std::string_view snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

std::string member_path(std::string_view path, std::string_view key) {
  if (path.empty())
    return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string item_path(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

void ApiReader::fail(std::string_view path, std::string_view what) {
  if (error_)
    return;
  std::string message(path);
  message += ": ";
  message += what;
  error_ = make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

const json::Value *ApiReader::member(const json::Value &object, std::string_view key) noexcept {
  const json::Value *value = object.find(key);
  return value && !value->is_null() ? value : nullptr;
}

std::optional<std::string> ApiReader::string(const json::Value &object, std::string_view key,
                                             std::string_view path) {
  const json::Value *value = member(object, key);
  if (!value)
    return std::nullopt;
  if (!value->is_string()) {
    fail(member_path(path, key), "must be a string");
    return std::nullopt;
  }
  return value->as_string();
}

std::optional<bool> ApiReader::boolean(const json::Value &object, std::string_view key,
                                       std::string_view path) {
  const json::Value *value = member(object, key);
  if (!value)
    return std::nullopt;
  if (!value->is_bool()) {
    fail(member_path(path, key), "must be a boolean");
    return std::nullopt;
  }
  return value->as_bool();
}

std::optional<double> ApiReader::number(const json::Value &object, std::string_view key,
                                        std::string_view path) {
  const json::Value *value = member(object, key);
  if (!value)
    return std::nullopt;
  if (!value->is_number() || !std::isfinite(value->as_double())) {
    fail(member_path(path, key), "must be a finite number");
    return std::nullopt;
  }
  return value->as_double();
}

std::optional<std::int64_t> ApiReader::integer(const json::Value &object, std::string_view key,
                                               std::string_view path, std::int64_t min,
                                               std::int64_t max) {
  const json::Value *value = member(object, key);
  if (!value)
    return std::nullopt;
  if (!value->is_integer() || value->as_integer() < min || value->as_integer() > max) {
    fail(member_path(path, key),
         "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return value->as_integer();
}

std::optional<std::vector<std::string>> ApiReader::strings(const json::Value &object,
                                                           std::string_view key,
                                                           std::string_view path) {
  const json::Value *value = member(object, key);
  if (!value)
    return std::nullopt;
  std::vector<std::string> out;
  bool ok = value->is_array();
  if (ok) {
    for (const json::Value &item : value->items()) {
      if (!item.is_string()) {
        ok = false;
        break;
      }
      out.push_back(item.as_string());
    }
  }
  if (!ok) {
    fail(member_path(path, key), "must be an array of strings");
    return std::nullopt;
  }
  return out;
}

void ApiReader::only(const json::Value &object, std::initializer_list<std::string_view> known,
                     std::string_view path) {
  for (const json::Member &entry : object.members()) {
    bool listed = false;
    for (std::string_view name : known)
      listed = listed || name == entry.key;
    if (!listed) {
      fail(member_path(path, entry.key), "is not an option llmux knows");
      return;
    }
  }
}

} // namespace llmux::api
