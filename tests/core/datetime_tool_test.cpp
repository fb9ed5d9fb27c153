// The datetime tool: the calendar arithmetic, ISO 8601 reading and writing, and each
// operation, with the calendar's edge cases and the messages a model gets back.

#include "calendar/civil_calendar.hpp"
#include "tools/iso8601.hpp"

#include <llmux/builtin_tools.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace llmux;
using namespace llmux::tools;

namespace {

// 2026-11-25T10:00:00Z, a Wednesday.
constexpr std::int64_t now_ms = 1795600800000;

// The tool's answer, or "error: <message>".
std::string run(std::string_view arguments, std::int64_t now = now_ms) {
  auto result = run_builtin_tool("datetime", arguments, now);
  if (!result.ok()) {
    CHECK(result.error().code == ErrorCode::InvalidArgument);
    CHECK(result.error().origin == ErrorOrigin::Caller);
    return "error: " + result.error().message;
  }
  return result.value();
}

std::string add(std::string_view time, std::string_view amounts) {
  return run(R"({"operation":"add","time":")" + std::string(time) + "\"," + std::string(amounts) +
             "}");
}

// What parse_date_time reads, written back, or "error: <message>".
std::string reread(std::string_view text) {
  auto parsed = parse_date_time(text, "time");
  if (!parsed.ok())
    return "error: " + parsed.error().message;
  return parsed.value().date_only
             ? format_date(parsed.value().local_ms)
             : format_date_time(parsed.value().local_ms, parsed.value().offset_minutes);
}

} // namespace

TEST_CASE("Calendar leap years follow the Gregorian rule", "[datetime]") {
  CHECK_FALSE(is_leap_year(1900));
  CHECK(is_leap_year(2000));
  CHECK(is_leap_year(2024));
  CHECK_FALSE(is_leap_year(2026));
  CHECK_FALSE(is_leap_year(2100));
  CHECK(is_leap_year(1600));
  CHECK(is_leap_year(4));
  CHECK_FALSE(is_leap_year(1));
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2026, 2) == 28);
  CHECK(days_in_month(2026, 4) == 30);
  CHECK(days_in_month(2026, 12) == 31);
}

TEST_CASE("Calendar day numbers match known dates", "[datetime]") {
  CHECK(days_from_civil({1970, 1, 1}) == 0);
  CHECK(days_from_civil({1969, 12, 31}) == -1);
  CHECK(days_from_civil({2000, 3, 1}) == 11017);
  CHECK(days_from_civil({2024, 2, 29}) == 19782);
  CHECK(days_from_civil({1900, 3, 1}) == -25508);
  CHECK(days_from_civil({1, 1, 1}) == -719162);
  CHECK(days_from_civil({9999, 12, 31}) == 2932896);
  CHECK(civil_from_days(-719162) == CivilDate{1, 1, 1});
  CHECK(civil_from_days(2932896) == CivilDate{9999, 12, 31});
  CHECK(civil_from_days(19782) == CivilDate{2024, 2, 29});
  CHECK(civil_from_days(-25509) == CivilDate{1900, 2, 28});
}

TEST_CASE("Calendar day numbers agree with counting day by day from 0001 to 9999", "[datetime]") {
  // An independent walk: the next day by the month lengths, from 0001-01-01.
  CivilDate walked{1, 1, 1};
  std::int64_t day = -719162;
  const auto leap = [](std::int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  };
  const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int weekday = 1; // 0001-01-01 was a Monday in the proleptic Gregorian calendar
  while (walked.year <= 9999) {
    if (days_from_civil(walked) != day || !(civil_from_days(day) == walked) ||
        iso_weekday(day) != weekday)
      FAIL("disagreement at " << walked.year << "-" << walked.month << "-" << walked.day);
    ++day;
    weekday = weekday % 7 + 1;
    const int length = walked.month == 2 && leap(walked.year) ? 29 : lengths[walked.month - 1];
    if (++walked.day > length) {
      walked.day = 1;
      if (++walked.month > 12) {
        walked.month = 1;
        ++walked.year;
      }
    }
  }
  CHECK(day == 2932897);
}

