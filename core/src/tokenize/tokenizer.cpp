// The byte-pair-encoding tokenizer: loading a .tiktoken vocabulary, merging pieces, decoding.
//
// The vocabulary lives in one block: every token's bytes back to back, a table from rank to
// (offset, length), and an open-addressing hash table from bytes to rank whose slots hold the
// rank and 32 bits of the hash (so that most misses and all hits cost one comparison). The
// o200k_base file (3.6 MB, 199998 tokens) loads into about 7 MB.

#include <llmux/tokenizer.hpp>

#include "tokenize/split.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <utility>

namespace llmux {

namespace tokenize {

// An array of `size` T, uninitialised: vectors value-initialise element by element, which
// the -Oz Wasm build does with a call per element.
template <class T> struct Buffer {
  std::unique_ptr<T[]> data;
  std::size_t size = 0;

  static Buffer uninitialised(std::size_t size) {
    return {std::unique_ptr<T[]>(new T[size]), size};
  }
  T &operator[](std::size_t i) noexcept { return data[i]; }
  const T &operator[](std::size_t i) const noexcept { return data[i]; }
};

} // namespace tokenize

namespace {

constexpr std::uint32_t no_rank = std::numeric_limits<std::uint32_t>::max();

// Pieces up to this many bytes merge in arrays on the stack by tiktoken's own method
// (quadratic, but fastest for words); longer ones (long runs of spaces, symbols or letters)
// merge with a heap in O(n log n), so that no input is slow.
constexpr std::size_t small_piece_bytes = 64;

// The sizes of the official files, which load() checks, so that the file of one encoding is
// not taken for another's.
constexpr std::size_t cl100k_base_tokens = 100256;
constexpr std::size_t o200k_base_tokens = 199998;

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

// A 64-bit hash of a short byte string: 8 bytes at a time, multiplied and folded.
[[gnu::always_inline]] inline std::uint64_t hash_bytes(const char *data,
                                                       std::size_t size) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (size * 0xFF51AFD7ED558CCDULL);
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, data, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    data += 8;
    size -= 8;
  }
  std::uint64_t tail = 0;
  if (size > 0)
    std::memcpy(&tail, data, size);
  h = (h ^ tail) * 0x94D049BB133111EBULL;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return h;
}

constexpr std::uint64_t tag_mask = 0xFFFFFFFF00000000ULL;

// The value of each base64 character, 64 for '=' and 0xFF for anything else. A plain array
// in a struct: std::array's operator[] is a call in the -Oz Wasm build.
struct Base64Values {
  std::uint8_t of[256];
};
constexpr Base64Values base64_values = [] {
  Base64Values values{};
  for (std::uint8_t &value : values.of)
    value = 0xFF;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    values.of[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  values.of[static_cast<unsigned char>('=')] = 64;
  return values;
}();

constexpr std::size_t not_base64 = static_cast<std::size_t>(-1);

// Decodes standard, padded base64 `text` into `out` (room for text.size() / 4 * 3 bytes);
// returns how many bytes it wrote, or not_base64. Bits left over before the padding are
// ignored, as Python's base64 (tiktoken's) does.
std::size_t decode_base64(std::string_view text, char *out) noexcept {
  if (text.empty() || text.size() % 4 != 0)
    return not_base64;
  const auto *in = reinterpret_cast<const unsigned char *>(text.data());
  char *const start = out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const std::uint8_t a = base64_values.of[in[i]];
    const std::uint8_t b = base64_values.of[in[i + 1]];
    const std::uint8_t c = base64_values.of[in[i + 2]];
    const std::uint8_t d = base64_values.of[in[i + 3]];
    const bool last = i + 4 == text.size();
    if (a > 63 || b > 63)
      return not_base64;
    *out++ = static_cast<char>((a << 2) | (b >> 4));
    if (c == 64) { // "xx==": one byte
      if (!last || d != 64)
        return not_base64;
    } else if (d == 64) { // "xxx=": two bytes
      if (!last || c > 63)
        return not_base64;
      *out++ = static_cast<char>(((b & 0x0F) << 4) | (c >> 2));
    } else {
      if (c > 63 || d > 63)
        return not_base64;
      *out++ = static_cast<char>(((b & 0x0F) << 4) | (c >> 2));
      *out++ = static_cast<char>(((c & 0x03) << 6) | d);
    }
  }
  return static_cast<std::size_t>(out - start);
}

