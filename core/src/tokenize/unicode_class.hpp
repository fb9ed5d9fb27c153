#pragma once
// The Unicode character classes the tokenizer's split patterns ask about, for one code point.

#include <cstdint>

namespace llmux::tokenize {

/// One class per code point (the sets do not overlap): the general categories the patterns
/// name (\p{Lu} ... \p{Lo}, \p{M}, \p{N}), Space for \s (the White_Space property, as in
/// tiktoken's Rust regex), and Other for everything else, unassigned code points included.
enum class CharClass : std::uint8_t { Other, Lu, Ll, Lt, Lm, Lo, Mark, Number, Space };

/// The classes of U+0000..U+00FF, for lookups without a call.
extern const std::uint8_t latin1_char_classes[256];

/// The class of `code_point` (Unicode 15.0). Code points past U+10FFFF are Other.
CharClass char_class(std::uint32_t code_point) noexcept;

} // namespace llmux::tokenize
