// The datetime tool on any arguments and any clock reading.
//   - it never aborts (UBSan stops on signed overflow); an answer is a JSON object naming its
//     operation, and an error is invalid_argument from the caller with a valid UTF-8 message;
//   - every time it writes reads back with parse_date_time to the same instant, and a weekday it
//     names is that time's;
//   - parse_date_time and parse_utc_offset take any bytes; what they accept is written back by
//     format_date / format_date_time and reads back equal; the calendar's day numbers go to
//     dates and back.
//
// Input: bytes 0-7 the clock (`now_ms`, little-endian; kept within the supported years when
// byte 8 is even), byte 8 the mode, then the body. Mode & 1: the body is the arguments JSON
// as it is. Otherwise the arguments are built from the body: operation = mode / 2 % 5, the
// body's lines are time, start, end and offset, and bytes of the last line give amounts.

#include "fuzz_support.hpp"

#include "calendar/civil_calendar.hpp"
#include "tools/iso8601.hpp"

#include <llmux/builtin_tools.hpp>

#include <nlohmann/json.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

constexpr const char *operations[] = {"now", "add", "diff", "weekday", "convert"};
constexpr const char *amounts[] = {"years", "months",  "weeks",  "days",
                                   "hours", "minutes", "seconds"};
constexpr const char *weekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                    "Friday", "Saturday", "Sunday"};

// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
constexpr std::int64_t first_ms = -62135596800000;
constexpr std::int64_t end_ms = 253402300800000;

// The time `text` the tool wrote reads back; returns its wall-clock day.
std::int64_t check_written_time(const std::string &text) {
  auto parsed = llmux::tools::parse_date_time(text, "time");
  if (!parsed.ok())
    std::fprintf(stderr, "unreadable: %s: %s\n", text.c_str(), parsed.error().message.c_str());
  LLMUX_FUZZ_CHECK(parsed.ok());
  const llmux::tools::DateTime &time = parsed.value();
  const std::string again =
      time.date_only ? llmux::tools::format_date(time.local_ms)
                     : llmux::tools::format_date_time(time.local_ms, time.offset_minutes);
  LLMUX_FUZZ_CHECK(again == text);
  return llmux::floor_divide(time.local_ms, llmux::tools::ms_per_day);
}

void check_answer(const std::string &answer, std::int64_t now_ms) {
  const json parsed = json::parse(answer, nullptr, false);
  LLMUX_FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object());
  LLMUX_FUZZ_CHECK(parsed.contains("operation") && parsed["operation"].is_string());
  const std::string operation = parsed["operation"];
  std::optional<std::int64_t> day;
  if (parsed.contains("time"))
    day = check_written_time(parsed["time"]);
  if (parsed.contains("date"))
    day = check_written_time(parsed["date"]);
  if (day && parsed.contains("weekday"))
    LLMUX_FUZZ_CHECK(parsed["weekday"] == weekdays[llmux::iso_weekday(*day) - 1]);
  if (operation == "now") {
    LLMUX_FUZZ_CHECK(parsed["unix_seconds"] == llmux::floor_divide(now_ms, 1000));
    auto time = llmux::tools::parse_date_time(parsed["time"].get<std::string>(), "time");
    LLMUX_FUZZ_CHECK(time.value().unix_ms() == now_ms);
  }
  if (operation == "diff") {
    const json &parts = parsed["breakdown"];
    const double seconds = parsed["seconds"].get<double>();
    const double sum = parts["days"].get<double>() * 86400 + parts["hours"].get<double>() * 3600 +
                       parts["minutes"].get<double>() * 60 + parts["seconds"].get<double>();
    LLMUX_FUZZ_CHECK(std::fabs(sum - seconds) < 1e-3);
    LLMUX_FUZZ_CHECK(std::fabs(parts["hours"].get<double>()) < 24);
    LLMUX_FUZZ_CHECK(std::fabs(parts["minutes"].get<double>()) < 60);
    LLMUX_FUZZ_CHECK(std::fabs(parts["seconds"].get<double>()) < 60);
  }
}

