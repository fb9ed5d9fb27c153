#include "http/retry_after.hpp"

#include "calendar/civil_calendar.hpp"

#include <cmath>

namespace llmux {
namespace {

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

// A non-negative decimal number ("12", "1.5"): its value in thousandths, exactly. At most 15
// characters, so the result cannot overflow (10^15 thousandths of a second is 30,000 years).
std::optional<std::int64_t> parse_decimal_milli(std::string_view text) noexcept {
  if (text.empty() || text.size() > 15)
    return std::nullopt;
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < text.size() && is_digit(text[i]); ++i)
    whole = whole * 10 + (text[i] - '0');
  if (i == 0)
    return std::nullopt;
  std::int64_t milli = whole * 1000;
  if (i < text.size()) {
    if (text[i] != '.' || i + 1 == text.size())
      return std::nullopt;
    std::int64_t scale = 100;
    for (++i; i < text.size(); ++i) {
      if (!is_digit(text[i]))
        return std::nullopt;
      milli += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  return milli;
}

int month_number(std::string_view name) noexcept {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (name == months[i])
      return i + 1;
  return 0;
}

// Reads `count` digits at `pos`, advancing it.
std::optional<int> digits(std::string_view text, std::size_t &pos, std::size_t count) noexcept {
  if (pos + count > text.size())
    return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_digit(text[pos + i]))
      return std::nullopt;
    value = value * 10 + (text[pos + i] - '0');
  }
  pos += count;
  return value;
}

bool expect(std::string_view text, std::size_t &pos, char c) noexcept {
  if (pos >= text.size() || text[pos] != c)
    return false;
  ++pos;
  return true;
}

// "HH:MM:SS" at pos.
std::optional<int> time_of_day(std::string_view text, std::size_t &pos) noexcept {
  auto hours = digits(text, pos, 2);
  if (!hours || !expect(text, pos, ':'))
    return std::nullopt;
  auto minutes = digits(text, pos, 2);
  if (!minutes || !expect(text, pos, ':'))
    return std::nullopt;
  auto seconds = digits(text, pos, 2);
  if (!seconds || *hours > 23 || *minutes > 59 || *seconds > 60)
    return std::nullopt;
  return *hours * 3600 + *minutes * 60 + *seconds;
}

std::optional<std::int64_t> to_epoch_ms(int year, int month, int day, int seconds) noexcept {
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return std::nullopt;
  return (days_from_civil({year, month, day}) * 86400 + seconds) * 1000;
}

} // namespace

std::optional<std::int64_t> parse_http_date_ms(std::string_view text) noexcept {
  text = trim(text);
  std::size_t comma = text.find(',');
  if (comma != std::string_view::npos) {
    std::size_t pos = comma + 1;
    if (!expect(text, pos, ' '))
      return std::nullopt;
    auto day = digits(text, pos, 2);
    if (!day)
      return std::nullopt;
    if (pos < text.size() && text[pos] == ' ') {
      // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
      ++pos;
      int month = month_number(text.substr(pos, 3));
      pos += 3;
      if (!month || !expect(text, pos, ' '))
        return std::nullopt;
      auto year = digits(text, pos, 4);
      if (!year || !expect(text, pos, ' '))
        return std::nullopt;
      auto seconds = time_of_day(text, pos);
      if (!seconds || text.substr(pos) != " GMT")
        return std::nullopt;
      return to_epoch_ms(*year, month, *day, *seconds);
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    if (!expect(text, pos, '-'))
      return std::nullopt;
    int month = month_number(text.substr(pos, 3));
    pos += 3;
    if (!month || !expect(text, pos, '-'))
      return std::nullopt;
    auto two_digit_year = digits(text, pos, 2);
    if (!two_digit_year || !expect(text, pos, ' '))
      return std::nullopt;
    auto seconds = time_of_day(text, pos);
    if (!seconds || text.substr(pos) != " GMT")
      return std::nullopt;
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century;
    // without a clock here, read 70..99 as 19xx and the rest as 20xx.
    int year = *two_digit_year >= 70 ? 1900 + *two_digit_year : 2000 + *two_digit_year;
    return to_epoch_ms(year, month, *day, *seconds);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (text.size() != 24)
    return std::nullopt;
  std::size_t pos = 4;
  int month = month_number(text.substr(pos, 3));
  pos += 3;
  if (!month || !expect(text, pos, ' '))
    return std::nullopt;
  int day = 0;
  if (text[pos] == ' ') {
    ++pos;
    auto single = digits(text, pos, 1);
    if (!single)
      return std::nullopt;
    day = *single;
  } else {
    auto both = digits(text, pos, 2);
    if (!both)
      return std::nullopt;
    day = *both;
  }
  if (!expect(text, pos, ' '))
    return std::nullopt;
  auto seconds = time_of_day(text, pos);
  if (!seconds || !expect(text, pos, ' '))
    return std::nullopt;
  auto year = digits(text, pos, 4);
  if (!year || pos != text.size())
    return std::nullopt;
  return to_epoch_ms(*year, month, day, *seconds);
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) noexcept {
  text = trim(text);
  if (text.empty())
    return std::nullopt;
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = pos;
    while (pos < text.size() && (is_digit(text[pos]) || text[pos] == '.'))
      ++pos;
    auto milli = parse_decimal_milli(text.substr(start, pos - start));
    if (!milli)
      return std::nullopt;
    std::size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos]) && text[pos] != '.')
      ++pos;
    std::string_view unit = text.substr(unit_start, pos - unit_start);
    // `milli` is the number times 1000; scale it to milliseconds of the unit. A duration too
    // long to count is no duration (a hostile "9999999999999h" must not overflow).
    std::int64_t scale;
    if (unit == "ms") {
      total += *milli / 1000;
      continue;
    } else if (unit == "s") {
      scale = 1;
    } else if (unit == "m") {
      scale = 60;
    } else if (unit == "h") {
      scale = 3600;
    } else {
      return std::nullopt;
    }
    std::int64_t part;
    if (__builtin_mul_overflow(*milli, scale, &part) || __builtin_add_overflow(total, part, &total))
      return std::nullopt;
  }
  return total;
}

