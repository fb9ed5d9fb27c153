#pragma once
/// The session: one whole conversation turn — call the model, run the tools it asks for, send
/// the results back, retry, fall back, charge the ledger — as a pure state machine. It never
/// performs I/O and never reads a clock: the host performs its actions and feeds back what
/// happened, with the time.
///
/// Call order, repeated until Done or Fail:
///
///   SessionAction action = session.next_action(now_ms);
///     Send      -> perform action.request, ending it by action.deadline_ms; feed
///                  on_response_head, on_response_body (any number of times), then
///                  on_response_end; or on_transport_error when the exchange failed (also
///                  after a head and some body). Once awaiting_response() is false the session
///                  has decided on what arrived (a failure, a body it cannot decode): drop
///                  the exchange.
///     Wait      -> call on_timer(now_ms) once now_ms >= action.until_ms (an early call is a
///                  harmless no-op: next_action answers Wait again).
///     RunTools  -> run action.tool_calls (in parallel if you like) and feed on_tool_results.
///     Idle      -> the session waits for the outcome of the action it gave last.
///     Done/Fail -> finished: result() holds the outcome.
///   take_events() after any input: what happened, in order, for streaming to a user.
///
/// cancel() may come at any point; the host then abandons whatever it is doing for the
/// session (aborts the HTTP exchange, ignores late tool results).

#include <llmux/chat_request.hpp>
#include <llmux/chat_response.hpp>
#include <llmux/context_window.hpp>
#include <llmux/cost.hpp>
#include <llmux/error.hpp>
#include <llmux/http.hpp>
#include <llmux/limits.hpp>
#include <llmux/resolve.hpp>
#include <llmux/retry_policy.hpp>
#include <llmux/stream_event.hpp>
#include <llmux/usage.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmux {

class Ledger;
class ResponseCache;
class TokenCounter;

/// Everything a session needs to know before it starts.
struct SessionConfig {
  /// The models to try, in order: the first serves the call; each next one takes over when
  /// the one before fails with an error a retry cannot cure (see can_fall_back). At least one.
  std::vector<ResolvedModel> models;
  /// The conversation and its parameters. `model` is ignored (each model of the chain puts
  /// its own); unset temperature and max_tokens take the resolved model's defaults;
  /// `stream` asks every round to stream.
  ChatRequest request;
  /// Tool rounds: how many times the tools the model asks for are run. When the model asks
  /// again after the last one, it is asked once more with tool_choice none for a final answer.
  int max_rounds = default_max_rounds;
  /// Check tool-call arguments against each tool's JSON Schema before running the tool;
  /// arguments that fail go back to the model as an error result.
  bool validate_tool_arguments = true;
  RetryPolicy retry;
  /// What to do when a round's request does not fit the model's context window (when the
  /// catalog knows the window).
  Overflow overflow = Overflow::Refuse;
  /// Counts tokens exactly for the context window and budget estimates; null: estimates.
  /// Not owned; must outlive the session.
  const TokenCounter *tokenizer = nullptr;
  /// The response cache, or null for none. Not owned. Used only when cache_ttl_ms > 0.
  ResponseCache *cache = nullptr;
  std::int64_t cache_ttl_ms = 0;
  /// The usage ledger, or null for none. Not owned. Every response is recorded in it, and
  /// each model call first reserves an upper bound of its cost in `budget_scopes` (its input
  /// tokens, exact with a tokenizer or four times the estimate, and max_tokens of output),
  /// so that calls running at once cannot together overspend a budget.
  Ledger *ledger = nullptr;
  /// The end user, as recorded in the ledger; empty for none. A call made for a user is also
  /// charged to the user's own scope, user_scope(user) ("user:eve"), after `budget_scopes`
  /// unless they name it already: so a budget on "user:eve" holds for every call made for
  /// eve, whichever host makes it (the CLI's --user, the package's `user`).
  std::string user;
  /// The budget scopes a call is charged to, outermost first ({"key:k1", "project:acme",
  /// "user:alice"}): ids, never keys.
  std::vector<std::string> budget_scopes;
  /// Seeds the jitter of retry delays: the same seed gives the same delays.
  std::uint64_t random_seed = 0x9e3779b97f4a7c15;
  /// The call's deadline, counted from the first next_action: once it passes, the session
  /// fails with `timeout` (what was spent is recorded), and no retry is made whose wait would
  /// end after it. Covers retries, fallbacks and tool rounds. 0 or less: none.
  std::int64_t timeout_ms = default_timeout_ms;
};

/// The budget scope of an end user: "user:" followed by the user's id.
std::string user_scope(std::string_view user);

/// A tool call the host is asked to run.
struct ToolRun {
  ToolCall call;
  int round = 0; ///< 1 for the first tool round
};

/// What a tool produced.
struct ToolOutput {
  std::string tool_call_id;
  /// False when the tool failed: `content` then describes the failure for the model.
  bool ok = true;
  std::string content;
  /// How long the tool ran, when the host measured it; else the time between the RunTools
  /// action and on_tool_results.
  std::optional<std::int64_t> duration_ms;
};

