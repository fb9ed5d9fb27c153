// The split patterns of cl100k_base and o200k_base, as matchers.
//
// tiktoken (openai_public.py) defines them as regular expressions run with leftmost-first
// alternation and backtracking (Rust's fancy-regex; gpt-tokenizer and js-tiktoken carry the
// same patterns for JavaScript). Each function below tries the alternatives in the pattern's
// order at one position and returns where the first one that matches ends, having worked out
// by hand where backtracking would stop. Nothing backtracks at run time, so a piece costs
// time linear in its length.
//
// cl100k_base:
//   1 '(?i:[sdmt]|ll|ve|re)
//   2 [^\r\n\p{L}\p{N}]?+\p{L}++
//   3 \p{N}{1,3}+
//   4  ?[^\s\p{L}\p{N}]++[\r\n]*+
//   5 \s++$
//   6 \s*[\r\n]
//   7 \s+(?!\S)
//   8 \s
// o200k_base (U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}],
// C = (?i:'s|'t|'re|'ve|'m|'ll|'d)):
//   1 [^\r\n\p{L}\p{N}]?U*W+C?
//   2 [^\r\n\p{L}\p{N}]?U+W*C?
//   3 \p{N}{1,3}
//   4  ?[^\s\p{L}\p{N}]+[\r\n/]*
//   5 \s*[\r\n]+
//   6 \s+(?!\S)
//   7 \s+
//
// Classes: \s is White_Space (Rust's regex, which tiktoken runs; JavaScript's \s differs on
// two code points: it excludes U+0085 and includes U+FEFF). Under (?i), Rust folds 's' to
// 's', 'S' and U+017F LATIN SMALL LETTER LONG S, so "'ſ" is a contraction too.
//
// Bytes that are not well-formed UTF-8 are one character each, of class Other: they match
// [^\s\p{L}\p{N}] and [^\r\n\p{L}\p{N}], and nothing else.

#include "tokenize/split.hpp"

#include "tokenize/unicode_class.hpp"

#include <llmux/utf8.hpp>

#include <cstdint>

