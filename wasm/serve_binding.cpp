// The gateway's wire codecs (serve.hpp) as plain C exports, for llmux-serve.wasm: a module of
// its own, loaded by `llmux/serve` on first use, so that the package's core does not carry them
// for the apps that never serve the two APIs. Conversion only: the codecs are the core's.
//
// Answers that are a reply to send are "<HTTP status>\n<body>": serve.mjs splits at the first
// line break, so the body crosses once, as it is sent.

#include "boundary.hpp"

#include <llmux/serve.hpp>

#include <emscripten/emscripten.h>

#include <cstddef>
#include <string>

using llmux::wasm::answer;
using llmux::wasm::Input;

namespace {

enum class Api : int { OpenAi = 0, Anthropic = 1 };

std::size_t reply(int status, std::string body) {
  return answer(std::to_string(status) + "\n" + body);
}

llmux::ErrorReply error_reply(Api api, const llmux::Error &error) {
  return api == Api::OpenAi ? llmux::write_openai_error(error)
                            : llmux::write_anthropic_error(error);
}

// A request body -> {"call": <call JSON>, "includeUsage": bool}, or the API's 400.
std::size_t parse_request(Api api, std::size_t body_length) {
  Input input;
  const std::string_view body = input.take(body_length);
  auto parsed = api == Api::OpenAi ? llmux::parse_openai_chat_request(body)
                                   : llmux::parse_anthropic_messages_request(body);
  if (!parsed.ok()) {
    llmux::ErrorReply error = error_reply(api, parsed.error());
    return reply(error.http_status, std::move(error.body));
  }
  std::string out = "{\"call\":";
  out += llmux::call_json(parsed.value().request);
  out += parsed.value().include_usage ? ",\"includeUsage\":true}" : ",\"includeUsage\":false}";
  return reply(200, std::move(out));
}

llmux::ResponseIdentity identity(Input &input, std::size_t id_length, std::size_t model_length,
                                 double created_s) {
  llmux::ResponseIdentity out;
  out.id = std::string(input.take(id_length));
  out.model = std::string(input.take(model_length));
  out.created_s = llmux::wasm::to_ms(created_s);
  return out;
}

// A ChatResult (JSON) -> the API's whole response, or its error reply.
std::size_t write_response(Api api, std::size_t result_length, std::size_t id_length,
                           std::size_t model_length, double created_s) {
  Input input;
  const std::string_view result_text = input.take(result_length);
  const llmux::ResponseIdentity who = identity(input, id_length, model_length, created_s);
  auto response = llmux::parse_result_json(result_text);
  if (!response.ok()) {
    llmux::ErrorReply error = error_reply(api, response.error());
    return reply(error.http_status, std::move(error.body));
  }
  if (api == Api::OpenAi)
    return reply(200, llmux::write_openai_chat_completion(response.value(), who));
  auto body = llmux::write_anthropic_message(response.value(), who);
  if (!body.ok()) {
    llmux::ErrorReply error = error_reply(api, body.error());
    return reply(error.http_status, std::move(error.body));
  }
  return reply(200, std::move(body).value());
}

// The stream writers behind one handle each: events in (a JSON array of the package's stream
// events), SSE text out.
template <class Writer> std::size_t write_events(Writer &writer, std::size_t events_length) {
  Input input;
  std::string out;
  auto events = llmux::parse_stream_events_json(input.take(events_length));
  if (!events.ok()) {
    // The package wrote them: a failure is ours, and the caller's stream ends with it.
    llmux::Error error = events.error();
    error.code = llmux::ErrorCode::Internal;
    writer.fail(error, out);
    return answer(std::move(out));
  }
  for (const llmux::StreamEvent &event : events.value())
    writer.write(event, out);
  return answer(std::move(out));
}

template <class Writer> std::size_t finish_events(Writer &writer) {
  std::string out;
  writer.finish(out);
  return answer(std::move(out));
}

template <class Writer> std::size_t fail_events(Writer &writer, std::size_t error_length) {
  Input input;
  std::string out;
  writer.fail(llmux::parse_error_json(input.take(error_length)), out);
  return answer(std::move(out));
}

} // namespace

