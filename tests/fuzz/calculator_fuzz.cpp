// The calculator on any bytes, and its exact integers against an independent computation.
//   - evaluate_expression never aborts or overflows the stack (UBSan stops on signed overflow);
//     an error is invalid_argument from the caller, valid UTF-8, and any column it names lies
//     within the expression (or just past its end);
//   - a value is finite; an exact value's double is the nearest to it, and it is written with
//     all its digits and no exponent; to_string reads back as the value, and a double is
//     written exactly as std::to_chars writes it;
//   - the calculator tool answers valid JSON holding the same result;
//   - "a op b" and "a op b op c" built from fuzzer-chosen integers give what 128-bit arithmetic
//     gives: exactly while it fits int64, within rounding when it does not;
//   - "a op b" for + - * on decimals (the same integers with a point placed in them) is exact
//     exactly when the 128-bit result fits 19 digits and 18 places, and then equals it.
//
// Input: the expression is the whole input. The same bytes also give the oracle's operands:
// bytes 0-7 a, 8-15 b, 16-23 c (little-endian), 24 the operators, 25 how many bits of each
// operand to keep (small numbers are where exact results are), 26 and 27 the places of the
// decimals; and bytes 0-7 are also a double for the number formatting.

#include "fuzz_support.hpp"

#include "tools/shortest_double.hpp"

#include <llmux/builtin_tools.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

namespace {

using llmux::CalculatorValue;
using Wide = __int128;

constexpr Wide int64_min = std::numeric_limits<std::int64_t>::min();
constexpr Wide int64_max = std::numeric_limits<std::int64_t>::max();

bool fits(Wide value) {
  return value >= int64_min && value <= int64_max;
}

// The integer as the expression writes it: negative ones in parentheses, since "2 - -3" would
// test the unary minus rather than the operator.
std::string literal(std::int64_t value) {
  return value < 0 ? "(" + std::to_string(value) + ")" : std::to_string(value);
}

// What the calculator must answer for a op b: an exact integer, a double near `approximate`,
// or an error naming `error`.
struct Expected {
  std::optional<std::int64_t> exact;
  long double approximate = 0;
  long double tolerance = 4e-16L; ///< relative: the operands were rounded to doubles first
  const char *error = nullptr;
};

// b^e by repeated multiplication in 128 bits, or nothing once it leaves int64.
std::optional<std::int64_t> wide_power(std::int64_t base, std::int64_t exponent) {
  Wide result = 1;
  for (std::int64_t i = 0; i < exponent; ++i) {
    result *= base;
    if (!fits(result))
      return std::nullopt;
    if (result == 0 || result == 1)
      break;
    if (result == -1) {
      result = (exponent - i - 1) % 2 == 0 ? -1 : 1;
      break;
    }
  }
  return static_cast<std::int64_t>(result);
}

Expected expected_for(std::int64_t a, char op, std::int64_t b) {
  Expected expected;
  Wide exact = 0;
  switch (op) {
    case '+':
      exact = Wide(a) + b;
      expected.approximate = static_cast<long double>(a) + b;
      break;
    case '-':
      exact = Wide(a) - b;
      expected.approximate = static_cast<long double>(a) - b;
      break;
    case '*':
      exact = Wide(a) * b;
      expected.approximate = static_cast<long double>(a) * b;
      break;
    case '/':
      if (b == 0) {
        expected.error = "division by zero";
        return expected;
      }
      expected.approximate = static_cast<long double>(a) / b;
      if (Wide(a) % b != 0)
        return expected;
      exact = Wide(a) / b;
      break;
    case '%':
      if (b == 0) {
        expected.error = "remainder of a division by zero";
        return expected;
      }
      exact = Wide(a) % b;
      break;
    default: { // '^'
      if (a == 0 && b < 0) {
        expected.error = "division by zero: 0 to a negative power";
        return expected;
      }
      expected.approximate = std::pow(static_cast<long double>(a), static_cast<long double>(b));
      // A rounded base's error grows with the exponent: (1 + d)^b is about 1 + b d.
      expected.tolerance = (static_cast<long double>(b < 0 ? -b : b) + 4) * 2.3e-16L;
      if (b < 0)
        return expected;
      if (auto power = wide_power(a, b))
        expected.exact = *power;
      return expected;
    }
  }
  if (fits(exact))
    expected.exact = static_cast<std::int64_t>(exact);
  return expected;
}

void check_against(const llmux::Result<CalculatorValue> &result, const Expected &expected,
                   const std::string &expression) {
  if (expected.error) {
    LLMUX_FUZZ_CHECK(!result.ok());
    LLMUX_FUZZ_CHECK(result.error().message.rfind(expected.error, 0) == 0);
    return;
  }
  if (expected.exact) {
    LLMUX_FUZZ_CHECK(result.ok());
    LLMUX_FUZZ_CHECK(result.value().is_integer());
    LLMUX_FUZZ_CHECK(result.value().units == *expected.exact);
    return;
  }
  const long double magnitude = std::fabs(expected.approximate);
  constexpr long double largest = std::numeric_limits<double>::max();
  if (magnitude > largest * (1 + expected.tolerance)) {
    LLMUX_FUZZ_CHECK(!result.ok());
    return;
  }
  // Next to the largest double, rounding decides whether it overflows: either answer will do.
  if (magnitude > largest * (1 - expected.tolerance) && !result.ok())
    return;
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", expression.c_str(), result.error().message.c_str());
    LLMUX_FUZZ_CHECK(result.ok());
  }
  LLMUX_FUZZ_CHECK(!result.value().is_integer());
  const long double got = result.value().real;
  // Plus a unit of the smallest subnormal: (-870)^-107 is about -3e-315, where a double keeps
  // few digits.
  LLMUX_FUZZ_CHECK(std::fabs(got - expected.approximate) <=
                   magnitude * expected.tolerance +
                       static_cast<long double>(std::numeric_limits<double>::denorm_min()));
}