namespace llmux::tokenize {
namespace {

constexpr std::size_t none = static_cast<std::size_t>(-1);

// Not a code point: what an ill-formed byte decodes to.
constexpr std::uint32_t ill_formed = ill_formed_utf8;

struct Char {
  std::uint32_t code_point;
  std::uint32_t length; // in bytes
  CharClass cls;
};

// The small helpers below are always inlined: the Wasm build is -Oz, which otherwise calls
// each of them per character (3x slower).

// A character of two to four bytes at `p`, or one ill-formed byte.
Char multibyte_char(const unsigned char *p, std::size_t available) noexcept {
  const Utf8Char c = decode_utf8_char(p, available);
  if (c.code_point == ill_formed_utf8)
    return {ill_formed, 1, CharClass::Other};
  return {c.code_point, c.length, char_class(c.code_point)};
}

// The character at `at` (< text.size()): a well-formed UTF-8 sequence (no overlongs,
// surrogates or values past U+10FFFF), or one ill-formed byte. ASCII, most of what is
// tokenized, takes the inline path.
[[gnu::always_inline]] inline Char char_at(std::string_view text, std::size_t at) noexcept {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data()) + at;
  if (p[0] < 0x80)
    return {p[0], 1, static_cast<CharClass>(latin1_char_classes[p[0]])};
  return multibyte_char(p, text.size() - at);
}

[[gnu::always_inline]] inline bool is_letter(const Char &c) noexcept {
  return c.cls >= CharClass::Lu && c.cls <= CharClass::Lo;
}
[[gnu::always_inline]] inline bool is_number(const Char &c) noexcept {
  return c.cls == CharClass::Number;
}
[[gnu::always_inline]] inline bool is_space(const Char &c) noexcept {
  return c.cls == CharClass::Space;
}
[[gnu::always_inline]] inline bool is_newline(const Char &c) noexcept {
  return c.code_point == '\r' || c.code_point == '\n';
}
// [^\s\p{L}\p{N}]
[[gnu::always_inline]] inline bool is_symbol(const Char &c) noexcept {
  return !is_letter(c) && !is_number(c) && !is_space(c);
}
// [^\r\n\p{L}\p{N}]
[[gnu::always_inline]] inline bool is_word_prefix(const Char &c) noexcept {
  return !is_letter(c) && !is_number(c) && !is_newline(c);
}
// o200k_base's U: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
[[gnu::always_inline]] inline bool is_upper_part(const Char &c) noexcept {
  return c.cls == CharClass::Lu || c.cls == CharClass::Lt || c.cls == CharClass::Lm ||
         c.cls == CharClass::Lo || c.cls == CharClass::Mark;
}
// o200k_base's W: [\p{Ll}\p{Lm}\p{Lo}\p{M}]
[[gnu::always_inline]] inline bool is_lower_part(const Char &c) noexcept {
  return c.cls == CharClass::Ll || c.cls == CharClass::Lm || c.cls == CharClass::Lo ||
         c.cls == CharClass::Mark;
}

// Where the run of characters matching `in_class` that starts at `at` ends.
template <bool (*in_class)(const Char &) noexcept>
[[gnu::always_inline]] inline std::size_t run_end(std::string_view text, std::size_t at) noexcept {
  while (at < text.size()) {
    Char c = char_at(text, at);
    if (!in_class(c))
      break;
    at += c.length;
  }
  return at;
}

inline char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

// The length in bytes of a contraction at `at` ('s 't 're 've 'm 'll 'd in any case, "'ſ"),
// or 0. The two patterns list them in different orders, but no two can match at one place.
inline std::size_t contraction_length(std::string_view text, std::size_t at) noexcept {
  if (at + 1 >= text.size() || text[at] != '\'')
    return 0;
  const char first = ascii_lower(text[at + 1]);
  if (first == 's' || first == 'd' || first == 'm' || first == 't')
    return 2;
  if (text.compare(at + 1, 2, "\xC5\xBF") == 0) // U+017F, which (?i) folds to 's'
    return 3;
  if (at + 2 >= text.size())
    return 0;
  const char second = ascii_lower(text[at + 2]);
  if ((first == 'l' && second == 'l') || (first == 'v' && second == 'e') ||
      (first == 'r' && second == 'e'))
    return 3;
  return 0;
}

// At most three \p{N} from `at`, the first of which is `c0`.
inline std::size_t numbers_end(std::string_view text, std::size_t at, const Char &c0) noexcept {
  std::size_t end = at + c0.length;
  for (int count = 1; count < 3 && end < text.size(); ++count) {
    Char c = char_at(text, end);
    if (!is_number(c))
      break;
    end += c.length;
  }
  return end;
}

// " ?[^\s\p{L}\p{N}]+" followed by any run of `trailing` characters, from `at` where the
// character is `c0`; none when it does not match.
template <class Trailing>
inline std::size_t symbols_end(std::string_view text, std::size_t at, const Char &c0,
                               Trailing trailing) noexcept {
  std::size_t from = none;
  if (is_symbol(c0)) {
    from = at;
  } else if (c0.code_point == ' ' && at + 1 < text.size() && is_symbol(char_at(text, at + 1))) {
    from = at + 1;
  }
  if (from == none)
    return none;
  std::size_t end = run_end<is_symbol>(text, from);
  while (end < text.size() && trailing(text[end]))
    ++end;
  return end;
}

// A run of \s from `at`, with what the whitespace alternatives need to know about it.
struct SpaceRun {
  std::size_t end = 0;              // where the run ends
  std::size_t last_start = 0;       // where its last character starts
  std::size_t last_newline_end = 0; // just past its last \r or \n; none when it has none
};

inline SpaceRun space_run(std::string_view text, std::size_t at) noexcept {
  SpaceRun run{at, at, none};
  while (run.end < text.size()) {
    Char c = char_at(text, run.end);
    if (!is_space(c))
      break;
    run.last_start = run.end;
    run.end += c.length;
    if (is_newline(c))
      run.last_newline_end = run.end;
  }
  return run;
}

// o200k_base's U*W+ from `at`, or none. U* takes all it can, then gives back characters
// until W+ matches: W+ either continues where U* stopped (with a \p{Ll}, the only W that is
// not also U) or matches the last W inside U*'s run alone.
inline std::size_t upper_then_lower_end(std::string_view text, std::size_t at) noexcept {
  std::size_t end = at;
  std::size_t last_lower_end = none;
  while (end < text.size()) {
    Char c = char_at(text, end);
    if (!is_upper_part(c)) {
      if (is_lower_part(c))
        return run_end<is_lower_part>(text, end);
      break;
    }
    end += c.length;
    if (is_lower_part(c))
      last_lower_end = end;
  }
  return last_lower_end;
}

// o200k_base's U+W* from `at`, or none.
inline std::size_t upper_and_lower_end(std::string_view text, std::size_t at) noexcept {
  if (at >= text.size() || !is_upper_part(char_at(text, at)))
    return none;
  return run_end<is_lower_part>(text, run_end<is_upper_part>(text, at));
}

} // namespace

