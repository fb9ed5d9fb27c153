#include "json/json.hpp"
#include "json/read_double.hpp"
#include "json/string_scan.hpp"

#include <llmux/utf8.hpp>

#include <cstdlib>
#include <cstring>
#include <iterator>

namespace llmux::json {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

void append_utf8(std::uint32_t code_point, std::string &out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// The stacks a parse collects open containers' members and items on. They outlive a parse
// so that their capacity is reused: a stream parses thousands of small texts, and growing
// fresh stacks for each cost as many allocations as the stacks saved.
struct Scratch {
  std::vector<Member> members;
  std::vector<Value> items;

  // Empties the stacks (a failed parse leaves entries), and gives back the memory of a
  // large document's stacks rather than hold it for the rest of the thread's life.
  void reset() {
    constexpr std::size_t kept_entries = 256;
    members.clear();
    items.clear();
    if (members.capacity() > kept_entries)
      std::vector<Member>().swap(members);
    if (items.capacity() > kept_entries)
      std::vector<Value>().swap(items);
  }
};

} // namespace

// A recursive-descent parser over the whole text. Recursion is bounded by max_depth.
class Parser {
public:
  Parser(std::string_view text, Scratch &scratch)
      : text_(text), members_(scratch.members), items_(scratch.items) {}

  Result<Value> run() {
    Value value;
    if (!parse_value(value, 0))
      return error();
    skip_whitespace();
    if (pos_ != text_.size() && !fail("unexpected bytes after the JSON value"))
      return error();
    return value;
  }

private:
  Error error() const {
    if (too_deep_)
      return bad_response("JSON nested deeper than " + std::to_string(max_depth) + " levels");
    return bad_response("invalid JSON: " + message_ + " at byte " + std::to_string(error_at_));
  }

  bool fail(std::string message) {
    message_ = std::move(message);
    error_at_ = pos_;
    return false;
  }

  void skip_whitespace() noexcept {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
        return;
      ++pos_;
    }
  }

  // Precondition: `out` is null. Scalars are parsed into it in place; see parse_member.
  bool parse_value(Value &out, int depth) {
    skip_whitespace();
    if (pos_ >= text_.size())
      return fail(pos_ == 0 ? "empty input" : "unexpected end of input");
    switch (text_[pos_]) {
      case '{':
        return parse_object(out, depth);
      case '[':
        return parse_array(out, depth);
      case '"':
        return parse_string(out.make_string());
      case 't':
        return parse_literal("true", out, Value(true));
      case 'f':
        return parse_literal("false", out, Value(false));
      case 'n':
        return parse_literal("null", out, Value());
      default:
        if (text_[pos_] == '-' || is_digit(text_[pos_]))
          return parse_number(out);
        return fail("unexpected character");
    }
  }

  bool enter(int depth) {
    if (depth >= max_depth) {
      too_deep_ = true;
      return fail("too deep");
    }
    return true;
  }

  // Consumes `c` if it comes next, after whitespace.
  bool consume(char c) {
    skip_whitespace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  enum class After : std::uint8_t { More, End, Failed };

  // What follows an element of a container closed by `close`: ',' or the end.
  After after_element(char close, const char *expected) {
    skip_whitespace();
    if (pos_ >= text_.size()) {
      fail("unexpected end of input");
      return After::Failed;
    }
    if (text_[pos_] == ',' || text_[pos_] == close)
      return text_[pos_++] == ',' ? After::More : After::End;
    fail(expected);
    return After::Failed;
  }

  // Parses a member's value or an item into its (null) entry atop a scratch stack. A
  // scalar goes into the entry in place: a key or string is parsed straight into the string
  // that keeps it, never moved. A container is parsed aside and moved in, since its own
  // entries, pushed above the entry, may reallocate the stack under it; they are popped
  // before it closes, so the entry is the stack's last again.
  bool parse_element(bool in_object, int depth) {
    auto slot = [&]() -> Value & { return in_object ? members_.back().value : items_.back(); };
    skip_whitespace();
    if (pos_ >= text_.size() || (text_[pos_] != '{' && text_[pos_] != '['))
      return parse_value(slot(), depth);
    Value container;
    if (!parse_value(container, depth))
      return false;
    slot().move_from(std::move(container));
    return true;
  }

  // Members and items are collected on the scratch stacks, and moved into a vector of
  // exactly their count when their container closes: one allocation per container instead of
  // one per doubling (a stream chunk's root object of 3 members took 3), and no spare
  // capacity held by the tree afterwards. A nested container pushes above its parent's
  // entries and pops them before the parent goes on, so `base` stays valid.
  bool parse_object(Value &out, int depth) {
    if (!enter(depth))
      return false;
    ++pos_; // '{'
    const std::size_t base = members_.size();
    if (!consume('}')) {
      After next;
      do {
        skip_whitespace();
        if (pos_ >= text_.size() || text_[pos_] != '"')
          return fail(pos_ >= text_.size() ? "unexpected end of input" : "expected a string key");
        members_.emplace_back();
        if (!parse_string(members_.back().key))
          return false;
        skip_whitespace();
        if (pos_ >= text_.size() || text_[pos_] != ':')
          return fail(pos_ >= text_.size() ? "unexpected end of input" : "expected ':'");
        ++pos_;
        if (!parse_element(true, depth + 1))
          return false;
        next = after_element('}', "expected ',' or '}'");
      } while (next == After::More);
      if (next == After::Failed)
        return false;
    }
    auto first = members_.begin() + static_cast<std::ptrdiff_t>(base);
    out.set_members(std::vector<Member>(std::make_move_iterator(first),
                                        std::make_move_iterator(members_.end())));
    members_.erase(first, members_.end());
    return true;
  }

  bool parse_array(Value &out, int depth) {
    if (!enter(depth))
      return false;
    ++pos_; // '['
    const std::size_t base = items_.size();
    if (!consume(']')) {
      After next;
      do {
        items_.emplace_back();
        if (!parse_element(false, depth + 1))
          return false;
        next = after_element(']', "expected ',' or ']'");
      } while (next == After::More);
      if (next == After::Failed)
        return false;
    }
    auto first = items_.begin() + static_cast<std::ptrdiff_t>(base);
    out.set_items(std::vector<Value>(std::make_move_iterator(first),
                                     std::make_move_iterator(items_.end())));
    items_.erase(first, items_.end());
    return true;
  }

  bool parse_literal(std::string_view word, Value &out, Value value) {
    if (text_.substr(pos_, word.size()) != word)
      return fail("unexpected character");
    pos_ += word.size();
    out.move_from(std::move(value));
    return true;
  }

  bool parse_hex4(std::uint32_t &out) {
    out = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (pos_ + i >= text_.size())
        return fail("unexpected end of input in a \\u escape");
      char c = text_[pos_ + i];
      std::uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return fail("invalid \\u escape");
      out = out * 16 + digit;
    }
    pos_ += 4;
    return true;
  }

