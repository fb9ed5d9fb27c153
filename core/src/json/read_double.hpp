#pragma once
// Reading a decimal number as a double, for every place in the core that reads one (the JSON
// parser, the schema validator, settings, the calculator). Private to the core.

#include <string_view>

namespace llmux::json {

/// The double nearest to `text` (ties to even), which must be a decimal number: an optional
/// sign, digits with an optional point (".5" and "5." too), an optional exponent, nothing
/// else (the caller checks; is_decimal_number does). Out of range gives ±infinity or ±0, as
/// strtod. Every reading of a number in the core goes through this rather than strtod: in
/// the Wasm module it is JavaScript's Number(), which reads correctly rounded, where musl's
/// strtod computes in 128-bit long double, software-emulated in Wasm, and brings 14 KB of
/// code (6 KB gzipped) for it.
double read_double(std::string_view text);

/// Whether `text` is a decimal number as read_double takes it.
bool is_decimal_number(std::string_view text) noexcept;

} // namespace llmux::json
