// Embind bindings of the core's decode entry point. Only conversion lives here: JavaScript
// values become core values, core results go back as JSON text (one copy each way; nothing
// returned points into the Wasm heap). The module is built without exceptions, so a C++
// throw would abort it: arguments that cannot be converted become an invalid_argument error
// result instead, and nothing here calls an API that throws.

#include "client_binding.hpp"
#include "js_headers.hpp"
#include "session_binding.hpp"

#include <llmux/decode.hpp>
#include <llmux/error.hpp>
#include <llmux/provider.hpp>

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using emscripten::val;

llmux::Error invalid_argument(std::string message) {
  return llmux::make_error(llmux::ErrorCode::InvalidArgument, llmux::ErrorOrigin::Caller,
                           std::move(message));
}

// The events as a JSON array, each encoded by the core.
std::string events_json(const std::vector<llmux::StreamEvent> &events) {
  std::string out = "[";
  for (const llmux::StreamEvent &event : events) {
    if (out.size() > 1)
      out += ',';
    out += llmux::to_json(event);
  }
  return out + "]";
}

// llmux::ResponseDecoder as JavaScript sees it. Arguments that do not convert (an unknown
// provider name, malformed headers) leave it without a core decoder: feed then yields no
// events and finish yields an invalid_argument error, so that `decode` and the class fail
// alike. Calls out of order (feed or finish after finish) give invalid_argument errors too.
class ResponseDecoderBinding {
public:
  ResponseDecoderBinding(const std::string &provider_name, bool stream, int status,
                         const val &headers, double received_at_ms) {
    std::optional<llmux::Provider> provider = llmux::provider_from_name(provider_name);
    std::optional<std::vector<llmux::Header>> converted = llmux::wasm::headers_from_js(headers);
    if (!provider) {
      invalid_ = invalid_argument("unknown provider \"" + provider_name + "\"");
    } else if (!converted) {
      invalid_ = invalid_argument(
          "headers must be an array of [name, value] string pairs or an object of strings");
    } else if (!std::isfinite(received_at_ms) || std::fabs(received_at_ms) > 9.0e15) {
      // A double outside the safe-integer range does not convert to int64 defined-ly.
      invalid_ = invalid_argument("receivedAtMs must be a finite number of milliseconds");
    } else {
      llmux::HttpResponseHead head{status, std::move(*converted),
                                   static_cast<std::int64_t>(received_at_ms)};
      decoder_.emplace(*provider, stream, std::move(head));
    }
  }

  /// The JSON array of the stream events `bytes` completed.
  std::string feed(const std::string &bytes) {
    if (finished_)
      return events_json({llmux::StreamEvent::failure(invalid_argument("feed after finish"))});
    if (!decoder_)
      return "[]";
    events_.clear();
    decoder_->feed(bytes, events_);
    return events_json(events_);
  }

  /// {"events": [the last events], "result": {the decoded response}}. Call once.
  std::string finish() {
    events_.clear();
    llmux::DecodedResponse result = finish_into(events_);
    return "{\"events\":" + events_json(events_) + ",\"result\":" + llmux::to_json(result) + "}";
  }

  /// Ends the body: appends the last events, returns the result.
  llmux::DecodedResponse finish_into(std::vector<llmux::StreamEvent> &events) {
    llmux::DecodedResponse result;
    if (finished_)
      result.error = invalid_argument("finish called twice");
    else if (!decoder_)
      result.error = invalid_;
    else
      result = decoder_->finish(events);
    finished_ = true;
    decoder_.reset(); // free its buffers now rather than when JavaScript deletes the handle
    return result;
  }

private:
  std::optional<llmux::ResponseDecoder> decoder_;
  llmux::Error invalid_;
  std::vector<llmux::StreamEvent> events_;
  bool finished_ = false;
};

std::string decode(const std::string &provider_name, bool stream, int status, const val &headers,
                   const std::string &body, double received_at_ms) {
  ResponseDecoderBinding decoder(provider_name, stream, status, headers, received_at_ms);
  decoder.feed(body);
  std::vector<llmux::StreamEvent> ignored; // the result holds what the events built
  return llmux::to_json(decoder.finish_into(ignored));
}

/// Bytes of the Wasm heap currently allocated by malloc: lets the memory tests see leaks
/// that do not (yet) grow the heap. Not part of the public API.
double heap_bytes_in_use() {
  return static_cast<double>(mallinfo().uordblks);
}

} // namespace

EMSCRIPTEN_BINDINGS(llmux) {
  emscripten::function("decode", &decode);
  emscripten::function("errorCodes", &llmux::error_table_json);
  emscripten::function("heapBytesInUse", &heap_bytes_in_use);
  emscripten::class_<ResponseDecoderBinding>("ResponseDecoder")
      .constructor<const std::string &, bool, int, const val &, double>()
      .function("feed", &ResponseDecoderBinding::feed)
      .function("finish", &ResponseDecoderBinding::finish);

  using llmux::wasm::ClientBinding;
  using llmux::wasm::SessionBinding;
  emscripten::class_<ClientBinding>("Client")
      .constructor<>()
      .function("configure", &ClientBinding::configure)
      .function("models", &ClientBinding::models)
      .function("addModels", &ClientBinding::add_models)
      .function("resolve", &ClientBinding::resolve)
      .function("cost", &ClientBinding::cost)
      .function("usage", &ClientBinding::usage)
      .function("setBudget", &ClientBinding::set_budget)
      .function("budget", &ClientBinding::budget)
      .function("clearCache", &ClientBinding::clear_cache);
  emscripten::class_<SessionBinding>("Session")
      .constructor<const ClientBinding &, const std::string &, bool, double>()
      .function("setupError", &SessionBinding::setup_error)
      .function("step", &SessionBinding::step)
      .function("head", &SessionBinding::head)
      .function("bodyBuffer", &SessionBinding::body_buffer)
      .function("body", &SessionBinding::body)
      .function("end", &SessionBinding::end)
      .function("transportError", &SessionBinding::transport_error)
      .function("timer", &SessionBinding::timer)
      .function("toolOutput", &SessionBinding::tool_output)
      .function("toolsDone", &SessionBinding::tools_done)
      .function("cancel", &SessionBinding::cancel)
      .function("finished", &SessionBinding::finished)
      .function("result", &SessionBinding::result);
}
