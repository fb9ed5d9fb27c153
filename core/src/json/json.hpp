#pragma once
// JSON for the core: a small value type, a strict parser and a compact writer, written for
// what the core needs. Nothing here throws: bad input is an Error value. It replaces a
// general-purpose library because the core must be small in Wasm and parse a stream chunk
// in well under a microsecond (see bench/).

#include <llmux/error.hpp>
#include <llmux/result.hpp>

#include <cstdint>
#include <initializer_list>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmux::json {

enum class Type : std::uint8_t { Null, Bool, Number, String, Array, Object };

struct Member;

/// Whether `value` is an integer that std::int64_t holds exactly: a Value made from it is an
/// integer, and is written as one.
bool is_int64(double value) noexcept;

/// A JSON value. Objects keep their members in order (so request bodies read as the
/// providers document them); a duplicated key reads as its last occurrence, as in
/// JavaScript's JSON.parse.
class Value {
public:
  Value() noexcept;
  Value(std::nullptr_t) noexcept;
  Value(bool value) noexcept;
  Value(int value) noexcept;
  Value(long value) noexcept;
  Value(long long value) noexcept;
  Value(unsigned value) noexcept;
  Value(unsigned long value) noexcept;
  Value(unsigned long long value) noexcept;
  Value(double value) noexcept;
  Value(std::string value) noexcept;
  Value(std::string_view value);
  Value(const char *value);

  Value(const Value &other);
  Value(Value &&other) noexcept;
  Value &operator=(const Value &other);
  Value &operator=(Value &&other) noexcept;
  ~Value();

  /// An array of `items`.
  static Value array(std::initializer_list<Value> items = {});
  /// An object of `members`, in order.
  static Value object(std::initializer_list<std::pair<std::string_view, Value>> members = {});

  Type type() const noexcept { return type_; }
  bool is_null() const noexcept { return type() == Type::Null; }
  bool is_bool() const noexcept { return type() == Type::Bool; }
  bool is_number() const noexcept { return type() == Type::Number; }
  bool is_string() const noexcept { return type() == Type::String; }
  bool is_array() const noexcept { return type() == Type::Array; }
  bool is_object() const noexcept { return type() == Type::Object; }
  /// A number whose value is an integer that fits std::int64_t.
  bool is_integer() const noexcept;

  /// Accessors. Each returns an empty default when the type does not match.
  bool as_bool() const noexcept;
  std::int64_t as_integer() const noexcept;
  double as_double() const noexcept;
  const std::string &as_string() const noexcept;
  const std::vector<Value> &items() const noexcept;
  const std::vector<Member> &members() const noexcept;
  /// The number of items or members; 0 for other types.
  std::size_t size() const noexcept;
  bool empty() const noexcept { return size() == 0; }

  /// The member `key` of an object (its last occurrence), or null.
  const Value *find(std::string_view key) const noexcept;

  /// The member `key`, added (as null) when absent. A value that is not an object becomes
  /// an empty object first.
  Value &operator[](std::string_view key);
  /// Appends an item. A value that is not an array becomes an empty array first.
  void push_back(Value item);
  /// The last item of an array. Precondition: a non-empty array.
  Value &back() noexcept;

  friend bool operator==(const Value &a, const Value &b) noexcept;

private:
  friend class Parser;
  struct Number {
    double value = 0;
    std::int64_t integer = 0;
    bool is_integer = false;
  };
  Value(std::int64_t value, int) noexcept;
  explicit Value(Number number) noexcept : type_(Type::Number), number_(number) {}
  // Precondition: this is null. Makes it an empty string, for the parser to fill in place.
  std::string &make_string() noexcept {
    type_ = Type::String;
    return *new (&string_) std::string();
  }
  void set_items(std::vector<Value> &&items) noexcept;
  void set_members(std::vector<Member> &&members) noexcept;
  // Precondition: this holds nothing (constructing, or destroyed). `other` keeps its type,
  // holding what a moved-from string or vector holds.
  void move_from(Value &&other) noexcept;
  void destroy() noexcept;

  // A tagged union, not std::variant: libc++'s variant moves and destroys through tables of
  // functions that the Wasm build (-Oz) does not inline, and building, parsing and freeing a
  // tree is mostly moves and destructions (a chat's response parse spent a third of its time
  // in them).
  Type type_ = Type::Null;
  union {
    bool boolean_;
    Number number_;
    std::string string_;
    std::vector<Value> items_;
    std::vector<Member> members_;
  };
};

