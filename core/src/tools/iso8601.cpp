#include "tools/iso8601.hpp"

#include "calendar/civil_calendar.hpp"
#include "tools/tool_arguments.hpp"

#include <optional>

namespace llmux::tools {
namespace {

constexpr std::string_view accepted_forms =
    "write a date as 2026-11-25, or a date and time with its UTC offset as "
    "2026-11-25T10:00:00Z or 2026-11-25T10:00:00+05:30";

constexpr std::string_view offset_forms =
    "UTC offsets are written Z (UTC), +HH:MM or -HH:MM, such as +05:30 or -08:00";

constexpr std::string_view no_time_zone_names =
    "time zone names such as Europe/Paris or EST are not supported, as the tool has no time "
    "zone database: give the fixed UTC offset in effect, such as +01:00 or -05:00, or Z for UTC";

constexpr std::string_view month_names[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

constexpr int max_offset_minutes = 18 * 60;

Error invalid(std::string_view argument, std::string_view text, std::string_view why) {
  return tool_error(quoted(argument) + " is " + quote_for_message(text) + ": " + std::string(why));
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// Reads exactly `count` digits at `pos`, advancing it.
std::optional<int> read_digits(std::string_view text, std::size_t &pos, std::size_t count) {
  if (pos + count > text.size())
    return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i]))
      return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  pos += count;
  return value;
}

bool read_char(std::string_view text, std::size_t &pos, char c) {
  if (pos >= text.size() || text[pos] != c)
    return false;
  ++pos;
  return true;
}

// Letters or a slash where an offset belongs: someone wrote a time zone's name.
bool looks_like_zone_name(std::string_view text) noexcept {
  for (char c : text)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/')
      return true;
  return false;
}


// "Z" or +HH[:MM], +HHMM, and +H[:MM] when `short_hours` (an offset argument, "UTC+5"; in a
// date-time ISO 8601 wants two digits): minutes east of UTC, or what is wrong with it.
Result<int> read_offset(std::string_view text, bool short_hours) {
  if (text == "Z" || text == "z")
    return 0;
  std::size_t pos = 0;
  if (text.empty() || (text[0] != '+' && text[0] != '-'))
    return tool_error(std::string(looks_like_zone_name(text) ? no_time_zone_names : offset_forms));
  const int sign = text[0] == '-' ? -1 : 1;
  pos = 1;
  std::size_t hour_digits = 0;
  while (pos + hour_digits < text.size() && is_digit(text[pos + hour_digits]))
    ++hour_digits;
  std::optional<int> hours;
  std::optional<int> minutes = 0;
  if ((hour_digits == 1 && short_hours) || hour_digits == 2) {
    hours = read_digits(text, pos, hour_digits);
    if (read_char(text, pos, ':'))
      minutes = read_digits(text, pos, 2);
  } else if (hour_digits == 4) {
    hours = read_digits(text, pos, 2);
    minutes = read_digits(text, pos, 2);
  }
  if (!hours || !minutes || pos != text.size())
    return tool_error(std::string(looks_like_zone_name(text) ? no_time_zone_names : offset_forms));
  if (*minutes > 59 || *hours * 60 + *minutes > max_offset_minutes)
    return tool_error("UTC offsets run from -18:00 to +18:00 with minutes from 00 to 59");
  return sign * (*hours * 60 + *minutes);
}

} // namespace

std::string zero_padded(int value, int width) {
  // By hand, not printf's "%0*d": the Wasm module, where the built-in tools run too, links no
  // printf.
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + value % 10));
    value /= 10;
  } while (value > 0);
  if (static_cast<int>(digits.size()) < width)
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  return digits;
}

std::string two_digits(int value) {
  return zero_padded(value, 2);
}

Result<int> parse_utc_offset(std::string_view text, std::string_view argument) {
  std::string_view offset = trim(text);
  if (offset.size() >= 3) {
    std::string prefix(offset.substr(0, 3));
    for (char &c : prefix)
      if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 'a' + 'A');
    if (prefix == "UTC" || prefix == "GMT") {
      if (offset.size() == 3)
        return 0;
      if (offset[3] == '+' || offset[3] == '-')
        offset.remove_prefix(3);
    }
  }
  auto minutes = read_offset(offset, true);
  if (!minutes.ok())
    return invalid(argument, text, minutes.error().message);
  return minutes;
}

