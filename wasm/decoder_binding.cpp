// The core's decode entry point as plain C exports (wasm/core.mjs calls them): decode() of a
// whole body, the streaming ResponseDecoder, and the error-code table. Only conversion lives
// here: arguments come as text from the input buffer (boundary.hpp), results go back as JSON
// text. The module is built without exceptions, so a C++ throw would abort it: arguments that
// cannot be converted become an invalid_argument error result instead, and nothing here
// calls an API that throws.

#include "boundary.hpp"

#include <llmux/decode.hpp>
#include <llmux/error.hpp>
#include <llmux/provider.hpp>

#include <emscripten/emscripten.h>

#include <malloc.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using llmux::wasm::answer;
using llmux::wasm::Input;

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
  ResponseDecoderBinding(std::string_view provider_name, bool stream, int status,
                         std::string_view headers, double received_at_ms) {
    std::optional<llmux::Provider> provider = llmux::provider_from_name(provider_name);
    std::optional<std::vector<llmux::Header>> converted = llmux::wasm::headers_from_text(headers);
    if (!provider) {
      invalid_ = invalid_argument("unknown provider \"" + std::string(provider_name) + "\"");
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
  std::string feed(std::string_view bytes) {
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

} // namespace

extern "C" {

/// decode(): input provider, headers, body; answers the result's JSON.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_decode(std::size_t provider_length, bool stream, int status,
                                              std::size_t headers_length, std::size_t body_length,
                                              double received_at_ms) {
  Input input;
  const std::string_view provider = input.take(provider_length);
  const std::string_view headers = input.take(headers_length);
  const std::string_view body = input.take(body_length);
  ResponseDecoderBinding decoder(provider, stream, status, headers, received_at_ms);
  decoder.feed(body);
  std::vector<llmux::StreamEvent> ignored; // the result holds what the events built
  return answer(llmux::to_json(decoder.finish_into(ignored)));
}

/// A streaming decoder: input provider, headers.
EMSCRIPTEN_KEEPALIVE ResponseDecoderBinding *llmux_response_decoder_new(std::size_t provider_length,
                                                                        bool stream, int status,
                                                                        std::size_t headers_length,
                                                                        double received_at_ms) {
  Input input;
  const std::string_view provider = input.take(provider_length);
  const std::string_view headers = input.take(headers_length);
  return new ResponseDecoderBinding(provider, stream, status, headers, received_at_ms);
}

/// Input: the bytes; answers the events' JSON array.
EMSCRIPTEN_KEEPALIVE std::size_t llmux_response_decoder_feed(ResponseDecoderBinding *decoder,
                                                             std::size_t length) {
  return answer(decoder->feed(Input().take(length)));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_response_decoder_finish(ResponseDecoderBinding *decoder) {
  return answer(decoder->finish());
}

EMSCRIPTEN_KEEPALIVE void llmux_response_decoder_delete(ResponseDecoderBinding *decoder) {
  delete decoder;
}

/// The error-code table as JSON: [{number, code, message}].
EMSCRIPTEN_KEEPALIVE std::size_t llmux_error_table_json() {
  return answer(llmux::error_table_json());
}

/// Bytes of the Wasm heap currently allocated by malloc: lets the memory tests see leaks
/// that do not (yet) grow the heap. Not part of the public API.
EMSCRIPTEN_KEEPALIVE double llmux_heap_bytes_in_use() {
  return static_cast<double>(mallinfo().uordblks);
}

} // extern "C"