std::size_t cl100k_piece_end(std::string_view text, std::size_t start) noexcept {
  const Char c0 = char_at(text, start);
  const std::size_t after0 = start + c0.length;
  // 1: a contraction.
  if (std::size_t length = contraction_length(text, start))
    return start + length;
  // 2: letters, with one character before them that is none of \r, \n, a letter or a number.
  if (is_letter(c0))
    return run_end<is_letter>(text, after0);
  if (is_word_prefix(c0) && after0 < text.size()) {
    Char c1 = char_at(text, after0);
    if (is_letter(c1))
      return run_end<is_letter>(text, after0 + c1.length);
  }
  // 3: one to three numbers.
  if (is_number(c0))
    return numbers_end(text, start, c0);
  // 4: symbols, with one space before and line breaks after.
  std::size_t end = symbols_end(text, start, c0, [](char c) { return c == '\r' || c == '\n'; });
  if (end != none)
    return end;
  // What is left starts with \s (every other character matched above).
  SpaceRun run = space_run(text, start);
  if (run.end == start)
    return after0; // unreachable: a safety net that keeps the split going
  // 5: whitespace up to the end of the text.
  if (run.end == text.size())
    return run.end;
  // 6: whitespace up to and including its last line break.
  if (run.last_newline_end != none)
    return run.last_newline_end;
  // 7: whitespace but the last character, which then goes with what follows.
  if (run.last_start > start)
    return run.last_start;
  // 8: one whitespace character.
  return after0;
}

std::size_t o200k_piece_end(std::string_view text, std::size_t start) noexcept {
  const Char c0 = char_at(text, start);
  const std::size_t after0 = start + c0.length;
  auto with_contraction = [&](std::size_t end) { return end + contraction_length(text, end); };
  // 1 and 2: a word, with one character before it that is none of \r, \n, a letter or a
  // number. Each alternative first tries with that character, then without it (when the
  // first character is a mark, which is both a possible prefix and a part of words).
  const bool prefixed = is_word_prefix(c0);
  if (prefixed) {
    if (std::size_t end = upper_then_lower_end(text, after0); end != none)
      return with_contraction(end);
  }
  if (std::size_t end = upper_then_lower_end(text, start); end != none)
    return with_contraction(end);
  if (prefixed) {
    if (std::size_t end = upper_and_lower_end(text, after0); end != none)
      return with_contraction(end);
  }
  if (std::size_t end = upper_and_lower_end(text, start); end != none)
    return with_contraction(end);
  // 3: one to three numbers.
  if (is_number(c0))
    return numbers_end(text, start, c0);
  // 4: symbols, with one space before and line breaks or slashes after.
  std::size_t end =
      symbols_end(text, start, c0, [](char c) { return c == '\r' || c == '\n' || c == '/'; });
  if (end != none)
    return end;
  // What is left starts with \s.
  SpaceRun run = space_run(text, start);
  if (run.end == start)
    return after0; // unreachable: a safety net that keeps the split going
  // 5: whitespace up to and including its last line break.
  if (run.last_newline_end != none)
    return run.last_newline_end;
  // 6: whitespace up to the end of the text, or but its last character.
  if (run.end == text.size())
    return run.end;
  if (run.last_start > start)
    return run.last_start;
  // 7: whitespace (here a single character).
  return run.end;
}

} // namespace llmux::tokenize
