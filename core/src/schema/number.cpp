#include "schema/number.hpp"

#include "json/format_double.hpp"
#include "json/read_double.hpp"

#include <cmath>
#include <limits>

namespace llmux::schema {
namespace {

// 2^63 as a double: the first value past std::int64_t's range.
constexpr double int64_limit = 9223372036854775808.0;

// -1, 0 or 1 as the integer `i` is less than, equal to or greater than the double `d`.
int compare_integer_with_double(std::int64_t i, double d) noexcept {
  if (d >= int64_limit)
    return -1;
  if (d < -int64_limit)
    return 1;
  // d is within std::int64_t's range: its integral part converts exactly.
  const double whole = std::trunc(d);
  const auto whole_integer = static_cast<std::int64_t>(whole);
  if (i != whole_integer)
    return i < whole_integer ? -1 : 1;
  const double fraction = d - whole;
  return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
}

// A non-negative number as digits x 10^exponent, the digits without trailing zeros (zero is
// {0, 0}).
struct Decimal {
  std::uint64_t digits = 0;
  int exponent = 0;
};

Decimal strip_trailing_zeros(Decimal decimal) noexcept {
  while (decimal.digits != 0 && decimal.digits % 10 == 0) {
    decimal.digits /= 10;
    ++decimal.exponent;
  }
  return decimal;
}

// The shortest decimal (at most 17 significant digits) that strtod reads back as `value`.
// format_double and read_double use the C locale's decimal point, whatever locale the host set.
Decimal decimal_of(double value) noexcept {
  value = std::fabs(value);
  if (value == 0 || !std::isfinite(value)) // an infinite divisor reads as zero digits
    return {};
  json::DoubleText text;
  int precision = 0; // digits after the point in %e: precision + 1 significant digits
  for (; precision < 16; ++precision) {
    text = json::format_double(value, json::DoubleStyle::Exponent, precision);
    if (json::read_double(text.view()) == value)
      break;
  }
  if (precision == 16)
    text = json::format_double(value, json::DoubleStyle::Exponent, precision);
  // "d.ddddde+XX"
  Decimal decimal;
  std::size_t at = 0;
  for (; at < text.size && text.bytes[at] != 'e'; ++at)
    if (text.bytes[at] >= '0' && text.bytes[at] <= '9')
      decimal.digits = decimal.digits * 10 + static_cast<std::uint64_t>(text.bytes[at] - '0');
  int exponent = 0;
  const bool negative = at + 1 < text.size && text.bytes[at + 1] == '-';
  for (at += 2; at < text.size; ++at) // past "e+" or "e-"
    exponent = exponent * 10 + (text.bytes[at] - '0');
  decimal.exponent = (negative ? -exponent : exponent) - precision;
  return strip_trailing_zeros(decimal);
}

Decimal decimal_of(const json::Value &value) noexcept {
  if (!value.is_integer())
    return decimal_of(value.as_double());
  const std::int64_t integer = value.as_integer();
  // The magnitude in unsigned arithmetic: -(2^63) has none as std::int64_t.
  const std::uint64_t magnitude =
      integer < 0 ? 0 - static_cast<std::uint64_t>(integer) : static_cast<std::uint64_t>(integer);
  return strip_trailing_zeros({magnitude, 0});
}

// (x + y) mod m for x, y < m, without overflow.
std::uint64_t add_mod(std::uint64_t x, std::uint64_t y, std::uint64_t m) noexcept {
  return x >= m - y ? x - (m - y) : x + y;
}

// (x * y) mod m for x < m, without overflow (double and add: no 128-bit type in ISO C++).
std::uint64_t multiply_mod(std::uint64_t x, std::uint64_t y, std::uint64_t m) noexcept {
  std::uint64_t result = 0;
  while (y != 0) {
    if (y & 1)
      result = add_mod(result, x, m);
    x = add_mod(x, x, m);
    y >>= 1;
  }
  return result;
}

// 10^exponent mod m.
std::uint64_t power_of_ten_mod(unsigned exponent, std::uint64_t m) noexcept {
  std::uint64_t result = 1 % m;
  std::uint64_t base = 10 % m;
  while (exponent != 0) {
    if (exponent & 1)
      result = multiply_mod(result, base, m);
    base = multiply_mod(base, base, m);
    exponent >>= 1;
  }
  return result;
}

} // namespace

int compare_numbers(const json::Value &a, const json::Value &b) noexcept {
  if (a.is_integer() && b.is_integer())
    return a.as_integer() < b.as_integer() ? -1 : a.as_integer() > b.as_integer() ? 1 : 0;
  if (a.is_integer())
    return compare_integer_with_double(a.as_integer(), b.as_double());
  if (b.is_integer())
    return -compare_integer_with_double(b.as_integer(), a.as_double());
  return a.as_double() < b.as_double() ? -1 : a.as_double() > b.as_double() ? 1 : 0;
}

bool is_integral(const json::Value &value) noexcept {
  if (value.is_integer())
    return true;
  const double number = value.as_double();
  return value.is_number() && std::isfinite(number) && std::trunc(number) == number;
}

bool is_multiple_of(const json::Value &value, const json::Value &divisor) noexcept {
  if (value.is_integer() && divisor.is_integer() && divisor.as_integer() > 0)
    return value.as_integer() % divisor.as_integer() == 0;
  if (!value.is_integer() && !std::isfinite(value.as_double()))
    return false;
  const Decimal x = decimal_of(value);
  const Decimal m = decimal_of(divisor);
  if (x.digits == 0)
    return true;
  if (m.digits == 0)
    return false;
  // x / m = (x.digits / m.digits) * 10^(x.exponent - m.exponent).
  const int shift = x.exponent - m.exponent;
  if (shift >= 0)
    return multiply_mod(x.digits % m.digits,
                        power_of_ten_mod(static_cast<unsigned>(shift), m.digits), m.digits) == 0;
  // m.digits * 10^-shift must divide x.digits, which is below 2^64.
  std::uint64_t scaled = m.digits;
  for (int k = 0; k < -shift; ++k) {
    if (scaled > std::numeric_limits<std::uint64_t>::max() / 10)
      return false;
    scaled *= 10;
  }
  return x.digits % scaled == 0;
}

} // namespace llmux::schema
