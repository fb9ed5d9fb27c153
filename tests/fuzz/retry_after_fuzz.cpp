// Retry-After and its relatives: every parser takes any bytes without undefined behaviour
// (UBSan stops on signed overflow), and a delay is never negative.
//
// Input: the text itself, given to each parser whole. Its lines are also header values of a
// response head (one header name per line, in the order of `header_names`), for
// retry_after_from_headers; an odd first byte makes the response time known.

#include "fuzz_support.hpp"

#include "http/retry_after.hpp"

namespace {

constexpr std::string_view header_names[] = {
    "retry-after",
    "retry-after-ms",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-reset-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-tokens",
    "x-ratelimit-reset",
};

// 2025-08-08T15:40:00Z, the time the fixtures are decoded at.
constexpr std::int64_t now_ms = 1754667600000;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);

  (void)llmux::parse_http_date_ms(text);
  if (auto duration = llmux::parse_duration_ms(text))
    LLMUX_FUZZ_CHECK(*duration >= 0);
  if (auto delay = llmux::parse_retry_after_ms(text, now_ms))
    LLMUX_FUZZ_CHECK(*delay >= 0);
  if (auto delay = llmux::parse_retry_after_ms(text, 0))
    LLMUX_FUZZ_CHECK(*delay >= 0);
  if (auto delay = llmux::retry_after_from_message(text))
    LLMUX_FUZZ_CHECK(*delay >= 0);

  llmux::HttpResponseHead head;
  head.status = 429;
  head.received_at_ms = size > 0 && (data[0] & 1) ? now_ms : 0;
  std::string_view rest = text;
  for (std::string_view name : header_names) {
    if (rest.empty())
      break;
    std::size_t end = rest.find('\n');
    std::string_view value = rest.substr(0, end);
    head.headers.push_back({std::string(name), std::string(value)});
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
  if (auto delay = llmux::retry_after_from_headers(head))
    LLMUX_FUZZ_CHECK(*delay >= 0);
  return 0;
}
