#pragma once
// One chat call as JavaScript drives it (wasm/client.mjs): the session's actions go out as
// JSON, what happened comes back in through one call per network read. Events are handed
// over as one JSON array text per call, so that JavaScript pays one boundary crossing and
// one JSON.parse per read, not per event.

#include "client_binding.hpp"

#include <llmux/session.hpp>

#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmux::wasm {

class SessionBinding {
public:
  /// A session for `call_json` (api::parse_call's form) on `client`. `with_events` false
  /// drops events instead of encoding them (chat() reads only the result). A call that
  /// cannot start fails at the first step; setup_error() tells why.
  SessionBinding(const ClientBinding &client, const std::string &call_json, bool with_events,
                 double seed);

  /// "" when the session started, else the error as JSON, with "argument": true when the
  /// call itself was malformed (JavaScript throws a TypeError for that).
  std::string setup_error() const { return setup_error_; }

  /// {"events": [...], "action": {...}}: what happened, then what to do now. Actions:
  /// {"kind": "send", "method", "url", "headers": [[name, value]], "body", "stream"},
  /// {"kind": "wait", "untilMs"}, {"kind": "tools", "calls": [{id, name, argumentsText,
  /// round}]}, {"kind": "idle"}, {"kind": "done"}, {"kind": "fail"}.
  std::string step(double now_ms);

  /// The response head arrived; returns the events it caused, as a JSON array.
  std::string head(int status, const emscripten::val &headers, double now_ms);
  /// A buffer in the Wasm heap for the next body bytes, at least `bytes` long: JavaScript
  /// copies a network read into it and calls body(). Its address changes when it grows.
  std::uintptr_t body_buffer(std::size_t bytes);
  /// `bytes` of body are in the buffer; returns the events they completed.
  std::string body(std::size_t bytes, double now_ms);
  /// The body ended normally.
  std::string end(double now_ms);
  /// The exchange failed: `code` is network, timeout or cancelled.
  std::string transport_error(const std::string &code, const std::string &message,
                              double now_ms);
  /// A Wait's time came.
  std::string timer(double now_ms);
  /// One tool's output; tools_done() hands them all to the session.
  void tool_output(const std::string &id, bool ok, const std::string &content,
                   double duration_ms);
  std::string tools_done(double now_ms);
  /// Cancels the call (an AbortSignal fired).
  std::string cancel(double now_ms);

  bool finished() const;
  /// The outcome, as api::result_json.
  std::string result() const;

private:
  std::string events();

  std::shared_ptr<ClientState> client_;
  std::optional<Session> session_;
  std::string setup_error_;
  bool with_events_ = true;
  std::vector<char> input_;
  std::vector<ToolOutput> outputs_;
  SessionResult failed_setup_;
};

} // namespace llmux::wasm
