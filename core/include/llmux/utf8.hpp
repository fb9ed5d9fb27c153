#pragma once
/// UTF-8 decoding, validation and repair, byte-exact to the WHATWG Encoding Standard's
/// decoder. The one place that knows which byte sequences are well-formed: the framing
/// decoders, the JSON reader and writer, the tokenizer and the schema's regex all read UTF-8
/// through it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmux {

namespace utf8_detail {

/// The length a lead byte announces and the allowed range of the byte after it (Unicode
/// Table 3-7, "Well-Formed UTF-8 Byte Sequences"). Length 0: not a lead byte.
struct Lead {
  int length;
  unsigned char second_min;
  unsigned char second_max;
};

inline Lead classify(unsigned char byte) noexcept {
  if (byte < 0x80)
    return {1, 0, 0};
  if (byte >= 0xC2 && byte <= 0xDF)
    return {2, 0x80, 0xBF};
  if (byte == 0xE0)
    return {3, 0xA0, 0xBF}; // no overlongs
  if (byte == 0xED)
    return {3, 0x80, 0x9F}; // no surrogates
  if (byte >= 0xE1 && byte <= 0xEF)
    return {3, 0x80, 0xBF};
  if (byte == 0xF0)
    return {4, 0x90, 0xBF}; // no overlongs
  if (byte >= 0xF1 && byte <= 0xF3)
    return {4, 0x80, 0xBF};
  if (byte == 0xF4)
    return {4, 0x80, 0x8F}; // nothing past U+10FFFF
  return {0, 0, 0};
}

} // namespace utf8_detail

/// What decode_utf8_char reads for an ill-formed byte: not a code point (past U+10FFFF).
inline constexpr char32_t ill_formed_utf8 = 0x110000;

/// One character: its code point (or ill_formed_utf8) and its length in bytes.
struct Utf8Char {
  char32_t code_point;
  std::uint32_t length;
};

/// The character at `p` (`available` >= 1 bytes): a well-formed sequence (no overlongs,
/// surrogates or values past U+10FFFF), or one ill-formed byte read as ill_formed_utf8.
/// Inline: the tokenizer calls it per character, and the Wasm build (-Oz) would not inline it
/// across files.
[[gnu::always_inline]] inline Utf8Char decode_utf8_char(const unsigned char *p,
                                                        std::size_t available) noexcept {
  const unsigned char lead_byte = p[0];
  if (lead_byte < 0x80)
    return {lead_byte, 1};
  const utf8_detail::Lead lead = utf8_detail::classify(lead_byte);
  const auto length = static_cast<std::size_t>(lead.length);
  if (length == 0 || available < length || p[1] < lead.second_min || p[1] > lead.second_max)
    return {ill_formed_utf8, 1};
  // The lead keeps 7 - length bits of the value: 5, 4 or 3.
  char32_t code_point = lead_byte & (0x7Fu >> length);
  code_point = (code_point << 6) | (p[1] & 0x3Fu);
  for (std::size_t k = 2; k < length; ++k) {
    if ((p[k] & 0xC0) != 0x80)
      return {ill_formed_utf8, 1};
    code_point = (code_point << 6) | (p[k] & 0x3Fu);
  }
  return {code_point, static_cast<std::uint32_t>(length)};
}

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
