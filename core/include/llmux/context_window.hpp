#pragma once
/// Checking, before sending, that a request fits the model's context window, and trimming the
/// oldest turns of the conversation when the caller asks for it.

#include <llmux/chat_request.hpp>
#include <llmux/result.hpp>
#include <llmux/token_count.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmux {

/// What to do with a request that does not fit.
enum class Overflow : std::uint8_t {
  /// Fail with context_length_exceeded (the default: nothing is dropped unasked).
  Refuse,
  /// Drop the oldest turns until it fits; fail as Refuse does when even that is not enough.
  TrimOldestTurns,
};

/// The window, and what to do when the request overflows it.
struct ContextWindowOptions {
  /// The model's context window in tokens (input and output together), e.g. 128000.
  std::int64_t context_length = 0;
  /// The output tokens to keep free when the request sets no max_tokens: the model's default
  /// or maximum output. 0 keeps none free.
  std::int64_t default_max_tokens = 0;
  Overflow overflow = Overflow::Refuse;
};

/// A request that fits, and how it was made to.
struct ContextFit {
  /// The request's input tokens, after trimming.
  std::int64_t input_tokens = 0;
  /// The output tokens kept free: request.max_tokens, else options.default_max_tokens.
  std::int64_t max_output_tokens = 0;
  /// Indices into the request's messages as they were before the call, ascending, of the
  /// messages that were dropped; empty when nothing was.
  std::vector<std::size_t> removed_messages;
  /// How many turns those messages made up.
  std::size_t removed_turns = 0;
  /// Whether the count was an estimate (RequestTokenCount::estimated).
  bool estimated = true;
};

/// Checks that `request` fits: its input tokens (count_request_tokens with `counting`) plus
/// the output tokens kept free (request.max_tokens, else options.default_max_tokens) at most
/// options.context_length. When it does not and options.overflow is TrimOldestTurns, drops
/// whole turns from `request.messages`, oldest first, until it does.
///
/// A turn is a user message and every message after it up to the next user message (the
/// assistant's answers, its tool calls and their results); messages before the first user
/// message make a turn of their own. Dropping whole turns keeps the conversation starting
/// with a user message, as Anthropic and Gemini require, and keeps every tool call with its
/// results. Never dropped:
///   - the system prompt (`request.system`) and system messages, wherever they are;
///   - the last turn, from the last user message on (or the whole conversation when there is
///     no user message): the question being asked, and a tool loop in progress;
///   - a tool call without its results or results without their call: a turn whose tool
///     results answer a call in an earlier turn is dropped only together with that turn.
///
/// On success returns what fits (and `request` is trimmed when turns were dropped). Fails,
/// leaving `request` untouched, with:
///   - ErrorCode::ContextLengthExceeded (origin Caller, no HTTP status) when it does not fit
///     and trimming is off or cannot help, with the message "the request needs N tokens but
///     the context window leaves M after max_tokens (context length C, max_tokens K)"; when
///     trimming was asked for, N is counted with every droppable turn dropped and the message
///     goes on ", even with all D earlier turns dropped" (or ", and no turn may be dropped");
///     an estimated count adds "; the token count is an estimate";
///   - ErrorCode::InvalidArgument (origin Caller) when options.context_length is not
///     positive or a max_tokens is negative.
Result<ContextFit> fit_context_window(ChatRequest &request, const ContextWindowOptions &options,
                                      const TokenCountOptions &counting = {});

} // namespace llmux
