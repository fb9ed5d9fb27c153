#include "session_binding.hpp"

#include "boundary.hpp"

#include <llmux/api_json.hpp>
#include <llmux/decode.hpp>
#include <llmux/limits.hpp>

#include <emscripten/emscripten.h>

#include <string_view>
#include <utility>

namespace llmux::wasm {

SessionBinding::SessionBinding(const ClientBinding &client, std::string_view call_json,
                               bool with_events, double seed, double timeout_ms)
    : client_(client.state()), with_events_(with_events) {
  auto call = api::parse_call(call_json);
  if (!call.ok()) {
    api::write_error(call.error(), setup_error_);
    setup_error_.insert(setup_error_.size() - 1, ",\"argument\":true");
    failed_setup_.error = call.error();
    return;
  }
  if (!client_->ledger) {
    Error error = make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                             "the client is not configured");
    api::write_error(error, setup_error_);
    failed_setup_.error = std::move(error);
    return;
  }
  const std::uint64_t default_seed = static_cast<std::uint64_t>(to_ms(seed));
  auto config = session_config(*client_, std::move(call).value(), default_seed);
  if (!config.ok()) {
    api::write_error(config.error(), setup_error_);
    failed_setup_.error = config.error();
    return;
  }
  if (timeout_ms > 0)
    config.value().timeout_ms = to_ms(timeout_ms);
  session_.emplace(std::move(config).value());
}

std::string SessionBinding::events() {
  if (!session_)
    return "[]";
  std::vector<SessionEvent> happened = session_->take_events();
  if (!with_events_ || happened.empty())
    return "[]";
  std::string out = "[";
  api::append_events(happened, out);
  if (out.back() == ',')
    out.back() = ']';
  else
    out += ']';
  return out;
}

std::string SessionBinding::step(double now_ms) {
  if (!session_)
    return "{\"events\":[],\"action\":{\"kind\":\"fail\",\"result\":" + result() + "}}";
  const SessionAction action = session_->next_action(to_ms(now_ms));
  std::string out = "{\"events\":";
  out += events();
  out += ",\"action\":";
  // The action as step() describes it; the ends carry the session's result. A request's body
  // is not in it: it follows the JSON, below.
  api::write_action(action, *session_, out);
  out += '}';
  // The body after a newline, which the JSON before it never holds (control characters in
  // its strings are escaped): escaping it into a JSON string here and JSON.parse taking that
  // apart again cost a few ns a byte, and a long conversation's body is many kilobytes.
  if (action.kind == SessionAction::Kind::Send) {
    out += '\n';
    out += action.request.body;
  }
  return out;
}

void SessionBinding::on_head(int status, std::string_view headers, double now_ms) {
  // client.mjs writes a fetch Response's headers: whole pairs, always.
  HttpResponseHead head{status, headers_from_text(headers).value_or(std::vector<Header>{}),
                        to_ms(now_ms)};
  session_->on_response_head(head, to_ms(now_ms));
}

std::string SessionBinding::head(int status, std::string_view headers, double now_ms) {
  if (!session_)
    return "[]";
  on_head(status, headers, now_ms);
  return events();
}

std::string SessionBinding::body(std::string_view bytes, double now_ms) {
  if (!session_)
    return "[]";
  session_->on_response_body(bytes, to_ms(now_ms));
  return events();
}

std::string SessionBinding::end(double now_ms) {
  if (!session_)
    return "[]";
  session_->on_response_end(to_ms(now_ms));
  return events();
}

std::string SessionBinding::response(int status, std::string_view headers,
                                     std::string_view body, double now_ms) {
  if (!session_)
    return "[]";
  on_head(status, headers, now_ms);
  // A session that is done once it has the head takes no body, as client.mjs stops reading a
  // streamed one then.
  if (!session_->finished()) {
    session_->on_response_body(body, to_ms(now_ms));
    session_->on_response_end(to_ms(now_ms));
  }
  return events();
}

std::string SessionBinding::transport_error(std::string_view code, std::string_view message,
                                            double now_ms) {
  if (!session_)
    return "[]";
  // A redirect the driver was told not to follow is the provider's answer, not a failure
  // to reach it: bad_response, not retried, as the native client reports a 3xx.
  Error error = make_error(ErrorCode::Network, ErrorOrigin::Network, std::string(message));
  if (code == "timeout") {
    error.code = ErrorCode::Timeout;
  } else if (code == "redirect") {
    error.code = ErrorCode::BadResponse;
    error.origin = ErrorOrigin::Provider;
  }
  session_->on_transport_error(std::move(error), to_ms(now_ms));
  return events();
}

std::string SessionBinding::too_large(int status, double now_ms) {
  if (!session_)
    return "[]";
  session_->on_transport_error(body_too_large(status, false), to_ms(now_ms));
  return events();
}

std::string SessionBinding::timer(double now_ms) {
  if (!session_)
    return "[]";
  session_->on_timer(to_ms(now_ms));
  return events();
}