std::string byte_hex(unsigned byte) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  return std::string("0x") + digits[byte >> 4] + digits[byte & 0xF];
}

} // namespace

struct BpeTokenizer::Vocabulary {
  struct Span {
    std::uint32_t offset;
    std::uint32_t length;
  };

  std::optional<Encoding> encoding;
  SplitPattern pattern = SplitPattern::Cl100k;
  std::string bytes;                     // every token's bytes, back to back
  tokenize::Buffer<Span> tokens;         // by rank
  tokenize::Buffer<std::uint64_t> slots; // hash tag (high 32 bits) | rank + 1; 0 = empty
  std::uint64_t slot_mask = 0;           // slots.size() - 1
  std::uint32_t longest_token = 0;       // in bytes: longer byte strings are no token
  std::uint32_t byte_ranks[256] = {};    // the rank of each single byte
  std::vector<SpecialToken> specials;    // in id order

  [[gnu::always_inline]] std::string_view token(std::uint32_t rank) const noexcept {
    return std::string_view(bytes).substr(tokens[rank].offset, tokens[rank].length);
  }

  // The rank of the token with these bytes, or no_rank.
  std::uint32_t rank_of(const char *data, std::size_t size) const noexcept {
    if (size > longest_token)
      return no_rank;
    const std::uint64_t h = hash_bytes(data, size);
    const std::uint64_t tag = h & tag_mask;
    for (std::uint64_t i = h & slot_mask;; i = (i + 1) & slot_mask) {
      const std::uint64_t slot = slots[i];
      if (slot == 0)
        return no_rank;
      if ((slot & tag_mask) == tag) {
        const auto rank = static_cast<std::uint32_t>(slot - 1);
        const Span &span = tokens[rank];
        if (span.length == size && std::memcmp(bytes.data() + span.offset, data, size) == 0)
          return rank;
      }
    }
  }

  // Adds `rank`, whose bytes hash to `h`, to the hash table; false (and the rank of the
  // same bytes in `other`) when another rank has the same bytes.
  bool insert(std::uint32_t rank, std::uint64_t h, std::uint32_t &other) noexcept {
    const std::string_view key = token(rank);
    const std::uint64_t tag = h & tag_mask;
    for (std::uint64_t i = h & slot_mask;; i = (i + 1) & slot_mask) {
      const std::uint64_t slot = slots[i];
      if (slot == 0) {
        slots[i] = tag | (static_cast<std::uint64_t>(rank) + 1);
        return true;
      }
      if ((slot & tag_mask) == tag && token(static_cast<std::uint32_t>(slot - 1)) == key) {
        other = static_cast<std::uint32_t>(slot - 1);
        return false;
      }
    }
  }

  // Where encoded tokens go: appended to `ids` when there is a list, and counted. One type
  // rather than a template parameter: the encoder is compiled once, which keeps the Wasm
  // module small, and the test per token costs nothing measurable.
  struct Sink {
    std::vector<std::uint32_t> *ids = nullptr;
    std::size_t count = 0;
    void operator()(std::uint32_t id) {
      ++count;
      if (ids)
        ids->push_back(id);
    }
  };

  void encode_piece(std::string_view piece, Sink &sink) const;
  void merge_small(std::string_view piece, Sink &sink) const;
  void merge_large(std::string_view piece, Sink &sink) const;
  void encode_ordinary(std::string_view text, Sink &sink) const;
  void encode(std::string_view text, SpecialTokens special, Sink &sink) const;
};