TEST_CASE("Calendar weekdays, days of the year and ISO weeks", "[datetime]") {
  CHECK(iso_weekday(days_from_civil({2026, 11, 25})) == 3);
  CHECK(iso_weekday(days_from_civil({2000, 1, 1})) == 6);
  CHECK(iso_weekday(days_from_civil({1900, 1, 1})) == 1);
  CHECK(iso_weekday(days_from_civil({9999, 12, 31})) == 5);
  CHECK(day_of_year(days_from_civil({2026, 11, 25})) == 329);
  CHECK(day_of_year(days_from_civil({2020, 12, 31})) == 366);
  CHECK(day_of_year(days_from_civil({2015, 12, 31})) == 365);
  const auto week = [](CivilDate date) {
    const IsoWeek found = iso_week(days_from_civil(date));
    return std::to_string(found.year) + "-W" + std::to_string(found.week);
  };
  CHECK(week({2026, 11, 25}) == "2026-W48");
  CHECK(week({2027, 1, 1}) == "2026-W53");
  CHECK(week({2026, 12, 28}) == "2026-W53");
  CHECK(week({2021, 1, 3}) == "2020-W53");
  CHECK(week({2024, 12, 30}) == "2025-W1");
  CHECK(week({2008, 12, 29}) == "2009-W1");
  CHECK(week({2000, 1, 1}) == "1999-W52");
  CHECK(week({1, 1, 1}) == "1-W1");
  CHECK(week({9999, 12, 31}) == "9999-W52");
}

