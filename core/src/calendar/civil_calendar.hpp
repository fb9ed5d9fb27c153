#pragma once
// The proleptic Gregorian calendar as day numbers: dates to days since 1970-01-01 and back,
// leap years, weekdays and ISO weeks. Pure integer arithmetic, no tables of years. The one
// calendar of the core: HTTP dates, the ledger's periods and the datetime tool use it.

#include <cstdint>

namespace llmux {

/// A calendar date. `month` is 1..12, `day` 1..31.
struct CivilDate {
  std::int64_t year = 1970;
  int month = 1;
  int day = 1;
  friend bool operator==(const CivilDate &, const CivilDate &) = default;
};

/// Divisible by 4, except centuries not divisible by 400 (1900 no, 2000 yes).
bool is_leap_year(std::int64_t year) noexcept;

/// 28..31. Precondition: 1 <= month <= 12.
int days_in_month(std::int64_t year, int month) noexcept;

/// Days from 1970-01-01 to `date` (negative before it). Precondition: a valid date.
std::int64_t days_from_civil(CivilDate date) noexcept;

/// The date `days` days after 1970-01-01 (before it when negative).
CivilDate civil_from_days(std::int64_t days) noexcept;

/// 1 (Monday) .. 7 (Sunday), as ISO 8601 numbers them.
int iso_weekday(std::int64_t days) noexcept;

/// 1..366.
int day_of_year(std::int64_t days) noexcept;

/// The ISO 8601 week of a day: weeks start on Monday, and week 1 is the one holding the year's
/// first Thursday, so early January may belong to the previous year's last week.
struct IsoWeek {
  std::int64_t year = 0;
  int week = 0; ///< 1..53
};
IsoWeek iso_week(std::int64_t days) noexcept;

/// a / b rounded toward negative infinity. Precondition: b > 0.
std::int64_t floor_divide(std::int64_t a, std::int64_t b) noexcept;

} // namespace llmux