namespace {

using Vocabulary = BpeTokenizer::Vocabulary;

// Parses a .tiktoken file into `vocabulary` (bytes, tokens, hash table, byte ranks).
std::optional<Error> parse_tiktoken(std::string_view file, Vocabulary &vocabulary) {
  using tokenize::Buffer;
  if (file.size() > std::numeric_limits<std::uint32_t>::max())
    return invalid("tiktoken file: larger than 4 GiB");
  // Every line is at most one token, so the number of lines bounds the ranks.
  const std::size_t lines =
      static_cast<std::size_t>(std::count(file.begin(), file.end(), '\n')) + 1;
  auto tokens = Buffer<Vocabulary::Span>::uninitialised(lines);
  constexpr std::uint32_t unset = std::numeric_limits<std::uint32_t>::max(); // as a length
  std::memset(tokens.data.get(), 0xFF, lines * sizeof(Vocabulary::Span));
  auto hashes = Buffer<std::uint64_t>::uninitialised(lines);
  // Decoded tokens take at most 3/4 of their base64: one allocation, written through.
  std::string bytes(file.size() / 4 * 3 + 3, '\0');
  std::size_t used = 0;
  std::size_t count = 0;
  std::size_t line_number = 0;
  std::uint32_t longest = 0;
  const char *const end = file.data() + file.size();
  for (const char *at = file.data(); at < end;) {
    const char *line_end =
        static_cast<const char *>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
    if (!line_end)
      line_end = end;
    const char *line = at;
    at = line_end + 1;
    ++line_number;
    if (line_end > line && line_end[-1] == '\r')
      --line_end;
    if (line_end == line)
      continue; // tiktoken skips empty lines, the last one above all
    auto fail = [&](std::string_view what) {
      return invalid("tiktoken file line " + std::to_string(line_number) + ": " +
                     std::string(what));
    };
    const char *space = static_cast<const char *>(
        std::memchr(line, ' ', static_cast<std::size_t>(line_end - line)));
    if (!space)
      return fail("expected \"<base64 token> <rank>\"");
    const char *digits = space + 1;
    if (digits == line_end || line_end - digits > 10)
      return fail("the rank is not a number");
    std::uint64_t rank = 0;
    for (const char *c = digits; c < line_end; ++c) {
      if (*c < '0' || *c > '9')
        return fail("the rank is not a number");
      rank = rank * 10 + static_cast<std::uint64_t>(*c - '0');
    }
    const std::size_t length = decode_base64(
        std::string_view(line, static_cast<std::size_t>(space - line)), bytes.data() + used);
    if (length == not_base64)
      return fail("the token is not base64");
    if (rank >= lines)
      return fail("rank " + std::to_string(rank) +
                  " is out of range: the ranks must be 0 to the number of tokens - 1");
    if (tokens[rank].length != unset)
      return fail("rank " + std::to_string(rank) + " appears twice");
    tokens[rank] = {static_cast<std::uint32_t>(used), static_cast<std::uint32_t>(length)};
    hashes[rank] = hash_bytes(bytes.data() + used, length);
    used += length;
    longest = std::max(longest, static_cast<std::uint32_t>(length));
    ++count;
  }
  if (count == 0)
    return invalid("tiktoken file: no tokens");
  for (std::size_t rank = 0; rank < count; ++rank)
    if (tokens[rank].length == unset)
      return invalid("tiktoken file: rank " + std::to_string(rank) +
                     " is missing: the ranks must be 0 to the number of tokens - 1");
  tokens.size = count;
  bytes.resize(used);
  bytes.shrink_to_fit();

  // A table at most half full keeps probe sequences short.
  std::size_t capacity = 16;
  while (capacity < count * 2)
    capacity *= 2;
  vocabulary.bytes = std::move(bytes);
  vocabulary.tokens = std::move(tokens);
  vocabulary.slots = Buffer<std::uint64_t>::uninitialised(capacity);
  std::memset(vocabulary.slots.data.get(), 0, capacity * sizeof(std::uint64_t));
  vocabulary.slot_mask = capacity - 1;
  vocabulary.longest_token = longest;
  // Inserted in the order of their home slots (a counting sort on the slot's top 12 bits),
  // so that the table fills front to back instead of taking a cache miss per token.
  constexpr std::size_t group_count = 4096;
  const int slot_bits = std::bit_width(capacity - 1);
  const int group_shift = slot_bits > 12 ? slot_bits - 12 : 0;
  auto group_of = [&](std::uint32_t rank) {
    return static_cast<std::size_t>((hashes[rank] & vocabulary.slot_mask) >> group_shift);
  };
  auto group_starts = Buffer<std::uint32_t>::uninitialised(group_count + 1);
  std::memset(group_starts.data.get(), 0, (group_count + 1) * sizeof(std::uint32_t));
  for (std::uint32_t rank = 0; rank < count; ++rank)
    ++group_starts[group_of(rank) + 1];
  for (std::size_t g = 0; g < group_count; ++g)
    group_starts[g + 1] += group_starts[g];
  auto order = Buffer<std::uint32_t>::uninitialised(count);
  for (std::uint32_t rank = 0; rank < count; ++rank)
    order[group_starts[group_of(rank)]++] = rank;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t rank = order[i];
    std::uint32_t other = 0;
    if (!vocabulary.insert(rank, hashes[rank], other))
      return invalid("tiktoken file: ranks " + std::to_string(std::min(other, rank)) + " and " +
                     std::to_string(std::max(other, rank)) + " are the same token");
  }
  for (unsigned byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    vocabulary.byte_ranks[byte] = vocabulary.rank_of(&c, 1);
    if (vocabulary.byte_ranks[byte] == no_rank)
      return invalid("tiktoken file: the byte " + byte_hex(byte) +
                     " has no token, so text holding it could not be encoded");
  }
  return std::nullopt;
}