TEST_CASE("ISO 8601 dates and date-times read in their accepted forms", "[datetime]") {
  CHECK(reread("2026-11-25") == "2026-11-25");
  CHECK(reread("2026-11-25T10:00:00Z") == "2026-11-25T10:00:00Z");
  CHECK(reread("2026-11-25t10:00:00z") == "2026-11-25T10:00:00Z");
  CHECK(reread("2026-11-25 10:00:00Z") == "2026-11-25T10:00:00Z");
  CHECK(reread("2026-11-25T10:00Z") == "2026-11-25T10:00:00Z");
  CHECK(reread("2026-11-25T10:00:00+05:30") == "2026-11-25T10:00:00+05:30");
  CHECK(reread("2026-11-25T10:00:00-0800") == "2026-11-25T10:00:00-08:00");
  CHECK(reread("2026-11-25T10:00:00+02") == "2026-11-25T10:00:00+02:00");
  CHECK(reread("2026-11-25T10:00:00+00:00") == "2026-11-25T10:00:00Z");
  CHECK(reread("2026-11-25T10:00:00-00:00") == "2026-11-25T10:00:00Z");
  CHECK(reread("2026-11-25T10:00:00.25Z") == "2026-11-25T10:00:00.250Z");
  CHECK(reread("2026-11-25T10:00:00,5Z") == "2026-11-25T10:00:00.500Z");
  CHECK(reread("2026-11-25T10:00:00.123456789Z") == "2026-11-25T10:00:00.123Z");
  CHECK(reread("2026-11-25T10:00:00.000Z") == "2026-11-25T10:00:00Z");
  CHECK(reread("  2026-11-25  ") == "2026-11-25");
  CHECK(reread("0001-01-01T00:00:00Z") == "0001-01-01T00:00:00Z");
  CHECK(reread("9999-12-31T23:59:59.999+18:00") == "9999-12-31T23:59:59.999+18:00");
  CHECK(reread("2024-02-29") == "2024-02-29");
  CHECK(reread("2000-02-29") == "2000-02-29");

  auto parsed = parse_date_time("2026-11-25T10:00:00+05:30", "time");
  REQUIRE(parsed.ok());
  CHECK(parsed.value().unix_ms() == now_ms - 330 * 60'000);
  CHECK(parse_date_time("0001-01-01T00:00:00Z", "time").value().unix_ms() == -62135596800000);
}

TEST_CASE("ISO 8601 reading rejects impossible dates and times with a reason", "[datetime]") {
  const std::string forms = "write a date as 2026-11-25, or a date and time with its UTC offset "
                            "as 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+05:30";
  CHECK(reread("2026-02-30") == "error: \"time\" is \"2026-02-30\": February 2026 has 28 days");
  CHECK(reread("2025-02-29") == "error: \"time\" is \"2025-02-29\": February 2025 has 28 days");
  CHECK(reread("1900-02-29") == "error: \"time\" is \"1900-02-29\": February 1900 has 28 days");
  CHECK(reread("2026-04-31") == "error: \"time\" is \"2026-04-31\": April 2026 has 30 days");
  CHECK(reread("2026-11-00") ==
        "error: \"time\" is \"2026-11-00\": there is no day 00; days run from 01");
  CHECK(reread("2026-13-01") ==
        "error: \"time\" is \"2026-13-01\": there is no month 13; months run from 01 to 12");
  CHECK(reread("2026-00-01") ==
        "error: \"time\" is \"2026-00-01\": there is no month 00; months run from 01 to 12");
  CHECK(reread("0000-01-01") == "error: \"time\" is \"0000-01-01\": years run from 0001 to 9999");
  CHECK(reread("10000-01-01") == "error: \"time\" is \"10000-01-01\": years run from 0001 to "
                                 "9999, written with four digits");
  CHECK(reread("-0001-01-01") == "error: \"time\" is \"-0001-01-01\": years run from 0001 to "
                                 "9999, written with four digits");
  CHECK(reread("2026-11-25T25:00:00Z") ==
        "error: \"time\" is \"2026-11-25T25:00:00Z\": hours run from 00 to 23 (midnight at the "
        "end of a day is 00:00 of the next)");
  CHECK(reread("2026-11-25T24:00:00Z") ==
        "error: \"time\" is \"2026-11-25T24:00:00Z\": hours run from 00 to 23 (midnight at the "
        "end of a day is 00:00 of the next)");
  CHECK(reread("2026-11-25T10:60:00Z") ==
        "error: \"time\" is \"2026-11-25T10:60:00Z\": minutes run from 00 to 59");
  CHECK(reread("2026-11-25T23:59:60Z") ==
        "error: \"time\" is \"2026-11-25T23:59:60Z\": seconds run from 00 to 59 (leap seconds "
        "are not supported)");
  CHECK(reread("2026-11-25T10:00:00.Z") ==
        "error: \"time\" is \"2026-11-25T10:00:00.Z\": a fraction of a second has 1 to 9 digits");
  CHECK(reread("2026-11-25T10:00:00.1234567891Z") ==
        "error: \"time\" is \"2026-11-25T10:00:00.1234567891Z\": a fraction of a second has 1 "
        "to 9 digits");
  CHECK(reread("2026-1-5") == "error: \"time\" is \"2026-1-5\": " + forms);
  CHECK(reread("11/25/2026") == "error: \"time\" is \"11/25/2026\": " + forms);
  CHECK(reread("tomorrow") == "error: \"time\" is \"tomorrow\": " + forms);
  CHECK(reread("2026-11-25T10") == "error: \"time\" is \"2026-11-25T10\": " + forms);
  CHECK(reread("2026-11-25X10:00Z") == "error: \"time\" is \"2026-11-25X10:00Z\": " + forms);
  CHECK(reread("") == "error: \"time\" is \"\": it is empty; " + forms);
}

TEST_CASE("ISO 8601 reading wants a fixed UTC offset and explains time zone names", "[datetime]") {
  const std::string names = "time zone names such as Europe/Paris or EST are not supported, as "
                            "the tool has no time zone database: give the fixed UTC offset in "
                            "effect, such as +01:00 or -05:00, or Z for UTC";
  const std::string forms =
      "UTC offsets are written Z (UTC), +HH:MM or -HH:MM, such as +05:30 or -08:00";
  CHECK(reread("2026-11-25T10:00:00") ==
        "error: \"time\" is \"2026-11-25T10:00:00\": it has no UTC offset: end it with Z for "
        "UTC or with the offset in effect, such as +05:30 or -08:00 (time zone names are not "
        "supported)");
  CHECK(reread("2026-11-25T10:00:00 Europe/Paris") ==
        "error: \"time\" is \"2026-11-25T10:00:00 Europe/Paris\": " + names);
  CHECK(reread("2026-11-25T10:00:00EST") ==
        "error: \"time\" is \"2026-11-25T10:00:00EST\": " + names);
  CHECK(reread("2026-11-25T10:00:00+01:00[Europe/Paris]") ==
        "error: \"time\" is \"2026-11-25T10:00:00+01:00[Europe/Paris]\": " + names);
  CHECK(reread("2026-11-25T10:00:00+19:00") ==
        "error: \"time\" is \"2026-11-25T10:00:00+19:00\": UTC offsets run from -18:00 to "
        "+18:00 with minutes from 00 to 59");
  CHECK(reread("2026-11-25T10:00:00+05:60") ==
        "error: \"time\" is \"2026-11-25T10:00:00+05:60\": UTC offsets run from -18:00 to "
        "+18:00 with minutes from 00 to 59");
  CHECK(reread("2026-11-25T10:00:00+5:3") ==
        "error: \"time\" is \"2026-11-25T10:00:00+5:3\": " + forms);
  CHECK(reread("2026-11-25T10:00:00+053") ==
        "error: \"time\" is \"2026-11-25T10:00:00+053\": " + forms);
  CHECK(reread("2026-11-25T10:00:00 +01:00") ==
        "error: \"time\" is \"2026-11-25T10:00:00 +01:00\": " + forms);

  CHECK(parse_utc_offset("Z", "offset").value() == 0);
  CHECK(parse_utc_offset("utc", "offset").value() == 0);
  CHECK(parse_utc_offset("GMT", "offset").value() == 0);
  CHECK(parse_utc_offset("+05:30", "offset").value() == 330);
  CHECK(parse_utc_offset("-08:00", "offset").value() == -480);
  CHECK(parse_utc_offset("+0545", "offset").value() == 345);
  CHECK(parse_utc_offset("UTC+5", "offset").value() == 300);
  CHECK(parse_utc_offset("GMT-03:30", "offset").value() == -210);
  CHECK(parse_utc_offset("-18:00", "offset").value() == -1080);
  CHECK(parse_utc_offset("America/New_York", "offset").error().message ==
        "\"offset\" is \"America/New_York\": " + names);
  CHECK(parse_utc_offset("PST", "offset").error().message == "\"offset\" is \"PST\": " + names);
  CHECK(parse_utc_offset("UTC+", "offset").error().message == "\"offset\" is \"UTC+\": " + forms);
  CHECK(parse_utc_offset("+18:01", "offset").error().message ==
        "\"offset\" is \"+18:01\": UTC offsets run from -18:00 to +18:00 with minutes from 00 to "
        "59");
  CHECK(parse_utc_offset("", "offset").error().message == "\"offset\" is \"\": " + forms);
}

TEST_CASE("ISO 8601 reading takes every truncation and corruption of a date-time", "[datetime]") {
  const std::string whole = "2026-11-25T10:00:00.250+05:30";
  for (std::size_t length = 0; length <= whole.size(); ++length) {
    INFO(length);
    auto parsed = parse_date_time(whole.substr(0, length), "time");
    // Only whole prefixes that are forms of their own read.
    const bool expected = length == 10 || length == 26 || length == whole.size(); // +05
    CHECK(parsed.ok() == expected);
  }
  for (std::size_t i = 0; i < whole.size(); ++i) {
    for (char c : {'\0', 'x', '9', '-', ':', '\xff'}) {
      std::string corrupted = whole;
      corrupted[i] = c;
      auto parsed = parse_date_time(corrupted, "time");
      if (parsed.ok()) // a digit changed into another digit can still be a valid time
        CHECK(format_date_time(parsed.value().local_ms, parsed.value().offset_minutes).size() >=
              20);
      else
        CHECK(parsed.error().message.rfind("\"time\" is ", 0) == 0);
    }
  }
}

TEST_CASE("datetime now answers at the requested offset", "[datetime]") {
  CHECK(run(R"({"operation":"now"})") ==
        R"({"operation":"now","time":"2026-11-25T10:00:00Z","weekday":"Wednesday",)"
        R"("unix_seconds":1795600800})");
  CHECK(run(R"({"operation":"now","offset":"+05:30"})") ==
        R"({"operation":"now","time":"2026-11-25T15:30:00+05:30","weekday":"Wednesday",)"
        R"("unix_seconds":1795600800})");
  // Crossing midnight and the year: 2026-12-31T23:30Z is already 2027 in Paris...
  CHECK(run(R"({"operation":"now","offset":"+01:00"})", 1798759800000) ==
        R"({"operation":"now","time":"2027-01-01T00:30:00+01:00","weekday":"Friday",)"
        R"("unix_seconds":1798759800})");
  // ...and 2027-01-01T05:00Z still 2026 in Honolulu.
  CHECK(run(R"({"operation":"now","offset":"-10:00"})", 1798779600000) ==
        R"({"operation":"now","time":"2026-12-31T19:00:00-10:00","weekday":"Thursday",)"
        R"("unix_seconds":1798779600})");
  CHECK(run(R"({"operation":"now"})", now_ms + 250) ==
        R"({"operation":"now","time":"2026-11-25T10:00:00.250Z","weekday":"Wednesday",)"
        R"("unix_seconds":1795600800})");
  CHECK(run(R"({"operation":"now"})", -62135596800000 - 1) ==
        "error: the host's clock reads a time outside the years 0001 to 9999");
  CHECK(run(R"({"operation":"now","offset":"+18:00"})", INT64_MAX) ==
        "error: the host's clock reads a time outside the years 0001 to 9999");
  CHECK(run(R"({"operation":"now","offset":"-01:00"})", -62135596800000) ==
        "error: the result falls outside the years 0001 to 9999 that the tool supports");
  CHECK(run(R"({"operation":"add","time":"now","days":1})", INT64_MIN) ==
        "error: the host's clock reads a time outside the years 0001 to 9999");
  CHECK(run(R"({"operation":"now","offset":"Asia/Tokyo"})") ==
        "error: \"offset\" is \"Asia/Tokyo\": time zone names such as Europe/Paris or EST are not "
        "supported, as the tool has no time zone database: give the fixed UTC offset in effect, "
        "such as +01:00 or -05:00, or Z for UTC");
}

TEST_CASE("datetime add clamps month ends and adds fixed units after", "[datetime]") {
  const std::string clamped_28 =
      R"("note":"the day was clamped from 31 to 28, the last day of the month"})";
  CHECK(add("2026-01-31", R"("months":1)") ==
        R"({"operation":"add","time":"2026-02-28","weekday":"Saturday",)" + clamped_28);
  CHECK(add("2024-01-31", R"("months":1)") ==
        R"({"operation":"add","time":"2024-02-29","weekday":"Thursday","note":"the day was )"
        R"(clamped from 31 to 29, the last day of the month"})");
  CHECK(add("2024-02-29", R"("years":1)") ==
        R"({"operation":"add","time":"2025-02-28","weekday":"Friday","note":"the day was )"
        R"(clamped from 29 to 28, the last day of the month"})");
  CHECK(add("2024-02-29", R"("years":4)") ==
        R"({"operation":"add","time":"2028-02-29","weekday":"Tuesday"})");
  CHECK(add("1896-02-29", R"("years":4)") ==
        R"({"operation":"add","time":"1900-02-28","weekday":"Wednesday","note":"the day was )"
        R"(clamped from 29 to 28, the last day of the month"})");
  CHECK(add("2026-03-31", R"("months":-1)") ==
        R"({"operation":"add","time":"2026-02-28","weekday":"Saturday",)" + clamped_28);
  CHECK(add("2026-01-31", R"("months":1,"days":1)") ==
        R"({"operation":"add","time":"2026-03-01","weekday":"Sunday",)" + clamped_28);
  CHECK(add("2026-11-25", R"("months":14)") ==
        R"({"operation":"add","time":"2028-01-25","weekday":"Tuesday"})");
  CHECK(add("2026-01-15", R"("months":-13)") ==
        R"({"operation":"add","time":"2024-12-15","weekday":"Sunday"})");
  CHECK(add("2026-11-25", R"("years":1,"months":-12)") ==
        R"({"operation":"add","time":"2026-11-25","weekday":"Wednesday"})");
  CHECK(add("2026-11-25T10:00:00+05:30", R"("months":1)") ==
        R"({"operation":"add","time":"2026-12-25T10:00:00+05:30","weekday":"Friday"})");
}