std::string to_chars_text(double value) {
  char text[64];
  auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

void check_value(const CalculatorValue &value) {
  LLMUX_FUZZ_CHECK(std::isfinite(value.real));
  const std::string text = llmux::to_string(value);
  if (value.is_integer()) {
    LLMUX_FUZZ_CHECK(value.real == static_cast<double>(value.units));
    LLMUX_FUZZ_CHECK(text == std::to_string(value.units));
    return;
  }
  if (value.is_exact) {
    // units / 10^places: the text is the units' digits with a point before the last
    // `places`, no trailing zero, and strtod reads it as the double the value holds.
    LLMUX_FUZZ_CHECK(value.decimal_places >= 1 && value.decimal_places <= 18);
    LLMUX_FUZZ_CHECK(value.units % 10 != 0);
    const std::size_t point = text.find('.');
    LLMUX_FUZZ_CHECK(point != std::string::npos);
    LLMUX_FUZZ_CHECK(text.size() - point - 1 == static_cast<std::size_t>(value.decimal_places));
    std::string digits = text.substr(0, point) + text.substr(point + 1);
    const bool negative = digits[0] == '-';
    const std::size_t first = digits.find_first_not_of("-0");
    digits = (negative ? "-" : "") + digits.substr(first);
    LLMUX_FUZZ_CHECK(digits == std::to_string(value.units));
    LLMUX_FUZZ_CHECK(std::strtod(text.c_str(), nullptr) == value.real);
    return;
  }
  LLMUX_FUZZ_CHECK(std::strtod(text.c_str(), nullptr) == value.real);
  LLMUX_FUZZ_CHECK(value.real == 0 ? text == "0" : text == to_chars_text(value.real));
}

// Every "column N" in the message names a place in the expression or just past its end.
void check_columns(const std::string &message, std::size_t size) {
  std::size_t at = 0;
  while ((at = message.find("column ", at)) != std::string::npos) {
    at += 7;
    std::size_t column = 0;
    std::size_t digits = 0;
    while (at < message.size() && message[at] >= '0' && message[at] <= '9' && digits < 12) {
      column = column * 10 + static_cast<std::size_t>(message[at] - '0');
      ++at;
      ++digits;
    }
    LLMUX_FUZZ_CHECK(digits > 0);
    LLMUX_FUZZ_CHECK(column >= 1 && column <= size + 1);
  }
}

std::int64_t read_int64(const std::uint8_t *data) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, data, sizeof bits);
  return static_cast<std::int64_t>(bits);
}

// Keeps the low `bits` bits with their sign, so that most operands are small.
std::int64_t narrow(std::int64_t value, int bits) {
  if (bits >= 63)
    return value == std::numeric_limits<std::int64_t>::min() ? value + 1 : value;
  const std::int64_t magnitude = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) &
                                                           ((std::uint64_t(1) << bits) - 1));
  return value < 0 ? -magnitude : magnitude;
}

// units / 10^places as a literal: "12.5", "(-0.05)". (narrow() never gives -2^63.)
std::string decimal_literal(std::int64_t units, int places) {
  std::string digits = std::to_string(units < 0 ? -units : units);
  if (places > 0) {
    if (digits.size() <= static_cast<std::size_t>(places))
      digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(places), 1, '.');
  }
  return units < 0 ? "(-" + digits + ")" : digits;
}

