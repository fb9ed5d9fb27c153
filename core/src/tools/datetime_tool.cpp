// The datetime tool. Times are wall-clock milliseconds at a fixed UTC offset (see iso8601.hpp);
// adding works on the wall clock, which with a fixed offset is the same as adding to the
// instant. Years and months are added first, clamping the day to the end of the month (as
// java.time and ISO 8601 durations do: 2026-01-31 plus one month is 2026-02-28), then weeks,
// days, hours, minutes and seconds, which have fixed lengths without daylight saving.

#include "tools/datetime_tool.hpp"

#include "calendar/civil_calendar.hpp"
#include "tools/iso8601.hpp"
#include "tools/tool_arguments.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace llmux::tools {
namespace {

constexpr std::string_view weekday_names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"};

constexpr std::string_view out_of_range =
    "the result falls outside the years 0001 to 9999 that the tool supports";

std::string_view weekday_name(std::int64_t local_ms) {
  return weekday_names[iso_weekday(floor_divide(local_ms, ms_per_day)) - 1];
}

// A time argument: a date, a date-time with its offset, or "now" (the host's clock, in UTC).
Result<DateTime> time_argument(const json::Value &arguments, std::string_view key,
                               std::string_view operation, std::int64_t now_ms) {
  auto text = optional_string_argument(arguments, key);
  if (!text.ok())
    return std::move(text).error();
  if (!text.value())
    return tool_error(quoted(operation) + " needs " + quoted(key) +
                      ": a date such as 2026-11-25, a date-time such as 2026-11-25T10:00:00Z, "
                      "or \"now\"");
  std::string lower(*text.value());
  for (char &c : lower)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  if (lower == "now") {
    if (!in_supported_range(now_ms))
      return tool_error("the host's clock reads a time outside the years 0001 to 9999");
    return DateTime{now_ms, 0, false};
  }
  return parse_date_time(*text.value(), key);
}

Result<int> offset_argument(const json::Value &arguments, std::optional<int> fallback) {
  auto text = optional_string_argument(arguments, "offset");
  if (!text.ok())
    return std::move(text).error();
  if (text.value())
    return parse_utc_offset(*text.value(), "offset");
  if (fallback)
    return *fallback;
  return tool_error("\"convert\" needs \"offset\": the UTC offset to convert to, such as +05:30, "
                    "-08:00 or Z");
}

std::string format_time(const DateTime &time) {
  return time.date_only ? format_date(time.local_ms)
                        : format_date_time(time.local_ms, time.offset_minutes);
}

// A number of seconds: an integer when whole, else with its milliseconds.
json::Value seconds_value(std::int64_t ms) {
  if (ms % 1000 == 0)
    return json::Value(ms / 1000);
  return json::Value(static_cast<double>(ms) / 1000);
}

Result<std::string> now(const json::Value &arguments, std::int64_t now_ms) {
  auto offset = offset_argument(arguments, 0);
  if (!offset.ok())
    return std::move(offset).error();
  // Checked before the offset is added, so that no clock reading can overflow the sum.
  if (!in_supported_range(now_ms))
    return tool_error("the host's clock reads a time outside the years 0001 to 9999");
  const std::int64_t local_ms = now_ms + offset.value() * 60'000LL;
  if (!in_supported_range(local_ms))
    return tool_error(std::string(out_of_range));
  return json::dump(json::Value::object({
      {"operation", "now"},
      {"time", format_date_time(local_ms, offset.value())},
      {"weekday", weekday_name(local_ms)},
      {"unix_seconds", floor_divide(now_ms, 1000)},
  }));
}

// The calendar units: whole numbers only, since months differ in length.
struct CalendarUnit {
  std::string_view name;
  std::int64_t months;
  std::int64_t limit; ///< about 10,000 years: enough to cross the supported range
};
constexpr CalendarUnit calendar_units[] = {{"years", 12, 10'000}, {"months", 1, 120'000}};

// The fixed units: fractions allowed ("hours": 1.5), kept to the millisecond.
struct FixedUnit {
  std::string_view name;
  std::int64_t ms;
};
constexpr FixedUnit fixed_units[] = {
    {"weeks", 7 * ms_per_day}, {"days", ms_per_day}, {"hours", 3'600'000},
    {"minutes", 60'000},       {"seconds", 1'000},
};
// About 10,000 years in milliseconds: any more leaves the supported range anyway, and the
// bound keeps every sum far from overflowing.
constexpr double max_duration_ms = 3.2e14;

Result<const json::Value *> number_argument(const json::Value &arguments, std::string_view key) {
  const json::Value *value = arguments.find(key);
  if (!value || value->is_null())
    return static_cast<const json::Value *>(nullptr);
  if (!value->is_number())
    return tool_error(quoted(key) + " must be a number, not " +
                      std::string(json::type_name(*value)));
  if (!std::isfinite(value->as_double())) // 1e400 parses as an infinity
    return tool_error(std::string(out_of_range));
  return value;
}

Result<std::string> add(const json::Value &arguments, std::int64_t now_ms) {
  auto time = time_argument(arguments, "time", "add", now_ms);
  if (!time.ok())
    return std::move(time).error();
  DateTime result = time.value();

  std::int64_t months = 0;
  bool any_amount = false;
  for (const CalendarUnit &unit : calendar_units) {
    auto value = number_argument(arguments, unit.name);
    if (!value.ok())
      return std::move(value).error();
    if (!value.value())
      continue;
    any_amount = true;
    if (!value.value()->is_integer())
      return tool_error(quoted(unit.name) +
                        " must be a whole number, as months differ in length: give the rest "
                        "in days");
    const std::int64_t count = value.value()->as_integer();
    if (count < -unit.limit || count > unit.limit)
      return tool_error(std::string(out_of_range));
    months += count * unit.months;
  }
  std::int64_t fixed_ms = 0;
  bool time_units = false;
  for (const FixedUnit &unit : fixed_units) {
    auto value = number_argument(arguments, unit.name);
    if (!value.ok())
      return std::move(value).error();
    if (!value.value())
      continue;
    any_amount = true;
    time_units = time_units || unit.ms < ms_per_day;
    const double ms = value.value()->as_double() * static_cast<double>(unit.ms);
    if (!(std::fabs(ms) <= max_duration_ms))
      return tool_error(std::string(out_of_range));
    fixed_ms += std::llround(ms);
  }
  if (!any_amount)
    return tool_error("\"add\" needs an amount to add: years, months, weeks, days, hours, "
                      "minutes or seconds (negative to subtract)");

  std::string note;
  if (months != 0) {
    const std::int64_t day = floor_divide(result.local_ms, ms_per_day);
    const std::int64_t time_of_day_ms = result.local_ms - day * ms_per_day;
    const CivilDate date = civil_from_days(day);
    const std::int64_t month_index = date.year * 12 + (date.month - 1) + months;
    CivilDate moved;
    moved.year = floor_divide(month_index, 12);
    moved.month = static_cast<int>(month_index - moved.year * 12) + 1;
    // The year may leave 0001..9999 here (the limits keep it within 20,000 years of it):
    // only the final result must be in range, after the fixed units.
    moved.day = std::min(date.day, days_in_month(moved.year, moved.month));
    if (moved.day != date.day)
      note = "the day was clamped from " + std::to_string(date.day) + " to " +
             std::to_string(moved.day) + ", the last day of the month";
    result.local_ms = days_from_civil(moved) * ms_per_day + time_of_day_ms;
  }
  result.local_ms += fixed_ms;
  if (!in_supported_range(result.local_ms))
    return tool_error(std::string(out_of_range));
  // A date stays a date when only whole days were added; otherwise it becomes midnight UTC
  // plus the time added.
  if (result.date_only && (time_units || fixed_ms % ms_per_day != 0))
    result.date_only = false;

  json::Value out = json::Value::object({
      {"operation", "add"},
      {"time", format_time(result)},
      {"weekday", weekday_name(result.local_ms)},
  });
  if (!note.empty())
    out["note"] = note;
  return json::dump(out);
}

Result<std::string> diff(const json::Value &arguments, std::int64_t now_ms) {
  auto start = time_argument(arguments, "start", "diff", now_ms);
  if (!start.ok())
    return std::move(start).error();
  auto end = time_argument(arguments, "end", "diff", now_ms);
  if (!end.ok())
    return std::move(end).error();
  const std::int64_t ms = end.value().unix_ms() - start.value().unix_ms();
  // Each part carries the sign of the whole: -90061 s is -1 d -1 h -1 min -1 s.
  const std::int64_t sign = ms < 0 ? -1 : 1;
  const std::int64_t magnitude = ms < 0 ? -ms : ms;
  const std::int64_t days = magnitude / ms_per_day;
  const std::int64_t hours = magnitude % ms_per_day / 3'600'000;
  const std::int64_t minutes = magnitude % 3'600'000 / 60'000;
  const std::int64_t rest_ms = magnitude % 60'000;
  const std::int64_t calendar_days = floor_divide(end.value().local_ms, ms_per_day) -
                                     floor_divide(start.value().local_ms, ms_per_day);
  return json::dump(json::Value::object({
      {"operation", "diff"},
      {"seconds", seconds_value(ms)},
      {"breakdown", json::Value::object({
                        {"days", sign * days},
                        {"hours", sign * hours},
                        {"minutes", sign * minutes},
                        {"seconds", seconds_value(sign * rest_ms)},
                    })},
      {"calendar_days", calendar_days},
  }));
}

Result<std::string> weekday(const json::Value &arguments, std::int64_t now_ms) {
  auto time = time_argument(arguments, "time", "weekday", now_ms);
  if (!time.ok())
    return std::move(time).error();
  const std::int64_t day = floor_divide(time.value().local_ms, ms_per_day);
  const IsoWeek week = iso_week(day);
  const std::string week_text = zero_padded(static_cast<int>(week.year), 4) + "-W" + two_digits(week.week);
  return json::dump(json::Value::object({
      {"operation", "weekday"},
      {"date", format_date(time.value().local_ms)},
      {"weekday", weekday_name(time.value().local_ms)},
      {"iso_weekday", iso_weekday(day)},
      {"day_of_year", day_of_year(day)},
      {"iso_week", std::string_view(week_text)},
  }));
}

Result<std::string> convert(const json::Value &arguments, std::int64_t now_ms) {
  auto time = time_argument(arguments, "time", "convert", now_ms);
  if (!time.ok())
    return std::move(time).error();
  auto offset = offset_argument(arguments, std::nullopt);
  if (!offset.ok())
    return std::move(offset).error();
  const std::int64_t local_ms = time.value().unix_ms() + offset.value() * 60'000LL;
  if (!in_supported_range(local_ms))
    return tool_error(std::string(out_of_range));
  return json::dump(json::Value::object({
      {"operation", "convert"},
      {"time", format_date_time(local_ms, offset.value())},
      {"weekday", weekday_name(local_ms)},
  }));
}

} // namespace

