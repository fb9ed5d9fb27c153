#include "tokenize/unicode_class.hpp"

#include <algorithm>
#include <iterator>

namespace llmux::tokenize {

// latin1_char_classes and class_runs.
#include "tokenize/unicode_tables.inc"

CharClass char_class(std::uint32_t code_point) noexcept {
  if (code_point < 256)
    return static_cast<CharClass>(latin1_char_classes[code_point]);
  if (code_point > 0x10FFFF)
    return CharClass::Other;
  // The last run that starts at or before the code point: runs are (first << 4) | class, so
  // every run starting at `code_point` or earlier sorts below (code_point << 4) | 0xF.
  const std::uint32_t key = (code_point << 4) | 0xF;
  const std::uint32_t *run = std::upper_bound(std::begin(class_runs), std::end(class_runs), key);
  return static_cast<CharClass>(*(run - 1) & 0xF);
}

} // namespace llmux::tokenize
