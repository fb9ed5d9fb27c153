#pragma once
/// Money as an integer: no floating point anywhere costs are computed or summed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmux {

/// US dollars in picodollars (10^-12 USD). A price in dollars per million tokens, written in
/// micro-dollars, is exactly the price of one token in picodollars, so a token count times a
/// price is a cost with no rounding at all. An int64 holds about 9.2 million dollars.
using Picodollars = std::int64_t;

inline constexpr Picodollars picodollars_per_dollar = 1'000'000'000'000;

/// A decimal amount of dollars ("0.15", "1.25", "0.0375") as picodollars per token of a
/// per-million-token price: exactly, or nothing when it has more than six decimals, is
/// negative, or is not a decimal number.
std::optional<Picodollars> parse_price_per_million(std::string_view dollars) noexcept;

/// `amount` as dollars with every significant decimal and no trailing zeros: "$0.00045",
/// "$12", "-$0.5".
std::string format_usd(Picodollars amount);
/// Appends `amount` as format_usd writes it but without the "$": "0.00045", "12", "-0.5".
void append_dollars(Picodollars amount, std::string &out);

/// a + b, or nothing when the sum does not fit.
std::optional<Picodollars> add_money(Picodollars a, Picodollars b) noexcept;

} // namespace llmux
