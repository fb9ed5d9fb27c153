#include "schema/regex.hpp"

#include "tokenize/unicode_class.hpp"

#include <llmux/utf8.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

namespace llmux::schema {
namespace {

constexpr char32_t max_code_point = 0x10FFFF;
constexpr char32_t replacement_character = 0xFFFD;
// "No code point here": before the text's start and past its end.
constexpr char32_t no_code_point = 0xFFFFFFFF;
// The upper bound of {n,} and *, +.
constexpr std::uint32_t unbounded = std::numeric_limits<std::uint32_t>::max();

using Ranges = std::vector<std::pair<char32_t, char32_t>>;

// One code point of UTF-8 at `at` (< text.size()): its value and byte length. An ill-formed
// sequence reads as U+FFFD one byte long.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view text, std::size_t at) noexcept {
  const Utf8Char c =
      decode_utf8_char(reinterpret_cast<const unsigned char *>(text.data()) + at, text.size() - at);
  return {c.code_point == ill_formed_utf8 ? replacement_character : c.code_point, c.length};
}

bool is_word_character(char32_t c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The classes of ECMA-262 (22.2.2.9, CharacterClassEscape), without the i flag: \d and \w
// are ASCII only; \s is WhiteSpace plus LineTerminator.
const Ranges digit_ranges = {{'0', '9'}};
const Ranges word_ranges = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
const Ranges space_ranges = {{0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680},
                             {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
                             {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
// `.`: every code point but the line terminators.
const Ranges dot_ranges = {{0, 0x09}, {0x0B, 0x0C}, {0x0E, 0x2027}, {0x202A, max_code_point}};

// The complement of sorted, disjoint ranges within [0, U+10FFFF].
Ranges complement(const Ranges &ranges) {
  Ranges out;
  char32_t next = 0;
  for (const auto &[low, high] : ranges) {
    if (low > next)
      out.emplace_back(next, low - 1);
    next = high + 1;
  }
  if (next <= max_code_point)
    out.emplace_back(next, max_code_point);
  return out;
}

void sort_and_merge(Ranges &ranges) {
  // Sorted as (low, high) pairs of the type the validator sorts for uniqueItems: the module
  // then holds one copy of std::sort's code for both (1.7 KB of Wasm less), for a copy of a
  // set that is rarely more than a few ranges.
  std::vector<std::pair<std::uint64_t, std::size_t>> sorted;
  sorted.reserve(ranges.size());
  for (const auto &[low, high] : ranges)
    sorted.emplace_back(low, high);
  std::sort(sorted.begin(), sorted.end());
  Ranges merged;
  for (const auto &[low, high] : sorted) {
    const std::pair<char32_t, char32_t> range(static_cast<char32_t>(low),
                                              static_cast<char32_t>(high));
    if (!merged.empty() && range.first <= merged.back().second + 1)
      merged.back().second = std::max(merged.back().second, range.second);
    else
      merged.push_back(range);
  }
  ranges = std::move(merged);
}

using tokenize::CharClass;

constexpr std::uint16_t category_bit(CharClass c) noexcept {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(c));
}
constexpr std::uint16_t letter_categories =
    category_bit(CharClass::Lu) | category_bit(CharClass::Ll) | category_bit(CharClass::Lt) |
    category_bit(CharClass::Lm) | category_bit(CharClass::Lo);
// Every class: tokenize::CharClass partitions the code points, so the complement of a set of
// classes is the other classes.
constexpr std::uint16_t all_categories =
    letter_categories | category_bit(CharClass::Other) | category_bit(CharClass::Mark) |
    category_bit(CharClass::Number) | category_bit(CharClass::Space);

// The general categories \p{...} may name: what the tokenizer's table tells apart.
std::optional<std::uint16_t> categories_named(std::u32string_view name) {
  struct Entry {
    std::u32string_view short_name, long_name;
    std::uint16_t bits;
  };
  static constexpr Entry entries[] = {
      {U"L", U"Letter", letter_categories},
      {U"Lu", U"Uppercase_Letter", category_bit(CharClass::Lu)},
      {U"Ll", U"Lowercase_Letter", category_bit(CharClass::Ll)},
      {U"Lt", U"Titlecase_Letter", category_bit(CharClass::Lt)},
      {U"Lm", U"Modifier_Letter", category_bit(CharClass::Lm)},
      {U"Lo", U"Other_Letter", category_bit(CharClass::Lo)},
      {U"M", U"Mark", category_bit(CharClass::Mark)},
      {U"N", U"Number", category_bit(CharClass::Number)},
  };
  for (std::u32string_view prefix : {U"General_Category=", U"gc="})
    if (name.substr(0, prefix.size()) == prefix)
      name.remove_prefix(prefix.size());
  for (const Entry &entry : entries)
    if (name == entry.short_name || name == entry.long_name)
      return entry.bits;
  if (name == U"Combining_Mark")
    return category_bit(CharClass::Mark);
  return std::nullopt;
}

// The pattern's syntax tree. Captures are not kept, so a group is just its content.
struct Node {
  enum class Kind : std::uint8_t { Empty, Char, Set, Assert, Concat, Alternate, Repeat };
  Kind kind = Kind::Empty;
  char32_t code_point = 0;        // Char
  std::uint32_t set = 0;          // Set: index into the sets
  std::uint8_t assertion = 0;     // Assert: a Regex::Op
  std::uint32_t min = 0, max = 0; // Repeat; max may be `unbounded`
  std::vector<Node> children;     // Concat, Alternate; Repeat has one
};

// What one escape or class atom stands for: one code point, or a set of them.
struct Atom {
  bool is_set = false;
  char32_t code_point = 0;
  Ranges ranges;
  std::uint16_t categories = 0;
};

std::size_t saturating_add(std::size_t a, std::size_t b) noexcept {
  return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max()
                                                         : a + b;
}

std::size_t saturating_multiply(std::size_t a, std::size_t b) noexcept {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
    return std::numeric_limits<std::size_t>::max();
  return a * b;
}

// How many instructions `node` compiles to (saturating): checked before anything is emitted,
// so that `(a{1000}){1000}` fails without first building a million instructions.
std::size_t program_size_of(const Node &node) noexcept {
  switch (node.kind) {
    case Node::Kind::Empty:
      return 0;
    case Node::Kind::Char:
    case Node::Kind::Set:
    case Node::Kind::Assert:
      return 1;
    case Node::Kind::Concat:
    case Node::Kind::Alternate: {
      std::size_t total = node.kind == Node::Kind::Alternate ? 2 * (node.children.size() - 1) : 0;
      for (const Node &child : node.children)
        total = saturating_add(total, program_size_of(child));
      return total;
    }
    case Node::Kind::Repeat: {
      const std::size_t body = program_size_of(node.children.front());
      std::size_t total = saturating_multiply(node.min, body);
      if (node.max == unbounded)
        return saturating_add(total, saturating_add(body, 2));
      return saturating_add(total,
                            saturating_multiply(node.max - node.min, saturating_add(body, 1)));
    }
  }
  return 0;
}

} // namespace

bool CodePointSet::contains(char32_t code_point) const noexcept {
  auto after = std::upper_bound(ranges.begin(), ranges.end(), code_point,
                                [](char32_t c, const auto &range) { return c < range.first; });
  bool found = after != ranges.begin() && code_point <= std::prev(after)->second;
  if (!found && categories != 0)
    found = (categories & category_bit(tokenize::char_class(code_point))) != 0;
  return found != negated;
}

// Parses a pattern into a Node tree, then emits the Pike VM program.
class RegexCompiler {
public:
  explicit RegexCompiler(std::string_view pattern) : source_(pattern) {
    for (std::size_t at = 0; at < pattern.size();) {
      auto [code_point, length] = decode_utf8(pattern, at);
      pattern_.push_back(code_point);
      at += length;
    }
  }

  Result<Regex> run() {
    Node root;
    if (!parse_disjunction(root, 0))
      return error();
    if (pos_ < pattern_.size()) { // only an unmatched ')' stops the top-level disjunction
      fail("unmatched ')'");
      return error();
    }
    const std::size_t size = saturating_add(program_size_of(root), 1);
    if (size > max_regex_program_size)
      return make_error(
          ErrorCode::InvalidArgument, ErrorOrigin::Caller,
          "pattern " + std::string(source_) + " is too large: it compiles to " +
              (size == std::numeric_limits<std::size_t>::max() ? std::string("too many")
                                                               : std::to_string(size)) +
              " instructions, past the limit of " + std::to_string(max_regex_program_size));
    regex_.program_.reserve(size);
    emit(root);
    regex_.program_.push_back({Regex::Op::Match});
    regex_.anchored_ = starts_with_begin(root);
    return std::move(regex_);
  }

private:
  using Op = Regex::Op;

  Error error() const {
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "invalid pattern " + std::string(source_) + ": " + message_ +
                          " at character " + std::to_string(error_at_));
  }

  bool fail(std::string message) {
    message_ = std::move(message);
    error_at_ = pos_;
    return false;
  }

  bool at_end() const noexcept { return pos_ >= pattern_.size(); }
  char32_t peek(std::size_t ahead = 0) const noexcept {
    return pos_ + ahead < pattern_.size() ? pattern_[pos_ + ahead] : no_code_point;
  }
  bool next_is(std::u32string_view text) const noexcept {
    return std::u32string_view(pattern_).substr(pos_, text.size()) == text;
  }

  bool parse_disjunction(Node &out, int depth) {
    Node alternative;
    if (!parse_alternative(alternative, depth))
      return false;
    if (peek() != '|') {
      out = std::move(alternative);
      return true;
    }
    out.kind = Node::Kind::Alternate;
    out.children.push_back(std::move(alternative));
    while (peek() == '|') {
      ++pos_;
      Node next;
      if (!parse_alternative(next, depth))
        return false;
      out.children.push_back(std::move(next));
    }
    return true;
  }

  bool parse_alternative(Node &out, int depth) {
    out.kind = Node::Kind::Concat;
    while (!at_end() && peek() != '|' && peek() != ')') {
      Node term;
      if (!parse_term(term, depth))
        return false;
      out.children.push_back(std::move(term));
    }
    if (out.children.size() == 1) {
      Node only = std::move(out.children.front());
      out = std::move(only);
    } else if (out.children.empty()) {
      out.kind = Node::Kind::Empty;
    }
    return true;
  }

  bool parse_term(Node &out, int depth) {
    // Nearly every term compiles to an instruction at least: a pattern with more terms than
    // a program may hold fails here, before its tree takes memory in proportion.
    if (++terms_ > max_regex_program_size)
      return fail("too many terms");
    const char32_t c = peek();
    bool is_assertion = false;
    if (c == '^' || c == '$') {
      ++pos_;
      out.kind = Node::Kind::Assert;
      out.assertion = static_cast<std::uint8_t>(c == '^' ? Op::AssertBegin : Op::AssertEnd);
      is_assertion = true;
    } else if (c == '\\' && (peek(1) == 'b' || peek(1) == 'B')) {
      out.kind = Node::Kind::Assert;
      out.assertion =
          static_cast<std::uint8_t>(peek(1) == 'b' ? Op::WordBoundary : Op::NotWordBoundary);
      pos_ += 2;
      is_assertion = true;
    } else if (c == '(') {
      if (!parse_group(out, depth))
        return false;
    } else if (c == '*' || c == '+' || c == '?') {
      return fail("nothing to repeat before '" + std::string(1, static_cast<char>(c)) + "'");
    } else if (c == '{' && quantifier_follows()) {
      return fail("nothing to repeat before '{'");
    } else if (!parse_atom(out)) {
      return false;
    }
    std::uint32_t min, max;
    const Quantifier quantifier = parse_quantifier(min, max);
    if (quantifier != Quantifier::Found)
      return quantifier == Quantifier::None;
    if (is_assertion)
      return fail("an assertion cannot be repeated");
    Node repeated;
    repeated.kind = Node::Kind::Repeat;
    repeated.min = min;
    repeated.max = max;
    repeated.children.push_back(std::move(out));
    out = std::move(repeated);
    return true;
  }

  bool parse_group(Node &out, int depth) {
    const std::size_t open = pos_;
    if (depth + 1 > max_regex_group_depth)
      return fail("groups nested deeper than " + std::to_string(max_regex_group_depth));
    ++pos_;
    if (peek() == '?') {
      if (next_is(U"?:")) {
        pos_ += 2;
      } else if (next_is(U"?=") || next_is(U"?!") || next_is(U"?<=") || next_is(U"?<!")) {
        return fail("lookaround assertions are not supported (they cannot be matched in linear "
                    "time)");
      } else if (next_is(U"?<")) {
        pos_ += 2;
        while (!at_end() && peek() != '>') {
          if (!is_word_character(peek()) && peek() != '$' && peek() < 0x80)
            return fail("invalid character in a group name");
          ++pos_;
        }
        if (at_end())
          return fail("unterminated group name");
        ++pos_;
      } else {
        return fail("invalid group '(?'");
      }
    }
    if (!parse_disjunction(out, depth + 1))
      return false;
    if (peek() != ')') {
      pos_ = open;
      return fail("unterminated group");
    }
    ++pos_;
    return true;
  }

  // Reads digits as a count, saturating at `unbounded - 1`.
  bool parse_count(std::uint32_t &out) {
    if (peek() < '0' || peek() > '9')
      return false;
    std::uint64_t value = 0;
    while (peek() >= '0' && peek() <= '9') {
      value = std::min<std::uint64_t>(value * 10 + (peek() - '0'), unbounded - 1);
      ++pos_;
    }
    out = static_cast<std::uint32_t>(value);
    return true;
  }

  // Whether a well-formed {n}, {n,} or {n,m} starts here.
  bool quantifier_follows() {
    const std::size_t start = pos_;
    std::uint32_t min, max;
    bool ok = parse_braces(min, max);
    pos_ = start;
    return ok;
  }

  bool parse_braces(std::uint32_t &min, std::uint32_t &max) {
    if (peek() != '{')
      return false;
    ++pos_;
    if (!parse_count(min))
      return false;
    max = min;
    if (peek() == ',') {
      ++pos_;
      max = unbounded;
      if (peek() != '}' && !parse_count(max))
        return false;
    }
    if (peek() != '}')
      return false;
    ++pos_;
    return true;
  }

  enum class Quantifier : std::uint8_t { None, Found, Invalid };

  // A quantifier after an atom, if there is one.
  Quantifier parse_quantifier(std::uint32_t &min, std::uint32_t &max) {
    const char32_t c = peek();
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : unbounded;
    } else {
      const std::size_t start = pos_;
      if (!parse_braces(min, max)) {
        pos_ = start; // a '{' that is no quantifier is a literal (Annex B)
        return Quantifier::None;
      }
      if (min > max) {
        pos_ = start;
        fail("numbers out of order in a {} quantifier");
        return Quantifier::Invalid;
      }
    }
    if (peek() == '?') // lazy: the same language, and matching is all that is asked
      ++pos_;
    return Quantifier::Found;
  }

  std::uint32_t add_set(Ranges ranges, std::uint16_t categories, bool negated) {
    sort_and_merge(ranges);
    regex_.sets_.push_back(CodePointSet{std::move(ranges), categories, negated});
    return static_cast<std::uint32_t>(regex_.sets_.size() - 1);
  }

  bool parse_atom(Node &out) {
    const char32_t c = peek();
    if (c == '.') {
      ++pos_;
      out.kind = Node::Kind::Set;
      out.set = add_set(dot_ranges, 0, false);
      return true;
    }
    if (c == '[')
      return parse_class(out);
    if (c == ')')
      return fail("unmatched ')'");
    Atom atom;
    if (c == '\\') {
      if (!parse_escape(atom, false))
        return false;
    } else {
      ++pos_;
      atom.code_point = c;
    }
    if (atom.is_set) {
      out.kind = Node::Kind::Set;
      out.set = add_set(std::move(atom.ranges), atom.categories, false);
    } else {
      out.kind = Node::Kind::Char;
      out.code_point = atom.code_point;
    }
    return true;
  }

  bool parse_class(Node &out) {
    const std::size_t open = pos_;
    ++pos_; // '['
    bool negated = false;
    if (peek() == '^') {
      negated = true;
      ++pos_;
    }
    Ranges ranges;
    std::uint16_t categories = 0;
    while (peek() != ']') {
      if (at_end()) {
        pos_ = open;
        return fail("unterminated character class");
      }
      Atom first;
      if (!parse_class_atom(first))
        return false;
      if (peek() == '-' && peek(1) != ']' && peek(1) != no_code_point) {
        const std::size_t dash = pos_;
        ++pos_;
        Atom last;
        if (!parse_class_atom(last))
          return false;
        if (first.is_set || last.is_set) {
          pos_ = dash;
          return fail("a class escape cannot bound a range");
        }
        if (first.code_point > last.code_point) {
          pos_ = dash;
          return fail("range out of order in a character class");
        }
        ranges.emplace_back(first.code_point, last.code_point);
        continue;
      }
      if (first.is_set) {
        ranges.insert(ranges.end(), first.ranges.begin(), first.ranges.end());
        categories |= first.categories;
      } else {
        ranges.emplace_back(first.code_point, first.code_point);
      }
    }
    ++pos_; // ']'
    out.kind = Node::Kind::Set;
    out.set = add_set(std::move(ranges), categories, negated);
    return true;
  }

  bool parse_class_atom(Atom &out) {
    if (peek() != '\\') {
      out.code_point = peek();
      ++pos_;
      return true;
    }
    if (peek(1) == 'b') { // in a class, \b is backspace
      pos_ += 2;
      out.code_point = 0x08;
      return true;
    }
    if (peek(1) == '-') {
      pos_ += 2;
      out.code_point = '-';
      return true;
    }
    return parse_escape(out, true);
  }

  static int hex_value(char32_t c) noexcept {
    if (c >= '0' && c <= '9')
      return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f')
      return static_cast<int>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
      return static_cast<int>(c - 'A' + 10);
    return -1;
  }

  // Exactly `digits` hex digits, advancing past them.
  bool parse_hex(std::size_t digits, char32_t &out) {
    out = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      int digit = hex_value(peek());
      if (digit < 0)
        return false;
      out = out * 16 + static_cast<char32_t>(digit);
      ++pos_;
    }
    return true;
  }