// a op b on decimals against 128-bit arithmetic.
void check_decimal_oracle(std::int64_t a, int a_places, char op, std::int64_t b, int b_places) {
  const std::string expression =
      decimal_literal(a, a_places) + " " + op + " " + decimal_literal(b, b_places);
  auto result = llmux::evaluate_expression(expression);
  LLMUX_FUZZ_CHECK(result.ok());
  auto scaled = [](std::int64_t units, int by) {
    Wide value = units;
    for (int i = 0; i < by; ++i)
      value *= 10;
    return value;
  };
  const int places = op == '*' ? a_places + b_places : std::max(a_places, b_places);
  Wide exact = op == '*'   ? Wide(a) * b
               : op == '+' ? scaled(a, places - a_places) + scaled(b, places - b_places)
                           : scaled(a, places - a_places) - scaled(b, places - b_places);
  int normal_places = places;
  while (normal_places > 0 && exact % 10 == 0) {
    exact /= 10;
    --normal_places;
  }
  const CalculatorValue &value = result.value();
  if (normal_places <= 18 && fits(exact)) {
    LLMUX_FUZZ_CHECK(value.is_exact);
    LLMUX_FUZZ_CHECK(value.units == static_cast<std::int64_t>(exact));
    LLMUX_FUZZ_CHECK(value.decimal_places == normal_places);
    return;
  }
  LLMUX_FUZZ_CHECK(!value.is_exact);
  long double expected = static_cast<long double>(exact);
  for (int i = 0; i < normal_places; ++i)
    expected /= 10;
  LLMUX_FUZZ_CHECK(std::fabs(static_cast<long double>(value.real) - expected) <=
                   std::fabs(expected) * 1e-15L);
}

void check_oracle(const std::uint8_t *data, std::size_t size) {
  if (size < 26)
    return;
  static constexpr char operators[] = {'+', '-', '*', '/', '%', '^'};
  const int bits = data[25] % 64;
  std::int64_t a = narrow(read_int64(data), bits);
  std::int64_t b = narrow(read_int64(data + 8), bits);
  const std::int64_t c = narrow(read_int64(data + 16), bits);
  const char op = operators[(data[24] & 0x0f) % 6];
  if (op == '^') // exponents beyond 200 are all overflow or 0, 1, -1: nothing new
    b = b % 200;

  std::string expression = literal(a) + " " + op + " " + literal(b);
  const Expected expected = expected_for(a, op, b);
  check_against(llmux::evaluate_expression(expression), expected, expression);

  // a + b * c and a * b - c: precedence, on exact values only.
  const bool times_first = data[24] & 0x10;
  const Wide wide = times_first ? Wide(a) + Wide(b) * c : Wide(a) * b - c;
  expression = times_first ? literal(a) + " + " + literal(b) + " * " + literal(c)
                           : literal(a) + " * " + literal(b) + " - " + literal(c);
  const bool inner_fits = times_first ? fits(Wide(b) * c) : fits(Wide(a) * b);
  if (inner_fits && fits(wide)) {
    auto result = llmux::evaluate_expression(expression);
    LLMUX_FUZZ_CHECK(result.ok() && result.value().is_integer());
    LLMUX_FUZZ_CHECK(result.value().units == static_cast<std::int64_t>(wide));
  }

  if (size >= 28 && (op == '+' || op == '-' || op == '*'))
    check_decimal_oracle(a, data[26] % 19, op, b, data[27] % 19);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string expression(reinterpret_cast<const char *>(data), size);

  auto result = llmux::evaluate_expression(expression);
  if (result.ok()) {
    check_value(result.value());
  } else {
    LLMUX_FUZZ_CHECK(result.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(result.error().origin == llmux::ErrorOrigin::Caller);
    LLMUX_FUZZ_CHECK(!result.error().message.empty());
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(result.error().message));
    check_columns(result.error().message, size);
  }

  // The tool, on the same expression sent as the model would send it.
  if (llmux::is_valid_utf8(expression)) {
    const std::string arguments = nlohmann::json({{"expression", expression}}).dump();
    auto answer = llmux::run_builtin_tool("calculator", arguments, 0);
    LLMUX_FUZZ_CHECK(answer.ok() == result.ok());
    if (answer.ok()) {
      const auto parsed = nlohmann::json::parse(answer.value(), nullptr, false);
      LLMUX_FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object());
      LLMUX_FUZZ_CHECK(parsed["expression"] == expression);
      const auto &number = parsed["result"];
      LLMUX_FUZZ_CHECK(number.is_number());
      if (result.value().is_integer())
        LLMUX_FUZZ_CHECK(number.get<std::int64_t>() == result.value().units);
      else
        LLMUX_FUZZ_CHECK(number.get<double>() == result.value().real ||
                         (result.value().real == 0 && number.get<double>() == 0));
    } else {
      LLMUX_FUZZ_CHECK(answer.error().message == result.error().message);
    }
  }

  if (size >= 8) {
    double value = 0;
    std::memcpy(&value, data, sizeof value);
    if (std::isfinite(value))
      LLMUX_FUZZ_CHECK(llmux::tools::shortest_double(value) == to_chars_text(value));
  }

  check_oracle(data, size);
  return 0;
}