TEST_CASE("datetime add works on days, weeks and times, crossing midnight and years",
          "[datetime]") {
  CHECK(add("2026-11-25", R"("days":30)") ==
        R"({"operation":"add","time":"2026-12-25","weekday":"Friday"})");
  CHECK(add("2026-11-25", R"("days":-400)") ==
        R"({"operation":"add","time":"2025-10-21","weekday":"Tuesday"})");
  CHECK(add("2026-11-25", R"("weeks":6)") ==
        R"({"operation":"add","time":"2027-01-06","weekday":"Wednesday"})");
  CHECK(add("2024-02-28", R"("days":1)") ==
        R"({"operation":"add","time":"2024-02-29","weekday":"Thursday"})");
  CHECK(add("2100-02-28", R"("days":1)") ==
        R"({"operation":"add","time":"2100-03-01","weekday":"Monday"})");
  CHECK(add("2026-12-31T23:30:00+05:30", R"("minutes":45)") ==
        R"({"operation":"add","time":"2027-01-01T00:15:00+05:30","weekday":"Friday"})");
  CHECK(add("2026-11-25T10:00:00Z", R"("hours":-10,"seconds":-1)") ==
        R"({"operation":"add","time":"2026-11-24T23:59:59Z","weekday":"Tuesday"})");
  CHECK(add("2026-11-25T10:00:00Z", R"("hours":1.5)") ==
        R"({"operation":"add","time":"2026-11-25T11:30:00Z","weekday":"Wednesday"})");
  CHECK(add("2026-11-25T10:00:00Z", R"("seconds":0.25)") ==
        R"({"operation":"add","time":"2026-11-25T10:00:00.250Z","weekday":"Wednesday"})");
  // A date with a time unit, or part of a day, becomes a date-time at midnight UTC.
  CHECK(add("2026-11-25", R"("hours":5)") ==
        R"({"operation":"add","time":"2026-11-25T05:00:00Z","weekday":"Wednesday"})");
  CHECK(add("2026-11-25", R"("days":0.5)") ==
        R"({"operation":"add","time":"2026-11-25T12:00:00Z","weekday":"Wednesday"})");
  CHECK(add("2026-11-25", R"("hours":24)") ==
        R"({"operation":"add","time":"2026-11-26T00:00:00Z","weekday":"Thursday"})");
  CHECK(add("now", R"("days":1)") ==
        R"({"operation":"add","time":"2026-11-26T10:00:00Z","weekday":"Thursday"})");
  CHECK(add("NOW", R"("days":0)") ==
        R"({"operation":"add","time":"2026-11-25T10:00:00Z","weekday":"Wednesday"})");
}