std::vector<SpecialToken> specials_of(Encoding encoding) {
  // As tiktoken's openai_public.py defines the encodings.
  switch (encoding) {
    case Encoding::Cl100kBase:
      return {{"<|endoftext|>", 100257},
              {"<|fim_prefix|>", 100258},
              {"<|fim_middle|>", 100259},
              {"<|fim_suffix|>", 100260},
              {"<|endofprompt|>", 100276}};
    case Encoding::O200kBase:
      return {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}};
  }
  return {};
}

// A vocabulary from a .tiktoken file and special tokens.
Result<std::shared_ptr<Vocabulary>> build_vocabulary(SplitPattern pattern,
                                                     std::string_view tiktoken_file,
                                                     std::vector<SpecialToken> special_tokens) {
  auto vocabulary = std::make_shared<Vocabulary>();
  vocabulary->pattern = pattern;
  if (auto error = parse_tiktoken(tiktoken_file, *vocabulary))
    return std::move(*error);
  // By id; an insertion sort, as there are a handful (and std::sort is 2 KB of Wasm).
  for (std::size_t i = 1; i < special_tokens.size(); ++i)
    for (std::size_t k = i; k > 0 && special_tokens[k].id < special_tokens[k - 1].id; --k)
      std::swap(special_tokens[k], special_tokens[k - 1]);
  for (std::size_t i = 0; i < special_tokens.size(); ++i) {
    const SpecialToken &special = special_tokens[i];
    if (special.text.empty())
      return invalid("special token " + std::to_string(special.id) + " has no text");
    if (special.id < vocabulary->tokens.size)
      return invalid("special token " + special.text + " has id " + std::to_string(special.id) +
                     ", which is a rank of the vocabulary");
    if (i > 0 && special_tokens[i - 1].id == special.id)
      return invalid("two special tokens have id " + std::to_string(special.id));
    for (std::size_t k = 0; k < i; ++k)
      if (special_tokens[k].text == special.text)
        return invalid("special token " + special.text + " appears twice");
  }
  vocabulary->specials = std::move(special_tokens);
  return vocabulary;
}

} // namespace