struct Member {
  std::string key;
  Value value;
  friend bool operator==(const Member &, const Member &) noexcept = default;
};

// Value's constructors, destructor and moves are defined only here, after Member is complete:
// defined in the class, they would use std::vector<Member> while Member is incomplete, which
// clang with libstdc++ rejects (g++ accepts it).
inline Value::Value() noexcept {}
inline Value::Value(std::nullptr_t) noexcept {}
inline Value::Value(bool value) noexcept : type_(Type::Bool), boolean_(value) {}
inline Value::Value(int value) noexcept : Value(Number{static_cast<double>(value), value, true}) {}
inline Value::Value(long value) noexcept : Value(static_cast<std::int64_t>(value), 0) {}
inline Value::Value(long long value) noexcept : Value(static_cast<std::int64_t>(value), 0) {}
inline Value::Value(unsigned value) noexcept : Value(static_cast<std::int64_t>(value), 0) {}
inline Value::Value(std::string value) noexcept : type_(Type::String), string_(std::move(value)) {}
inline Value::Value(std::string_view value) : type_(Type::String), string_(value) {}
inline Value::Value(const char *value) : type_(Type::String), string_(value) {}
inline Value::Value(std::int64_t value, int) noexcept
    : Value(Number{static_cast<double>(value), value, true}) {}
inline Value::Value(Value &&other) noexcept {
  move_from(std::move(other));
}
inline Value::~Value() {
  destroy();
}

inline void Value::move_from(Value &&other) noexcept {
  type_ = other.type_;
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
      new (&string_) std::string(std::move(other.string_));
      break;
    case Type::Array:
      new (&items_) std::vector<Value>(std::move(other.items_));
      break;
    case Type::Object:
      new (&members_) std::vector<Member>(std::move(other.members_));
      break;
  }
}

inline void Value::destroy() noexcept {
  switch (type_) {
    case Type::String:
      string_.~basic_string();
      break;
    case Type::Array:
      items_.~vector();
      break;
    case Type::Object:
      members_.~vector();
      break;
    default:
      break;
  }
}

/// Deepest nesting accepted. Provider responses nest a handful of levels and tool arguments
/// rarely a dozen; the limit keeps the recursive parser, writer and destructor far from the
/// stack's end on hostile input such as a megabyte of '['.
inline constexpr int max_depth = 256;

/// Parses one JSON text (RFC 8259, strictly: no comments, no trailing commas, no lone
/// surrogates, valid UTF-8). Fails with bad_response saying what and at which byte.
Result<Value> parse(std::string_view text);

/// Compact JSON text. Invalid UTF-8 in strings becomes U+FFFD; NaN and infinities, which
/// JSON cannot express, become null.
std::string dump(const Value &value);
/// Appends the compact JSON text of `value` to `out`.
void write(const Value &value, std::string &out);
/// Appends `text` as a JSON string literal (quoted and escaped) to `out`.
void write_string(std::string_view text, std::string &out);
/// The same for a std::string: out of line, so that a caller does not inline the string's
/// data() and size() (a request body writes a dozen of them).
void write_string(const std::string &text, std::string &out);

/// Appends `value` as JSON text to `out`.
void write_integer(std::int64_t value, std::string &out);
void write_unsigned(std::uint64_t value, std::string &out);
/// Appends `value` as write() writes a Value made from it: an integral value in
/// std::int64_t's range as an integer ("2", not "2.0"), others in the shortest of 15 or 17
/// significant digits that reads back the same ("0.7"), NaN and infinities as null.
void write_double(double value, std::string &out);

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
  /// A string member; the view lives as long as `parent`.
  std::optional<std::string_view> string(const Value &parent, std::string_view key);
  /// An integer; a float with an integral value is accepted (some servers send 12.0).
  std::optional<std::int64_t> integer(const Value &parent, std::string_view key);
  std::optional<bool> boolean(const Value &parent, std::string_view key);
  /// A string, or a number given as its JSON text (error codes come both ways).
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
inline const Value *find(const Value &parent, std::string_view key) noexcept {
  return parent.find(key);
}

} // namespace llmux::json
