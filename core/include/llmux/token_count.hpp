#pragma once
/// Counting a chat request's input tokens before sending it: exactly for OpenAI chat models
/// (given the model's tokenizer), by a documented estimate for everything else.

#include <llmux/chat_request.hpp>
#include <llmux/tokenizer.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace llmux {

/// The tokens counted for an image whose size llmux does not know: what OpenAI documents for
/// a 1024×1024 image at "high" or "auto" detail (85 base tokens plus 170 for each of four
/// 512-pixel tiles). A fixed estimate for every provider: for the same image Anthropic
/// documents about 1400 tokens (width × height / 750) and Gemini 1032 (258 per 768-pixel
/// tile), while OpenAI's "low" detail costs 85. Set TokenCountOptions::image_tokens when the
/// images are known to be smaller or larger.
inline constexpr std::int64_t default_image_tokens = 765;

/// How to count.
struct TokenCountOptions {
  /// The model's tokenizer (see encoding_for_model): counts follow OpenAI's documented rules
  /// with exact text counts. Null: every text is estimated (estimate_text_tokens). Not owned;
  /// used only during the call.
  const TokenCounter *tokenizer = nullptr;
  /// Tokens counted per image.
  std::int64_t image_tokens = default_image_tokens;
};

/// A request's input tokens, split so that trimming can take messages away without counting
/// again: total == fixed + the sum of messages.
struct RequestTokenCount {
  std::int64_t total = 0;
  /// What belongs to no message: the system prompt (`ChatRequest::system`), the tool
  /// definitions, the response format and the 3 tokens that prime the reply.
  std::int64_t fixed = 0;
  /// request.messages[i]'s tokens, for each i. Messages the adapters send nothing for (no
  /// content) count 0.
  std::vector<std::int64_t> messages;
  /// False only when every part was counted by a documented rule with the model's own
  /// tokenizer: text messages, the system prompt and tool definitions whose parameters are
  /// flat (see count_request_tokens). True when no tokenizer was given, or the request holds
  /// images, tool calls, tool results, a response format or nested tool parameters, whose
  /// cost OpenAI does not document.
  bool estimated = true;
};

/// Counts the input (prompt) tokens of `request` as OpenAI counts `prompt_tokens` for Chat
/// Completions, following OpenAI's cookbook "How to count tokens with tiktoken", which
/// checks its rules against the API for gpt-3.5-turbo, gpt-4, gpt-4o and gpt-4o-mini (llmux
/// applies them to the later o200k_base models as well):
///   - each message: 3 tokens, plus its role and its content (the text parts joined, as
///     llmux sends them); tool results are one "tool" message each;
///   - the reply is primed with 3 tokens (<|start|>assistant<|message|>);
///   - tools: per function 7 tokens (o200k_base models; 10 for cl100k_base ones) plus
///     "name:description" (a final '.' dropped); per parameters object with properties 3
///     tokens; per property 3 tokens plus "name:type:description"; per enum -3 tokens plus 3
///     and the value for each item; 12 tokens once after all functions.
/// What OpenAI does not document is estimated, and marks the count `estimated`: each tool
/// call as its name and arguments plus 3 tokens; images as options.image_tokens; a JSON
/// schema response format as its name and schema; nested tool parameters (objects, arrays,
/// schemas without a string "type") by their JSON text on top of the documented rule.
/// Reasoning parts and tool plans count 0 (Chat Completions does not take them back).
/// Text that is not valid UTF-8 is counted as sent: with U+FFFD for each ill-formed part.
///
/// Without a tokenizer the same structure is counted with estimate_text_tokens for every
/// text (and 1 token per role name, as in both encodings). Never fails.
RequestTokenCount count_request_tokens(const ChatRequest &request,
                                       const TokenCountOptions &options = {});

/// The estimate of a text's tokens used when no tokenizer is given, for any provider:
///   ceil((ASCII characters + 2 × two-byte characters + 4 × three-byte characters
///         + 8 × four-byte characters + 4 × ill-formed bytes) / 4)
/// that is, 4 characters per token for ASCII (OpenAI's rule of thumb for English), 2 for
/// Latin accents, Greek, Cyrillic, Hebrew and Arabic (UTF-8's two-byte range), 1 token per
/// CJK, Indic, Thai or other three-byte character and 2 per emoji.
///
/// Typical error against OpenAI's tokenizers, measured on this repository's documents,
/// sources and fixtures and on gpt-tokenizer's multilingual test sentences:
///   - English prose and Markdown: within ±10% of both encodings;
///   - source code, JSON and shell scripts: 22% low to 8% high;
///   - other Latin-script languages: within ±15% of o200k_base (Vietnamese 35% high), up to
///     50% low against cl100k_base;
///   - Cyrillic, Greek, Hebrew, Arabic: up to 2.1x high against o200k_base, up to 50% low
///     against cl100k_base;
///   - Chinese, Japanese, Korean: up to 60% high against o200k_base, 25% low to 33% high
///     against cl100k_base;
///   - Indic scripts, Thai, Georgian: 2x to 2.6x high against o200k_base, up to 50% low
///     against cl100k_base;
///   - emoji: within ±30%;
///   - runs of random symbols (keys, hashes): up to 3.7x low.
/// Other providers' tokenizers (Anthropic, Gemini, Llama, Mistral) differ from OpenAI's by
/// 10% to 30% on English. Keep a margin below the context window when counts are estimates.
std::int64_t estimate_text_tokens(std::string_view text) noexcept;

} // namespace llmux
