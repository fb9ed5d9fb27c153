#pragma once
/// UTF-8 validation and repair, byte-exact to the WHATWG Encoding Standard's decoder.

#include <cstddef>
#include <string>
#include <string_view>

namespace llmux {

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

/// The offset of the first byte of the first ill-formed sequence, or `bytes.size()`.
std::size_t first_invalid_utf8(std::string_view bytes) noexcept;

/// `bytes` with each maximal ill-formed subpart replaced by U+FFFD, as the WHATWG "UTF-8
/// decode" does (and as TextDecoder does in JavaScript).
std::string replace_invalid_utf8(std::string_view bytes);

/// How many leading bytes of `bytes` end on a character boundary: a multi-byte character cut
/// at the end is held back for the next chunk. Used where text is handed on chunk by chunk.
std::size_t complete_utf8_prefix(std::string_view bytes) noexcept;

} // namespace llmux
