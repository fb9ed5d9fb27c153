#include <llmux/context_window.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace llmux {
namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

// A run of messages [first, last) that is dropped whole or kept whole.
struct Turn {
  std::size_t first;
  std::size_t last;
};

// The turns of `messages`: one from each user message up to the next, and one before the
// first user message when something is there. Turns linked by a tool call in one and its
// result in a later one are merged with everything between them.
std::vector<Turn> split_turns(const std::vector<Message> &messages) {
  std::vector<Turn> turns;
  std::vector<std::size_t> turn_of(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (turns.empty() || messages[i].role == Role::User)
      turns.push_back({i, i + 1});
    else
      turns.back().last = i + 1;
    turn_of[i] = turns.size() - 1;
  }
  // reach[t]: the latest turn holding a result of a call made in turn t.
  std::vector<std::size_t> reach(turns.size());
  for (std::size_t t = 0; t < turns.size(); ++t)
    reach[t] = t;
  // The turn of each tool call, in order. A result is looked up from the latest call back:
  // its call is nearly always among the last few (a linear scan keeps the Wasm module
  // smaller than a hash map would).
  std::vector<std::pair<std::string_view, std::size_t>> calls;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    for (const ContentPart &part : messages[i].content) {
      if (part.kind == ContentPart::Kind::ToolCall) {
        calls.emplace_back(part.tool_call.id, turn_of[i]);
      } else if (part.kind == ContentPart::Kind::ToolResult) {
        for (std::size_t c = calls.size(); c-- > 0;) {
          if (calls[c].first == part.tool_result.tool_call_id) {
            reach[calls[c].second] = std::max(reach[calls[c].second], turn_of[i]);
            break;
          }
        }
      }
    }
  }
  std::vector<Turn> merged;
  std::size_t merged_reach = 0;
  for (std::size_t t = 0; t < turns.size(); ++t) {
    if (!merged.empty() && t <= merged_reach) {
      merged.back().last = turns[t].last;
    } else {
      merged.push_back(turns[t]);
      merged_reach = t;
    }
    merged_reach = std::max(merged_reach, reach[t]);
  }
  return merged;
}

// `dropped_turns` is how many turns were dropped to get to `needed`, or -1 when trimming
// was not asked for.
Error exceeded(std::int64_t needed, std::int64_t context_length, std::int64_t max_output_tokens,
               bool estimated, int dropped_turns) {
  const std::int64_t left = std::max<std::int64_t>(0, context_length - max_output_tokens);
  std::string message = "the request needs " + std::to_string(needed) +
                        " tokens but the context window leaves " + std::to_string(left) +
                        " after max_tokens (context length " + std::to_string(context_length) +
                        ", max_tokens " + std::to_string(max_output_tokens) + ")";
  if (dropped_turns == 0)
    message += ", and no turn may be dropped";
  else if (dropped_turns > 0)
    message += ", even with all " + std::to_string(dropped_turns) + " earlier turns dropped";
  if (estimated)
    message += "; the token count is an estimate";
  Error error =
      make_error(ErrorCode::ContextLengthExceeded, ErrorOrigin::Caller, std::move(message));
  error.hint = dropped_turns >= 0
                   ? "shorten the system prompt, the tools or the last turn, or lower max_tokens"
                   : "shorten the conversation, lower max_tokens, or let llmux drop the oldest "
                     "turns (Overflow::TrimOldestTurns)";
  return error;
}

} // namespace

Result<ContextFit> fit_context_window(ChatRequest &request, const ContextWindowOptions &options,
                                      const TokenCountOptions &counting) {
  if (options.context_length <= 0)
    return invalid("context_length must be positive, not " +
                   std::to_string(options.context_length));
  const std::int64_t max_output_tokens = request.max_tokens.value_or(options.default_max_tokens);
  if (max_output_tokens < 0)
    return invalid("max_tokens must not be negative, not " + std::to_string(max_output_tokens));
  const std::int64_t budget = options.context_length - max_output_tokens;

  const RequestTokenCount count = count_request_tokens(request, counting);
  ContextFit fit;
  fit.input_tokens = count.total;
  fit.max_output_tokens = max_output_tokens;
  fit.estimated = count.estimated;
  if (count.total <= budget)
    return fit;
  if (options.overflow == Overflow::Refuse)
    return exceeded(count.total, options.context_length, max_output_tokens, count.estimated, -1);

  // Drop turns, oldest first, but never the last one, nor system messages inside them.
  const std::vector<Turn> turns = split_turns(request.messages);
  std::vector<bool> drop(request.messages.size(), false);
  std::int64_t needed = count.total;
  for (std::size_t t = 0; t + 1 < turns.size() && needed > budget; ++t) {
    bool dropped = false;
    for (std::size_t i = turns[t].first; i < turns[t].last; ++i) {
      if (request.messages[i].role == Role::System)
        continue;
      drop[i] = true;
      dropped = true;
      needed -= count.messages[i];
    }
    if (dropped)
      ++fit.removed_turns;
  }
  if (needed > budget)
    return exceeded(needed, options.context_length, max_output_tokens, count.estimated,
                    static_cast<int>(fit.removed_turns));

  std::vector<Message> kept;
  kept.reserve(request.messages.size());
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    if (drop[i])
      fit.removed_messages.push_back(i);
    else
      kept.push_back(std::move(request.messages[i]));
  }
  request.messages = std::move(kept);
  fit.input_tokens = needed;
  return fit;
}

} // namespace llmux
