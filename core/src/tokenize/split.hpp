#pragma once
// Pre-tokenization: the pieces tiktoken's `pat_str` regular expressions cut text into, found
// by hand-written matchers over UTF-8 code points (no regex library).

#include <llmux/tokenizer.hpp>

#include <cstddef>
#include <string_view>

namespace llmux::tokenize {

/// The end of the piece of `text` that starts at `start` (< text.size()): where the
/// encoding's pattern, searched from `start`, ends its match. Always past `start`. The end of
/// `text` is the end of input for the patterns' `$` and `(?!\S)`: tiktoken runs the pattern
/// over the text between special tokens, and so do the callers.
std::size_t cl100k_piece_end(std::string_view text, std::size_t start) noexcept;
std::size_t o200k_piece_end(std::string_view text, std::size_t start) noexcept;

/// Calls `on_piece(piece)` for each piece of `text`, in order. The pieces cover `text`
/// exactly, with nothing left out.
template <class OnPiece>
void split(SplitPattern pattern, std::string_view text, OnPiece &&on_piece) {
  std::size_t at = 0;
  if (pattern == SplitPattern::Cl100k) {
    while (at < text.size()) {
      std::size_t end = cl100k_piece_end(text, at);
      on_piece(text.substr(at, end - at));
      at = end;
    }
  } else {
    while (at < text.size()) {
      std::size_t end = o200k_piece_end(text, at);
      on_piece(text.substr(at, end - at));
      at = end;
    }
  }
}

} // namespace llmux::tokenize
