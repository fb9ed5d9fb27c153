#pragma once
// Writing a double as decimal text, for every place in the core that writes one (the JSON
// writer, the cache key, the schema validator's decimals): as C's printf writes it, in every
// build. Private to the core.

#include <cstddef>
#include <string_view>

namespace llmux::json {

/// The printf conversions format_double does: "%.*g" and "%.*e".
enum class DoubleStyle { General, Exponent };

/// A double's text, held in place: formatting allocates nothing.
struct DoubleText {
  /// More than the longest text format_double writes: "-1.23456789012345678e-308" is 25 bytes.
  static constexpr std::size_t capacity = 32;
  char bytes[capacity];
  std::size_t size = 0;
  std::string_view view() const noexcept { return {bytes, size}; }
};

/// `value` as snprintf writes it with "%.*g" (General) or "%.*e" (Exponent) and `precision`,
/// in the C locale whatever locale the host program set: "0.1", "1e+21", "1e-07", "-2.5e-05";
/// "1.0000e-04" for 1e-4 as Exponent with precision 4. Preconditions: `value` is finite (no
/// caller passes infinity or NaN: they are written as null or have no digits), and
/// 0 <= precision <= 17. Natively it is snprintf; in the Wasm module it is JavaScript's
/// toExponential turned into printf's form (wasm/format-double.mjs), so that the module
/// links no printf.
DoubleText format_double(double value, DoubleStyle style, int precision) noexcept;

} // namespace llmux::json