void Vocabulary::encode_piece(std::string_view piece, Sink &sink) const {
  if (piece.size() == 1) {
    sink(byte_ranks[static_cast<unsigned char>(piece[0])]);
    return;
  }
  if (std::uint32_t rank = rank_of(piece.data(), piece.size()); rank != no_rank) {
    sink(rank);
    return;
  }
  if (piece.size() <= small_piece_bytes)
    merge_small(piece, sink);
  else
    merge_large(piece, sink);
}

// tiktoken's merge: parts start as single bytes; repeatedly the adjacent pair whose joined
// bytes have the lowest rank (the leftmost of equals) becomes one part, until no pair is a
// token. `starts` holds where each part starts (and the end), `ranks[i]` the rank of parts i
// and i + 1 joined.
void Vocabulary::merge_small(std::string_view piece, Sink &sink) const {
  std::uint32_t starts[small_piece_bytes + 1];
  std::uint32_t ranks[small_piece_bytes];
  const char *data = piece.data();
  std::size_t parts = piece.size();
  for (std::size_t i = 0; i <= parts; ++i)
    starts[i] = static_cast<std::uint32_t>(i);
  for (std::size_t i = 0; i + 1 < parts; ++i)
    ranks[i] = rank_of(data + i, 2);
  ranks[parts - 1] = no_rank;
  auto pair_rank = [&](std::size_t i) {
    return i + 2 <= parts ? rank_of(data + starts[i], starts[i + 2] - starts[i]) : no_rank;
  };
  while (parts > 1) {
    std::size_t best = 0;
    for (std::size_t i = 1; i + 1 < parts; ++i)
      if (ranks[i] < ranks[best])
        best = i;
    if (ranks[best] == no_rank)
      break;
    // Part best + 1 joins part best: drop its start and its pair.
    std::memmove(starts + best + 1, starts + best + 2, (parts - best - 1) * sizeof starts[0]);
    std::memmove(ranks + best + 1, ranks + best + 2, (parts - best - 2) * sizeof ranks[0]);
    --parts;
    ranks[best] = pair_rank(best);
    if (best > 0)
      ranks[best - 1] = pair_rank(best - 1);
  }
  for (std::size_t i = 0; i < parts; ++i)
    sink(rank_of(data + starts[i], starts[i + 1] - starts[i]));
}

// The same merge for long pieces: parts in a linked list, candidate pairs in a min-heap of
// rank << 32 | start. An entry is stale when its part is gone or its pair changed since; the
// smallest live entry is the pair tiktoken would merge next (ranks name unique byte strings,
// and among equal ranks the smaller start is the leftmost). 20 bytes of memory per byte.
void Vocabulary::merge_large(std::string_view piece, Sink &sink) const {
  // Positions are 32 bits. A piece of 4 GiB or more (one run of a single letter, say: no
  // model takes such a text) is merged in parts of under 4 GiB.
  constexpr std::size_t largest = std::numeric_limits<std::uint32_t>::max() - 1;
  while (piece.size() > largest) {
    merge_large(piece.substr(0, largest), sink);
    piece.remove_prefix(largest);
  }
  constexpr std::uint32_t dead = std::numeric_limits<std::uint32_t>::max(); // in `previous`
  const char *data = piece.data();
  const auto size = static_cast<std::uint32_t>(piece.size());
  std::vector<std::uint32_t> next(size);
  std::vector<std::uint32_t> previous(size);
  std::vector<std::uint32_t> pair_ranks(size, no_rank);
  std::vector<std::uint64_t> heap; // rank << 32 | start, smallest first
  heap.reserve(size);
  const auto later = std::greater<std::uint64_t>();
  auto set_pair = [&](std::uint32_t start) {
    const std::uint32_t second = next[start];
    const std::uint32_t end = second < size ? next[second] : size;
    pair_ranks[start] = second < size ? rank_of(data + start, end - start) : no_rank;
    if (pair_ranks[start] != no_rank) {
      heap.push_back(static_cast<std::uint64_t>(pair_ranks[start]) << 32 | start);
      std::push_heap(heap.begin(), heap.end(), later);
    }
  };
  for (std::uint32_t i = 0; i < size; ++i) {
    next[i] = i + 1;
    previous[i] = i == 0 ? size : i - 1;
  }
  for (std::uint32_t i = 0; i + 1 < size; ++i)
    set_pair(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const auto rank = static_cast<std::uint32_t>(heap.back() >> 32);
    const auto start = static_cast<std::uint32_t>(heap.back());
    heap.pop_back();
    // Stale: the part has joined the one before it, or its pair is another one now.
    if (previous[start] == dead || pair_ranks[start] != rank)
      continue;
    const std::uint32_t second = next[start];
    previous[second] = dead;
    next[start] = next[second];
    if (next[start] < size)
      previous[next[start]] = start;
    set_pair(start);
    if (previous[start] < size)
      set_pair(previous[start]);
  }
  for (std::uint32_t start = 0; start < size; start = next[start])
    sink(rank_of(data + start, next[start] - start));
}

