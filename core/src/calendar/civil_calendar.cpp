#include "calendar/civil_calendar.hpp"

namespace llmux {
namespace {

// The arithmetic below counts years from March 1st, so that February, with the leap day, is
// the last month of a year: a date's day within such a year no longer depends on whether the
// year is a leap year. The months March..January then have 31, 30, 31, 30, 31, 31, 30, 31, 30,
// 31, 31 days: a 153-day pattern every five months, which (153 * m + 2) / 5 reproduces for the
// days before month m (m = 0 for March). The calendar repeats every 400 years (an "era") of
// 146097 days, 365 * 400 + 97 leap days.
constexpr std::int64_t days_per_era = 146097;
// Days from 0000-03-01, day 0 of era 0, to 1970-01-01.
constexpr std::int64_t epoch_shift = 719468;

} // namespace

std::int64_t floor_divide(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t quotient = a / b;
  return (a % b != 0 && a < 0) ? quotient - 1 : quotient;
}

bool is_leap_year(std::int64_t year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(std::int64_t year, int month) noexcept {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

std::int64_t days_from_civil(CivilDate date) noexcept {
  const std::int64_t year = date.month <= 2 ? date.year - 1 : date.year; // March-based
  const std::int64_t era = floor_divide(year, 400);
  const std::int64_t year_of_era = year - era * 400;           // 0..399
  const std::int64_t month_from_march = (date.month + 9) % 12; // March = 0
  const std::int64_t day_of_march_year = (153 * month_from_march + 2) / 5 + date.day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_march_year;
  return era * days_per_era + day_of_era - epoch_shift;
}

CivilDate civil_from_days(std::int64_t days) noexcept {
  const std::int64_t shifted = days + epoch_shift;
  const std::int64_t era = floor_divide(shifted, days_per_era);
  const std::int64_t day_of_era = shifted - era * days_per_era; // 0..146096
  // Years of the era before this day: take out the leap days (one per 4 years, less one per
  // century, plus one on the era's last day) and divide by 365.
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / (days_per_era - 1)) / 365;
  const std::int64_t day_of_march_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_march_year + 2) / 153;
  CivilDate date;
  date.day = static_cast<int>(day_of_march_year - (153 * month_from_march + 2) / 5 + 1);
  date.month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  date.year = era * 400 + year_of_era + (date.month <= 2 ? 1 : 0);
  return date;
}

int iso_weekday(std::int64_t days) noexcept {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>((days % 7 + 7 + 3) % 7) + 1;
}

int day_of_year(std::int64_t days) noexcept {
  const CivilDate date = civil_from_days(days);
  return static_cast<int>(days - days_from_civil({date.year, 1, 1})) + 1;
}

IsoWeek iso_week(std::int64_t days) noexcept {
  // A week belongs to the year that holds its Thursday.
  const std::int64_t thursday = days - iso_weekday(days) + 4;
  const CivilDate date = civil_from_days(thursday);
  return {date.year, (day_of_year(thursday) - 1) / 7 + 1};
}

} // namespace llmux
