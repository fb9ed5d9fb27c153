#pragma once
/// Drives a Session to its end natively: its requests over HttpClient (each ended by the
/// session's deadline, and by the client's own idle, response and size limits), its waits on
/// the wall clock, its tools through the caller's function, its events to the caller as they
/// happen.

#include <llmux/native/http_client.hpp>
#include <llmux/session.hpp>

#include <functional>
#include <vector>

namespace llmux::native {

/// Runs the tool calls of one round (a RunTools action) and returns their outputs, in any
/// order. A call left without an output counts as failed.
using ToolRunner = std::function<std::vector<ToolOutput>(const std::vector<ToolRun> &runs)>;

/// Runs one tool call.
using ToolHandler = std::function<ToolOutput(const ToolRun &run)>;

/// A ToolRunner that runs the calls of a round at the same time, one thread each (a single
/// call runs on the caller's thread). `handler` must be safe to call from several threads.
/// A handler's duration is measured and reported with its output.
ToolRunner run_in_parallel(ToolHandler handler);

struct SessionRunOptions {
  /// Performs the HTTP exchanges. Not owned; required.
  HttpClient *client = nullptr;
  /// Runs tools; null fails every tool call with "no tool handler".
  ToolRunner run_tools;
  /// Receives each event as soon as it happens (text deltas as they arrive). May be null.
  std::function<void(const SessionEvent &)> on_event;
  /// Cancels the session when set, from another thread or a signal handler: the exchange in
  /// flight is aborted and the session fails with `cancelled`, its spent usage recorded.
  const CancelFlag *cancel = nullptr;
};

/// Runs `session` until it is Done or fails, and returns its result. Never throws.
const SessionResult &run_session(Session &session, const SessionRunOptions &options);

} // namespace llmux::native