TEST_CASE("datetime add refuses results outside 0001 to 9999 and bad amounts", "[datetime]") {
  const std::string outside =
      "error: the result falls outside the years 0001 to 9999 that the tool supports";
  CHECK(add("9999-12-31", R"("days":1)") == outside);
  CHECK(add("9999-12-31T23:59:59Z", R"("seconds":1)") == outside);
  CHECK(add("0001-01-01", R"("days":-1)") == outside);
  CHECK(add("0001-01-31", R"("months":-1)") == outside);
  CHECK(add("9999-12-01", R"("months":1)") == outside);
  CHECK(add("2026-11-25", R"("years":10001)") == outside);
  CHECK(add("2026-11-25", R"("years":-9223372036854775807)") == outside);
  CHECK(add("2026-11-25", R"("days":1e15)") == outside);
  CHECK(add("2026-11-25", R"("seconds":1e400)") == outside);
  CHECK(add("2026-11-25", R"("seconds":-1e300)") == outside);
  // Only the final result must be in range: 11026-11-25 on the way is fine.
  CHECK(add("2026-11-25", R"("years":9000,"days":-3000000)") ==
        R"({"operation":"add","time":"2813-03-06","weekday":"Wednesday"})");
  CHECK(add("2026-11-25", R"("months":1.5)") ==
        "error: \"months\" must be a whole number, as months differ in length: give the rest "
        "in days");
  CHECK(add("2026-11-25", R"("days":"3")") == "error: \"days\" must be a number, not a string");
  CHECK(add("2026-11-25", R"("days":null)") ==
        "error: \"add\" needs an amount to add: years, months, weeks, days, hours, minutes or "
        "seconds (negative to subtract)");
  CHECK(run(R"({"operation":"add","days":1})") ==
        "error: \"add\" needs \"time\": a date such as 2026-11-25, a date-time such as "
        "2026-11-25T10:00:00Z, or \"now\"");
  CHECK(run(R"({"operation":"add","time":"2026-11-25","days":1,"offset":"+01:00"})") ==
        "error: the operation \"add\" does not take the argument \"offset\"; it takes "
        "\"operation\", \"time\", \"years\", \"months\", \"weeks\", \"days\", \"hours\", "
        "\"minutes\", \"seconds\"");
}

