#include "tools/exact_decimal.hpp"

#include "json/read_double.hpp"

#include <limits>

namespace llmux::tools {
namespace {

// Two aligned decimals (each below 2^63 units, scaled by at most 10^18) and their products
// stay below 2^126: 128 bits hold every intermediate result. (__extension__: GCC and Clang
// have __int128 on every target llmux builds for, Wasm included; ISO C++ does not name it.)
__extension__ typedef __int128 Wide;

constexpr Wide int64_min = std::numeric_limits<std::int64_t>::min();
constexpr Wide int64_max = std::numeric_limits<std::int64_t>::max();

constexpr Wide pow10(int exponent) {
  Wide value = 1;
  for (int i = 0; i < exponent; ++i)
    value *= 10;
  return value;
}

// 10^0 to 10^18 as doubles, all exact (powers of ten are exact up to 10^22).
constexpr double pow10_double(int exponent) {
  double value = 1;
  for (int i = 0; i < exponent; ++i)
    value *= 10;
  return value;
}

// `units` / 10^`places` normalised, or nothing when it needs more places than kept or more
// than 64 bits of units.
std::optional<ExactDecimal> normalised(Wide units, int places) {
  while (places > 0 && units % 10 == 0) {
    units /= 10;
    --places;
  }
  if (places > max_decimal_places || units < int64_min || units > int64_max)
    return std::nullopt;
  return ExactDecimal{static_cast<std::int64_t>(units), places};
}

// a's units at `places` places (places >= a.places).
Wide units_at(ExactDecimal a, int places) {
  return Wide(a.units) * pow10(places - a.places);
}

int max(int a, int b) {
  return a < b ? b : a;
}

Wide magnitude(Wide value) {
  return value < 0 ? -value : value;
}

Wide greatest_common_divisor(Wide a, Wide b) {
  while (b != 0) {
    const Wide rest = a % b;
    a = b;
    b = rest;
  }
  return a;
}

} // namespace

std::optional<ExactDecimal> parse_decimal(std::string_view literal) {
  // The digits fold into `units` as they come, except zeros after a significant digit: those
  // wait in `zeros` until a digit other than zero follows, so trailing zeros ("1.50000")
  // never count against the 19 significant digits.
  Wide units = 0;
  int zeros = 0;
  int fraction_digits = 0;
  bool in_fraction = false;
  std::size_t at = 0;
  for (; at < literal.size(); ++at) {
    const char c = literal[at];
    if (c == '.') {
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9')
      break;
    if (in_fraction)
      ++fraction_digits;
    if (c == '0') {
      if (units != 0)
        ++zeros;
      continue;
    }
    if (zeros >= 19)
      return std::nullopt;
    units = units * pow10(zeros + 1) + (c - '0');
    zeros = 0;
    if (units > int64_max)
      return std::nullopt;
  }
  if (units == 0)
    return ExactDecimal{};
  // The exponent, saturated: beyond a few dozen it is out of range either way.
  int exponent = 0;
  if (at < literal.size()) {
    ++at; // 'e' or 'E'
    const bool negative = literal[at] == '-';
    if (literal[at] == '+' || literal[at] == '-')
      ++at;
    for (; at < literal.size(); ++at)
      if (exponent < 100000)
        exponent = exponent * 10 + (literal[at] - '0');
    if (negative)
      exponent = -exponent;
  }
  const int scale = zeros - fraction_digits + exponent; // the value is units * 10^scale
  if (scale < -max_decimal_places || scale > max_decimal_places)
    return std::nullopt;
  if (scale >= 0)
    return normalised(units * pow10(scale), 0);
  return normalised(units, -scale);
}

std::optional<ExactDecimal> add(ExactDecimal a, ExactDecimal b) {
  const int places = max(a.places, b.places);
  return normalised(units_at(a, places) + units_at(b, places), places);
}

std::optional<ExactDecimal> subtract(ExactDecimal a, ExactDecimal b) {
  const int places = max(a.places, b.places);
  return normalised(units_at(a, places) - units_at(b, places), places);
}

std::optional<ExactDecimal> multiply(ExactDecimal a, ExactDecimal b) {
  return normalised(Wide(a.units) * b.units, a.places + b.places);
}

std::optional<ExactDecimal> divide(ExactDecimal a, ExactDecimal b) {
  if (b.units == 0)
    return std::nullopt;
  // a / b = numerator / denominator in lowest terms; it is a decimal exactly when the
  // denominator is 2^twos * 5^fives, with max(twos, fives) places.
  Wide numerator = Wide(a.units) * pow10(b.places);
  Wide denominator = Wide(b.units) * pow10(a.places);
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const Wide divisor = greatest_common_divisor(magnitude(numerator), denominator);
  numerator /= divisor;
  denominator /= divisor;
  Wide rest = denominator;
  int twos = 0;
  int fives = 0;
  while (rest % 2 == 0) {
    rest /= 2;
    ++twos;
  }
  while (rest % 5 == 0) {
    rest /= 5;
    ++fives;
  }
  const int places = max(twos, fives);
  if (rest != 1 || places > max_decimal_places)
    return std::nullopt;
  Wide units = 0;
  if (__builtin_mul_overflow(numerator, pow10(places) / denominator, &units))
    return std::nullopt;
  return normalised(units, places);
}

std::optional<ExactDecimal> remainder(ExactDecimal a, ExactDecimal b) {
  if (b.units == 0)
    return std::nullopt;
  const int places = max(a.places, b.places);
  return normalised(units_at(a, places) % units_at(b, places), places);
}

std::optional<ExactDecimal> power(ExactDecimal base, std::int64_t exponent) {
  if (exponent < 0)
    return std::nullopt;
  if (base.places == 0 && (base.units == 0 || base.units == 1))
    return exponent == 0 ? ExactDecimal{1, 0} : base;
  if (base.places == 0 && base.units == -1)
    return ExactDecimal{exponent % 2 == 0 ? 1 : -1, 0};
  // |base| is not 0 or 1, so |base^n| or its places grow with n: the base is squared only
  // while bits of the exponent remain, and when a square no longer fits, neither does the
  // result it was needed for.
  ExactDecimal result{1, 0};
  while (true) {
    if (exponent & 1) {
      auto product = multiply(result, base);
      if (!product)
        return std::nullopt;
      result = *product;
    }
    exponent >>= 1;
    if (exponent == 0)
      return result;
    auto square = multiply(base, base);
    if (!square)
      return std::nullopt;
    base = *square;
  }
}

std::optional<ExactDecimal> negate(ExactDecimal a) {
  if (a.units == std::numeric_limits<std::int64_t>::min())
    return std::nullopt;
  return ExactDecimal{-a.units, a.places};
}

int compare(ExactDecimal a, ExactDecimal b) {
  const int places = max(a.places, b.places);
  const Wide x = units_at(a, places);
  const Wide y = units_at(b, places);
  return x < y ? -1 : x > y ? 1 : 0;
}

std::optional<ExactDecimal> round_to(ExactDecimal a, int digits) {
  if (digits >= a.places)
    return a;
  const Wide unit = pow10(a.places - digits); // at most 10^33
  Wide quotient = a.units / unit;
  const Wide rest = a.units % unit;
  if (magnitude(rest) * 2 >= unit)
    quotient += a.units < 0 ? -1 : 1;
  if (digits >= 0)
    return normalised(quotient, digits);
  return normalised(quotient * pow10(-digits), 0);
}

ExactDecimal floor(ExactDecimal a) {
  if (a.places == 0)
    return a;
  const std::int64_t unit = static_cast<std::int64_t>(pow10(a.places));
  std::int64_t quotient = a.units / unit;
  if (a.units < 0 && a.units % unit != 0)
    --quotient;
  return {quotient, 0};
}

ExactDecimal ceil(ExactDecimal a) {
  if (a.places == 0)
    return a;
  const std::int64_t unit = static_cast<std::int64_t>(pow10(a.places));
  std::int64_t quotient = a.units / unit;
  if (a.units > 0 && a.units % unit != 0)
    ++quotient;
  return {quotient, 0};
}

double to_double(ExactDecimal a) {
  // Both operands exact as doubles, so the one division rounds correctly (Clinger's fast
  // path); past 2^53 units the text is read instead.
  constexpr std::int64_t exact_in_double = std::int64_t(1) << 53;
  if (a.units >= -exact_in_double && a.units <= exact_in_double)
    return static_cast<double>(a.units) / pow10_double(a.places);
  return json::read_double(to_string(a));
}

std::string to_string(ExactDecimal a) {
  // The magnitude in unsigned arithmetic: -(-2^63) does not fit std::int64_t.
  const std::uint64_t magnitude_units =
      a.units < 0 ? 0 - static_cast<std::uint64_t>(a.units) : static_cast<std::uint64_t>(a.units);
  std::string digits = std::to_string(magnitude_units);
  const auto places = static_cast<std::size_t>(a.places);
  if (places > 0) {
    if (digits.size() <= places)
      digits.insert(0, places + 1 - digits.size(), '0');
    digits.insert(digits.size() - places, 1, '.');
  }
  return a.units < 0 ? "-" + digits : digits;
}

} // namespace llmux::tools
