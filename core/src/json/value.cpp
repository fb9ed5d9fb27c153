#include "json/json.hpp"

#include <cmath>

namespace llmux::json {
namespace {
const std::string empty_string;
const std::vector<Value> empty_items;
const std::vector<Member> empty_members;

// 2^63 as a double: the first value past std::int64_t's range.
constexpr double int64_limit = 9223372036854775808.0;
} // namespace

Value::Value(const Value &other) : type_(other.type_) {
  switch (type_) {
    case Type::Null:
      break;
    case Type::Bool:
      boolean_ = other.boolean_;
      break;
    case Type::Number:
      number_ = other.number_;
      break;
    case Type::String:
      new (&string_) std::string(other.string_);
      break;
    case Type::Array:
      new (&items_) std::vector<Value>(other.items_);
      break;
    case Type::Object:
      new (&members_) std::vector<Member>(other.members_);
      break;
  }
}

Value &Value::operator=(const Value &other) {
  if (this != &other) {
    Value copy(other);
    destroy();
    move_from(std::move(copy));
  }
  return *this;
}

Value &Value::operator=(Value &&other) noexcept {
  if (this != &other) {
    // Through a temporary: `other` may live inside this value (a member of it), and
    // destroying this first would free it.
    Value taken(std::move(other));
    destroy();
    move_from(std::move(taken));
  }
  return *this;
}

void Value::set_items(std::vector<Value> &&items) noexcept {
  destroy();
  type_ = Type::Array;
  new (&items_) std::vector<Value>(std::move(items));
}

void Value::set_members(std::vector<Member> &&members) noexcept {
  destroy();
  type_ = Type::Object;
  new (&members_) std::vector<Member>(std::move(members));
}

bool is_int64(double value) noexcept {
  return std::isfinite(value) && std::trunc(value) == value && value >= -int64_limit &&
         value < int64_limit;
}

Value::Value(double value) noexcept : type_(Type::Number) {
  Number number{value, 0, false};
  if (is_int64(value)) {
    number.integer = static_cast<std::int64_t>(value);
    number.is_integer = true;
  }
  number_ = number;
}

Value::Value(unsigned long value) noexcept : Value(static_cast<unsigned long long>(value)) {}

Value::Value(unsigned long long value) noexcept
    : Value(value <= static_cast<unsigned long long>(INT64_MAX)
                ? Number{static_cast<double>(value), static_cast<std::int64_t>(value), true}
                : Number{static_cast<double>(value), 0, false}) {}

Value Value::array(std::initializer_list<Value> items) {
  Value out;
  out.set_items(std::vector<Value>(items));
  return out;
}

Value Value::object(std::initializer_list<std::pair<std::string_view, Value>> members) {
  Value out;
  std::vector<Member> list;
  list.reserve(members.size());
  for (const auto &[key, value] : members)
    list.push_back(Member{std::string(key), value});
  out.set_members(std::move(list));
  return out;
}

bool Value::is_integer() const noexcept {
  const Number *number = (type_ == Type::Number ? &number_ : nullptr);
  return number && number->is_integer;
}

bool Value::as_bool() const noexcept {
  const bool *value = (type_ == Type::Bool ? &boolean_ : nullptr);
  return value && *value;
}

std::int64_t Value::as_integer() const noexcept {
  const Number *number = (type_ == Type::Number ? &number_ : nullptr);
  return number && number->is_integer ? number->integer : 0;
}

double Value::as_double() const noexcept {
  const Number *number = (type_ == Type::Number ? &number_ : nullptr);
  return number ? number->value : 0;
}

const std::string &Value::as_string() const noexcept {
  const std::string *value = (type_ == Type::String ? &string_ : nullptr);
  return value ? *value : empty_string;
}

const std::vector<Value> &Value::items() const noexcept {
  const auto *items = (type_ == Type::Array ? &items_ : nullptr);
  return items ? *items : empty_items;
}

const std::vector<Member> &Value::members() const noexcept {
  const auto *members = (type_ == Type::Object ? &members_ : nullptr);
  return members ? *members : empty_members;
}

std::size_t Value::size() const noexcept {
  if (const auto *items = (type_ == Type::Array ? &items_ : nullptr))
    return items->size();
  if (const auto *members = (type_ == Type::Object ? &members_ : nullptr))
    return members->size();
  return 0;
}

const Value *Value::find(std::string_view key) const noexcept {
  const auto *members = (type_ == Type::Object ? &members_ : nullptr);
  if (!members)
    return nullptr;
  for (auto it = members->rbegin(); it != members->rend(); ++it)
    if (it->key == key)
      return &it->value;
  return nullptr;
}

Value &Value::operator[](std::string_view key) {
  if (!is_object())
    set_members({});
  auto &members = *(type_ == Type::Object ? &members_ : nullptr);
  for (auto it = members.rbegin(); it != members.rend(); ++it)
    if (it->key == key)
      return it->value;
  members.push_back(Member{std::string(key), Value()});
  return members.back().value;
}

void Value::push_back(Value item) {
  if (!is_array())
    set_items({});
  (type_ == Type::Array ? &items_ : nullptr)->push_back(std::move(item));
}

Value &Value::back() noexcept {
  return (type_ == Type::Array ? &items_ : nullptr)->back();
}

bool operator==(const Value &a, const Value &b) noexcept {
  if (a.type() != b.type())
    return false;
  switch (a.type()) {
    case Type::Null:
      return true;
    case Type::Bool:
      return a.as_bool() == b.as_bool();
    case Type::Number:
      if (a.is_integer() && b.is_integer())
        return a.as_integer() == b.as_integer();
      return a.as_double() == b.as_double();
    case Type::String:
      return a.as_string() == b.as_string();
    case Type::Array:
      return a.items() == b.items();
    case Type::Object: {
      // Objects compare as JSON objects do: the same keys with equal values, in any order.
      if (a.size() != b.size())
        return false;
      for (const Member &member : a.members()) {
        const Value *other = b.find(member.key);
        if (!other || !(*a.find(member.key) == *other))
          return false;
      }
      return true;
    }
  }
  return false;
}

std::string_view type_name(const Value &value) noexcept {
  switch (value.type()) {
    case Type::Null:
      return "null";
    case Type::Bool:
      return "a boolean";
    case Type::Number:
      return "a number";
    case Type::String:
      return "a string";
    case Type::Array:
      return "an array";
    case Type::Object:
      return "an object";
  }
  return "unknown";
}

} // namespace llmux::json
