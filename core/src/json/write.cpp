#include "json/format_double.hpp"
#include "json/json.hpp"
#include "json/read_double.hpp"

#include <llmux/utf8.hpp>

#include <charconv>
#include <cmath>

namespace llmux::json {
namespace {

void write_number(const Value &value, std::string &out) {
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
  // The shortest of 15 or 17 significant digits that reads back as the same double: 0.7
  // stays "0.7" rather than "0.69999999999999996". (Emscripten's libc++ has no
  // floating-point to_chars.)
  DoubleText text = format_double(number, DoubleStyle::General, 15);
  if (read_double(text.view()) != number)
    text = format_double(number, DoubleStyle::General, 17);
  out += text.view();
}

void write_value(const Value &value, std::string &out) {
  switch (value.type()) {
    case Type::Null:
      out += "null";
      return;
    case Type::Bool:
      out += value.as_bool() ? "true" : "false";
      return;
    case Type::Number:
      write_number(value, out);
      return;
    case Type::String:
      write_string(value.as_string(), out);
      return;
    case Type::Array: {
      out.push_back('[');
      bool first = true;
      for (const Value &item : value.items()) {
        if (!first)
          out.push_back(',');
        first = false;
        write_value(item, out);
      }
      out.push_back(']');
      return;
    }
    case Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const Member &member : value.members()) {
        if (!first)
          out.push_back(',');
        first = false;
        write_string(member.key, out);
        out.push_back(':');
        write_value(member.value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

void write_escaped(std::string_view text, std::string &out) {
  static constexpr char hex[] = "0123456789abcdef";
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(text.substr(run_start, i - run_start));
    run_start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
    }
  }
  out.append(text.substr(run_start));
}

} // namespace

void write_string(std::string_view text, std::string &out) {
  out.push_back('"');
  if (is_valid_utf8(text))
    write_escaped(text, out);
  else
    write_escaped(replace_invalid_utf8(text), out);
  out.push_back('"');
}

void write(const Value &value, std::string &out) {
  write_value(value, out);
}

std::string dump(const Value &value) {
  std::string out;
  write_value(value, out);
  return out;
}

} // namespace llmux::json
