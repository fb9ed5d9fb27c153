#include <llmux/native/session_runner.hpp>

#include <llmux/native/environment.hpp>

#include <chrono>
#include <thread>

namespace llmux::native {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// Feeds an HTTP exchange to the session as it arrives, passing its events on at once. When
// the session decides mid-body (an error after delivered output, a body past its limit), the
// exchange is abandoned: the client takes no more of its bytes.
class SessionReceiver final : public ResponseReceiver {
public:
  SessionReceiver(Session &session, const SessionRunOptions &options, CancelFlag &abandon)
      : session_(session), options_(options), abandon_(abandon) {}

  void on_head(const HttpResponseHead &head) override {
    session_.on_response_head(head, now_ms());
    flush();
  }

  void on_body(std::string_view bytes) override {
    session_.on_response_body(bytes, now_ms());
    flush();
    if (!session_.awaiting_response())
      abandon_.cancel();
  }

  void flush() {
    for (const SessionEvent &event : session_.take_events())
      if (options_.on_event)
        options_.on_event(event);
  }

private:
  Session &session_;
  const SessionRunOptions &options_;
  CancelFlag &abandon_;
};

// Sleeps until `until_ms` on the wall clock, waking early when the run is cancelled.
void sleep_until(std::int64_t until_ms, const CancelFlag *cancel) {
  while (now_ms() < until_ms && !(cancel && cancel->cancelled())) {
    const std::int64_t left = until_ms - now_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(left, 20)));
  }
}

} // namespace

ToolRunner run_in_parallel(ToolHandler handler) {
  return [handler = std::move(handler)](const std::vector<ToolRun> &runs) {
    std::vector<ToolOutput> outputs(runs.size());
    auto run_one = [&](std::size_t i) {
      const Clock::time_point started = Clock::now();
      outputs[i] = handler(runs[i]);
      if (!outputs[i].duration_ms)
        outputs[i].duration_ms = elapsed_ms(started);
    };
    if (runs.size() == 1) {
      run_one(0);
      return outputs;
    }
    std::vector<std::thread> threads;
    threads.reserve(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i)
      threads.emplace_back(run_one, i);
    for (std::thread &thread : threads)
      thread.join();
    return outputs;
  };
}

const SessionResult &run_session(Session &session, const SessionRunOptions &options) {
  auto flush = [&] {
    for (const SessionEvent &event : session.take_events())
      if (options.on_event)
        options.on_event(event);
  };
  auto cancelled = [&] { return options.cancel && options.cancel->cancelled(); };
  for (;;) {
    if (cancelled())
      session.cancel(now_ms());
    SessionAction action = session.next_action(now_ms());
    flush();
    switch (action.kind) {
      case SessionAction::Kind::Send: {
        // One flag for the exchange: set by the caller's cancel (through the parent) or by
        // the receiver when the session no longer wants the body.
        CancelFlag exchange(options.cancel);
        SessionReceiver receiver(session, options, exchange);
        std::optional<Error> failure;
        if (!options.client)
          failure = make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                               "run_session needs an HttpClient");
        else
          failure = options.client->perform(action.request, receiver, &exchange, action.deadline_ms);
        if (cancelled()) {
          session.cancel(now_ms());
        } else if (!session.awaiting_response()) {
          // The session already decided mid-body; the abandoned exchange's error is moot.
        } else if (failure) {
          session.on_transport_error(std::move(*failure), now_ms());
        } else {
          session.on_response_end(now_ms());
        }
        receiver.flush();
        break;
      }
      case SessionAction::Kind::Wait:
        sleep_until(action.until_ms, options.cancel);
        session.on_timer(now_ms());
        break;
      case SessionAction::Kind::RunTools: {
        std::vector<ToolOutput> outputs;
        if (options.run_tools) {
          outputs = options.run_tools(action.tool_runs);
        } else {
          for (const ToolRun &run : action.tool_runs)
            outputs.push_back(ToolOutput{run.call.id, false, "no tool handler", std::nullopt});
        }
        session.on_tool_results(std::move(outputs), now_ms());
        break;
      }
      case SessionAction::Kind::Idle:
        // Nothing in flight yet nothing to do: a session bug. Fail rather than spin.
        session.cancel(now_ms());
        break;
      case SessionAction::Kind::Done:
      case SessionAction::Kind::Fail:
        flush();
        return session.result();
    }
    flush();
  }
}

} // namespace llmux::native
