// The session state machine. Every transition is in this file.
//
// Theory of operation. A session runs model calls ("rounds") until the model answers without
// asking for tools, or the tool-round limit makes it answer (the last call goes out with
// tool_choice none). Each round goes through phases:
//
//   NeedSend --next_action--> AwaitingResponse --on_response_end--> (round done)
//      ^                         |  on_transport_error / an error in the body
//      |                         v
//      +--on_timer-- Waiting <-- retry (nothing delivered yet, retryable error)
//      +------------------------ fall back to the next model (nothing delivered yet)
//                                Failed (something was delivered, or nothing can cure it)
//
//   round done: tool calls? --> AwaitingTools --on_tool_results--> NeedSend (next round)
//               no, or a call of a tool without a handler (the caller's to run) --> Done
//
// "Delivered" means a content event of the round (text, reasoning, a tool call) reached the
// consumer. Until then the round's other events (usage, finish) are held back, so that a
// stream that fails in its first bytes (a 429, an `overloaded` error event) is retried or
// falls back as if it were a whole request, and the consumer never sees half of a failed
// attempt. After it, a failure ends the session: replaying the call would repeat output.
//
// Money: before each model call the session reserves the call's worst-case cost (its input
// estimate plus max_tokens of output) in the ledger's budgets; afterwards it settles the
// reservation with the actual usage, or releases it when the call spent nothing.
//
// Time: the call's deadline (config.timeout_ms from the first next_action) is decided here,
// so that every host ends a call alike. Each Send carries it for the host to end the exchange
// by; a round that fails once it has passed fails the call with `timeout` (no retry, no
// fallback), and a retry whose wait would end after it is not made: the call falls back or
// fails with the attempt's own error, which says more than a timeout would.

#include <llmux/session.hpp>

#include <llmux/adapter.hpp>
#include <llmux/decode.hpp>
#include <llmux/ledger.hpp>
#include <llmux/response_cache.hpp>
#include <llmux/secret_scrubber.hpp>
#include <llmux/token_count.hpp>

#include "session/response_events.hpp"
#include "session/tool_call_check.hpp"

#include <algorithm>

namespace llmux {
namespace {

enum class Phase : std::uint8_t {
  Start,
  NeedSend,
  AwaitingResponse,
  Waiting,
  AwaitingTools,
  Done,
  Failed,
};

bool is_content(StreamEventType type) noexcept {
  switch (type) {
    case StreamEventType::Usage:
    case StreamEventType::Finish:
    case StreamEventType::Error:
      return false;
    default:
      return true;
  }
}

// SplitMix64: a small, good generator for retry jitter. Deterministic for a seed, so that
// tests see the same delays every run.
std::uint64_t next_random(std::uint64_t &state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

Error session_error(ErrorCode code, std::string message) {
  return make_error(code, ErrorOrigin::Session, std::move(message));
}

} // namespace

struct Session::State {
  SessionConfig config;
  Phase phase = Phase::Start;
  SessionResult result;
  std::vector<SessionEvent> events;
  std::optional<ToolCallChecker> checker;
  std::uint64_t random = 0;

  // The model of the chain in use, and its adapter.
  std::size_t model_index = 0;
  std::unique_ptr<Adapter> adapter;
  int retries = 0; // of the current round on the current model

  // The round in flight.
  ChatRequest round_request;
  std::optional<ResponseDecoder> decoder;
  std::vector<StreamEvent> scratch;
  std::vector<StreamEvent> held; // events held back until the round delivers content
  bool delivered = false;
  std::optional<Reservation> reservation;
  std::string cache_key;
  // The chain's keys: what a provider or the network says is scrubbed of them on arrival.
  SecretScrubber secrets;
  bool final_round = false;

  // Waiting.
  std::int64_t wait_until_ms = 0;
  std::int64_t deadline_ms = 0; // 0: none

  // Tools of the round.
  std::vector<ToolCall> round_calls;
  std::vector<std::optional<std::string>> refused; // per call: why it was not run
  std::vector<ToolRun> runs;
  bool runs_handed_out = false;
  std::int64_t tools_started_ms = 0;
  bool cost_unknown = false;

  State() = default;
  State(const State &) = delete;
  State &operator=(const State &) = delete;
  // A session dropped with a call in flight (its host gave up on it without cancel()) must
  // not keep its estimate held against the budgets.
  ~State() {
    if (reservation && config.ledger)
      config.ledger->release(*reservation);
  }