TEST_CASE("datetime diff gives seconds, a breakdown and calendar days", "[datetime]") {
  CHECK(
      run(R"({"operation":"diff","start":"2026-11-25T10:00:00Z","end":"2026-11-26T11:01:01Z"})") ==
      R"({"operation":"diff","seconds":90061,"breakdown":{"days":1,"hours":1,"minutes":1,)"
      R"("seconds":1},"calendar_days":1})");
  CHECK(
      run(R"({"operation":"diff","start":"2026-11-26T11:01:01Z","end":"2026-11-25T10:00:00Z"})") ==
      R"({"operation":"diff","seconds":-90061,"breakdown":{"days":-1,"hours":-1,"minutes":-1,)"
      R"("seconds":-1},"calendar_days":-1})");
  CHECK(
      run(R"({"operation":"diff","start":"2026-11-25T10:00:00Z","end":"2026-11-25T10:00:01.5Z"})") ==
      R"({"operation":"diff","seconds":1.5,"breakdown":{"days":0,"hours":0,"minutes":0,)"
      R"("seconds":1.5},"calendar_days":0})");
  // Leap years: 2024 has 366 days, 2100 does not have a 29 February.
  CHECK(run(R"({"operation":"diff","start":"2024-01-01","end":"2025-01-01"})") ==
        R"({"operation":"diff","seconds":31622400,"breakdown":{"days":366,"hours":0,)"
        R"("minutes":0,"seconds":0},"calendar_days":366})");
  CHECK(run(R"({"operation":"diff","start":"2100-02-01","end":"2100-03-01"})") ==
        R"({"operation":"diff","seconds":2419200,"breakdown":{"days":28,"hours":0,)"
        R"("minutes":0,"seconds":0},"calendar_days":28})");
  CHECK(run(R"({"operation":"diff","start":"0001-01-01","end":"9999-12-31"})") ==
        R"({"operation":"diff","seconds":315537811200,"breakdown":{"days":3652058,"hours":0,)"
        R"("minutes":0,"seconds":0},"calendar_days":3652058})");
  // The same instant at two offsets: no time passes, but the calendar dates differ.
  CHECK(run(R"({"operation":"diff","start":"2026-12-31T23:30:00Z",)"
            R"("end":"2027-01-01T00:30:00+01:00"})") ==
        R"({"operation":"diff","seconds":0,"breakdown":{"days":0,"hours":0,"minutes":0,)"
        R"("seconds":0},"calendar_days":1})");
  CHECK(run(R"({"operation":"diff","start":"now","end":"2026-12-25"})") ==
        R"({"operation":"diff","seconds":2556000,"breakdown":{"days":29,"hours":14,)"
        R"("minutes":0,"seconds":0},"calendar_days":30})");
  CHECK(run(R"({"operation":"diff","start":"2026-11-25"})") ==
        "error: \"diff\" needs \"end\": a date such as 2026-11-25, a date-time such as "
        "2026-11-25T10:00:00Z, or \"now\"");
  CHECK(run(R"({"operation":"diff","start":"2026-11-25","end":20261126})") ==
        "error: \"end\" must be a string, not a number");
}

