#include "ledger/calendar.hpp"

#include <cstdio>

namespace llmux {
namespace {

// Floor division and its remainder: the calendar counts backwards before 1970 too.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Days since 0000-03-01 of the first of March of a year. Counting years from March puts the
// leap day at the end of the year, so a year's length depends only on whether the next
// calendar year is a leap year; 400 Gregorian years are exactly 146097 days.
constexpr std::int64_t days_per_era = 146'097;
// 1970-01-01 is this many days after 0000-03-01.
constexpr std::int64_t epoch_offset = 719'468;

// Days of the months from March: Mar Apr May Jun Jul Aug Sep Oct Nov Dec Jan Feb.
constexpr int days_before_month_from_march[12] = {0,   31,  61,  92,  122, 153,
                                                  184, 214, 245, 275, 306, 337};

} // namespace

CivilDate civil_from_days(std::int64_t days) noexcept {
  const std::int64_t shifted = days + epoch_offset;
  const std::int64_t era = floor_div(shifted, days_per_era);
  const std::int64_t day_of_era = shifted - era * days_per_era; // 0..146096
  // Years into the era: subtract the leap days before this day (one every 4 years, none every
  // 100, one every 400), then divide by 365.
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // 0..365
  int month_from_march = 11;
  while (days_before_month_from_march[month_from_march] > day_of_year)
    --month_from_march;
  CivilDate date;
  date.day = static_cast<int>(day_of_year - days_before_month_from_march[month_from_march]) + 1;
  date.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  date.year = year_of_era + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  const std::int64_t march_year = month <= 2 ? year - 1 : year;
  const std::int64_t era = floor_div(march_year, 400);
  const std::int64_t year_of_era = march_year - era * 400; // 0..399
  const int month_from_march = month >= 3 ? month - 3 : month + 9;
  const std::int64_t day_of_year = days_before_month_from_march[month_from_march] + day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * days_per_era + day_of_era - epoch_offset;
}

DayRange day_range(std::int64_t day) noexcept {
  return {day, day + 1};
}

DayRange week_range(std::int64_t day) noexcept {
  // 1970-01-01 was a Thursday: Monday-based weekday 3.
  const std::int64_t weekday = day - 7 * floor_div(day + 3, 7) + 3; // 0 = Monday
  return {day - weekday, day - weekday + 7};
}

DayRange month_range(std::int64_t day) noexcept {
  const CivilDate date = civil_from_days(day);
  const std::int64_t first = day - (date.day - 1);
  const std::int64_t next = date.month == 12 ? days_from_civil(date.year + 1, 1, 1)
                                             : days_from_civil(date.year, date.month + 1, 1);
  return {first, next};
}

std::string day_key(std::int64_t day) {
  const CivilDate date = civil_from_days(day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02d", static_cast<long long>(date.year),
                date.month, date.day);
  return buffer;
}

std::string week_key(std::int64_t day) {
  // An ISO week belongs to the year of its Thursday; week 1 is the week of the year's first
  // Thursday.
  const std::int64_t thursday = week_range(day).first + 3;
  const std::int64_t year = civil_from_days(thursday).year;
  const std::int64_t week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-W%02lld", static_cast<long long>(year),
                static_cast<long long>(week));
  return buffer;
}

std::string month_key(std::int64_t day) {
  const CivilDate date = civil_from_days(day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d", static_cast<long long>(date.year),
                date.month);
  return buffer;
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
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31)
    return std::nullopt;
  const std::int64_t days = days_from_civil(*year, *month, *day);
  // 2026-02-30 would land in March: a date is real when it reads back as itself.
  const CivilDate check = civil_from_days(days);
  if (check.year != *year || check.month != *month || check.day != *day)
    return std::nullopt;
  return days;
}

} // namespace llmux