  const ResolvedModel &model() const { return config.models[model_index]; }
  int round() const { return result.tool_rounds + 1; }

  // By reference: an event is large (a stream event, a tool invocation, an error), and one
  // taken by value would move twice on its way into `events`.
  void emit(SessionEvent &&event) { events.push_back(std::move(event)); }

  void fail(Error error) {
    phase = Phase::Failed;
    result.error = error;
    SessionEvent event;
    event.kind = SessionEvent::Kind::Failed;
    event.round = round();
    event.model = model_index < config.models.size() ? model().model.id : std::string();
    event.error = std::move(error);
    event.usage = result.usage;
    emit(std::move(event));
  }

  void use_model(std::size_t index) {
    model_index = index;
    adapter = make_adapter(model().endpoint.provider);
    retries = 0;
    ModelAttempt attempt;
    attempt.model = model().model.id;
    result.models_tried.push_back(std::move(attempt));
  }

  bool past_deadline(std::int64_t now_ms) const { return deadline_ms > 0 && now_ms >= deadline_ms; }

  // The deadline passed: the call fails with `timeout`, saying what the last attempt met.
  void deadline_passed(const Error *last) {
    std::string message = "the call did not finish within its timeout of ";
    message += std::to_string(config.timeout_ms);
    message += " ms";
    if (last) {
      message += " (the last attempt: ";
      message += last->message;
      message += ')';
      if (!result.models_tried.empty())
        result.models_tried.back().error = *last;
    }
    fail(session_error(ErrorCode::Timeout, std::move(message)));
  }

  void start(std::int64_t now_ms) {
    if (config.models.empty())
      return fail(make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                             "a session needs at least one model"));
    if (config.max_rounds < 0)
      return fail(make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                             "max_rounds must not be negative"));
    random = config.random_seed;
    if (config.timeout_ms > 0)
      deadline_ms = now_ms + config.timeout_ms;
    checker.emplace(config.request.tools, config.validate_tool_arguments);
    result.messages = config.request.messages;
    use_model(0);
    phase = Phase::NeedSend;
  }

  // The request of the next model call: the conversation so far, this model's id and
  // defaults, and, once the tool rounds are used up, tool_choice none.
  ChatRequest build_round_request() const {
    ChatRequest request = config.request;
    // The conversation is the request's messages and then what the rounds added (start()
    // copies them, rounds only append): only the added ones are copied again.
    for (std::size_t i = request.messages.size(); i < result.messages.size(); ++i)
      request.messages.push_back(result.messages[i]);
    const ResolvedModel &resolved = model();
    request.model = resolved.model.upstream_model;
    if (!request.temperature)
      request.temperature = resolved.temperature;
    if (!request.max_tokens)
      request.max_tokens = resolved.max_tokens;
    if (final_round && !request.tools.empty()) {
      ToolChoice none;
      none.mode = ToolChoice::Mode::None;
      request.tool_choice = none;
    }
    return request;
  }

  // The most the call can cost, so that budgets hold however many calls run at once: its
  // input (counted exactly when the tokenizer could, else four times the estimate: a token of
  // any byte-level BPE covers at least one byte, and the estimate counts at most four bytes a
  // token) and its whole output allowance. Zero for a model without prices: its budget
  // cannot be checked beforehand (the ledger records its calls at an unknown cost).
  // The most a call can cost, which a budget must have room for, and what it is made of.
  struct CostEstimate {
    Picodollars cost = 0;
    Usage worst;
    bool input_estimated = false; // no tokenizer for this model: four times an estimate
    bool output_is_limit = false; // no max_tokens: the model's output limit
  };

  CostEstimate estimate_cost(const ChatRequest &request) const {
    const ModelTemplate &model_template = model().model;
    TokenCountOptions counting;
    counting.tokenizer = config.tokenizer;
    const RequestTokenCount counted = count_request_tokens(request, counting);
    CostEstimate estimate;
    estimate.input_estimated = counted.estimated;
    estimate.output_is_limit = !request.max_tokens;
    estimate.worst.input_tokens = counted.estimated ? counted.total * 4 : counted.total;
    estimate.worst.output_tokens = request.max_tokens.value_or(
        model_template.max_output_tokens > 0 ? model_template.max_output_tokens : 4096);
    if (auto cost = cost_of(estimate.worst, model_template))
      estimate.cost = cost->total;
    return estimate;
  }

