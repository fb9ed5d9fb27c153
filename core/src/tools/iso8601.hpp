#pragma once
// ISO 8601 / RFC 3339 dates, date-times and fixed UTC offsets, as the datetime tool reads and
// writes them. Offsets are fixed: there is no time zone database in the core, so names such as
// "Europe/Paris" are refused with a message saying which form to use instead.

#include <llmux/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmux::tools {

inline constexpr std::int64_t ms_per_day = 86'400'000;

/// A date, or a date and time of day at a fixed UTC offset.
struct DateTime {
  /// The wall-clock time at `offset_minutes`, as milliseconds since 1970-01-01T00:00 of that
  /// wall clock (negative before it). A date alone is its midnight.
  std::int64_t local_ms = 0;
  /// Minutes east of UTC; 0 for a date alone, which stands for midnight UTC.
  int offset_minutes = 0;
  /// A date without a time of day.
  bool date_only = false;

  /// The instant, as Unix milliseconds.
  std::int64_t unix_ms() const noexcept { return local_ms - offset_minutes * 60'000LL; }
};

/// Reads a date "2026-11-25", or a date-time "2026-11-25T10:00:00Z",
/// "2026-11-25T10:00:00.250+05:30", "2026-11-25 10:00-08:00" (seconds optional; 't', 'z' and a
/// space for 'T' accepted; fractions of a second kept to the millisecond). Years 0001..9999.
/// A date-time must carry an offset. `argument` names the argument in messages; failures are
/// invalid_argument saying what is wrong (2026-02-30, 25:00, a bad or missing offset, a time
/// zone name) and what is accepted.
Result<DateTime> parse_date_time(std::string_view text, std::string_view argument);

/// Reads a UTC offset: "Z", "UTC" or "GMT", "+05:30", "-08:00", "+0530", "+05", also behind
/// "UTC"/"GMT" ("UTC+5", "GMT-08:00"). From -18:00 to +18:00. Returns minutes east of UTC.
Result<int> parse_utc_offset(std::string_view text, std::string_view argument);

/// True when the wall-clock day of `local_ms` lies in 0001-01-01..9999-12-31.
bool in_supported_range(std::int64_t local_ms) noexcept;

/// `value` (0 or more) in decimal, with zeros before it up to `width` digits: "0042".
std::string zero_padded(int value, int width);

/// zero_padded(value, 2): "05".
std::string two_digits(int value);

/// "2026-11-25". Precondition: in_supported_range.
std::string format_date(std::int64_t local_ms);

/// "2026-11-25T10:00:00+05:30", with ".250" when there are milliseconds and "Z" for offset 0.
/// Precondition: in_supported_range.
std::string format_date_time(std::int64_t local_ms, int offset_minutes);

/// "+05:30", "-08:00", or "Z" for 0.
std::string format_utc_offset(int offset_minutes);

} // namespace llmux::tools
