#include "cache/canonical_json.hpp"

#include <llmux/utf8.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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
  // The fewest significant digits that read back as the same double (17 always do). snprintf
  // rather than to_chars: Emscripten's libc++ has no floating-point to_chars.
  char buffer[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, number);
    if (std::strtod(buffer, nullptr) == number)
      break;
  }
  out += buffer;
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
      // Members by key; a stable sort keeps duplicates in their order, so the last of each run
      // is the one JSON.parse would read.
      std::vector<const json::Member *> members;
      members.reserve(value.members().size());
      for (const json::Member &member : value.members())
        members.push_back(&member);
      std::stable_sort(
          members.begin(), members.end(),
          [](const json::Member *a, const json::Member *b) { return a->key < b->key; });
      out.push_back('{');
      bool first = true;
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i + 1 < members.size() && members[i + 1]->key == members[i]->key)
          continue;
        if (!first)
          out.push_back(',');
        first = false;
        write_string(members[i]->key, out);
        out.push_back(':');
        write_value(members[i]->value, out);
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