  // A refusal says what its estimate is made of: a one-line question on a model with a
  // 16,384-token output limit is refused for its limit's price, which surprises until said.
  static Error explained(Error refusal, const CostEstimate &estimate) {
    refusal.message += " (the estimate is the most the call can cost: ";
    refusal.message += std::to_string(*estimate.worst.input_tokens);
    refusal.message += estimate.input_estimated ? " input tokens, four times a rough count, and "
                                                : " input tokens and ";
    refusal.message += std::to_string(*estimate.worst.output_tokens);
    refusal.message += estimate.output_is_limit
                           ? " output tokens, the model's output limit: a max_tokens lowers it)"
                           : " output tokens, its max_tokens)";
    return refusal;
  }

  // Prepares and returns the next model call, or answers the round from the cache, or fails.
  void prepare_round(std::int64_t now_ms, SessionAction &action) {
    if (past_deadline(now_ms))
      return deadline_passed(nullptr);
    final_round = result.tool_rounds >= config.max_rounds;
    ChatRequest request = build_round_request();
    const ResolvedModel &resolved = model();

    if (resolved.model.context_tokens > 0) {
      ContextWindowOptions window;
      window.context_length = resolved.model.context_tokens;
      window.default_max_tokens = resolved.model.max_output_tokens;
      window.overflow = config.overflow;
      TokenCountOptions counting;
      counting.tokenizer = config.tokenizer;
      if (auto fit = fit_context_window(request, window, counting); !fit.ok())
        return attempt_failed(std::move(fit).error(), now_ms);
    }

    cache_key.clear();
    if (config.cache && config.cache_ttl_ms > 0) {
      cache_key = llmux::cache_key(request, resolved.endpoint);
      if (auto cached = config.cache->get(cache_key, now_ms)) {
        round_request = std::move(request);
        SessionEvent hit;
        hit.kind = SessionEvent::Kind::CacheHit;
        hit.round = round();
        hit.model = resolved.model.id;
        emit(std::move(hit));
        return round_succeeded(std::move(*cached), now_ms, /*from_cache=*/true);
      }
    }

    auto http = adapter->build_request(request, resolved.endpoint);
    if (!http.ok())
      return attempt_failed(std::move(http).error(), now_ms);

    if (config.ledger) {
      const CostEstimate estimate = estimate_cost(request);
      auto reserved = config.ledger->reserve(config.budget_scopes, estimate.cost, now_ms);
      if (!reserved.ok()) {
        if (reserved.error().code == ErrorCode::BudgetExceeded)
          return fail(explained(std::move(reserved).error(), estimate));
        return fail(std::move(reserved).error());
      }
      reservation = reserved.value();
    }

    round_request = std::move(request);
    decoder.reset();
    held.clear();
    delivered = false;
    result.models_tried.back().attempts += 1;
    SessionEvent started;
    started.kind = SessionEvent::Kind::RoundStarted;
    started.round = round();
    started.model = resolved.model.id;
    started.attempt = retries + 1;
    emit(std::move(started));
    phase = Phase::AwaitingResponse;
    action.kind = SessionAction::Kind::Send;
    action.request = std::move(http).value();
    action.deadline_ms = deadline_ms;
  }

  // Passes a round's decoded events on, holding back all but content until content comes.
  void route(std::vector<StreamEvent> &decoded, std::int64_t now_ms) {
    for (StreamEvent &event : decoded) {
      if (phase != Phase::AwaitingResponse)
        break;
      if (event.type == StreamEventType::Error) {
        // The decoder is sticky after an error: the round's outcome is decided at its end,
        // except when output was delivered, where nothing can save it any more. What the
        // stream reported so far (its usage was spent) goes with the failure.
        if (delivered) {
          Error error = event.error;
          std::vector<StreamEvent> rest;
          DecodedResponse partial = decoder->finish(rest);
          decoded.clear();
          return round_failed(std::move(error), now_ms, &partial.response);
        }
        continue;
      }
      if (!delivered && !is_content(event.type)) {
        held.push_back(std::move(event));
        continue;
      }
      if (!delivered) {
        delivered = true;
        for (StreamEvent &early : held)
          emit_stream(std::move(early));
        held.clear();
      }
      emit_stream(std::move(event));
    }
    decoded.clear();
  }

  void emit_stream(StreamEvent stream_event) {
    SessionEvent event;
    event.kind = SessionEvent::Kind::Stream;
    event.round = round();
    event.model = model().model.id;
    event.stream = std::move(stream_event);
    emit(std::move(event));
  }