Tool datetime_tool() {
  return {
      "datetime",
      "Date and time arithmetic on the Gregorian calendar, with ISO 8601 dates and fixed UTC "
      "offsets. Use it for the current date and time, adding or subtracting durations, the "
      "time between two dates, the day of the week, and converting a time to another UTC "
      "offset. Time zone names such as Europe/Paris are not supported: give the UTC offset in "
      "effect (for example +01:00 in Paris in winter, +02:00 in summer).",
      R"({"type":"object","properties":{)"
      R"("operation":{"type":"string","enum":["now","add","diff","weekday","convert"],)"
      R"("description":"now: the current date and time at offset. add: time plus the given )"
      R"(years, months, weeks, days, hours, minutes and seconds (negative to subtract). diff: )"
      R"(the time from start to end. weekday: the day of the week, day of the year and ISO )"
      R"(week of time. convert: time at another offset."},)"
      R"("time":{"type":"string","description":"For add, weekday and convert: a date )"
      R"((2026-11-25), a date and time with its UTC offset (2026-11-25T10:00:00Z, )"
      R"(2026-11-25T10:00:00+05:30), or \"now\". A date alone stands for midnight UTC."},)"
      R"("start":{"type":"string","description":"For diff: the first date or date-time, in )"
      R"(the same forms as time."},)"
      R"("end":{"type":"string","description":"For diff: the second date or date-time."},)"
      R"("offset":{"type":"string","description":"For now (default Z) and convert: a fixed )"
      R"(UTC offset such as +05:30, -08:00 or Z."},)"
      R"("years":{"type":"integer","description":"For add."},)"
      R"("months":{"type":"integer","description":"For add. A day past the end of the )"
      R"(resulting month becomes its last day: 2026-01-31 plus 1 month is 2026-02-28."},)"
      R"("weeks":{"type":"number","description":"For add."},)"
      R"("days":{"type":"number","description":"For add."},)"
      R"("hours":{"type":"number","description":"For add."},)"
      R"("minutes":{"type":"number","description":"For add."},)"
      R"("seconds":{"type":"number","description":"For add."}},)"
      R"("required":["operation"],"additionalProperties":false})",
  };
}