Result<DateTime> parse_date_time(std::string_view original, std::string_view argument) {
  const std::string_view text = trim(original);
  if (text.empty())
    return invalid(argument, original, "it is empty; " + std::string(accepted_forms));
  std::size_t pos = 0;
  std::size_t year_digits = 0;
  while (year_digits < text.size() && is_digit(text[year_digits]))
    ++year_digits;
  if (year_digits > 4 || text[0] == '+' || (text[0] == '-' && text.size() > 1 && is_digit(text[1])))
    return invalid(argument, text, "years run from 0001 to 9999, written with four digits");
  const auto year = read_digits(text, pos, 4);
  std::optional<int> month;
  std::optional<int> day;
  if (year && read_char(text, pos, '-'))
    month = read_digits(text, pos, 2);
  if (month && read_char(text, pos, '-'))
    day = read_digits(text, pos, 2);
  if (!day)
    return invalid(argument, text, accepted_forms);
  if (*year < 1)
    return invalid(argument, text, "years run from 0001 to 9999");
  if (*month < 1 || *month > 12)
    return invalid(argument, text,
                   "there is no month " + two_digits(*month) + "; months run from 01 to 12");
  const int month_length = days_in_month(*year, *month);
  if (*day < 1)
    return invalid(argument, text, "there is no day 00; days run from 01");
  if (*day > month_length)
    return invalid(argument, text,
                   std::string(month_names[*month - 1]) + " " + std::to_string(*year) + " has " +
                       std::to_string(month_length) + " days");
  DateTime result;
  result.local_ms = days_from_civil({*year, *month, *day}) * ms_per_day;
  if (pos == text.size()) {
    result.date_only = true;
    return result;
  }

  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')
    return invalid(argument, text, accepted_forms);
  ++pos;
  const auto hour = read_digits(text, pos, 2);
  std::optional<int> minute;
  if (hour && read_char(text, pos, ':'))
    minute = read_digits(text, pos, 2);
  if (!minute)
    return invalid(argument, text, accepted_forms);
  std::optional<int> second = 0;
  int milliseconds = 0;
  if (read_char(text, pos, ':')) {
    second = read_digits(text, pos, 2);
    if (!second)
      return invalid(argument, text, accepted_forms);
    if (read_char(text, pos, '.') || read_char(text, pos, ',')) {
      // Kept to the millisecond: further digits are dropped.
      std::size_t count = 0;
      for (; pos < text.size() && is_digit(text[pos]); ++pos, ++count)
        if (count < 3)
          milliseconds = milliseconds * 10 + (text[pos] - '0');
      if (count == 0 || count > 9)
        return invalid(argument, text, "a fraction of a second has 1 to 9 digits");
      for (; count < 3; ++count)
        milliseconds *= 10;
    }
  }
  if (*hour > 23)
    return invalid(argument, text,
                   "hours run from 00 to 23 (midnight at the end of a day is 00:00 of the next)");
  if (*minute > 59)
    return invalid(argument, text, "minutes run from 00 to 59");
  if (*second > 59)
    return invalid(argument, text, "seconds run from 00 to 59 (leap seconds are not supported)");
  result.local_ms += ((*hour * 60LL + *minute) * 60 + *second) * 1000 + milliseconds;

  if (pos == text.size())
    return invalid(argument, text,
                   "it has no UTC offset: end it with Z for UTC or with the offset in effect, "
                   "such as +05:30 or -08:00 (time zone names are not supported)");
  auto offset = read_offset(text.substr(pos), false);
  if (!offset.ok())
    return invalid(argument, text, offset.error().message);
  result.offset_minutes = offset.value();
  return result;
}

bool in_supported_range(std::int64_t local_ms) noexcept {
  static const std::int64_t first_day = days_from_civil({1, 1, 1});
  static const std::int64_t last_day = days_from_civil({9999, 12, 31});
  const std::int64_t day = floor_divide(local_ms, ms_per_day);
  return day >= first_day && day <= last_day;
}

std::string format_date(std::int64_t local_ms) {
  const CivilDate date = civil_from_days(floor_divide(local_ms, ms_per_day));
  return zero_padded(static_cast<int>(date.year), 4) + "-" + two_digits(date.month) + "-" +
         two_digits(date.day);
}

std::string format_utc_offset(int offset_minutes) {
  if (offset_minutes == 0)
    return "Z";
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::string text(1, offset_minutes < 0 ? '-' : '+');
  text += two_digits(magnitude / 60);
  text += ':';
  text += two_digits(magnitude % 60);
  return text;
}

std::string format_date_time(std::int64_t local_ms, int offset_minutes) {
  const std::int64_t day = floor_divide(local_ms, ms_per_day);
  const auto ms_of_day = static_cast<int>(local_ms - day * ms_per_day);
  const int seconds_of_day = ms_of_day / 1000;
  std::string text = format_date(local_ms) + "T" + two_digits(seconds_of_day / 3600) + ":" +
                     two_digits(seconds_of_day / 60 % 60) + ":" + two_digits(seconds_of_day % 60);
  if (ms_of_day % 1000 != 0) {
    text += '.';
    text += zero_padded(ms_of_day % 1000, 3);
  }
  return text + format_utc_offset(offset_minutes);
}

} // namespace llmux::tools
