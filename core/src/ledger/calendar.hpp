#pragma once
// UTC calendar arithmetic for the ledger: days since the Unix epoch, civil dates, ISO weeks
// and the period keys ("2026-11-25", "2026-W48", "2026-11"). No time zones, no clock: every
// period is UTC, and time arrives as Unix milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmux {

inline constexpr std::int64_t ms_per_day = 86'400'000;

/// The UTC day that contains `at_ms`, as days since 1970-01-01 (negative before it).
constexpr std::int64_t day_of(std::int64_t at_ms) noexcept {
  std::int64_t day = at_ms / ms_per_day;
  return (at_ms % ms_per_day < 0) ? day - 1 : day;
}

/// A date of the proleptic Gregorian calendar.
struct CivilDate {
  std::int64_t year = 1970;
  int month = 1; ///< 1..12
  int day = 1;   ///< 1..31
};

/// The date of a day number. Exact for every day an int64 of milliseconds can reach.
CivilDate civil_from_days(std::int64_t days) noexcept;

/// The day number of a date. Precondition: month 1..12, day 1..31.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

/// The first day and one past the last day of a period.
struct DayRange {
  std::int64_t first = 0;
  std::int64_t end = 0;
};

/// The UTC day containing `day` (itself), its ISO week (Monday to Sunday) or its calendar month.
DayRange day_range(std::int64_t day) noexcept;
DayRange week_range(std::int64_t day) noexcept;
DayRange month_range(std::int64_t day) noexcept;

/// Period keys of a day of years 0..9999: "2026-11-25", "2026-W48" (the ISO week-numbering
/// year, which differs from the calendar year around New Year), "2026-11".
std::string day_key(std::int64_t day);
std::string week_key(std::int64_t day);
std::string month_key(std::int64_t day);

/// The day a "YYYY-MM-DD" key names, when it is exactly a real date.
std::optional<std::int64_t> day_from_key(std::string_view key) noexcept;

} // namespace llmux
