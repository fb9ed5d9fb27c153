#include "cache/canonical_json.hpp"

#include "schema/json_equality.hpp"
#include "json/format_double.hpp"
#include "json/read_double.hpp"

#include <llmux/utf8.hpp>

#include <charconv>
#include <cmath>
#include <vector>

namespace llmux {
namespace {

void write_number(const json::Value &value, std::string &out) {
  if (value.is_integer()) {
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value.as_integer());
    out.append(buffer, result.ptr);
    return;
  }
  double number = value.as_double();
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  // The fewest significant digits that read back as the same double (17 always do).
  // format_double rather than to_chars: Emscripten's libc++ has no floating-point to_chars.
  json::DoubleText text;
  for (int digits = 1; digits <= 17; ++digits) {
    text = json::format_double(number, json::DoubleStyle::General, digits);
    if (json::read_double(text.view()) == number)
      break;
  }
  out += text.view();
}

void write_string(const std::string &text, std::string &out) {
  if (is_valid_utf8(text)) {
    json::write_string(text, out);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out += "{\"invalid_utf8_hex\":\"";
  for (unsigned char c : text) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xF]);
  }
  out += "\"}";
}

void write_value(const json::Value &value, std::string &out) {
  switch (value.type()) {
    case json::Type::Null:
      out += "null";
      return;
    case json::Type::Bool:
      out += value.as_bool() ? "true" : "false";
      return;
    case json::Type::Number:
      write_number(value, out);
      return;
    case json::Type::String:
      write_string(value.as_string(), out);
      return;
    case json::Type::Array: {
      out.push_back('[');
      bool first = true;
      for (const json::Value &item : value.items()) {
        if (!first)
          out.push_back(',');
        first = false;
        write_value(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::Type::Object: {
      // Members by key, the last of a duplicated key (the one JSON.parse would read): the
      // schema validator's helper, so that the module holds one sort of members, not two.
      out.push_back('{');
      bool first = true;
      for (const json::Member *member : schema::sorted_distinct_members(value)) {
        if (!first)
          out.push_back(',');
        first = false;
        write_string(member->key, out);
        out.push_back(':');
        write_value(member->value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

} // namespace

void write_canonical_json(const json::Value &value, std::string &out) {
  write_value(value, out);
}

} // namespace llmux
