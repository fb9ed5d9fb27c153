// Retry-After and its relatives, as providers send them.

#include "http/retry_after.hpp"

#include <catch2/catch.hpp>

using namespace llmux;

namespace {
HttpResponseHead head_with(std::vector<Header> headers, std::int64_t now_ms = 0) {
  HttpResponseHead head;
  head.status = 429;
  head.headers = std::move(headers);
  head.received_at_ms = now_ms;
  return head;
}
} // namespace

TEST_CASE("HTTP dates parse in all three forms RFC 9110 requires", "[retry]") {
  // 1994-11-06T08:49:37Z
  constexpr std::int64_t expected = 784111777000;
  CHECK(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT") == expected);
  CHECK(parse_http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT") == expected);
  CHECK(parse_http_date_ms("Sun Nov  6 08:49:37 1994") == expected);
  CHECK(parse_http_date_ms("Wed, 25 Nov 2026 19:34:18 GMT") == 1795635258000);
  CHECK_FALSE(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 PST"));
  CHECK_FALSE(parse_http_date_ms("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date_ms("Sun, 06 Nov 1994 25:49:37 GMT"));
  CHECK_FALSE(parse_http_date_ms("yesterday"));
  CHECK_FALSE(parse_http_date_ms(""));
}

TEST_CASE("Retry-After takes seconds, fractional seconds and dates", "[retry]") {
  CHECK(parse_retry_after_ms("120", 0) == 120000);
  CHECK(parse_retry_after_ms(" 2 ", 0) == 2000);
  CHECK(parse_retry_after_ms("1.5", 0) == 1500);
  CHECK(parse_retry_after_ms("0", 0) == 0);
  const std::int64_t now = 784111777000 - 30000;
  CHECK(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", now) == 30000);
  // A date in the past means "now"; without a clock, a date means nothing.
  CHECK(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", now + 60000) == 0);
  CHECK_FALSE(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 0));
  CHECK_FALSE(parse_retry_after_ms("-1", 0));
  CHECK_FALSE(parse_retry_after_ms("soon", 0));
  CHECK_FALSE(parse_retry_after_ms("1.", 0));
}

TEST_CASE("Durations parse as providers write them", "[retry]") {
  CHECK(parse_duration_ms("34.4s") == 34400);
  CHECK(parse_duration_ms("6m0s") == 360000);
  CHECK(parse_duration_ms("1h2m3.5s") == 3723500);
  CHECK(parse_duration_ms("120ms") == 120);
  CHECK(parse_duration_ms("0s") == 0);
  CHECK_FALSE(parse_duration_ms("12"));
  CHECK_FALSE(parse_duration_ms("3 days"));
  CHECK_FALSE(parse_duration_ms(""));
}

TEST_CASE("Response headers give the retry delay in order of precision", "[retry]") {
  CHECK(retry_after_from_headers(head_with({{"Retry-After", "20"}, {"retry-after-ms", "1250"}})) ==
        1250);
  CHECK(retry_after_from_headers(head_with({{"retry-after", "7"}})) == 7000);
  // OpenAI: the reset of whichever limit ran out, the later one when both did.
  CHECK(retry_after_from_headers(head_with({{"x-ratelimit-remaining-requests", "0"},
                                            {"x-ratelimit-reset-requests", "1s"},
                                            {"x-ratelimit-remaining-tokens", "0"},
                                            {"x-ratelimit-reset-tokens", "6m0s"}})) == 360000);
  CHECK(retry_after_from_headers(head_with(
            {{"x-ratelimit-remaining-requests", "10"}, {"x-ratelimit-reset-requests", "1s"}})) ==
        std::nullopt);
  // OpenRouter: epoch milliseconds, relative to when the response arrived.
  CHECK(retry_after_from_headers(
            head_with({{"X-RateLimit-Reset", "1754667660000"}}, 1754667600000)) == 60000);
  CHECK(retry_after_from_headers(head_with({{"x-ratelimit-reset", "1754667660"}}, 1754667600000)) ==
        60000);
  CHECK(retry_after_from_headers(head_with({{"x-ratelimit-reset", "3"}})) == 3000);
  CHECK_FALSE(retry_after_from_headers(head_with({})));
}

TEST_CASE("Error messages give the retry delay when headers do not", "[retry]") {
  CHECK(retry_after_from_message("Rate limit reached for gpt-4o in organization org-x on "
                                 "requests per min (RPM): Limit 3, Used 3. Please try again in "
                                 "20s. Visit https://platform.openai.com/account/rate-limits") ==
        20000);
  CHECK(retry_after_from_message("Please try again in 1.5s.") == 1500);
  CHECK(retry_after_from_message("Please try again in 120ms.") == 120);
  CHECK(retry_after_from_message("Please try again in 6m0s.") == 360000);
  CHECK(retry_after_from_message("Requests to the ChatCompletions_Create Operation under Azure "
                                 "OpenAI API version 2024-10-21 have exceeded token rate limit "
                                 "of your current OpenAI S0 pricing tier. Please retry after 6 "
                                 "seconds.") == 6000);
  CHECK_FALSE(retry_after_from_message("Please try again later."));
}

TEST_CASE("Retry values too large to count are no values, not overflows", "[retry][hostile]") {
  // Found by the retry_after fuzzer: each overflowed a signed 64-bit integer.
  CHECK_FALSE(parse_retry_after_ms("9999999999999999", 0));
  CHECK_FALSE(parse_retry_after_ms("9223372036854775.9", 0));
  CHECK_FALSE(parse_duration_ms("9999999999999h"));
  CHECK_FALSE(parse_duration_ms("5000000000000000s5000000000000000s"));
  CHECK_FALSE(retry_after_from_message("Please try again in 9999999999999h."));
  CHECK(parse_retry_after_ms("999999999999999", 0) == 999999999999999000);
}