/// A tool the session ran or refused, for the record.
struct ToolInvocation {
  std::string id;
  std::string name;
  std::string arguments;
  int round = 0;
  bool ok = false;
  /// Why it failed: the tool's message, an unknown tool, arguments that are not JSON or do
  /// not match the schema. Empty when it succeeded.
  std::string error;
  /// The result sent back to the model (the error text when it failed).
  std::string result;
  std::int64_t duration_ms = 0;
};

/// One model of the chain, and how it fared.
struct ModelAttempt {
  std::string model; ///< catalog id
  int attempts = 0;  ///< HTTP exchanges made (first try plus retries)
  /// Why the session moved on from this model; nothing for the model that served the call.
  std::optional<Error> error;
};

/// What the session did and what it cost.
struct SessionResult {
  /// The last model call's answer: its text, reasoning and finish reason. When the call
  /// failed, what arrived before it did.
  ChatResponse response;
  /// Usage summed over every model call of every round (cache hits cost nothing and add
  /// nothing).
  Usage usage;
  /// Cost summed over every model call; nothing when a model has no prices or a usage lacks
  /// counts (never a made-up zero).
  std::optional<Cost> cost;
  /// The catalog id of the model that answered last, or empty when none did.
  std::string model;
  /// Every model tried, in order.
  std::vector<ModelAttempt> models_tried;
  std::vector<ToolInvocation> tools_called;
  /// Model calls made (HTTP exchanges that produced a response, cache hits included).
  int model_calls = 0;
  /// Tool rounds run.
  int tool_rounds = 0;
  /// True when the final answer came from the response cache.
  bool from_cache = false;
  /// The conversation after the call: the request's messages, then every assistant message
  /// and tool result of the rounds. Send it back (plus the next user message) to go on.
  std::vector<Message> messages;
  /// Why the session failed; nothing when it is Done.
  std::optional<Error> error;
};

/// What the host should do next.
struct SessionAction {
  enum class Kind : std::uint8_t { Send, Wait, RunTools, Idle, Done, Fail };
  Kind kind = Kind::Idle;
  HttpRequest request;            ///< Send
  /// Send: the call's deadline; the exchange must end by then (0: no deadline).
  std::int64_t deadline_ms = 0;
  std::int64_t until_ms = 0;      ///< Wait: call on_timer at or after this time
  std::vector<ToolRun> tool_runs; ///< RunTools
  Error error;                    ///< Fail
};

/// Something that happened, for a streaming consumer. Events come in the order things
/// happened: a round's start, its stream events, its tool results, the next round...
struct SessionEvent {
  enum class Kind : std::uint8_t {
    RoundStarted, ///< `round`, `model`: a model call begins (1 for the first)
    Stream,       ///< `stream`: a decoded event of the current model call (text, tool calls...)
    ToolResult,   ///< `tool`: a tool ran or was refused; its result goes back to the model
    Retrying,     ///< `error`, `until_ms`, `attempt`: the call failed before delivering
                  ///< anything and is tried again after a wait
    FallingBack,  ///< `error`, `model` (the next one): the chain moves on
    CacheHit,     ///< `model`: the round was answered from the response cache
    Failed,       ///< `error`, `usage` (spent so far): the session failed; nothing follows
    Finished,     ///< `usage`: the session is Done
  };
  Kind kind = Kind::RoundStarted;
  int round = 0;
  std::string model;
  StreamEvent stream;
  ToolInvocation tool;
  Error error;
  std::int64_t until_ms = 0;
  int attempt = 0;
  Usage usage;
};

/// The state machine. Not thread-safe: one host thread drives it. Never throws; every input
/// after Done or Fail is ignored.
class Session {
public:
  /// A session over `config`. It starts when next_action is first called. A config it cannot
  /// run (no model, a max_rounds below 0) makes it Fail with invalid_argument at once.
  explicit Session(SessionConfig config);
  ~Session();
  Session(Session &&) noexcept;
  Session &operator=(Session &&) noexcept;

  /// What to do now. Reserves budgets, consults the cache and builds requests as it goes;
  /// calling it again before feeding an input returns Idle (or the same Wait / Done / Fail).
  SessionAction next_action(std::int64_t now_ms);

  /// The response to the last Send began.
  void on_response_head(const HttpResponseHead &head, std::int64_t now_ms);
  /// More of its body.
  void on_response_body(std::string_view bytes, std::int64_t now_ms);
  /// Its body ended normally.
  void on_response_end(std::int64_t now_ms);
  /// The exchange failed (connection refused, reset, timed out), before or after a head.
  void on_transport_error(Error error, std::int64_t now_ms);
  /// A Wait's time came.
  void on_timer(std::int64_t now_ms);
  /// The outputs of the last RunTools, in any order; a call with no output counts as failed.
  void on_tool_results(std::vector<ToolOutput> outputs, std::int64_t now_ms);
  /// Cancels: the session fails with `cancelled`; the usage already spent is recorded.
  void cancel(std::int64_t now_ms);

  /// The events since the last call, in order.
  std::vector<SessionEvent> take_events();
  /// True once Done or Fail.
  bool finished() const noexcept;
  /// True from a Send until the session has decided its outcome. False mid-body when it
  /// decided on what arrived (an error after delivered output, a body past its limit or whose
  /// framing broke): the host then drops the exchange.
  bool awaiting_response() const noexcept;
  /// The outcome (complete once finished; the state so far before).
  const SessionResult &result() const noexcept;

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace llmux
