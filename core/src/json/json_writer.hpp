#pragma once
// The core's one way to write JSON text: object and array writers that append to a string as
// they go, for request bodies, the API layer's results and events, and the bindings. No tree
// is built and nothing is allocated per member beyond the output string's own growth: a small
// chat's request body is a few hundred bytes, and a tree of a dozen values (each allocated,
// moved and freed) cost more than the writing.
//
//   std::string body;
//   json::ObjectWriter object(body);
//   object.member("model", request.model);              // a string, quoted and escaped
//   object.member("max_tokens", *request.max_tokens);   // an integer
//   object.member("temperature", 0.7);                  // a double, as json::write writes it
//   object.member("stream", true);
//   json::ArrayWriter stop = object.array("stop");      // a nested array...
//   stop.item("END");
//   stop.close();                                       // ...closed before the parent goes on
//   json::ObjectWriter options = object.object("stream_options");
//   options.member("include_usage", true);
//   options.close();
//   object.raw_member("schema", R"({"type":"object"})"); // JSON text written elsewhere
//   object.close();
//   // body: {"model":"gpt-4o-mini","max_tokens":256,"temperature":0.7,"stream":true,
//   //        "stop":["END"],"stream_options":{"include_usage":true},"schema":{"type":"object"}}
//
// Member names are written as they are given: literals that need no escaping, as every name
// the core writes is; so are string literals given as values ("function", "text"). A name
// from elsewhere (a user's extra_body) goes through escaped_key(), any other string is escaped.
// While a nested writer is open, write only to it; close() each writer exactly once.

#include "json/json.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace llmux::json {

/// An integer type other than bool (bool is written as true or false).
template <class T>
concept JsonInteger = std::integral<T> && !std::same_as<T, bool>;

/// Appends `value` as one JSON value to `out`: a string quoted and escaped, an integer, a
/// double as write_double writes it, a bool, null, or a tree as write() writes it. The writers
/// below write every member and item through these.
inline void write_value(std::string_view value, std::string &out) { write_string(value, out); }
inline void write_value(const std::string &value, std::string &out) { write_string(value, out); }
inline void write_value(const char *value, std::string &out) {
  write_string(std::string_view(value), out);
}
template <JsonInteger Integer> void write_value(Integer value, std::string &out) {
  if constexpr (std::is_signed_v<Integer>)
    write_integer(static_cast<std::int64_t>(value), out);
  else
    write_unsigned(static_cast<std::uint64_t>(value), out);
}
inline void write_value(double value, std::string &out) { write_double(value, out); }
inline void write_value(bool value, std::string &out) { out += value ? "true" : "false"; }
inline void write_value(std::nullptr_t, std::string &out) { out += "null"; }
inline void write_value(const Value &value, std::string &out) { write(value, out); }
/// An array of strings (stop sequences).
inline void write_value(const std::vector<std::string> &values, std::string &out) {
  char separator = '[';
  for (const std::string &value : values) {
    out.push_back(separator);
    separator = ',';
    write_string(value, out);
  }
  out += separator == '[' ? "[]" : "]";
}

/// A string literal that needs no escaping ("function", "text"), quoted as it is: the writers
/// write their literal values through it, as hand-written JSON would, rather than scanning
/// them for characters to escape.
template <std::size_t N> void write_literal(const char (&text)[N], std::string &out) {
  out.push_back('"');
  out.append(text, N - 1);
  out.push_back('"');
}

/// `value` as write_value writes it, or as write_literal writes it when it is a string
/// literal: what the writers write members and items with.
template <class T> void write_any(const T &value, std::string &out) {
  if constexpr (std::is_array_v<T>)
    write_literal(value, out);
  else
    write_value(value, out);
}

class ArrayWriter;

/// Writes one JSON object into a string: '{' when made, each member with its comma, '}' at
/// close(). The string must outlive the writer.
class ObjectWriter {
public:
  explicit ObjectWriter(std::string &out) : out_(out) { out_.push_back('{'); }

  /// The member `name` (a literal needing no escaping) with any value write_value writes; a
  /// string literal value is written as it is, so it too must need no escaping.
  template <class T> void member(std::string_view name, const T &value) {
    write_any(value, key(name));
  }
  /// `json_text`, which must be one JSON value, written as it is.
  void raw_member(std::string_view name, std::string_view json_text) { key(name) += json_text; }

  /// A nested object or array under `name`: close it before writing here again.
  ObjectWriter object(std::string_view name) { return ObjectWriter(key(name)); }
  ArrayWriter array(std::string_view name);

  /// Starts the member `name` (a literal needing no escaping); the caller appends its JSON
  /// value to the string returned.
  std::string &key(std::string_view name) {
    // The comma (none before the first member) and the quote in one append, without a
    // branch: a body or a result writes dozens of names.
    out_.append(&",\""[first_], 2 - first_);
    first_ = false;
    out_.append(name.data(), name.size());
    out_.append("\":", 2);
    return out_;
  }
  /// The same for a name that may need escaping.
  std::string &escaped_key(std::string_view name) {
    if (!first_)
      out_.push_back(',');
    first_ = false;
    write_string(name, out_);
    out_.push_back(':');
    return out_;
  }

  /// No member written yet.
  bool empty() const noexcept { return first_; }
  void close() { out_.push_back('}'); }

private:
  std::string &out_;
  bool first_ = true;
};

/// Writes one JSON array into a string: '[' when made, each item with its comma, ']' at
/// close(). The string must outlive the writer.
class ArrayWriter {
public:
  explicit ArrayWriter(std::string &out) : out_(out) { out_.push_back('['); }

  /// An item of any value write_value writes; a string literal is written as it is, so it
  /// must need no escaping.
  template <class T> void item(const T &value) { write_any(value, next()); }
  /// `json_text`, which must be one JSON value, written as it is.
  void raw_item(std::string_view json_text) { next() += json_text; }

  /// A nested object or array: close it before writing here again.
  ObjectWriter object() { return ObjectWriter(next()); }
  ArrayWriter array() { return ArrayWriter(next()); }

  /// Starts an item; the caller appends its JSON value to the string returned.
  std::string &next() {
    if (!first_)
      out_.push_back(',');
    first_ = false;
    return out_;
  }

  /// No item written yet.
  bool empty() const noexcept { return first_; }
  void close() { out_.push_back(']'); }

private:
  std::string &out_;
  bool first_ = true;
};

inline ArrayWriter ObjectWriter::array(std::string_view name) {
  return ArrayWriter(key(name));
}

} // namespace llmux::json