TEST_CASE("datetime weekday names the day, its number and its ISO week", "[datetime]") {
  CHECK(run(R"({"operation":"weekday","time":"2026-11-25"})") ==
        R"({"operation":"weekday","date":"2026-11-25","weekday":"Wednesday","iso_weekday":3,)"
        R"("day_of_year":329,"iso_week":"2026-W48"})");
  CHECK(run(R"({"operation":"weekday","time":"2027-01-01"})") ==
        R"({"operation":"weekday","date":"2027-01-01","weekday":"Friday","iso_weekday":5,)"
        R"("day_of_year":1,"iso_week":"2026-W53"})");
  CHECK(run(R"({"operation":"weekday","time":"2000-02-29"})") ==
        R"({"operation":"weekday","date":"2000-02-29","weekday":"Tuesday","iso_weekday":2,)"
        R"("day_of_year":60,"iso_week":"2000-W09"})");
  CHECK(run(R"({"operation":"weekday","time":"0001-01-01"})") ==
        R"({"operation":"weekday","date":"0001-01-01","weekday":"Monday","iso_weekday":1,)"
        R"("day_of_year":1,"iso_week":"0001-W01"})");
  // The date as written, in its own offset.
  CHECK(run(R"({"operation":"weekday","time":"2026-11-25T23:30:00-05:00"})") ==
        R"({"operation":"weekday","date":"2026-11-25","weekday":"Wednesday","iso_weekday":3,)"
        R"("day_of_year":329,"iso_week":"2026-W48"})");
  CHECK(run(R"({"operation":"weekday","time":"1900-02-29"})") ==
        "error: \"time\" is \"1900-02-29\": February 1900 has 28 days");
}