  // After "\u": HHHH (a surrogate pair of two such escapes combines) or {H...}.
  bool parse_unicode_escape(char32_t &out) {
    if (peek() == '{') {
      ++pos_;
      out = 0;
      bool any = false;
      int digit;
      while ((digit = hex_value(peek())) >= 0) {
        out = out * 16 + static_cast<char32_t>(digit);
        if (out > max_code_point)
          return fail("\\u{...} past U+10FFFF");
        any = true;
        ++pos_;
      }
      if (!any || peek() != '}')
        return fail("invalid \\u{...} escape");
      ++pos_;
      return true;
    }
    if (!parse_hex(4, out))
      return fail("invalid \\u escape");
    if (out >= 0xD800 && out <= 0xDBFF && next_is(U"\\u")) {
      const std::size_t before = pos_;
      pos_ += 2;
      char32_t low;
      if (parse_hex(4, low) && low >= 0xDC00 && low <= 0xDFFF)
        out = 0x10000 + ((out - 0xD800) << 10) + (low - 0xDC00);
      else
        pos_ = before;
    }
    return true;
  }

  bool parse_escape(Atom &out, bool in_class) {
    const std::size_t backslash = pos_;
    ++pos_;
    if (at_end())
      return fail("'\\' at the end of the pattern");
    const char32_t c = peek();
    ++pos_;
    auto set_of = [&](const Ranges &ranges, bool complemented) {
      out.is_set = true;
      out.ranges = complemented ? complement(ranges) : ranges;
      return true;
    };
    auto code_point = [&](char32_t value) {
      out.code_point = value;
      return true;
    };
    switch (c) {
      case 'd':
      case 'D':
        return set_of(digit_ranges, c == 'D');
      case 'w':
      case 'W':
        return set_of(word_ranges, c == 'W');
      case 's':
      case 'S':
        return set_of(space_ranges, c == 'S');
      case 'p':
      case 'P': {
        if (peek() != '{')
          return fail("expected '{' after \\p");
        const std::size_t name_start = ++pos_;
        while (!at_end() && peek() != '}')
          ++pos_;
        if (at_end())
          return fail("unterminated \\p{...}");
        auto name = std::u32string_view(pattern_).substr(name_start, pos_ - name_start);
        auto bits = categories_named(name);
        if (!bits) {
          pos_ = backslash;
          return fail("unsupported Unicode property (supported: L, Lu, Ll, Lt, Lm, Lo, M, N)");
        }
        ++pos_;
        out.is_set = true;
        out.categories = c == 'p' ? *bits : static_cast<std::uint16_t>(all_categories & ~*bits);
        return true;
      }
      case 't':
        return code_point('\t');
      case 'n':
        return code_point('\n');
      case 'v':
        return code_point('\v');
      case 'f':
        return code_point('\f');
      case 'r':
        return code_point('\r');
      case 'c': {
        const char32_t letter = peek();
        if (!((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z')))
          return fail("\\c must be followed by a letter");
        ++pos_;
        return code_point(letter % 32);
      }
      case '0':
        if (peek() >= '0' && peek() <= '9')
          return fail("octal escapes are not allowed");
        return code_point(0);
      case 'x': {
        char32_t value;
        if (!parse_hex(2, value))
          return fail("invalid \\x escape");
        return code_point(value);
      }
      case 'u': {
        char32_t value;
        if (!parse_unicode_escape(value))
          return false;
        return code_point(value);
      }
      case 'k':
        pos_ = backslash;
        return fail("backreferences are not supported");
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      pos_ = backslash;
      return fail(in_class ? "a backreference cannot appear in a class"
                           : "backreferences are not supported");
    }
    if (c < 0x80 && !is_word_character(c) && c >= 0x20 && c != 0x7F)
      return code_point(c); // escaped punctuation is itself: \. \/ \- \{ ...
    pos_ = backslash;
    return fail("unknown escape");
  }

  static bool starts_with_begin(const Node &node) noexcept {
    switch (node.kind) {
      case Node::Kind::Assert:
        return node.assertion == static_cast<std::uint8_t>(Op::AssertBegin);
      case Node::Kind::Concat:
        return !node.children.empty() && starts_with_begin(node.children.front());
      case Node::Kind::Alternate:
        return std::all_of(node.children.begin(), node.children.end(), starts_with_begin);
      default:
        return false;
    }
  }

  std::uint32_t here() const noexcept { return static_cast<std::uint32_t>(regex_.program_.size()); }

  void emit(const Node &node) {
    auto &program = regex_.program_;
    switch (node.kind) {
      case Node::Kind::Empty:
        return;
      case Node::Kind::Char:
        program.push_back({Op::Char, node.code_point});
        return;
      case Node::Kind::Set:
        program.push_back({Op::Set, node.set});
        return;
      case Node::Kind::Assert:
        program.push_back({static_cast<Op>(node.assertion)});
        return;
      case Node::Kind::Concat:
        for (const Node &child : node.children)
          emit(child);
        return;
      case Node::Kind::Alternate: {
        //   split L1, L2; L1: a; jump end; L2: split L3, L4; L3: b; jump end; L4: c; end:
        std::vector<std::uint32_t> jumps_to_end;
        for (std::size_t i = 0; i + 1 < node.children.size(); ++i) {
          const std::uint32_t split = here();
          program.push_back({Op::Split, split + 1});
          emit(node.children[i]);
          jumps_to_end.push_back(here());
          program.push_back({Op::Jump});
          program[split].other = here();
        }
        emit(node.children.back());
        for (std::uint32_t jump : jumps_to_end)
          program[jump].argument = here();
        return;
      }
      case Node::Kind::Repeat: {
        const Node &body = node.children.front();
        for (std::uint32_t i = 0; i < node.min; ++i)
          emit(body);
        if (node.max == unbounded) {
          //   loop: split body, end; body: ...; jump loop; end:
          const std::uint32_t loop = here();
          program.push_back({Op::Split, loop + 1});
          emit(body);
          program.push_back({Op::Jump, loop});
          program[loop].other = here();
          return;
        }
        // Optional copies: each may be skipped, and skipping one skips the rest.
        std::vector<std::uint32_t> splits;
        for (std::uint32_t i = node.min; i < node.max; ++i) {
          splits.push_back(here());
          program.push_back({Op::Split, here() + 1});
          emit(body);
        }
        for (std::uint32_t split : splits)
          program[split].other = here();
        return;
      }
    }
  }

  std::string_view source_;
  std::u32string pattern_;
  std::size_t pos_ = 0;
  std::string message_;
  std::size_t error_at_ = 0;
  std::size_t terms_ = 0;
  Regex regex_;
};

Result<Regex> Regex::compile(std::string_view pattern) {
  return RegexCompiler(pattern).run();
}

namespace {

// The states of one step of the simulation: a set of program counters with O(1) insert,
// membership and clear (Briggs and Torczon's sparse set, as RE2 uses).
class StateSet {
public:
  explicit StateSet(std::size_t capacity) : dense_(capacity), sparse_(capacity) {}
  bool insert(std::uint32_t pc) noexcept {
    if (contains(pc))
      return false;
    sparse_[pc] = size_;
    dense_[size_++] = pc;
    return true;
  }
  bool contains(std::uint32_t pc) const noexcept {
    return sparse_[pc] < size_ && dense_[sparse_[pc]] == pc;
  }
  void clear() noexcept { size_ = 0; }
  std::uint32_t size() const noexcept { return size_; }
  std::uint32_t operator[](std::uint32_t i) const noexcept { return dense_[i]; }

private:
  std::vector<std::uint32_t> dense_;
  std::vector<std::uint32_t> sparse_;
  std::uint32_t size_ = 0;
};

} // namespace

std::optional<bool> Regex::search(std::string_view text, WorkBudget &budget) const {
  const std::size_t size = program_.size();
  StateSet current(size), next(size);
  std::vector<std::uint32_t> stack;
  bool matched = false;

  // Adds `pc` and every state reachable from it without consuming a code point, between
  // code points `before` and `after`. The stack replaces recursion: a chain of thousands of
  // splits must not use the call stack.
  auto add = [&](StateSet &set, std::uint32_t start, char32_t before, char32_t after) {
    std::uint64_t visited = 0;
    stack.push_back(start);
    while (!stack.empty()) {
      const std::uint32_t pc = stack.back();
      stack.pop_back();
      if (!set.insert(pc))
        continue;
      ++visited;
      const Instruction &instruction = program_[pc];
      switch (instruction.op) {
        case Op::Char:
        case Op::Set:
          break; // waits for the next code point
        case Op::Split:
          stack.push_back(instruction.other);
          stack.push_back(instruction.argument);
          break;
        case Op::Jump:
          stack.push_back(instruction.argument);
          break;
        case Op::AssertBegin:
          if (before == no_code_point)
            stack.push_back(pc + 1);
          break;
        case Op::AssertEnd:
          if (after == no_code_point)
            stack.push_back(pc + 1);
          break;
        case Op::WordBoundary:
        case Op::NotWordBoundary: {
          const bool boundary = is_word_character(before) != is_word_character(after);
          if (boundary == (instruction.op == Op::WordBoundary))
            stack.push_back(pc + 1);
          break;
        }
        case Op::Match:
          matched = true;
          break;
      }
    }
    return budget.spend(visited);
  };

  char32_t before = no_code_point;
  std::size_t at = 0;
  using Decoded = std::pair<char32_t, std::size_t>;
  auto [code_point, length] = at < text.size() ? decode_utf8(text, at) : Decoded{no_code_point, 0};
  while (true) {
    if (at == 0 || !anchored_) {
      if (!add(current, 0, before, code_point))
        return std::nullopt;
    }
    if (matched)
      return true;
    if (code_point == no_code_point || (anchored_ && current.size() == 0))
      return false;
    const std::size_t next_at = at + length;
    auto [next_code_point, next_length] =
        next_at < text.size() ? decode_utf8(text, next_at) : Decoded{no_code_point, 0};
    if (!budget.spend(current.size()))
      return std::nullopt;
    for (std::uint32_t i = 0; i < current.size(); ++i) {
      const Instruction &instruction = program_[current[i]];
      const bool consumes =
          (instruction.op == Op::Char && instruction.argument == code_point) ||
          (instruction.op == Op::Set && sets_[instruction.argument].contains(code_point));
      if (consumes && !add(next, current[i] + 1, code_point, next_code_point))
        return std::nullopt;
    }
    if (matched)
      return true;
    std::swap(current, next);
    next.clear();
    before = code_point;
    at = next_at;
    code_point = next_code_point;
    length = next_length;
  }
}

} // namespace llmux::schema
