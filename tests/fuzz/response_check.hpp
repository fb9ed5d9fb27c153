#pragma once
// The checks the whole-body targets share: a response body of a chosen status and headers
// decodes without aborting, a non-2xx body decodes to exactly decode_error's Error, and a
// failed decode keeps no half-read response.
//
// Input: [status][header mask][header values][body]
//   status bits 0-2: the status, from `statuses` (modulo its size); bit 3: the time the
//     response arrived is known (so that a Retry-After date can become a delay)
//   header mask bit i: header `header_names[i]` is present; its value follows, in mask order,
//     as one length byte (modulo 64) and that many bytes

#include "fuzz_support.hpp"

#include <llmux/decode.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace llmux::fuzz {

inline constexpr int statuses[] = {200, 400, 401, 429, 500, 529};

inline constexpr std::string_view header_names[] = {
    "retry-after",
    "retry-after-ms",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-reset-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-tokens",
    "x-ratelimit-reset",
    "x-request-id",
};

// 2025-08-08T15:40:00Z, the time the fixtures are decoded at.
inline constexpr std::int64_t response_now_ms = 1754667600000;

inline void check_response_text(const ChatResponse &response) {
  LLMUX_FUZZ_CHECK(valid_utf8(response.text));
  LLMUX_FUZZ_CHECK(valid_utf8(response.reasoning));
  LLMUX_FUZZ_CHECK(valid_utf8(response.refusal));
  LLMUX_FUZZ_CHECK(valid_utf8(response.tool_plan));
  LLMUX_FUZZ_CHECK(valid_utf8(response.finish_reason_raw));
  for (const ToolCall &call : response.tool_calls) {
    LLMUX_FUZZ_CHECK(valid_utf8(call.id));
    LLMUX_FUZZ_CHECK(valid_utf8(call.name));
    LLMUX_FUZZ_CHECK(valid_utf8(call.arguments));
    LLMUX_FUZZ_CHECK(valid_utf8(call.signature));
  }
}

inline void check_error(const Error &error, const HttpResponseHead &head) {
  LLMUX_FUZZ_CHECK(error.http_status == head.status);
  LLMUX_FUZZ_CHECK(error.origin == ErrorOrigin::Provider);
  LLMUX_FUZZ_CHECK(!error.in_stream);
  LLMUX_FUZZ_CHECK(!error.message.empty());
  LLMUX_FUZZ_CHECK(valid_utf8(error));
  if (error.retry_after_ms)
    LLMUX_FUZZ_CHECK(*error.retry_after_ms >= 0);
}

inline int fuzz_response(Provider provider, const std::uint8_t *data, std::size_t size) {
  Input in(data, size);
  const std::uint8_t status_bits = in.byte();
  const std::uint8_t header_mask = in.byte();
  HttpResponseHead head;
  head.status = statuses[(status_bits & 7) % std::size(statuses)];
  head.received_at_ms = status_bits & 8 ? response_now_ms : 0;
  for (std::size_t i = 0; i < std::size(header_names); ++i) {
    if (!(header_mask & (1u << i)))
      continue;
    std::string_view value = in.take(in.byte() % 64);
    head.headers.push_back({std::string(header_names[i]), std::string(value)});
  }
  const std::string_view body = in.rest();
  const bool success = head.status >= 200 && head.status < 300;

  const std::unique_ptr<Adapter> adapter = make_adapter(provider);
  const DecodedResponse decoded = decode(provider, /*stream=*/false, head, body);
  LLMUX_FUZZ_CHECK(decoded == adapter->decode_response(head, body));
  // decode_error takes any body of any status.
  const Error error = adapter->decode_error(head, body);
  check_error(error, head);

  if (!success) {
    LLMUX_FUZZ_CHECK(decoded.error.has_value());
    if (!(*decoded.error == error))
      std::fprintf(stderr, "decode_response: %s\ndecode_error: %s\n",
                   escaped(to_json(decoded), 600).c_str(),
                   escaped(to_json(DecodedResponse{{}, error}), 600).c_str());
    LLMUX_FUZZ_CHECK(*decoded.error == error);
    LLMUX_FUZZ_CHECK(decoded.response == ChatResponse{});
    // An error body is decoded whole even for a streamed request.
    LLMUX_FUZZ_CHECK(decode(provider, /*stream=*/true, head, body) == decoded);
  } else if (decoded.error) {
    LLMUX_FUZZ_CHECK(decoded.response == ChatResponse{});
    LLMUX_FUZZ_CHECK(decoded.error->http_status == 0 || decoded.error->http_status == head.status);
  }
  check_response_text(decoded.response);
  if (decoded.error)
    LLMUX_FUZZ_CHECK(valid_utf8(*decoded.error));
  LLMUX_FUZZ_CHECK(nlohmann::json::accept(to_json(decoded)));
  return 0;
}

} // namespace llmux::fuzz
