#include "json/format_double.hpp"

#ifdef __EMSCRIPTEN__
// printf's "%.*g" (`general`) or "%.*e" of a finite `value`, written as ASCII into `out` (at
// most `capacity` bytes); returns the length. The package's loader (wasm/core.mjs) provides
// it, from JavaScript's toExponential (wasm/format-double.mjs): snprintf brought musl's
// printf_core and its helpers, 8 KB of the module (4 KB gzipped).
extern "C" __attribute__((import_module("env"), import_name("llmux_format_double"))) std::size_t
llmux_format_double(double value, int precision, int general, char *out, std::size_t capacity);
#else
#include "json/c_locale.hpp"

#include <algorithm>
#include <cstdio>
#endif

namespace llmux::json {

DoubleText format_double(double value, DoubleStyle style, int precision) noexcept {
  DoubleText text;
#ifdef __EMSCRIPTEN__
  text.size = llmux_format_double(value, precision, style == DoubleStyle::General, text.bytes,
                                  DoubleText::capacity);
#else
  const CLocaleScope c_locale; // a '.' whatever locale the host set
  const int written =
      std::snprintf(text.bytes, DoubleText::capacity,
                    style == DoubleStyle::General ? "%.*g" : "%.*e", precision, value);
  text.size = std::min(static_cast<std::size_t>(std::max(written, 0)), DoubleText::capacity - 1);
#endif
  return text;
}

} // namespace llmux::json