void SessionBinding::tool_output(std::string_view id, bool ok, std::string_view content,
                                 double duration_ms) {
  std::optional<std::int64_t> duration;
  if (duration_ms >= 0)
    duration = to_ms(duration_ms);
  outputs_.push_back(ToolOutput{std::string(id), ok, std::string(content), duration});
}

std::string SessionBinding::tools_done(double now_ms) {
  if (!session_)
    return "[]";
  session_->on_tool_results(std::move(outputs_), to_ms(now_ms));
  outputs_.clear();
  return events();
}

std::string SessionBinding::cancel(double now_ms) {
  if (!session_)
    return "[]";
  session_->cancel(to_ms(now_ms));
  return events();
}

bool SessionBinding::awaiting() const {
  return session_ && session_->awaiting_response();
}

std::string SessionBinding::result() const {
  return api::result_json(session_ ? session_->result() : failed_setup_);
}

} // namespace llmux::wasm

// The session's C exports (wasm/core.mjs): string arguments come from the input buffer in the
// order of the parameters, text answers go to the output buffer (boundary.hpp).
using llmux::wasm::answer;
using llmux::wasm::ClientBinding;
using llmux::wasm::Input;
using llmux::wasm::SessionBinding;

extern "C" {

/// The response headers the core reads (llmux::response_header_names), NUL after each: the
/// driver hands a session only these.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_response_header_names() {
  std::string names;
  for (std::string_view name : llmux::response_header_names())
    (names += name) += '\0';
  return answer(std::move(names));
}

/// The limits of limits.hpp the driver enforces itself, as JSON: {maxResponseBodyBytes,
/// maxErrorBodyBytes, timeoutMs, idleTimeoutMs, responseTimeoutMs}.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_limits() {
  // Written out (the asserts keep it the table's): five number conversions cost more code.
  static_assert(llmux::max_response_body_bytes == 33554432 &&
                llmux::max_error_body_bytes == 1048576 && llmux::default_timeout_ms == 600000 &&
                llmux::default_idle_timeout_ms == 300000 &&
                llmux::default_response_timeout_ms == 600000);
  return answer(R"({"maxResponseBodyBytes":33554432,"maxErrorBodyBytes":1048576,)"
                R"("timeoutMs":600000,"idleTimeoutMs":300000,"responseTimeoutMs":600000})");
}

/// Input: the call's JSON.
EMSCRIPTEN_KEEPALIVE SessionBinding *llmux_session_new(const ClientBinding *client,
                                                       std::size_t call_length, bool with_events,
                                                       double seed, double timeout_ms) {
  return new SessionBinding(*client, Input().take(call_length), with_events, seed, timeout_ms);
}

EMSCRIPTEN_KEEPALIVE void llmux_session_delete(SessionBinding *session) {
  delete session;
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_setup_error(const SessionBinding *session) {
  return answer(session->setup_error());
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_step(SessionBinding *session, double now_ms) {
  return answer(session->step(now_ms));
}

/// Input: the headers.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_head(SessionBinding *session, int status,
                                                    std::size_t headers_length, double now_ms) {
  return answer(session->head(status, Input().take(headers_length), now_ms));
}

/// Input: the bytes read.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_body(SessionBinding *session, std::size_t length,
                                                    double now_ms) {
  return answer(session->body(Input().take(length), now_ms));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_end(SessionBinding *session, double now_ms) {
  return answer(session->end(now_ms));
}

/// Input: the headers, then the body.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_response(SessionBinding *session, int status,
                                                        std::size_t headers_length,
                                                        std::size_t body_length, double now_ms) {
  Input input;
  const std::string_view headers = input.take(headers_length);
  return answer(session->response(status, headers, input.take(body_length), now_ms));
}

/// Input: the code (network, timeout), then the message.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_transport_error(SessionBinding *session,
                                                               std::size_t code_length,
                                                               std::size_t message_length,
                                                               double now_ms) {
  Input input;
  const std::string_view code = input.take(code_length);
  return answer(session->transport_error(code, input.take(message_length), now_ms));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_too_large(SessionBinding *session, int status,
                                                         double now_ms) {
  return answer(session->too_large(status, now_ms));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_timer(SessionBinding *session, double now_ms) {
  return answer(session->timer(now_ms));
}

/// Input: the tool call's id, then the output.
EMSCRIPTEN_KEEPALIVE void llmux_session_tool_output(SessionBinding *session, std::size_t id_length,
                                                    bool ok, std::size_t content_length,
                                                    double duration_ms) {
  Input input;
  const std::string_view id = input.take(id_length);
  session->tool_output(id, ok, input.take(content_length), duration_ms);
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_tools_done(SessionBinding *session,
                                                          double now_ms) {
  return answer(session->tools_done(now_ms));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_cancel(SessionBinding *session, double now_ms) {
  return answer(session->cancel(now_ms));
}

EMSCRIPTEN_KEEPALIVE bool llmux_session_awaiting(const SessionBinding *session) {
  return session->awaiting();
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_session_result(const SessionBinding *session) {
  return answer(session->result());
}

} // extern "C"
