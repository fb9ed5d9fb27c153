#pragma once
// One chat call as JavaScript drives it (wasm/client.mjs, through the exports at the end of
// session_binding.cpp): the session's actions go out as JSON, what happened comes back in
// through one call per network read. Events are handed over as one JSON array text per call,
// so that JavaScript pays one boundary crossing and one JSON.parse per read, not per event.

#include "client_binding.hpp"

#include <llmux/session.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::wasm {

class SessionBinding {
public:
  /// A session for `call_json` (api::parse_call's form) on `client`. `with_events` false
  /// drops events instead of encoding them (chat() reads only the result). `timeout_ms` is
  /// the call's deadline (SessionConfig::timeout_ms; 0 or less: the core's default). A call
  /// that cannot start fails at the first step; setup_error() tells why.
  SessionBinding(const ClientBinding &client, std::string_view call_json, bool with_events,
                 double seed, double timeout_ms);

  /// "" when the session started, else the error as JSON, with "argument": true when the
  /// call itself was malformed (JavaScript throws a TypeError for that).
  std::string setup_error() const { return setup_error_; }

  /// {"events": [...], "action": {...}}: what happened, then what to do now. Actions:
  /// {"kind": "send", "method", "url", "headers": [[name, value]], "stream", "deadlineMs"}
  /// (followed by a newline and the request's body, as it is: the JSON never holds a newline),
  /// {"kind": "wait", "untilMs"}, {"kind": "tools", "calls": [{id, name, argumentsText,
  /// round}]}, {"kind": "idle"}, and the ends {"kind": "done", "result"} and
  /// {"kind": "fail", "result"} with api::result_json's result.
  std::string step(double now_ms);

  /// The response head arrived (headers as boundary.hpp's text); returns the events it
  /// caused, as a JSON array.
  std::string head(int status, std::string_view headers, double now_ms);
  /// A network read of the body; returns the events it completed.
  std::string body(std::string_view bytes, double now_ms);
  /// The body ended normally.
  std::string end(double now_ms);
  /// A whole response at once (head, body and end, as a body that is not streamed is read):
  /// returns the events.
  std::string response(int status, std::string_view headers, std::string_view body,
                       double now_ms);
  /// The exchange failed: `code` is network, timeout, or redirect (one it would not follow);
  /// anything else is network.
  std::string transport_error(std::string_view code, std::string_view message, double now_ms);
  /// The driver stopped reading a body of `status` that is not streamed at its limit (it
  /// reads such a body whole before handing it over): bad_response, as the core says it.
  std::string too_large(int status, double now_ms);
  /// A Wait's time came.
  std::string timer(double now_ms);
  /// One tool's output; tools_done() hands them all to the session.
  void tool_output(std::string_view id, bool ok, std::string_view content, double duration_ms);
  std::string tools_done(double now_ms);
  /// Cancels the call (an AbortSignal fired).
  std::string cancel(double now_ms);

  /// Session::awaiting_response(): false once the session decided on what arrived mid-body.
  bool awaiting() const;
  /// The outcome, as api::result_json.
  std::string result() const;

private:
  void on_head(int status, std::string_view headers, double now_ms);
  std::string events();

  std::shared_ptr<ClientState> client_;
  std::optional<Session> session_;
  std::string setup_error_;
  bool with_events_ = true;
  std::vector<ToolOutput> outputs_;
  SessionResult failed_setup_;
};

} // namespace llmux::wasm
