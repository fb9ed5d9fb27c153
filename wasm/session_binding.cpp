#include "session_binding.hpp"

#include "js_headers.hpp"

#include <llmux/api_json.hpp>

#include <string_view>
#include <utility>

namespace llmux::wasm {
namespace {

using emscripten::val;

void write_action(const SessionAction &action, std::string &out) {
  switch (action.kind) {
    case SessionAction::Kind::Send: {
      const HttpRequest &request = action.request;
      out += "{\"kind\":\"send\",\"method\":";
      api::write_string_value(request.method, out);
      out += ",\"url\":";
      api::write_string_value(request.url, out);
      out += ",\"headers\":[";
      for (std::size_t i = 0; i < request.headers.size(); ++i) {
        if (i > 0)
          out += ',';
        out += '[';
        api::write_string_value(request.headers[i].name, out);
        out += ',';
        api::write_string_value(request.headers[i].value, out);
        out += ']';
      }
      out += "],\"body\":";
      api::write_string_value(request.body, out);
      out += ",\"stream\":";
      out += request.stream ? "true" : "false";
      out += '}';
      return;
    }
    case SessionAction::Kind::Wait:
      out += "{\"kind\":\"wait\",\"untilMs\":" + std::to_string(action.until_ms) + "}";
      return;
    case SessionAction::Kind::RunTools:
      out += "{\"kind\":\"tools\",\"calls\":[";
      for (std::size_t i = 0; i < action.tool_runs.size(); ++i) {
        const ToolRun &run = action.tool_runs[i];
        if (i > 0)
          out += ',';
        out += "{\"id\":";
        api::write_string_value(run.call.id, out);
        out += ",\"name\":";
        api::write_string_value(run.call.name, out);
        out += ",\"argumentsText\":";
        api::write_string_value(run.call.arguments, out);
        out += ",\"round\":" + std::to_string(run.round) + "}";
      }
      out += "]}";
      return;
    case SessionAction::Kind::Idle:
      out += "{\"kind\":\"idle\"}";
      return;
    case SessionAction::Kind::Done:
      out += "{\"kind\":\"done\"}";
      return;
    case SessionAction::Kind::Fail:
      out += "{\"kind\":\"fail\"}";
      return;
  }
}

} // namespace

SessionBinding::SessionBinding(const ClientBinding &client, const std::string &call_json,
                               bool with_events, double seed)
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
    return "{\"events\":[],\"action\":{\"kind\":\"fail\"}}";
  const SessionAction action = session_->next_action(to_ms(now_ms));
  std::string out = "{\"events\":" + events() + ",\"action\":";
  write_action(action, out);
  return out + "}";
}

std::string SessionBinding::head(int status, const val &headers, double now_ms) {
  if (!session_)
    return "[]";
  // client.mjs passes Array.from(response.headers): pairs of strings, always.
  HttpResponseHead head{status, headers_from_js(headers).value_or(std::vector<Header>{}),
                        to_ms(now_ms)};
  session_->on_response_head(head, to_ms(now_ms));
  return events();
}

std::uintptr_t SessionBinding::body_buffer(std::size_t bytes) {
  if (input_.size() < bytes)
    input_.resize(bytes);
  return reinterpret_cast<std::uintptr_t>(input_.data());
}

std::string SessionBinding::body(std::size_t bytes, double now_ms) {
  if (!session_ || bytes > input_.size())
    return "[]";
  session_->on_response_body(std::string_view(input_.data(), bytes), to_ms(now_ms));
  return events();
}

std::string SessionBinding::end(double now_ms) {
  if (!session_)
    return "[]";
  session_->on_response_end(to_ms(now_ms));
  return events();
}

std::string SessionBinding::transport_error(const std::string &code, const std::string &message,
                                            double now_ms) {
  if (!session_)
    return "[]";
  ErrorCode error_code = ErrorCode::Network;
  if (code == "timeout")
    error_code = ErrorCode::Timeout;
  session_->on_transport_error(make_error(error_code, ErrorOrigin::Network, message),
                               to_ms(now_ms));
  return events();
}

std::string SessionBinding::timer(double now_ms) {
  if (!session_)
    return "[]";
  session_->on_timer(to_ms(now_ms));
  return events();
}

void SessionBinding::tool_output(const std::string &id, bool ok, const std::string &content,
                                 double duration_ms) {
  std::optional<std::int64_t> duration;
  if (duration_ms >= 0)
    duration = to_ms(duration_ms);
  outputs_.push_back(ToolOutput{id, ok, content, duration});
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

bool SessionBinding::finished() const {
  return !session_ || session_->finished();
}

std::string SessionBinding::result() const {
  return api::result_json(session_ ? session_->result() : failed_setup_);
}

} // namespace llmux::wasm
