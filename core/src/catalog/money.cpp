#include <llmux/money.hpp>

#include <charconv>

namespace llmux {

std::optional<Picodollars> parse_price_per_million(std::string_view dollars) noexcept {
  if (dollars.empty() || dollars.size() > 20)
    return std::nullopt;
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < dollars.size() && dollars[i] >= '0' && dollars[i] <= '9'; ++i) {
    whole = whole * 10 + (dollars[i] - '0');
    if (whole > 1'000'000'000) // a billion dollars per million tokens: not a price
      return std::nullopt;
  }
  if (i == 0)
    return std::nullopt;
  std::int64_t micros = whole * 1'000'000;
  if (i < dollars.size()) {
    if (dollars[i] != '.' || i + 1 == dollars.size())
      return std::nullopt;
    std::int64_t scale = 100'000;
    for (++i; i < dollars.size(); ++i) {
      char c = dollars[i];
      if (c < '0' || c > '9')
        return std::nullopt;
      if (scale == 0) {
        if (c != '0') // a seventh significant decimal: not representable exactly
          return std::nullopt;
        continue;
      }
      micros += (c - '0') * scale;
      scale /= 10;
    }
  }
  return micros; // micro-dollars per million tokens == picodollars per token
}

namespace {

// Appends `amount`: its sign, then `unit` ("$" or nothing), then the whole dollars and the
// fraction without its trailing zeros. Written into a buffer, not through std::to_string:
// every result's cost passes here five times, and the temporary strings were most of its time.
void append_amount(Picodollars amount, std::string_view unit, std::string &out) {
  // Work on the magnitude in unsigned arithmetic: -(INT64_MIN) does not fit an int64.
  const std::uint64_t magnitude =
      amount < 0 ? 0 - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
  if (amount < 0)
    out += '-';
  out += unit;
  const std::uint64_t per_dollar = static_cast<std::uint64_t>(picodollars_per_dollar);
  char buffer[20 + 1 + 12]; // uint64's 20 digits, '.', 12 decimals
  auto end = std::to_chars(buffer, buffer + 20, magnitude / per_dollar).ptr;
  std::uint64_t fraction = magnitude % per_dollar;
  if (fraction != 0) {
    *end++ = '.';
    for (std::uint64_t scale = per_dollar / 10; fraction != 0; scale /= 10) {
      *end++ = static_cast<char>('0' + fraction / scale);
      fraction %= scale;
    }
  }
  out.append(buffer, end);
}

} // namespace

std::string format_usd(Picodollars amount) {
  std::string out;
  append_amount(amount, "$", out);
  return out;
}

void append_dollars(Picodollars amount, std::string &out) {
  append_amount(amount, "", out);
}

std::optional<Picodollars> add_money(Picodollars a, Picodollars b) noexcept {
  Picodollars sum;
  if (__builtin_add_overflow(a, b, &sum))
    return std::nullopt;
  return sum;
}

} // namespace llmux