extern "C" {

/// parse_openai_chat_request(): input the request body; answers "200\n{call, includeUsage}"
/// or "<status>\n<OpenAI error body>".
EMSCRIPTEN_KEEPALIVE std::size_t llmux_parse_openai_chat_request(std::size_t body_length) {
  return parse_request(Api::OpenAi, body_length);
}

/// parse_anthropic_messages_request(): the same for Anthropic's Messages API.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_parse_anthropic_messages_request(std::size_t body_length) {
  return parse_request(Api::Anthropic, body_length);
}

/// write_openai_chat_completion(): input the ChatResult JSON, the response id, the model name;
/// answers "200\n<chat.completion>" or an error reply.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_write_openai_chat_completion(std::size_t result_length,
                                                                    std::size_t id_length,
                                                                    std::size_t model_length,
                                                                    double created_s) {
  return write_response(Api::OpenAi, result_length, id_length, model_length, created_s);
}

/// write_anthropic_message(): the same for an Anthropic message.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_write_anthropic_message(std::size_t result_length,
                                                               std::size_t id_length,
                                                               std::size_t model_length,
                                                               double created_s) {
  return write_response(Api::Anthropic, result_length, id_length, model_length, created_s);
}

/// write_openai_error(): input the package's error JSON; answers "<status>\n<body>".
EMSCRIPTEN_KEEPALIVE std::size_t llmux_write_openai_error(std::size_t error_length) {
  Input input;
  llmux::ErrorReply error = llmux::write_openai_error(llmux::parse_error_json(input.take(error_length)));
  return reply(error.http_status, std::move(error.body));
}

/// write_anthropic_error(): the same in Anthropic's shape.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_write_anthropic_error(std::size_t error_length) {
  Input input;
  llmux::ErrorReply error =
      llmux::write_anthropic_error(llmux::parse_error_json(input.take(error_length)));
  return reply(error.http_status, std::move(error.body));
}

/// OpenAiChunkWriter: input the response id and model name. Owned by JavaScript: free it
/// with llmux_openai_chunk_writer_delete.
EMSCRIPTEN_KEEPALIVE llmux::OpenAiChunkWriter *
llmux_openai_chunk_writer_new(std::size_t id_length, std::size_t model_length, double created_s,
                              int include_usage) {
  Input input;
  return new llmux::OpenAiChunkWriter(identity(input, id_length, model_length, created_s),
                                      include_usage != 0);
}
/// write(): input a JSON array of stream events; answers their SSE text.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_openai_chunk_writer_write(llmux::OpenAiChunkWriter *writer,
                                                                 std::size_t events_length) {
  return write_events(*writer, events_length);
}
EMSCRIPTEN_KEEPALIVE std::size_t llmux_openai_chunk_writer_finish(llmux::OpenAiChunkWriter *writer) {
  return finish_events(*writer);
}
/// fail(): input the package's error JSON.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_openai_chunk_writer_fail(llmux::OpenAiChunkWriter *writer,
                                                                std::size_t error_length) {
  return fail_events(*writer, error_length);
}
EMSCRIPTEN_KEEPALIVE void llmux_openai_chunk_writer_delete(llmux::OpenAiChunkWriter *writer) {
  delete writer;
}

/// AnthropicEventWriter: the same calls.
EMSCRIPTEN_KEEPALIVE llmux::AnthropicEventWriter *
llmux_anthropic_event_writer_new(std::size_t id_length, std::size_t model_length) {
  Input input;
  return new llmux::AnthropicEventWriter(identity(input, id_length, model_length, 0));
}
EMSCRIPTEN_KEEPALIVE std::size_t
llmux_anthropic_event_writer_write(llmux::AnthropicEventWriter *writer, std::size_t events_length) {
  return write_events(*writer, events_length);
}
EMSCRIPTEN_KEEPALIVE std::size_t
llmux_anthropic_event_writer_finish(llmux::AnthropicEventWriter *writer) {
  return finish_events(*writer);
}
EMSCRIPTEN_KEEPALIVE std::size_t
llmux_anthropic_event_writer_fail(llmux::AnthropicEventWriter *writer, std::size_t error_length) {
  return fail_events(*writer, error_length);
}
EMSCRIPTEN_KEEPALIVE void llmux_anthropic_event_writer_delete(llmux::AnthropicEventWriter *writer) {
  delete writer;
}

} // extern "C"
