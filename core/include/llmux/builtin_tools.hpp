#pragma once
/// The tools llmux ships for examples, tests and its CLI: `calculator` (arithmetic, evaluated by
/// a parser of its own: never code) and `datetime` (ISO 8601 dates and times with fixed UTC
/// offsets). They are pure: the host passes the current time in.

#include <llmux/result.hpp>
#include <llmux/tool.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// The built-in tools' definitions (name, description, JSON Schema of the arguments), in a
/// fixed order: calculator, datetime. The vector lives as long as the program.
const std::vector<Tool> &builtin_tools();

/// The definition of the built-in tool `name`, or null when there is none. The pointer lives as
/// long as the program.
const Tool *find_builtin_tool(std::string_view name);

/// Runs the built-in tool `name` on the JSON arguments the model sent (an object; empty text
/// reads as `{}`). `now_ms` is the current Unix time in milliseconds: the core reads no clock,
/// the host passes it (only datetime's "now" uses it). Returns the result for the model as
/// compact JSON, or invalid_argument (origin Caller) whose message is written for the model:
/// it says what was wrong, where, and what is accepted instead.
Result<std::string> run_builtin_tool(std::string_view name, std::string_view arguments_json,
                                     std::int64_t now_ms);

/// A number the calculator computed: exact while every value involved is an integer or a
/// decimal that fits (`units` / 10^`decimal_places`, at most 19 significant digits and 18
/// places: 12470.4 is 124704 with 1 place), a double otherwise. Never infinite or NaN.
struct CalculatorValue {
  /// True when `units` / 10^`decimal_places` is the value exactly.
  bool is_exact = false;
  /// The exact value in units of its last decimal place, when `is_exact`.
  std::int64_t units = 0;
  /// Digits after the point of an exact value, 0 to 18, without trailing zeros: 0 means an
  /// integer (2.50 * 4 is the integer 10).
  int decimal_places = 0;
  /// The value as a double, always set (the nearest double to an exact value).
  double real = 0;

  /// True when the value is an exact integer (`units`).
  bool is_integer() const noexcept { return is_exact && decimal_places == 0; }

  friend bool operator==(const CalculatorValue &, const CalculatorValue &) = default;
};

/// The longest expression `evaluate_expression` reads, in bytes: ample for arithmetic a model
/// asks for, and it bounds the work one call can cause.
inline constexpr std::size_t max_expression_bytes = 1000;

/// The deepest nesting of parentheses and function calls `evaluate_expression` reads. The
/// parser recurses only there, so this bounds its stack use, also in Wasm's small stack.
inline constexpr int max_expression_depth = 64;

/// Evaluates an arithmetic expression: numbers (`42`, `0.5`, `.5`, `1e3`, `2.5e-3`), `+ - * /`,
/// `%` (remainder, with the sign of the dividend), `^` and `**` (power, right-associative,
/// binding tighter than unary minus: `-2^2` is -4), unary `-` and `+`, parentheses, the
/// constants `pi` and `e`, and the functions sqrt, abs, round (half away from zero;
/// `round(x, digits)` rounds to decimal places), floor, ceil, min and max (one or more
/// arguments), exp, ln (natural), log10, log (`log(x)` is natural as in C and JavaScript,
/// `log(x, base)` any base), sin, cos, tan, asin, acos, atan, atan2(y, x) (radians), pow(x, y),
/// hypot(x, y). Names are case-insensitive; blanks are ignored.
///
/// Arithmetic is exact in decimal, not binary, while results fit (`2^62 + 1`,
/// `1299 * 12 * 0.8` is 12470.4, `0.1 + 0.2` is 0.3): + - * always, / and % when the result
/// is a decimal (`7/2` is 3.5), ^ with a whole exponent >= 0, abs, round, floor, ceil, min,
/// max. A literal is exact when it has at most 19 significant digits and 18 places. A
/// result that no decimal of that size holds (`1/3`, `2^64`, `0.1^19`) and the other
/// functions and constants continue in double.
/// Fails with invalid_argument whose message names the problem and its 1-based column:
/// syntax errors, unbalanced parentheses, unknown names (listing the known ones), wrong
/// argument counts, division by zero, domain errors (`sqrt(-1)`, `ln(0)`), results too large
/// for a double, more than `max_expression_bytes` bytes or `max_expression_depth` levels.
Result<CalculatorValue> evaluate_expression(std::string_view expression);

/// The value as the calculator writes it: an exact value in plain decimal notation, every
/// digit and no exponent ("12470.4", "0.0000001", "10"); a double in the shortest form that
/// reads back as the same double, fixed or scientific whichever is shorter (as std::to_chars
/// writes it: "0.3333333333333333", "1e+21"), so an integral double has no ".0"; -0 as "0".
std::string to_string(const CalculatorValue &value);

} // namespace llmux
