#pragma once
// The Unicode character classes the tokenizer's split patterns ask about, for one code point.

#include <cstdint>
#include <span>

namespace llmux::tokenize {

/// One class per code point (the sets do not overlap): the general categories the patterns
/// name (\p{Lu} ... \p{Lo}, \p{M}, \p{N}), Space for \s (the White_Space property, as in
/// tiktoken's Rust regex), and Other for everything else, unassigned code points included.
enum class CharClass : std::uint8_t { Other, Lu, Ll, Lt, Lm, Lo, Mark, Number, Space };

/// The classes of U+0000..U+00FF, for lookups without a call.
extern const std::uint8_t latin1_char_classes[256];

/// The class of `code_point` (Unicode 15.0). Code points past U+10FFFF are Other.
CharClass char_class(std::uint32_t code_point) noexcept;

/// Every maximal run of code points of one class, as (first code point << 4) | class: the
/// table char_class searches, in increasing order, the first run at U+0000 and the last below
/// U+110000. Decoded from the generated table on first use (this call or char_class past
/// U+00FF); the view stays valid for the program's life. Safe from several threads at once.
std::span<const std::uint32_t> class_runs() noexcept;

} // namespace llmux::tokenize
