#pragma once
/// Decoding a provider's response bytes to a neutral result: the `decode` entry point shared
/// by the CLI and the Wasm module.

#include <llmux/adapter.hpp>
#include <llmux/response_builder.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// Decodes a response body fed in any number of chunks. A 2xx body of a streamed request is
/// decoded as it arrives (stream events come out of `feed`); any other body is buffered and
/// decoded whole at `finish`. A body longer than its limit (limits.hpp: a whole answer, an
/// error body, a stream) is not decoded: from the byte that passes it, `error()` holds a
/// bad_response naming the limit, further bytes are ignored and `finish` returns that error.
class ResponseDecoder {
public:
  ResponseDecoder(Provider provider, bool stream, HttpResponseHead head);

  /// Decodes `bytes` (not kept); appends the stream events they complete.
  void feed(std::string_view bytes, std::vector<StreamEvent> &events);
  void feed(std::string_view bytes);

  /// Ends the body and returns what it decoded to. Call once.
  DecodedResponse finish(std::vector<StreamEvent> &events);
  DecodedResponse finish();

  /// The bad_response once the decoder has given up on the body before its end: the body
  /// passed its limit, or a stream's bytes broke its framing (a line past its 16 MiB, bytes
  /// that are not UTF-8 or not JSON), after which nothing more of it can be decoded. Nothing
  /// before that, and never for a provider's own error inside a stream.
  const std::optional<Error> &error() const noexcept { return error_; }

private:
  /// Counts `bytes` against the body's limit; false (and error_ set) once past it.
  bool within_limit(std::size_t bytes);

  std::unique_ptr<Adapter> adapter_;
  HttpResponseHead head_;
  std::unique_ptr<StreamDecoder> stream_; // null when the body is decoded whole
  std::string body_;                      // the buffered whole body
  ResponseBuilder builder_;
  std::vector<StreamEvent> scratch_;
  std::size_t body_bytes_ = 0; // fed so far
  std::optional<Error> error_;
};

/// The bad_response of a body past its limit (limits.hpp), naming the limit: what
/// ResponseDecoder reports, and what a driver that stops reading a body itself (before handing
/// it over whole) reports for a response of `status`.
Error body_too_large(int status, bool stream);

/// Decodes a whole body in one call.
DecodedResponse decode(Provider provider, bool stream, const HttpResponseHead &head,
                       std::string_view body);

/// The decoded result as one JSON object: text, reasoning, refusal and tool_plan (when
/// non-empty), tool_calls (id as the provider sent it or null, name, parsed arguments,
/// arguments_raw, signature when there is one), finish_reason (the provider's value), finish
/// (normalised), usage (present counts, or null) and error (code, status, type,
/// provider_code, param, message, hint, request_id, retry_after_ms, in_stream; or null).
std::string to_json(const DecodedResponse &decoded);

/// One stream event as a JSON object: {"type": "text_delta", ...} with the members its type
/// uses (text, index, id, name, usage, finish_reason, finish, error).
std::string to_json(const StreamEvent &event);

} // namespace llmux
