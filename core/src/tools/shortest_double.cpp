#include "tools/shortest_double.hpp"

#include "json/format_double.hpp"
#include "json/read_double.hpp"

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string_view>


namespace llmux::tools {

namespace {

// A positive decimal d.ddd × 10^exponent, as significant digits and the exponent of the first.
struct Decimal {
  std::string digits;
  int exponent = 0;
};

double value_of(const Decimal &decimal) {
  return json::read_double(decimal.digits.substr(0, 1) + "." + decimal.digits.substr(1) + "e" +
                     std::to_string(decimal.exponent));
}

// `magnitude` correctly rounded to `count` significant digits (1 to 17), as printf's "%.*e"
// rounds it: json::format_double, which is printf natively and links none in Wasm.
Decimal rounded(double magnitude, int count) {
  const json::DoubleText text = json::format_double(magnitude, json::DoubleStyle::Exponent, count - 1);
  const std::string_view view = text.view();
  const std::size_t e = view.find('e');
  Decimal decimal;
  for (char c : view.substr(0, e))
    if (c >= '0' && c <= '9')
      decimal.digits += c;
  const bool negative = view[e + 1] == '-';
  for (char c : view.substr(e + 2))
    decimal.exponent = decimal.exponent * 10 + (c - '0');
  if (negative)
    decimal.exponent = -decimal.exponent;
  return decimal;
}

// `decimal` moved by one unit in its last digit, up or down.
Decimal step(Decimal decimal, bool up) {
  std::string &digits = decimal.digits;
  std::size_t i = digits.size();
  if (up) {
    while (i > 0 && digits[i - 1] == '9')
      digits[--i] = '0';
    if (i == 0) {
      digits.insert(digits.begin(), '1');
      digits.pop_back();
      ++decimal.exponent;
    } else {
      ++digits[i - 1];
    }
  } else {
    while (i > 0 && digits[i - 1] == '0')
      digits[--i] = '9';
    if (i > 0)
      --digits[i - 1];
    if (digits.front() == '0' && digits.size() > 1) {
      digits.erase(digits.begin());
      --decimal.exponent;
    }
  }
  return decimal;
}

// The decimal of `count` significant digits nearest to `magnitude` (positive, finite) that reads
// back as it, if there is one. printf and strtod are exact (glibc, musl), so both "nearest" and
// "reads back" are decided on the true values.
std::optional<Decimal> with_digits(double magnitude, int count) {
  Decimal nearest = rounded(magnitude, count);
  const double back = value_of(nearest);
  if (back == magnitude)
    return nearest;
  // At a power of two the doubles below are twice as dense as those above, so the interval
  // that reads back is lopsided: the nearest decimal may miss it on the near side while its
  // neighbour on the other side of `magnitude` lands in it (2^-1017 is "7.120236347223045e-307"
  // although the nearest 16-digit decimal is below it). Any other decimal is farther out.
  Decimal neighbour = step(nearest, back < magnitude);
  if (value_of(neighbour) == magnitude)
    return neighbour;
  return std::nullopt;
}

// The fewest significant digits that read back, and among those the nearest: what to_chars
// picks. A decimal of n digits that reads back is also one of n + 1 (with a zero appended), so
// the fewest is found by bisection; 17 digits always suffice for a double.
Decimal shortest(double magnitude) {
  int fewest = 1;
  int enough = 17;
  while (fewest < enough) {
    const int middle = (fewest + enough) / 2;
    if (with_digits(magnitude, middle))
      enough = middle;
    else
      fewest = middle + 1;
  }
  return with_digits(magnitude, enough).value_or(rounded(magnitude, 17));
}

} // namespace

std::string shortest_double(double value) {
  const std::string sign = std::signbit(value) ? "-" : "";
  if (value == 0)
    return sign + "0";
  Decimal decimal = shortest(std::fabs(value));
  std::string &digits = decimal.digits;
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  const int exponent = decimal.exponent;

  // Scientific as to_chars writes it: an exponent of two digits at least, with its sign.
  std::string as_scientific = sign + digits.substr(0, 1);
  if (digits.size() > 1) {
    as_scientific += '.';
    as_scientific += digits.substr(1);
  }
  as_scientific += exponent < 0 ? "e-" : "e+";
  const int magnitude = exponent < 0 ? -exponent : exponent;
  if (magnitude < 10)
    as_scientific += '0';
  as_scientific += std::to_string(magnitude);

  const int count = static_cast<int>(digits.size());
  // Fixed notation is the shorter one only up to 10^22: from there on the scientific form,
  // of at most 17 digits, a point and "e+NN", is shorter than the integer's 23 digits or more.
  if (exponent > 21)
    return as_scientific;
  std::string as_fixed = sign;
  if (exponent >= count - 1) {
    // An integer: its length is fixed, so to_chars writes the exact value rather than the
    // shortest digits padded with zeros (2^55 is "36028797018963968", not "...970"). Under
    // 10^22 it converts exactly to 128 bits.
    __extension__ using Uint128 = unsigned __int128; // clang and gcc have it, -Wpedantic says
    auto integer = static_cast<Uint128>(std::fabs(value));
    char reversed[24];
    std::size_t length = 0;
    do {
      reversed[length++] = static_cast<char>('0' + static_cast<int>(integer % 10));
      integer /= 10;
    } while (integer != 0);
    while (length > 0)
      as_fixed += reversed[--length];
  } else if (exponent >= 0) {
    as_fixed += digits.substr(0, static_cast<std::size_t>(exponent) + 1);
    as_fixed += '.';
    as_fixed += digits.substr(static_cast<std::size_t>(exponent) + 1);
  } else {
    as_fixed += "0.";
    as_fixed.append(static_cast<std::size_t>(-exponent - 1), '0');
    as_fixed += digits;
  }
  return as_fixed.size() <= as_scientific.size() ? as_fixed : as_scientific;
}

} // namespace llmux::tools