std::optional<std::int64_t> parse_retry_after_ms(std::string_view value,
                                                 std::int64_t now_ms) noexcept {
  value = trim(value);
  if (auto milli = parse_decimal_milli(value))
    return *milli;
  if (now_ms <= 0)
    return std::nullopt;
  auto at = parse_http_date_ms(value);
  if (!at)
    return std::nullopt;
  return *at > now_ms ? *at - now_ms : 0;
}

std::optional<std::int64_t> retry_after_from_headers(const HttpResponseHead &head) noexcept {
  if (auto value = head.header("retry-after-ms")) {
    if (auto milli = parse_decimal_milli(trim(*value)))
      return *milli / 1000;
  }
  if (auto value = head.header("retry-after")) {
    if (auto delay = parse_retry_after_ms(*value, head.received_at_ms))
      return delay;
  }
  // OpenAI: the reset time of whichever limit is used up.
  std::optional<std::int64_t> reset;
  for (auto [remaining, reset_header] :
       {std::pair{"x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"},
        std::pair{"x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"}}) {
    auto left = head.header(remaining);
    auto when = head.header(reset_header);
    if (left && trim(*left) == "0" && when) {
      if (auto delay = parse_duration_ms(*when); delay && (!reset || *delay > *reset))
        reset = delay;
    }
  }
  if (reset)
    return reset;
  // OpenRouter: `x-ratelimit-reset` is the reset time in epoch milliseconds. Other servers
  // use epoch seconds or a delay in seconds: tell them apart by magnitude.
  if (auto value = head.header("x-ratelimit-reset")) {
    auto milli = parse_decimal_milli(trim(*value));
    if (milli) {
      std::int64_t number = *milli / 1000;
      if (number > 100'000'000'000LL) { // epoch milliseconds (after 1973)
        if (head.received_at_ms > 0)
          return number > head.received_at_ms ? number - head.received_at_ms : 0;
      } else if (number > 1'000'000'000LL) { // epoch seconds (after 2001)
        if (head.received_at_ms > 0)
          return number * 1000 > head.received_at_ms ? number * 1000 - head.received_at_ms : 0;
      } else {
        return *milli;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> retry_after_from_message(std::string_view message) noexcept {
  for (std::string_view marker : {"try again in ", "Try again in "}) {
    std::size_t at = message.find(marker);
    if (at == std::string_view::npos)
      continue;
    std::string_view rest = message.substr(at + marker.size());
    std::size_t end = 0;
    while (end < rest.size() && (is_digit(rest[end]) || rest[end] == '.' || rest[end] == 'h' ||
                                 rest[end] == 'm' || rest[end] == 's'))
      ++end;
    // "in 1.5s." — the sentence's full stop is not part of the duration.
    std::string_view duration = rest.substr(0, end);
    while (!duration.empty() && duration.back() == '.')
      duration.remove_suffix(1);
    if (auto delay = parse_duration_ms(duration))
      return delay;
  }
  for (std::string_view marker : {"retry after ", "Retry after "}) {
    std::size_t at = message.find(marker);
    if (at == std::string_view::npos)
      continue;
    std::string_view rest = message.substr(at + marker.size());
    std::size_t end = 0;
    while (end < rest.size() && (is_digit(rest[end]) || rest[end] == '.'))
      ++end;
    std::string_view number = rest.substr(0, end);
    while (!number.empty() && number.back() == '.')
      number.remove_suffix(1);
    auto milli = parse_decimal_milli(number);
    if (milli && rest.substr(end).rfind(" second", 0) == 0)
      return *milli;
    if (milli && rest.substr(end).rfind(" millisecond", 0) == 0)
      return *milli / 1000;
  }
  return std::nullopt;
}

} // namespace llmux
