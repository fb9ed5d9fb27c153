#pragma once
// What the fuzz targets share: reading control bytes off the front of an input, cutting a
// body into pieces, and failing loudly when an invariant breaks.
//
// Inputs that need options or split points start with a few control bytes that the target
// reads first; the rest is the body. scripts/fuzz-corpora.sh prepends such bytes to the
// fixtures it turns into seeds, and the regression files keep them.

#include <llmux/error.hpp>
#include <llmux/utf8.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::fuzz {

/// Reports a broken invariant and traps: libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(const char *what, const char *file, int line) {
  std::fprintf(stderr, "\n==llmux-fuzz== invariant failed: %s (%s:%d)\n", what, file, line);
  std::fflush(stderr);
  __builtin_trap();
}

#define LLMUX_FUZZ_CHECK(condition)                                                                \
  do {                                                                                             \
    if (!(condition))                                                                              \
      ::llmux::fuzz::fail(#condition, __FILE__, __LINE__);                                         \
  } while (false)

/// The input, read from the front. Past its end every byte reads as 0.
class Input {
public:
  Input(const std::uint8_t *data, std::size_t size)
      : bytes_(reinterpret_cast<const char *>(data), size) {}

  std::uint8_t byte() {
    if (bytes_.empty())
      return 0;
    auto value = static_cast<std::uint8_t>(bytes_.front());
    bytes_.remove_prefix(1);
    return value;
  }

  std::uint16_t two_bytes() {
    std::uint16_t low = byte();
    return static_cast<std::uint16_t>(low | (byte() << 8));
  }

  /// The next `count` bytes (fewer at the end).
  std::string_view take(std::size_t count) {
    std::string_view taken = bytes_.substr(0, count);
    bytes_.remove_prefix(taken.size());
    return taken;
  }

  /// Everything not read yet.
  std::string_view rest() const { return bytes_; }

private:
  std::string_view bytes_;
};

/// Where to cut a body, read from one control byte (and up to 14 more):
///   0x80 | (n - 1)  pieces of n bytes each (n = 1..128; 0x80 feeds byte by byte)
///   k (0..7)        k cuts, each a 2-byte little-endian offset modulo (body size + 1);
///                   equal offsets give empty feeds, which must change nothing
/// Bytes 0x08..0x7F read as k = byte & 7.
class SplitPlan {
public:
  static SplitPlan read(Input &in) {
    SplitPlan plan;
    std::uint8_t control = in.byte();
    if (control & 0x80) {
      plan.piece_size_ = static_cast<std::size_t>(control & 0x7F) + 1;
      return plan;
    }
    for (int i = 0; i < (control & 7); ++i)
      plan.offsets_.push_back(in.two_bytes());
    return plan;
  }

  /// Sorted cut positions in a body of `size` bytes (0 and `size` included when drawn).
  std::vector<std::size_t> cuts(std::size_t size) const {
    std::vector<std::size_t> out;
    if (piece_size_) {
      for (std::size_t at = piece_size_; at < size; at += piece_size_)
        out.push_back(at);
      return out;
    }
    for (std::uint16_t offset : offsets_)
      out.push_back(offset % (size + 1));
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  std::size_t piece_size_ = 0;
  std::vector<std::uint16_t> offsets_;
};

/// Calls `feed(piece)` for each piece of `body` between the sorted `cuts`, in order.
template <class Feed>
void feed_pieces(std::string_view body, const std::vector<std::size_t> &cuts, Feed &&feed) {
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    feed(body.substr(at, cut - at));
    at = cut;
  }
  feed(body.substr(at));
}

inline bool valid_utf8(std::string_view text) {
  return llmux::is_valid_utf8(text);
}

/// The texts of an Error that come from the body or from llmux are valid UTF-8: they reach
/// JavaScript strings and JSON output. (request_id may be a response header's bytes as sent.)
inline bool valid_utf8(const Error &error) {
  return valid_utf8(error.provider_type) && valid_utf8(error.provider_code) &&
         valid_utf8(error.param) && valid_utf8(error.message) && valid_utf8(error.hint);
}

/// `text` with non-printable bytes escaped, for messages about failures.
inline std::string escaped(std::string_view text, std::size_t limit = 200) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  if (text.size() > limit)
    out += "...";
  return out;
}

} // namespace llmux::fuzz