void Vocabulary::encode_ordinary(std::string_view text, Sink &sink) const {
  tokenize::split(pattern, text, [&](std::string_view piece) { encode_piece(piece, sink); });
}

void Vocabulary::encode(std::string_view text, SpecialTokens special, Sink &sink) const {
  if (special == SpecialTokens::AsText || specials.empty()) {
    encode_ordinary(text, sink);
    return;
  }
  // Where each special token next occurs at or after `from`; searched again only once passed.
  std::vector<std::size_t> next_at(specials.size());
  for (std::size_t i = 0; i < specials.size(); ++i)
    next_at[i] = text.find(specials[i].text);
  std::size_t from = 0;
  while (true) {
    std::size_t best_at = std::string_view::npos;
    std::size_t best = 0;
    for (std::size_t i = 0; i < specials.size(); ++i) {
      if (next_at[i] != std::string_view::npos && next_at[i] < from)
        next_at[i] = text.find(specials[i].text, from);
      if (next_at[i] == std::string_view::npos)
        continue;
      // The earliest; at one place, the longest (as a regex alternation sorted by length).
      if (next_at[i] < best_at ||
          (next_at[i] == best_at && specials[i].text.size() > specials[best].text.size())) {
        best_at = next_at[i];
        best = i;
      }
    }
    if (best_at == std::string_view::npos) {
      encode_ordinary(text.substr(from), sink);
      return;
    }
    encode_ordinary(text.substr(from, best_at - from), sink);
    sink(specials[best].id);
    from = best_at + specials[best].text.size();
  }
}

BpeTokenizer::BpeTokenizer(std::shared_ptr<const Vocabulary> vocabulary) noexcept
    : vocabulary_(std::move(vocabulary)) {}

Result<BpeTokenizer> BpeTokenizer::load(Encoding encoding, std::string_view tiktoken_file) {
  const SplitPattern pattern =
      encoding == Encoding::Cl100kBase ? SplitPattern::Cl100k : SplitPattern::O200k;
  auto vocabulary = build_vocabulary(pattern, tiktoken_file, specials_of(encoding));
  if (!vocabulary.ok())
    return std::move(vocabulary).error();
  const std::size_t expected =
      encoding == Encoding::Cl100kBase ? cl100k_base_tokens : o200k_base_tokens;
  const std::size_t size = vocabulary.value()->tokens.size;
  if (size != expected)
    return invalid("tiktoken file: " + std::to_string(size) + " tokens, but " +
                   std::string(to_string(encoding)) + " has " + std::to_string(expected) +
                   ": the file of another encoding?");
  vocabulary.value()->encoding = encoding;
  return BpeTokenizer(std::move(vocabulary).value());
}

