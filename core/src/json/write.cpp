#include "json/format_double.hpp"
#include "json/json.hpp"
#include "json/read_double.hpp"
#include "json/string_scan.hpp"

#include <llmux/utf8.hpp>

#include <charconv>
#include <cmath>
#include <cstring>

namespace llmux::json {
namespace {

void write_number(const Value &value, std::string &out) {
  if (value.is_integer())
    write_integer(value.as_integer(), out);
  else
    write_double(value.as_double(), out);
}

void write_tree(const Value &value, std::string &out) {
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
        write_tree(item, out);
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
        write_tree(member.value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

// The length of the leading run of `text` that a JSON string holds as it is: no '"', '\\' or
// control character, and no byte >= 0x80 when `stop_at_non_ascii`. Scanned eight bytes at a
// time: most strings written (request bodies, headers, a result's members) are long runs of
// such bytes.
std::size_t unescaped_prefix(std::string_view text, bool stop_at_non_ascii) noexcept {
  const std::uint64_t non_ascii = stop_at_non_ascii ? 0x8080808080808080ULL : 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (needs_attention(word) || (word & non_ascii))
      break;
  }
  for (; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == '"' || c == '\\' || (c & non_ascii))
      break;
  }
  return i;
}

// Precondition: `text` is valid UTF-8.
void write_escaped(std::string_view text, std::string &out) {
  static constexpr char hex[] = "0123456789abcdef";
  while (true) {
    const std::size_t run = unescaped_prefix(text, false);
    out.append(text.data(), run);
    if (run == text.size())
      return;
    const unsigned char c = static_cast<unsigned char>(text[run]);
    text.remove_prefix(run + 1);
    char escape;
    switch (c) {
      case '"':
      case '\\':
        escape = static_cast<char>(c);
        break;
      case '\n':
        escape = 'n';
        break;
      case '\r':
        escape = 'r';
        break;
      case '\t':
        escape = 't';
        break;
      case '\b':
        escape = 'b';
        break;
      case '\f':
        escape = 'f';
        break;
      default: {
        const char unicode[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        out.append(unicode, sizeof unicode);
        continue;
      }
    }
    const char pair[] = {'\\', escape};
    out.append(pair, sizeof pair);
  }
}

} // namespace

void write_integer(std::int64_t value, std::string &out) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

void write_unsigned(std::uint64_t value, std::string &out) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

void write_double(double number, std::string &out) {
  // An integral double is written as the Value made from it would be: as an integer.
  if (is_int64(number)) {
    write_integer(static_cast<std::int64_t>(number), out);
    return;
  }
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

void write_string(std::string_view text, std::string &out) {
  out.push_back('"');
  // The plain prefix is whole ASCII characters: the rest is checked and escaped alone.
  const std::size_t plain = unescaped_prefix(text, true);
  out.append(text.data(), plain);
  text.remove_prefix(plain);
  if (is_valid_utf8(text))
    write_escaped(text, out);
  else
    write_escaped(replace_invalid_utf8(text), out);
  out.push_back('"');
}

void write_string(const std::string &text, std::string &out) {
  write_string(std::string_view(text), out);
}

void write(const Value &value, std::string &out) {
  write_tree(value, out);
}

std::string dump(const Value &value) {
  std::string out;
  write_tree(value, out);
  return out;
}

} // namespace llmux::json
