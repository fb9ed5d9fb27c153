#include "ledger/calendar.hpp"

#include <cstdint>

namespace llmux {
namespace {

// `value` in decimal with zeros after its sign up to `width` characters in all, as printf's
// "%0*lld" writes it: "0042", "-042", "12345". (A loop: std::to_chars, inlined here, was
// 0.5 KB of the Wasm module.)
void append_zero_padded(std::int64_t value, std::size_t width, std::string &out) {
  // The magnitude in unsigned arithmetic: -(2^63) has none as std::int64_t.
  std::uint64_t magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  char reversed[20];
  std::size_t digits = 0;
  do {
    reversed[digits++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  std::size_t length = digits; // the sign counts, as in printf
  if (value < 0) {
    out.push_back('-');
    ++length;
  }
  for (; length < width; ++length)
    out.push_back('0');
  while (digits > 0)
    out.push_back(reversed[--digits]);
}

} // namespace

DayRange day_range(std::int64_t day) noexcept {
  return {day, day + 1};
}

DayRange week_range(std::int64_t day) noexcept {
  // 1970-01-01 was a Thursday: Monday-based weekday 3.
  const std::int64_t weekday = day - 7 * floor_divide(day + 3, 7) + 3; // 0 = Monday
  return {day - weekday, day - weekday + 7};
}

DayRange month_range(std::int64_t day) noexcept {
  const CivilDate date = civil_from_days(day);
  const std::int64_t first = day - (date.day - 1);
  const std::int64_t next = date.month == 12 ? days_from_civil({date.year + 1, 1, 1})
                                             : days_from_civil({date.year, date.month + 1, 1});
  return {first, next};
}

std::string day_key(std::int64_t day) {
  const CivilDate date = civil_from_days(day);
  std::string key;
  append_zero_padded(date.year, 4, key);
  key.push_back('-');
  append_zero_padded(date.month, 2, key);
  key.push_back('-');
  append_zero_padded(date.day, 2, key);
  return key;
}

std::string week_key(std::int64_t day) {
  // An ISO week belongs to the year of its Thursday (iso_week), which differs from the
  // calendar year around New Year.
  const IsoWeek week = iso_week(day);
  std::string key;
  append_zero_padded(week.year, 4, key);
  key += "-W";
  append_zero_padded(week.week, 2, key);
  return key;
}

std::string month_key(std::int64_t day) {
  const CivilDate date = civil_from_days(day);
  std::string key;
  append_zero_padded(date.year, 4, key);
  key.push_back('-');
  append_zero_padded(date.month, 2, key);
  return key;
}

std::optional<std::int64_t> day_from_key(std::string_view key) noexcept {
  if (key.size() != 10 || key[4] != '-' || key[7] != '-')
    return std::nullopt;
  auto number = [&](std::size_t at, std::size_t digits) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      if (key[i] < '0' || key[i] > '9')
        return std::nullopt;
      value = value * 10 + (key[i] - '0');
    }
    return value;
  };
  auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, *month))
    return std::nullopt;
  return days_from_civil({*year, *month, *day});
}

} // namespace llmux
