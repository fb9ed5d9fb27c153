#include "ledger/calendar.hpp"

#include <cstdio>

namespace llmux {

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
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02d", static_cast<long long>(date.year),
                date.month, date.day);
  return buffer;
}

std::string week_key(std::int64_t day) {
  // An ISO week belongs to the year of its Thursday (iso_week), which differs from the
  // calendar year around New Year.
  const IsoWeek week = iso_week(day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-W%02d", static_cast<long long>(week.year),
                week.week);
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
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, *month))
    return std::nullopt;
  return days_from_civil({*year, *month, *day});
}

} // namespace llmux