Result<std::string> run_datetime(const json::Value &arguments, std::int64_t now_ms) {
  auto operation = optional_string_argument(arguments, "operation");
  if (!operation.ok())
    return std::move(operation).error();
  const std::string_view name = operation.value().value_or("");
  const auto accepts = [&](std::initializer_list<std::string_view> accepted) {
    return reject_unknown_arguments(arguments, accepted,
                                    "the operation \"" + std::string(name) + "\"");
  };
  std::optional<Error> unknown;
  if (name == "now") {
    if ((unknown = accepts({"operation", "offset"})))
      return std::move(*unknown);
    return now(arguments, now_ms);
  }
  if (name == "add") {
    if ((unknown = accepts({"operation", "time", "years", "months", "weeks", "days", "hours",
                            "minutes", "seconds"})))
      return std::move(*unknown);
    return add(arguments, now_ms);
  }
  if (name == "diff") {
    if ((unknown = accepts({"operation", "start", "end"})))
      return std::move(*unknown);
    return diff(arguments, now_ms);
  }
  if (name == "weekday") {
    if ((unknown = accepts({"operation", "time"})))
      return std::move(*unknown);
    return weekday(arguments, now_ms);
  }
  if (name == "convert") {
    if ((unknown = accepts({"operation", "time", "offset"})))
      return std::move(*unknown);
    return convert(arguments, now_ms);
  }
  std::string message = operation.value() ? "unknown operation " + quote_for_message(name)
                                          : std::string("\"operation\" is missing");
  return tool_error(message + "; the operations are now, add (negative amounts subtract), "
                              "diff, weekday and convert");
}

} // namespace llmux::tools
