#pragma once
// The word-at-a-time test that the parser's and the writer's string scans share.

#include <cstdint>

namespace llmux::json {

/// True when one of the 8 bytes in `word` is '"', '\\' or a control character: the bytes a
/// string scan must stop at. May report a byte that is not one (then the byte loop moves
/// on); never misses one.
inline bool needs_attention(std::uint64_t word) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  auto has_zero_byte = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  return has_zero_byte(word ^ (ones * '"')) | has_zero_byte(word ^ (ones * '\\')) |
         ((word - ones * 0x20) & ~word & highs);
}

} // namespace llmux::json