  bool parse_string(std::string &out) {
    ++pos_; // opening quote
    const char *data = text_.data();
    const std::size_t size = text_.size();
    while (true) {
      // The scan ORs every byte it passes into `seen`: a run with no byte >= 0x80 is ASCII
      // and needs no UTF-8 check.
      std::size_t end = pos_;
      std::uint64_t seen = 0;
      while (end + 8 <= size) {
        std::uint64_t word;
        std::memcpy(&word, data + end, sizeof word);
        if (needs_attention(word))
          break;
        seen |= word;
        end += 8;
      }
      while (end < size) {
        unsigned char c = static_cast<unsigned char>(data[end]);
        if (c == '"' || c == '\\' || c < 0x20)
          break;
        seen |= c;
        ++end;
      }
      std::string_view run = text_.substr(pos_, end - pos_);
      if (seen & 0x8080808080808080ULL) {
        if (std::size_t bad = first_invalid_utf8(run); bad != run.size()) {
          pos_ += bad;
          return fail("invalid UTF-8 in a string");
        }
      }
      out.append(run);
      pos_ = end;
      if (pos_ >= size)
        return fail("unterminated string");
      char c = data[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\')
        return fail("control character in a string");
      if (++pos_ >= size)
        return fail("unterminated string");
      char escape = data[pos_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out.push_back(escape);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t unit;
          if (!parse_hex4(unit))
            return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF)
            return fail("a lone low surrogate in a \\u escape");
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            std::uint32_t low;
            if (pos_ + 2 > size || data[pos_] != '\\' || data[pos_ + 1] != 'u')
              return fail("a lone high surrogate in a \\u escape");
            pos_ += 2;
            if (!parse_hex4(low))
              return false;
            if (low < 0xDC00 || low > 0xDFFF)
              return fail("a high surrogate without its low surrogate");
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(unit, out);
          break;
        }
        default:
          --pos_;
          return fail("invalid escape");
      }
    }
  }

  bool parse_number(Value &out) {
    const std::size_t start = pos_;
    const std::size_t size = text_.size();
    bool negative = false;
    if (text_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    if (pos_ >= size || !is_digit(text_[pos_]))
      return fail("expected a digit");
    if (text_[pos_] == '0') {
      ++pos_;
      if (pos_ < size && is_digit(text_[pos_]))
        return fail("a number with a leading zero");
    } else {
      while (pos_ < size && is_digit(text_[pos_]))
        ++pos_;
    }
    const std::size_t integer_end = pos_;
    bool integral = true;
    if (pos_ < size && text_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (pos_ >= size || !is_digit(text_[pos_]))
        return fail("expected a digit after '.'");
      while (pos_ < size && is_digit(text_[pos_]))
        ++pos_;
    }
    if (pos_ < size && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < size && (text_[pos_] == '+' || text_[pos_] == '-'))
        ++pos_;
      if (pos_ >= size || !is_digit(text_[pos_]))
        return fail("expected a digit in the exponent");
      while (pos_ < size && is_digit(text_[pos_]))
        ++pos_;
    }
    const std::size_t digits = integer_end - start - (negative ? 1 : 0);
    if (integral && digits <= 19) { // 19 digits cannot overflow std::uint64_t
      std::uint64_t magnitude = 0;
      for (std::size_t i = start + (negative ? 1 : 0); i < integer_end; ++i)
        magnitude = magnitude * 10 + static_cast<std::uint64_t>(text_[i] - '0');
      constexpr std::uint64_t int64_max = 9223372036854775807ULL;
      if (!negative && magnitude <= int64_max) {
        out.move_from(Value(static_cast<long long>(magnitude)));
        return true;
      }
      if (negative && magnitude <= int64_max + 1) {
        // -(2^63) is representable though 2^63 is not: negate in unsigned arithmetic.
        out.move_from(Value(static_cast<long long>(0 - magnitude)));
        return true;
      }
    }
    // The grammar was checked above: read_double takes the literal as it is.
    out.move_from(Value(read_double(text_.substr(start, pos_ - start))));
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<Member> &members_; // the members of the objects open now, outermost first
  std::vector<Value> &items_;    // the items of the arrays open now, outermost first
  std::string message_;
  std::size_t error_at_ = 0;
  bool too_deep_ = false;
};

Result<Value> parse(std::string_view text) {
  // One per thread: parse() is not re-entered on a thread (it calls nothing that parses).
  thread_local Scratch scratch;
  Result<Value> parsed = Parser(text, scratch).run();
  scratch.reset();
  return parsed;
}

} // namespace llmux::json
