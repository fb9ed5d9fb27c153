#pragma once
// The regular expressions of JSON Schema's "pattern" and "patternProperties": ECMA-262 syntax
// with the `u` flag's meaning (the pattern and the text are sequences of code points), matched
// by a Pike VM, the simulation of a Thompson NFA (the approach of RE2 and Go's regexp). Every
// position of the text advances every live NFA state at once, so the time is at most
// (text length x program size) whatever the pattern: `(a*)*b` against a long run of 'a' costs
// the same as `a*b`, where a backtracking engine takes exponential time.
//
// The price of that guarantee: what a finite automaton cannot do is rejected when the pattern
// compiles, with a message naming it: backreferences (\1, \k<name>) and lookaround
// ((?=, (?!, (?<=, (?<!). Captures are not kept (a match is all JSON Schema asks about), so
// (...) is (?:...) and lazy quantifiers (*?, +?, ??, {n,m}?) match what the greedy ones do.
//
// Supported: literals, `.` (any code point but a line terminator), classes [a-z] [^...] with
// \d \w \s \D \W \S inside and out, \p{...}/\P{...} for the general categories L, Lu, Ll,
// Lt, Lm, Lo, M and N (and their long names), anchors ^ $ \b \B, groups ( ) (?: ) (?<name> ),
// alternation |, quantifiers * + ? {n} {n,} {n,m}, escapes \t \n \v \f \r \0 \cX \xHH
// \uHHHH \u{H...} (surrogate pairs combine) and escaped punctuation. Leniencies, as in
// ECMA-262's Annex B: a `{` or `}` that does not form a quantifier and a lone `]` are
// literals, and any escaped ASCII punctuation is itself (u mode allows only the syntax
// characters).

#include <llmux/result.hpp>

#include "schema/work_budget.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::schema {

/// Largest NFA program one pattern may compile to. Counted repetition copies its operand
/// (`\d{1,1000}` is about 2,000 instructions), so the size, not the pattern's length, is
/// what a match's time and memory scale with. 10,000 leaves room for any pattern a tool
/// schema plausibly holds; past it, compiling fails.
inline constexpr std::size_t max_regex_program_size = 10'000;

/// Deepest nesting of groups in a pattern: the parser recurses on groups.
inline constexpr int max_regex_group_depth = 128;

/// A set of code points: ranges, plus Unicode general categories (for \p{...}), possibly
/// negated.
struct CodePointSet {
  /// Sorted, merged, inclusive ranges.
  std::vector<std::pair<char32_t, char32_t>> ranges;
  /// Bit `1 << c` for each tokenize::CharClass c the set holds.
  std::uint16_t categories = 0;
  bool negated = false;

  bool contains(char32_t code_point) const noexcept;
};

/// A compiled pattern. Immutable once compiled: searching from several threads is safe.
class Regex {
public:
  /// Compiles an ECMA-262 pattern (UTF-8). Fails with invalid_argument (origin Caller) saying
  /// what is wrong and at which code point of the pattern, or which unsupported feature it
  /// uses, or that it exceeds max_regex_program_size.
  static Result<Regex> compile(std::string_view pattern);

  /// Whether the pattern matches anywhere in `text` (UTF-8; an ill-formed byte reads as
  /// U+FFFD), as JSON Schema's "pattern" asks: the search is unanchored. Spends one unit of
  /// `budget` per NFA state visited; nullopt when the budget runs out before the answer.
  std::optional<bool> search(std::string_view text, WorkBudget &budget) const;

  /// The number of instructions of the compiled program.
  std::size_t program_size() const noexcept { return program_.size(); }

private:
  friend class RegexCompiler;
  enum class Op : std::uint8_t {
    Char,            ///< consume the code point `argument`
    Set,             ///< consume a code point in sets_[argument]
    Split,           ///< continue at both `argument` and `other`
    Jump,            ///< continue at `argument`
    AssertBegin,     ///< ^: at the start of the text
    AssertEnd,       ///< $: at the end of the text
    WordBoundary,    ///< \b
    NotWordBoundary, ///< \B
    Match,
  };
  struct Instruction {
    Op op = Op::Match;
    std::uint32_t argument = 0;
    std::uint32_t other = 0;
  };

  std::vector<Instruction> program_;
  std::vector<CodePointSet> sets_;
  /// Every match starts at the text's start (each alternative begins with ^): the search
  /// starts threads at position 0 only, and ends as soon as none is left.
  bool anchored_ = false;
};

} // namespace llmux::schema