// parse_date_time and parse_utc_offset on the raw bytes: what they accept round-trips.
void check_parsers(std::string_view text) {
  auto parsed = llmux::tools::parse_date_time(text, "time");
  if (parsed.ok()) {
    const llmux::tools::DateTime &time = parsed.value();
    LLMUX_FUZZ_CHECK(llmux::tools::in_supported_range(time.local_ms));
    const std::string written =
        time.date_only ? llmux::tools::format_date(time.local_ms)
                       : llmux::tools::format_date_time(time.local_ms, time.offset_minutes);
    auto again = llmux::tools::parse_date_time(written, "time");
    LLMUX_FUZZ_CHECK(again.ok());
    LLMUX_FUZZ_CHECK(again.value().local_ms == time.local_ms);
    LLMUX_FUZZ_CHECK(again.value().offset_minutes == time.offset_minutes);
    LLMUX_FUZZ_CHECK(again.value().date_only == time.date_only);
  } else {
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(parsed.error().message));
  }
  auto offset = llmux::tools::parse_utc_offset(text, "offset");
  if (offset.ok()) {
    LLMUX_FUZZ_CHECK(offset.value() >= -18 * 60 && offset.value() <= 18 * 60);
    const std::string written = llmux::tools::format_utc_offset(offset.value());
    LLMUX_FUZZ_CHECK(llmux::tools::parse_utc_offset(written, "offset").value() == offset.value());
  } else {
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(offset.error().message));
  }
}

std::string built_arguments(std::uint8_t mode, std::string_view body) {
  json arguments = json::object();
  arguments["operation"] = operations[mode / 2 % 5];
  std::vector<std::string_view> lines;
  while (lines.size() < 5) {
    const std::size_t end = body.find('\n');
    lines.push_back(body.substr(0, end));
    if (end == std::string_view::npos)
      break;
    body.remove_prefix(end + 1);
  }
  const char *keys[] = {"time", "start", "end", "offset"};
  for (std::size_t i = 0; i < 4 && i < lines.size(); ++i)
    if (!lines[i].empty() && lines[i] != "-")
      arguments[keys[i]] = std::string(lines[i]);
  if (lines.size() == 5) {
    // Amounts: a byte says which; the next four make a signed number, halved into a fraction
    // when the top bit of the first says so.
    llmux::fuzz::Input amount_bytes(reinterpret_cast<const std::uint8_t *>(lines[4].data()),
                                    lines[4].size());
    while (!amount_bytes.rest().empty()) {
      const std::uint8_t which = amount_bytes.byte();
      const auto raw =
          static_cast<std::int32_t>(amount_bytes.two_bytes() | (amount_bytes.two_bytes() << 16));
      if (which & 0x80)
        arguments[amounts[which % 7]] = raw / 2.0;
      else
        arguments[amounts[which % 7]] = raw;
    }
  }
  // Replace, not throw, on invalid UTF-8 in the lines (the core gets U+FFFD then).
  return arguments.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input input(data, size);
  std::uint64_t clock_bits = 0;
  const std::string_view clock = input.take(8);
  std::memcpy(&clock_bits, clock.data(), clock.size());
  const std::uint8_t mode = input.byte();
  std::int64_t now_ms = static_cast<std::int64_t>(clock_bits);
  if (mode % 2 == 0 && (mode & 0x40) == 0)
    now_ms = first_ms +
             static_cast<std::int64_t>(clock_bits % static_cast<std::uint64_t>(end_ms - first_ms));
  const std::string_view body = input.rest();

  const std::string arguments = mode & 1 ? std::string(body) : built_arguments(mode, body);
  auto answer = llmux::run_builtin_tool("datetime", arguments, now_ms);
  if (answer.ok()) {
    check_answer(answer.value(), now_ms);
  } else {
    LLMUX_FUZZ_CHECK(answer.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(answer.error().origin == llmux::ErrorOrigin::Caller);
    LLMUX_FUZZ_CHECK(!answer.error().message.empty());
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(answer.error().message));
  }

  check_parsers(body);

  // Day numbers within the supported years go to dates and back.
  const std::int64_t day = llmux::floor_divide(now_ms, llmux::tools::ms_per_day);
  if (day >= -719162 && day <= 2932896) {
    const llmux::CivilDate date = llmux::civil_from_days(day);
    LLMUX_FUZZ_CHECK(date.month >= 1 && date.month <= 12 && date.day >= 1 &&
                     date.day <= llmux::days_in_month(date.year, date.month));
    LLMUX_FUZZ_CHECK(llmux::days_from_civil(date) == day);
  }
  return 0;
}