TEST_CASE("datetime convert moves an instant to another offset", "[datetime]") {
  CHECK(run(R"({"operation":"convert","time":"2026-12-31T23:30:00Z","offset":"+01:00"})") ==
        R"({"operation":"convert","time":"2027-01-01T00:30:00+01:00","weekday":"Friday"})");
  CHECK(run(R"({"operation":"convert","time":"2027-01-01T00:30:00+01:00","offset":"-10:00"})") ==
        R"({"operation":"convert","time":"2026-12-31T13:30:00-10:00","weekday":"Thursday"})");
  CHECK(run(R"({"operation":"convert","time":"2026-11-25T10:00:00+05:30","offset":"Z"})") ==
        R"({"operation":"convert","time":"2026-11-25T04:30:00Z","weekday":"Wednesday"})");
  CHECK(run(R"({"operation":"convert","time":"2026-11-25","offset":"+09:00"})") ==
        R"({"operation":"convert","time":"2026-11-25T09:00:00+09:00","weekday":"Wednesday"})");
  CHECK(run(R"({"operation":"convert","time":"2024-02-28T20:00:00-08:00","offset":"+14:00"})") ==
        R"({"operation":"convert","time":"2024-02-29T18:00:00+14:00","weekday":"Thursday"})");
  CHECK(run(R"({"operation":"convert","time":"0001-01-01T00:00:00Z","offset":"-01:00"})") ==
        "error: the result falls outside the years 0001 to 9999 that the tool supports");
  CHECK(run(R"({"operation":"convert","time":"9999-12-31T23:00:00Z","offset":"+01:00"})") ==
        "error: the result falls outside the years 0001 to 9999 that the tool supports");
  CHECK(run(R"({"operation":"convert","time":"2026-11-25T10:00:00Z"})") ==
        "error: \"convert\" needs \"offset\": the UTC offset to convert to, such as +05:30, "
        "-08:00 or Z");
  CHECK(run(R"({"operation":"convert","time":"2026-11-25T10:00:00Z","offset":"CET"})") ==
        "error: \"offset\" is \"CET\": time zone names such as Europe/Paris or EST are not "
        "supported, as the tool has no time zone database: give the fixed UTC offset in effect, "
        "such as +01:00 or -05:00, or Z for UTC");
}

TEST_CASE("datetime names a bad operation or argument for the model", "[datetime]") {
  const std::string operations =
      "; the operations are now, add (negative amounts subtract), diff, weekday and convert";
  CHECK(run("{}") == "error: \"operation\" is missing" + operations);
  CHECK(run("") == "error: \"operation\" is missing" + operations);
  CHECK(run(R"({"operation":"subtract"})") == "error: unknown operation \"subtract\"" + operations);
  CHECK(run(R"({"operation":"NOW"})") == "error: unknown operation \"NOW\"" + operations);
  CHECK(run(R"({"operation":7})") == "error: \"operation\" must be a string, not a number");
  CHECK(run(R"({"operation":"now","timezone":"Europe/Paris"})") ==
        "error: the operation \"now\" does not take the argument \"timezone\"; it takes "
        "\"operation\", \"offset\"");
  CHECK(run(R"({"operation":"weekday","time":"2026-11-25","offset":null})") ==
        R"({"operation":"weekday","date":"2026-11-25","weekday":"Wednesday","iso_weekday":3,)"
        R"("day_of_year":329,"iso_week":"2026-W48"})");
  CHECK(run("[\"now\"]") == "error: datetime: the arguments must be a JSON object, not an array");
  CHECK(run(R"({"operation":"now")")
            .rfind("error: datetime: the arguments are not valid JSON: ", 0) == 0);
  // A long bad value is cut in the message.
  CHECK(run(R"({"operation":")" + std::string(100, 'x') + "\"}") ==
        "error: unknown operation \"" + std::string(40, 'x') + "...\"" + operations);
}
