#pragma once
// The C locale for the native builds' strtod and snprintf. A host program may call setlocale
// (a GUI toolkit does, and so does any program that formats numbers for its user): under
// de_DE.UTF-8, strtod stops at the '.' of "0.7" and snprintf writes "0,7", so a setting of
// 0.7 would read as 0 and a request body would not be JSON. uselocale changes the calling
// thread alone, for as long as a CLocaleScope lives. Not in the Wasm build: there JavaScript
// reads and writes the numbers (read_double.cpp, format_double.cpp).

#include <clocale>
#include <locale.h>

namespace llmux::json {

/// Switches the calling thread to the C locale, and back when it ends.
class CLocaleScope {
public:
  CLocaleScope() noexcept : previous_(uselocale(c_locale())) {}
  ~CLocaleScope() { uselocale(previous_); }
  CLocaleScope(const CLocaleScope &) = delete;
  CLocaleScope &operator=(const CLocaleScope &) = delete;

private:
  // Made once, never freed: the process keeps it to its end.
  static locale_t c_locale() noexcept {
    static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
    return locale;
  }

  locale_t previous_;
};

} // namespace llmux::json
