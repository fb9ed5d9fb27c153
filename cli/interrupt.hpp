#pragma once
// Ctrl-C as a cancellation: while an InterruptScope lives, SIGINT and SIGTERM cancel its flag
// (what every HttpClient::perform watching it notices) instead of killing the process, so a
// command can stop cleanly: a chat prints what it has, a deployment terminates what it started.

#include <llmux/native/http_client.hpp>

namespace llmux::cli {

/// Routes SIGINT and SIGTERM to `flag` until destroyed, then restores their defaults. A second
/// Ctrl-C ends the process the usual way. One scope at a time.
class InterruptScope {
public:
  explicit InterruptScope(native::CancelFlag &flag);
  ~InterruptScope();
  InterruptScope(const InterruptScope &) = delete;
  InterruptScope &operator=(const InterruptScope &) = delete;
};

} // namespace llmux::cli
