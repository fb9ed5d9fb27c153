#include "tokenize/unicode_class.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace llmux::tokenize {

// latin1_char_classes, class_run_count and class_run_deltas.
#include "tokenize/unicode_tables.inc"

namespace {

// The LEB128 value at `at` in class_run_deltas, ((first - previous first) << 4) | class;
// moves `at` past it.
constexpr std::uint32_t read_run(std::size_t &at) noexcept {
  std::uint32_t value = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t byte = class_run_deltas[at++];
    value |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
    if (byte < 0x80)
      return value;
  }
}

// class_run_deltas holds exactly class_run_count runs, the first at U+0000, each later one
// further on and of another class than the one before, the last below U+110000, every class
// a CharClass: so the decoder below fills its array in order and reads no byte past the
// table. Checked while compiling, at no cost in the module.
constexpr bool run_deltas_are_well_formed() noexcept {
  std::size_t at = 0;
  std::uint32_t first = 0;
  std::uint32_t previous_class = 0xF;
  for (std::size_t run = 0; run < class_run_count; ++run) {
    if (at == std::size(class_run_deltas))
      return false;
    const std::uint32_t value = read_run(at);
    const std::uint32_t delta = value >> 4;
    const std::uint32_t run_class = value & 0xF;
    if ((run == 0) != (delta == 0) || delta > 0x10FFFF - first ||
        run_class > static_cast<std::uint32_t>(CharClass::Space) || run_class == previous_class)
      return false;
    first += delta;
    previous_class = run_class;
  }
  return at == std::size(class_run_deltas);
}
static_assert(run_deltas_are_well_formed(), "unicode_tables.inc: class_run_deltas is corrupt");

// The runs as char_class searches them: (first code point << 4) | class, increasing.
struct ClassRuns {
  std::uint32_t words[class_run_count];

  ClassRuns() noexcept {
    std::size_t at = 0;
    std::uint32_t first = 0;
    for (std::uint32_t &word : words) {
      const std::uint32_t value = read_run(at);
      first += value >> 4;
      word = (first << 4) | (value & 0xF);
    }
  }
};

const ClassRuns &decoded_runs() noexcept {
  // Decoded on first use into 12 KB of zero-initialised memory, which the .wasm does not
  // carry as it carries data. C++ initialises a function-local static once even when threads
  // race to it (natively; the Wasm build has no threads), so lookups from several threads,
  // as regex.hpp allows, stay safe.
  static const ClassRuns runs;
  return runs;
}

} // namespace

std::span<const std::uint32_t> class_runs() noexcept {
  return decoded_runs().words;
}

CharClass char_class(std::uint32_t code_point) noexcept {
  if (code_point < 256)
    return static_cast<CharClass>(latin1_char_classes[code_point]);
  if (code_point > 0x10FFFF)
    return CharClass::Other;
  // The last run that starts at or before the code point: runs are (first << 4) | class, so
  // every run starting at `code_point` or earlier sorts below (code_point << 4) | 0xF.
  const std::uint32_t key = (code_point << 4) | 0xF;
  const std::uint32_t *runs = decoded_runs().words;
  const std::uint32_t *run = std::upper_bound(runs, runs + class_run_count, key);
  return static_cast<CharClass>(*(run - 1) & 0xF);
}

} // namespace llmux::tokenize
