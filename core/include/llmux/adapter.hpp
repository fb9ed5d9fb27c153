#pragma once
/// Adapters: a provider's wire format in both directions.

#include <llmux/chat_request.hpp>
#include <llmux/chat_response.hpp>
#include <llmux/error.hpp>
#include <llmux/http.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>
#include <llmux/stream_event.hpp>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace llmux {

/// What a response decoded to. A stream that failed midway has both the output it delivered
/// and the error.
struct DecodedResponse {
  ChatResponse response;
  std::optional<Error> error;

  friend bool operator==(const DecodedResponse &, const DecodedResponse &) = default;
};

/// Decodes one streamed 2xx body. Feed bytes any number of times, then `finish()` once: that
/// is where a stream cut short becomes a bad_response error. After an Error event the decoder
/// ignores further input (errors are sticky).
class StreamDecoder {
public:
  virtual ~StreamDecoder() = default;
  /// Decodes `bytes` (not kept) and appends the events they complete.
  virtual void feed(std::string_view bytes, std::vector<StreamEvent> &events) = 0;
  /// Ends the body; appends the last events, or an Error if the stream was incomplete.
  virtual void finish(std::vector<StreamEvent> &events) = 0;
};

/// A provider's wire format: builds requests, decodes responses. Stateless and immutable:
/// one adapter serves any number of requests at once.
class Adapter {
public:
  virtual ~Adapter() = default;

  /// The HTTP request for `request` at `endpoint`. Fails with invalid_argument when the
  /// request cannot be expressed (a tool without a name, a schema that is not JSON, ...), and
  /// with unsupported when the provider cannot do what it asks.
  virtual Result<HttpRequest> build_request(const ChatRequest &request,
                                            const Endpoint &endpoint) const = 0;

  /// Decodes a whole, non-streamed body of any status: a response or an error.
  virtual DecodedResponse decode_response(const HttpResponseHead &head,
                                          std::string_view body) const = 0;

  /// Decodes the body of a non-2xx response into its error (status, provider type and
  /// message, retry hints from headers and body).
  virtual Error decode_error(const HttpResponseHead &head, std::string_view body) const = 0;

  /// A decoder for a streamed 2xx body.
  virtual std::unique_ptr<StreamDecoder> new_stream_decoder() const = 0;

  /// Whether the body of a response to a streamed request is a stream. By default: a 2xx
  /// whose Content-Type is not JSON (a server or proxy that ignores `stream: true` answers
  /// with one whole `application/json` body).
  virtual bool is_stream(const HttpResponseHead &head) const;
};

/// The adapter for a provider. Never null.
std::unique_ptr<Adapter> make_adapter(Provider provider);

} // namespace llmux