  // Records in the ledger what a finished or failed model call spent, and adds it up.
  void charge(const Usage &usage, std::string outcome, std::int64_t now_ms) {
    std::optional<Cost> cost;
    if (!usage.empty()) {
      result.usage.add(usage);
      cost = cost_of(usage, model().model);
      if (!cost)
        cost_unknown = true;
      else if (!cost_unknown)
        result.cost = result.cost ? add_costs(*result.cost, *cost) : cost;
      if (cost_unknown)
        result.cost.reset();
    }
    if (!config.ledger) {
      reservation.reset();
      return;
    }
    if (usage.empty()) {
      if (reservation)
        config.ledger->release(*reservation);
      reservation.reset();
      return;
    }
    UsageRecord record;
    record.at_ms = now_ms;
    record.user = config.user;
    record.scopes = config.budget_scopes;
    record.model = model().model.id;
    record.provider = model().endpoint.provider;
    record.usage = usage;
    if (cost)
      record.cost = cost->total;
    record.outcome = std::move(outcome);
    // A ledger that cannot persist does not undo a call that was made and paid for: the
    // session goes on, and its result says the record was not stored (a warning with the
    // usage's), so that the host can tell its user that spending may be under-counted.
    Result<void> stored = reservation ? config.ledger->settle(*reservation, std::move(record))
                                      : config.ledger->record(std::move(record));
    if (!stored.ok()) {
      // A record the ledger refuses (an invalid scope) must not leave its estimate held.
      if (reservation)
        config.ledger->release(*reservation);
      result.usage.warnings.push_back("the ledger did not store this call's usage (" +
                                      std::string(to_string(stored.error().code)) +
                                      "): " + stored.error().message);
    }
    reservation.reset();
  }

  // A model call failed with `error` after delivering what `partial` holds.
  void round_failed(Error error, std::int64_t now_ms, const ChatResponse *partial = nullptr) {
    secrets.scrub(error); // every error from outside comes through here
    charge(partial ? partial->usage : Usage{}, "error:" + std::string(to_string(error.code)),
           now_ms);
    decoder.reset();
    if (delivered) {
      if (partial)
        result.response = *partial;
      return fail(std::move(error));
    }
    attempt_failed(std::move(error), now_ms);
  }

  // A model call failed before delivering anything: retry it, fall back, or give up.
  void attempt_failed(Error error, std::int64_t now_ms) {
    if (past_deadline(now_ms))
      return deadline_passed(&error);
    const bool too_long = error.retry_after_ms && *error.retry_after_ms > config.retry.max_retry_after_ms;
    const bool retryable = is_retryable(error) && retries < config.retry.max_retries && !too_long;
    const std::int64_t delay =
        retryable ? retry_delay_ms(config.retry, error, retries + 1, next_random(random)) : 0;
    // A retry that could only start after the deadline is not made.
    if (retryable && !past_deadline(now_ms + delay)) {
      ++retries;
      wait_until_ms = now_ms + delay;
      SessionEvent event;
      event.kind = SessionEvent::Kind::Retrying;
      event.round = round();
      event.model = model().model.id;
      event.error = std::move(error);
      event.until_ms = wait_until_ms;
      event.attempt = retries + 1;
      emit(std::move(event));
      phase = Phase::Waiting;
      return;
    }
    if (can_fall_back(error) && model_index + 1 < config.models.size()) {
      result.models_tried.back().error = error;
      use_model(model_index + 1);
      SessionEvent event;
      event.kind = SessionEvent::Kind::FallingBack;
      event.round = round();
      event.model = model().model.id;
      event.error = std::move(error);
      emit(std::move(event));
      phase = Phase::NeedSend;
      return;
    }
    result.models_tried.back().error = error;
    fail(std::move(error));
  }

