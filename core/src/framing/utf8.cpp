#include <llmux/utf8.hpp>

#include <cstdint>
#include <cstring>

namespace llmux {
namespace {

using utf8_detail::classify;
using utf8_detail::Lead;

// How many bytes of the sequence starting at `at` are well-formed, up to its full length.
// Returns the full length when the whole sequence is valid.
int valid_bytes(const unsigned char *at, std::size_t available, const Lead &lead) noexcept {
  if (lead.length == 0)
    return 0;
  int valid = 1;
  for (int k = 1; k < lead.length; ++k) {
    if (static_cast<std::size_t>(k) >= available)
      return valid;
    unsigned char byte = at[k];
    unsigned char low = k == 1 ? lead.second_min : 0x80;
    unsigned char high = k == 1 ? lead.second_max : 0xBF;
    if (byte < low || byte > high)
      return valid;
    ++valid;
  }
  return valid;
}

bool all_ascii_8(const unsigned char *at) noexcept {
  std::uint64_t word;
  std::memcpy(&word, at, sizeof word);
  return (word & 0x8080808080808080ULL) == 0;
}

// 32 bytes at a time: four words ORed before one test, so that long ASCII runs (most of
// what providers send) cost little more than reading them.
bool all_ascii_32(const unsigned char *at) noexcept {
  std::uint64_t words[4];
  std::memcpy(words, at, sizeof words);
  return ((words[0] | words[1] | words[2] | words[3]) & 0x8080808080808080ULL) == 0;
}

} // namespace

std::size_t first_invalid_utf8(std::string_view bytes) noexcept {
  const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
  const std::size_t size = bytes.size();
  std::size_t i = 0;
  while (i < size) {
    if (i + 32 <= size && all_ascii_32(data + i)) {
      i += 32;
      continue;
    }
    if (i + 8 <= size && all_ascii_8(data + i)) {
      i += 8;
      continue;
    }
    if (data[i] < 0x80) {
      ++i;
      continue;
    }
    Lead lead = classify(data[i]);
    if (valid_bytes(data + i, size - i, lead) != lead.length || lead.length == 0)
      return i;
    i += static_cast<std::size_t>(lead.length);
  }
  return size;
}

bool is_valid_utf8(std::string_view bytes) noexcept {
  return first_invalid_utf8(bytes) == bytes.size();
}

std::string replace_invalid_utf8(std::string_view bytes) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size());
  const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t good_until = i + first_invalid_utf8(bytes.substr(i));
    out.append(bytes.substr(i, good_until - i));
    i = good_until;
    if (i >= bytes.size())
      break;
    // One U+FFFD per maximal subpart: the longest prefix of a well-formed sequence, or one
    // byte when the byte cannot start one.
    Lead lead = classify(data[i]);
    int valid = valid_bytes(data + i, bytes.size() - i, lead);
    out.append(replacement);
    i += static_cast<std::size_t>(valid > 0 ? valid : 1);
  }
  return out;
}

std::size_t complete_utf8_prefix(std::string_view bytes) noexcept {
  const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
  const std::size_t size = bytes.size();
  // A cut character starts at most 3 bytes before the end.
  for (std::size_t back = 1; back <= 3 && back <= size; ++back) {
    std::size_t at = size - back;
    unsigned char byte = data[at];
    if ((byte & 0xC0) == 0x80)
      continue; // a continuation byte: keep looking for its lead
    Lead lead = classify(byte);
    if (lead.length > static_cast<int>(back) &&
        valid_bytes(data + at, back, lead) == static_cast<int>(back))
      return at; // a well-formed start of a character that is not complete yet
    return size;
  }
  return size;
}

} // namespace llmux
