#pragma once
// Exact decimal arithmetic for the calculator: a number with a few digits after the point
// (a price, a rate, 0.8) held as an integer count of units of its last digit, so that
// 1299 * 12 * 0.8 is 12470.4 and 0.1 + 0.2 is 0.3, where binary doubles give
// 12470.400000000001 and 0.30000000000000004. Every operation is checked: one whose exact
// result does not fit (more than 19 significant digits, more than `max_decimal_places`
// places, or a quotient such as 1/3 that no decimal holds) answers nothing, and the
// calculator goes on in double.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmux::tools {

/// The most digits after the point an ExactDecimal keeps: 10^18 is the largest power of ten
/// in std::int64_t, so any two decimals align in 128 bits.
inline constexpr int max_decimal_places = 18;

/// The number `units` / 10^`places`. Normalised: 0 <= places <= max_decimal_places, and
/// `units` is no multiple of 10 while places > 0 (12470.4 is {124704, 1}, 10 is {10, 0}).
struct ExactDecimal {
  std::int64_t units = 0;
  int places = 0;

  friend bool operator==(const ExactDecimal &, const ExactDecimal &) = default;
};

/// The decimal a number literal writes (digits ['.' digits] [('e' | 'E') ['+' | '-'] digits],
/// its syntax already checked), or nothing when it needs more than 19 significant digits or
/// more than `max_decimal_places` places ("1e-20", "0.1234567890123456789012").
std::optional<ExactDecimal> parse_decimal(std::string_view literal);

/// a + b, a - b, a * b exactly, or nothing when the result does not fit.
std::optional<ExactDecimal> add(ExactDecimal a, ExactDecimal b);
std::optional<ExactDecimal> subtract(ExactDecimal a, ExactDecimal b);
std::optional<ExactDecimal> multiply(ExactDecimal a, ExactDecimal b);

/// a / b when the quotient is a decimal that fits (7 / 2 is 3.5, 1 / 8 is 0.125), nothing
/// otherwise (1 / 3) or when b is 0.
std::optional<ExactDecimal> divide(ExactDecimal a, ExactDecimal b);

/// The remainder of a / b truncated toward zero, with the sign of a (as C's fmod: 7.5 % 2 is
/// 1.5, -7 % 3 is -1); nothing when b is 0.
std::optional<ExactDecimal> remainder(ExactDecimal a, ExactDecimal b);

/// base^exponent for exponent >= 0 by repeated squaring, or nothing when it does not fit
/// (an integer base may take any exponent: 0, 1 and -1 to any power fit).
std::optional<ExactDecimal> power(ExactDecimal base, std::int64_t exponent);

/// -a, or nothing for -(-2^63).
std::optional<ExactDecimal> negate(ExactDecimal a);

/// Negative, zero or positive as a < b, a == b, a > b.
int compare(ExactDecimal a, ExactDecimal b);

/// `a` rounded to `digits` places after the point (-15 to 15; negative rounds to tens,
/// hundreds...), half away from zero; nothing when the rounded value does not fit.
std::optional<ExactDecimal> round_to(ExactDecimal a, int digits);

/// The greatest integer <= a, and the least >= a.
ExactDecimal floor(ExactDecimal a);
ExactDecimal ceil(ExactDecimal a);

/// The double nearest to `a` (correctly rounded).
double to_double(ExactDecimal a);

/// `a` in plain decimal notation, every digit written and no exponent: "12470.4", "-0.05",
/// "0.000000000000000001", "10".
std::string to_string(ExactDecimal a);

} // namespace llmux::tools