  void round_succeeded(ChatResponse response, std::int64_t now_ms, bool from_cache) {
    decoder.reset();
    if (!from_cache) {
      charge(response.usage, "ok", now_ms);
      if (config.cache && !cache_key.empty())
        (void)config.cache->put(cache_key, response, now_ms, config.cache_ttl_ms);
    }
    result.model_calls += 1;
    result.model = model().model.id;
    result.from_cache = from_cache;
    // A round that delivered nothing as it came (a whole body, a cache hit, or a stream of
    // nothing but usage) is delivered now, whole.
    if (config.request.stream && !delivered) {
      held.clear();
      for (StreamEvent &event : response_events(response))
        emit_stream(std::move(event));
    }
    delivered = false;
    result.messages.push_back(response.to_message());
    round_calls = response.tool_calls;
    result.response = std::move(response);

    if (round_calls.empty() || final_round || calls_unhandled_tool()) {
      phase = Phase::Done;
      SessionEvent done;
      done.kind = SessionEvent::Kind::Finished;
      done.round = round();
      done.model = result.model;
      done.usage = result.usage;
      emit(std::move(done));
      return;
    }
    result.tool_rounds += 1;
    refused.assign(round_calls.size(), std::nullopt);
    runs.clear();
    for (std::size_t i = 0; i < round_calls.size(); ++i) {
      refused[i] = checker->problem(round_calls[i]);
      if (!refused[i])
        runs.push_back(ToolRun{round_calls[i], result.tool_rounds});
    }
    runs_handed_out = false;
    tools_started_ms = now_ms;
    phase = Phase::AwaitingTools;
    if (runs.empty())
      finish_tool_round({}, now_ms);
  }

  // Whether a call of the round names a tool the host has no handler for: the round's calls
  // then go back to the caller, all of them and none run (running only the others would
  // answer half the round, and the model expects every result of it together).
  bool calls_unhandled_tool() const {
    for (const ToolCall &call : round_calls)
      for (const Tool &tool : config.request.tools)
        if (tool.name == call.name && !tool.has_handler)
          return true;
    return false;
  }

  void finish_tool_round(std::vector<ToolOutput> outputs, std::int64_t now_ms) {
    for (std::size_t i = 0; i < round_calls.size(); ++i) {
      const ToolCall &call = round_calls[i];
      ToolInvocation invocation;
      invocation.id = call.id;
      invocation.name = call.name;
      invocation.arguments = call.arguments;
      invocation.round = result.tool_rounds;
      if (refused[i]) {
        invocation.error = *refused[i];
      } else {
        auto output = std::find_if(outputs.begin(), outputs.end(), [&](const ToolOutput &out) {
          return out.tool_call_id == call.id;
        });
        if (output == outputs.end()) {
          invocation.error = "the tool returned no result";
        } else {
          invocation.ok = output->ok;
          (output->ok ? invocation.result : invocation.error) = output->content;
          invocation.duration_ms = output->duration_ms.value_or(now_ms - tools_started_ms);
        }
      }
      if (!invocation.ok)
        invocation.result = invocation.error;
      ToolResult tool_result{call.id, call.name, invocation.result, !invocation.ok};
      Message message;
      message.role = Role::Tool;
      message.content.push_back(ContentPart::make_tool_result(std::move(tool_result)));
      result.messages.push_back(std::move(message));
      SessionEvent event;
      event.kind = SessionEvent::Kind::ToolResult;
      event.round = result.tool_rounds;
      event.model = model().model.id;
      event.tool = invocation;
      emit(std::move(event));
      result.tools_called.push_back(std::move(invocation));
    }
    round_calls.clear();
    runs.clear();
    retries = 0;
    phase = Phase::NeedSend;
  }
};

std::string user_scope(std::string_view user) {
  return "user:" + std::string(user);
}

Session::Session(SessionConfig config) : state_(std::make_unique<State>()) {
  state_->config = std::move(config);
  // The one meaning of `user` (session.hpp): the user's own scope is charged too.
  SessionConfig &settings = state_->config;
  if (!settings.user.empty()) {
    std::string own = user_scope(settings.user);
    if (std::find(settings.budget_scopes.begin(), settings.budget_scopes.end(), own) ==
        settings.budget_scopes.end())
      settings.budget_scopes.push_back(std::move(own));
  }
  for (const ResolvedModel &model : state_->config.models)
    state_->secrets.add(model.endpoint.api_key);
}

Session::~Session() = default;
Session::Session(Session &&) noexcept = default;
Session &Session::operator=(Session &&) noexcept = default;

SessionAction Session::next_action(std::int64_t now_ms) {
  State &s = *state_;
  SessionAction action;
  if (s.phase == Phase::Start)
    s.start(now_ms);
  // Preparing a round may end it at once (a cache hit) or move on (a fallback): go on until
  // there is something for the host to do.
  while (s.phase == Phase::NeedSend && action.kind == SessionAction::Kind::Idle)
    s.prepare_round(now_ms, action);
  switch (s.phase) {
    case Phase::Waiting:
      action.kind = SessionAction::Kind::Wait;
      action.until_ms = s.wait_until_ms;
      break;
    case Phase::AwaitingTools:
      if (!s.runs_handed_out) {
        s.runs_handed_out = true;
        action.kind = SessionAction::Kind::RunTools;
        action.tool_runs = s.runs;
      }
      break;
    case Phase::Done:
      action.kind = SessionAction::Kind::Done;
      break;
    case Phase::Failed:
      action.kind = SessionAction::Kind::Fail;
      action.error = *s.result.error;
      break;
    default:
      break;
  }
  return action;
}

