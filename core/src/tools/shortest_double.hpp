#pragma once
// A double as the shortest text that reads back as the same double, and the reading back.

#include <string>
#include <string_view>

namespace llmux::tools {

/// `value` (finite) written as std::to_chars(first, last, value) writes it: the fewest
/// significant digits that read back as `value`, in fixed or scientific notation whichever is
/// shorter, fixed on a tie ("0.1", "1000", "1e+21", "1.5e-07", "-2.5"). Written by hand
/// because Emscripten's libc++ has no floating-point to_chars; the tests check it against
/// to_chars natively.
std::string shortest_double(double value);


} // namespace llmux::tools
