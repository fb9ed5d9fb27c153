// UTF-8 validation and repair against a reference: the WHATWG Encoding Standard's "UTF-8
// decoder" written out step by step (bytes needed, lower and upper boundary), as plainly as
// the standard states it. The input is the bytes; no control bytes.

#include "fuzz_support.hpp"

#include <llmux/utf8.hpp>

#include <cstdio>

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";
constexpr std::size_t none = static_cast<std::size_t>(-1);

void append_code_point(std::string &out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Decoded {
  std::string repaired;               // errors as U+FFFD
  std::size_t first_invalid = none;   // where the first ill-formed subpart starts
  std::size_t incomplete_from = none; // where a last character cut short (no error yet) starts
};

Decoded reference_decode(std::string_view bytes) {
  Decoded out;
  unsigned needed = 0;
  unsigned seen = 0;
  std::uint32_t code_point = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  std::size_t start = 0; // where the sequence being decoded began
  auto error = [&](std::size_t at) {
    out.repaired += replacement;
    if (out.first_invalid == none)
      out.first_invalid = at;
  };
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (needed == 0) {
      start = i;
      if (byte <= 0x7F) {
        out.repaired.push_back(static_cast<char>(byte));
      } else if (byte >= 0xC2 && byte <= 0xDF) {
        needed = 1;
        code_point = byte & 0x1F;
      } else if (byte >= 0xE0 && byte <= 0xEF) {
        if (byte == 0xE0)
          lower = 0xA0;
        if (byte == 0xED)
          upper = 0x9F;
        needed = 2;
        code_point = byte & 0xF;
      } else if (byte >= 0xF0 && byte <= 0xF4) {
        if (byte == 0xF0)
          lower = 0x90;
        if (byte == 0xF4)
          upper = 0x8F;
        needed = 3;
        code_point = byte & 0x7;
      } else {
        error(i);
      }
      ++i;
      continue;
    }
    if (byte < lower || byte > upper) {
      // The standard "prepends" the byte to the stream: it is read again as a fresh start.
      needed = seen = 0;
      code_point = 0;
      lower = 0x80;
      upper = 0xBF;
      error(start);
      continue;
    }
    lower = 0x80;
    upper = 0xBF;
    code_point = (code_point << 6) | (byte & 0x3F);
    ++seen;
    ++i;
    if (seen == needed) {
      append_code_point(out.repaired, code_point);
      needed = seen = 0;
      code_point = 0;
    }
  }
  if (needed != 0) {
    out.incomplete_from = start;
    error(start);
  }
  return out;
}

// Where complete_utf8_prefix must cut: before a last character that is well-formed so far
// but incomplete, else at the end.
std::size_t expected_complete_prefix(std::string_view bytes) {
  for (std::size_t back = 1; back <= 3 && back <= bytes.size(); ++back) {
    std::string_view tail = bytes.substr(bytes.size() - back);
    if (reference_decode(tail).incomplete_from == 0)
      return bytes.size() - back;
  }
  return bytes.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char *>(data), size);
  const Decoded reference = reference_decode(bytes);

  const std::size_t first_invalid = llmux::first_invalid_utf8(bytes);
  const bool valid = llmux::is_valid_utf8(bytes);
  const std::string repaired = llmux::replace_invalid_utf8(bytes);

  const std::size_t expected_first =
      reference.first_invalid == none ? size : reference.first_invalid;
  if (first_invalid != expected_first || repaired != reference.repaired)
    std::fprintf(stderr, "first_invalid %zu (reference %zu)\nrepaired  %s\nreference %s\n",
                 first_invalid, expected_first, llmux::fuzz::escaped(repaired).c_str(),
                 llmux::fuzz::escaped(reference.repaired).c_str());
  LLMUX_FUZZ_CHECK(first_invalid == expected_first);
  LLMUX_FUZZ_CHECK(valid == (first_invalid == size));
  LLMUX_FUZZ_CHECK(repaired == reference.repaired);
  LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(repaired));
  LLMUX_FUZZ_CHECK(!valid || repaired == bytes);
  LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(bytes.substr(0, first_invalid)));
  LLMUX_FUZZ_CHECK(llmux::replace_invalid_utf8(repaired) == repaired);

  const std::size_t prefix = llmux::complete_utf8_prefix(bytes);
  const std::size_t expected_prefix = expected_complete_prefix(bytes);
  if (prefix != expected_prefix)
    std::fprintf(stderr, "complete_utf8_prefix %zu (expected %zu) of %s\n", prefix, expected_prefix,
                 llmux::fuzz::escaped(bytes.substr(size - std::min<std::size_t>(size, 8))).c_str());
  LLMUX_FUZZ_CHECK(prefix == expected_prefix);

  // A valid text cut anywhere: the prefix ends on the last character boundary before the
  // cut, so that handing text on chunk by chunk never splits a character.
  const std::string_view text = repaired;
  LLMUX_FUZZ_CHECK(llmux::complete_utf8_prefix(text) == text.size());
  std::size_t boundary = 0;
  for (std::size_t cut = 0; cut <= text.size() && cut <= 4096; ++cut) {
    if (cut == text.size() || (static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80)
      boundary = cut;
    LLMUX_FUZZ_CHECK(llmux::complete_utf8_prefix(text.substr(0, cut)) == boundary);
  }
  return 0;
}