void Session::on_response_head(const HttpResponseHead &head, std::int64_t) {
  State &s = *state_;
  if (s.phase != Phase::AwaitingResponse || s.decoder)
    return;
  s.decoder.emplace(s.model().endpoint.provider, s.round_request.stream, head);
}

void Session::on_response_body(std::string_view bytes, std::int64_t now_ms) {
  State &s = *state_;
  if (s.phase != Phase::AwaitingResponse || !s.decoder)
    return;
  s.decoder->feed(bytes, s.scratch);
  s.route(s.scratch, now_ms);
  if (s.phase == Phase::AwaitingResponse && s.decoder->error()) {
    // The decoder gave up on the body (past its limit, or its framing broken): nothing more
    // of it can be decoded, so the round fails now and the host stops reading.
    DecodedResponse partial = s.decoder->finish(s.scratch);
    s.scratch.clear();
    s.round_failed(std::move(*partial.error), now_ms, &partial.response);
  }
}

void Session::on_response_end(std::int64_t now_ms) {
  State &s = *state_;
  if (s.phase != Phase::AwaitingResponse)
    return;
  if (!s.decoder)
    return s.round_failed(bad_response("the response ended before its head"), now_ms);
  DecodedResponse decoded = s.decoder->finish(s.scratch);
  s.route(s.scratch, now_ms);
  if (s.phase != Phase::AwaitingResponse)
    return; // an error after delivered output already ended the session
  if (decoded.error)
    return s.round_failed(std::move(*decoded.error), now_ms, &decoded.response);
  s.round_succeeded(std::move(decoded.response), now_ms, /*from_cache=*/false);
}

void Session::on_transport_error(Error error, std::int64_t now_ms) {
  State &s = *state_;
  if (s.phase != Phase::AwaitingResponse)
    return;
  if (!s.decoder)
    return s.round_failed(std::move(error), now_ms);
  // Keep what arrived (its usage was spent); the decoder's own complaint about the cut is
  // the transport's error, which says more.
  DecodedResponse partial = s.decoder->finish(s.scratch);
  s.scratch.clear();
  s.round_failed(std::move(error), now_ms, &partial.response);
}

void Session::on_timer(std::int64_t now_ms) {
  State &s = *state_;
  if (s.phase == Phase::Waiting && now_ms >= s.wait_until_ms)
    s.phase = Phase::NeedSend;
}

void Session::on_tool_results(std::vector<ToolOutput> outputs, std::int64_t now_ms) {
  State &s = *state_;
  if (s.phase != Phase::AwaitingTools || !s.runs_handed_out)
    return;
  s.finish_tool_round(std::move(outputs), now_ms);
}

void Session::cancel(std::int64_t now_ms) {
  State &s = *state_;
  if (s.phase == Phase::Done || s.phase == Phase::Failed)
    return;
  if (s.phase == Phase::AwaitingResponse) {
    Usage spent;
    if (s.decoder) {
      DecodedResponse partial = s.decoder->finish(s.scratch);
      s.scratch.clear();
      spent = partial.response.usage;
      if (s.delivered)
        s.result.response = std::move(partial.response);
    }
    s.charge(spent, "cancelled", now_ms);
    s.decoder.reset();
  }
  if (s.model_index < s.config.models.size() && !s.result.models_tried.empty())
    s.result.models_tried.back().error = session_error(ErrorCode::Cancelled, "cancelled");
  s.fail(session_error(ErrorCode::Cancelled, "the call was cancelled"));
}

std::vector<SessionEvent> Session::take_events() {
  std::vector<SessionEvent> events;
  events.swap(state_->events);
  return events;
}

bool Session::finished() const noexcept {
  return state_->phase == Phase::Done || state_->phase == Phase::Failed;
}

bool Session::awaiting_response() const noexcept {
  return state_->phase == Phase::AwaitingResponse;
}

const SessionResult &Session::result() const noexcept { return state_->result; }

} // namespace llmux
