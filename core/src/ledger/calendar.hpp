#pragma once
// The ledger's periods, over the core's calendar (calendar/civil_calendar.hpp): UTC days,
// ISO weeks, months, and their keys ("2026-11-25", "2026-W48", "2026-11"). No time zones, no clock: every
// period is UTC, and time arrives as Unix milliseconds.

#include "calendar/civil_calendar.hpp"

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