Result<BpeTokenizer> BpeTokenizer::load_custom(SplitPattern pattern, std::string_view tiktoken_file,
                                               std::vector<SpecialToken> special_tokens) {
  auto vocabulary = build_vocabulary(pattern, tiktoken_file, std::move(special_tokens));
  if (!vocabulary.ok())
    return std::move(vocabulary).error();
  return BpeTokenizer(std::move(vocabulary).value());
}

std::optional<Encoding> BpeTokenizer::encoding() const noexcept {
  return vocabulary_->encoding;
}

std::vector<std::uint32_t> BpeTokenizer::encode(std::string_view text,
                                                SpecialTokens special) const {
  std::vector<std::uint32_t> out;
  // English runs about 4 to 5 bytes a token; most other text fewer.
  out.reserve(text.size() / 3 + 1);
  Vocabulary::Sink sink{&out};
  vocabulary_->encode(text, special, sink);
  return out;
}

std::size_t BpeTokenizer::count(std::string_view text, SpecialTokens special) const {
  Vocabulary::Sink sink;
  vocabulary_->encode(text, special, sink);
  return sink.count;
}

std::optional<std::string_view> BpeTokenizer::token_bytes(std::uint32_t id) const noexcept {
  if (id < vocabulary_->tokens.size)
    return vocabulary_->token(id);
  for (const SpecialToken &special : vocabulary_->specials)
    if (special.id == id)
      return std::string_view(special.text);
  return std::nullopt;
}

Result<std::string> BpeTokenizer::decode(std::span<const std::uint32_t> tokens) const {
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    auto bytes = token_bytes(tokens[i]);
    if (!bytes)
      return invalid("token " + std::to_string(tokens[i]) + " (at " + std::to_string(i) +
                     ") is not a token of this vocabulary");
    out.append(*bytes);
  }
  return out;
}

std::size_t BpeTokenizer::vocabulary_size() const noexcept {
  return vocabulary_->tokens.size;
}

const std::vector<SpecialToken> &BpeTokenizer::special_tokens() const noexcept {
  return vocabulary_->specials;
}

std::string_view to_string(Encoding encoding) noexcept {
  switch (encoding) {
    case Encoding::Cl100kBase:
      return "cl100k_base";
    case Encoding::O200kBase:
      return "o200k_base";
  }
  return "unknown";
}

std::optional<Encoding> encoding_from_name(std::string_view name) noexcept {
  if (name == "cl100k_base")
    return Encoding::Cl100kBase;
  if (name == "o200k_base")
    return Encoding::O200kBase;
  return std::nullopt;
}

std::optional<Encoding> encoding_for_model(std::string_view model) noexcept {
  if (model.starts_with("openai/"))
    model.remove_prefix(7);
  if (model.starts_with("ft:"))
    model.remove_prefix(3);
  // A family's name alone or followed by one of `separators` and more ("gpt-4o-mini",
  // "o3-2025-04-16", "gpt-5.1"); not "gpt-4" for "gpt-4o", nor "o1" for "o1x".
  auto family = [&](std::string_view name, std::string_view separators = "-") {
    return model == name || (model.starts_with(name) &&
                             separators.find(model[name.size()]) != std::string_view::npos);
  };
  // As tiktoken's model.py maps them. The o200k_base families come first: "gpt-4o" and
  // "gpt-4.1" are not "gpt-4".
  if (family("gpt-5", "-."))
    return Encoding::O200kBase;
  for (std::string_view name :
       {"gpt-4.5", "gpt-4.1", "gpt-4o", "chatgpt-4o", "o1", "o3", "o4-mini"})
    if (family(name))
      return Encoding::O200kBase;
  for (std::string_view name :
       {"gpt-4", "gpt-3.5-turbo", "gpt-35-turbo", "gpt-3.5", "text-embedding-ada-002",
        "text-embedding-3-small", "text-embedding-3-large", "davinci-002", "babbage-002"})
    if (family(name))
      return Encoding::Cl100kBase;
  return std::nullopt;
}

} // namespace llmux
