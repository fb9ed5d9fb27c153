// How provider errors map to stable codes, hints and retry delays.

#include "http/provider_error.hpp"

#include <catch2/catch.hpp>

using namespace llmux;

namespace {
ErrorCode classify(int status, std::string type, std::string code, std::string message,
                   bool in_stream = false) {
  ProviderErrorFields fields;
  fields.type = std::move(type);
  fields.code = std::move(code);
  fields.message = std::move(message);
  return classify_provider_error(status, in_stream, fields);
}
} // namespace

TEST_CASE("Provider errors map to stable codes by status", "[errors]") {
  CHECK(classify(400, "", "", "bad") == ErrorCode::InvalidRequest);
  CHECK(classify(401, "", "", "") == ErrorCode::AuthFailed);
  CHECK(classify(402, "", "", "") == ErrorCode::QuotaExceeded);
  CHECK(classify(403, "", "", "") == ErrorCode::PermissionDenied);
  CHECK(classify(404, "", "", "") == ErrorCode::NotFound);
  CHECK(classify(408, "", "", "") == ErrorCode::ServerError);
  CHECK(classify(413, "", "", "") == ErrorCode::InvalidRequest);
  CHECK(classify(422, "", "", "") == ErrorCode::InvalidRequest);
  CHECK(classify(429, "", "", "") == ErrorCode::RateLimited);
  CHECK(classify(500, "", "", "") == ErrorCode::ServerError);
  CHECK(classify(502, "", "", "") == ErrorCode::ServerError);
  CHECK(classify(503, "", "", "") == ErrorCode::Overloaded);
  CHECK(classify(529, "", "", "") == ErrorCode::Overloaded);
  CHECK(classify(302, "", "", "") == ErrorCode::BadResponse);
  CHECK(classify(498, "", "", "") == ErrorCode::ContentFiltered); // Cohere's deny-listed token
  CHECK(classify(499, "", "", "") == ErrorCode::ServerError);
}

TEST_CASE("Provider errors map to stable codes by what the provider says", "[errors]") {
  CHECK(classify(400, "invalid_request_error", "",
                 "prompt is too long: 215000 tokens > 200000 maximum") ==
        ErrorCode::ContextLengthExceeded);
  CHECK(classify(400, "invalid_request_error", "",
                 "input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000") ==
        ErrorCode::ContextLengthExceeded);
  CHECK(classify(400, "BadRequestError", "400",
                 "This model's maximum context length is 4096 tokens. However, you requested "
                 "5000 tokens") == ErrorCode::ContextLengthExceeded);
  CHECK(classify(400, "INVALID_ARGUMENT", "400",
                 "The input token count (1205018) exceeds the maximum number of tokens allowed "
                 "(1048575).") == ErrorCode::ContextLengthExceeded);
  CHECK(classify(400, "", "", "too many tokens: size limit exceeded by 11326 tokens") ==
        ErrorCode::ContextLengthExceeded);
  CHECK(classify(400, "", "",
                 "too many tokens: total number of tokens in the prompt cannot exceed 4081 - "
                 "received 4292") == ErrorCode::ContextLengthExceeded);
  CHECK(classify(400, "", "", "too many tokens: max tokens must be less than or equal to 4096") ==
        ErrorCode::InvalidRequest);
  CHECK(classify(429, "insufficient_quota", "insufficient_quota",
                 "You exceeded your current quota, please check your plan and billing details.") ==
        ErrorCode::QuotaExceeded);
  CHECK(classify(400, "invalid_request_error", "content_filter", "The response was filtered") ==
        ErrorCode::ContentFiltered);
  CHECK(classify(404, "", "DeploymentNotFound", "The API deployment does not exist") ==
        ErrorCode::NotFound);
  CHECK(classify(500, "overloaded_error", "", "Overloaded") == ErrorCode::Overloaded);
  CHECK(classify(400, "BadRequestError", "400",
                 "\"auto\" tool choice requires --enable-auto-tool-choice and "
                 "--tool-call-parser to be set") == ErrorCode::ToolChoiceUnsupported);
}

TEST_CASE("Errors inside a 200 stream are classified by their own code", "[errors]") {
  CHECK(classify(200, "overloaded_error", "", "Overloaded", true) == ErrorCode::Overloaded);
  CHECK(classify(200, "", "429", "Rate limit exceeded", true) == ErrorCode::RateLimited);
  CHECK(classify(200, "", "502", "Upstream failed", true) == ErrorCode::ServerError);
  CHECK(classify(200, "", "", "something broke", true) == ErrorCode::ServerError);
}

TEST_CASE("A provider error carries a hint, a request id and a retry delay only when retryable",
          "[errors]") {
  HttpResponseHead head;
  head.status = 400;
  head.headers = {{"x-request-id", "req_1"}, {"retry-after", "5"}};
  ProviderErrorFields fields;
  fields.type = "BadRequestError";
  fields.message = "\"auto\" tool choice requires --enable-auto-tool-choice and "
                   "--tool-call-parser to be set";
  Error error = make_provider_error(head, fields, false);
  CHECK(error.code == ErrorCode::ToolChoiceUnsupported);
  CHECK(error.hint.find("--enable-auto-tool-choice --tool-call-parser") != std::string::npos);
  CHECK(error.request_id == "req_1");
  CHECK_FALSE(error.retry_after_ms); // a 400 is not retried, whatever the headers say
  CHECK(error.origin == ErrorOrigin::Provider);

  head.status = 429;
  fields = {};
  fields.message = "slow down";
  error = make_provider_error(head, fields, false);
  CHECK(error.code == ErrorCode::RateLimited);
  CHECK(error.retry_after_ms == 5000);

  fields.retry_after_ms = 34400; // the body's own hint beats the headers
  error = make_provider_error(head, fields, false);
  CHECK(error.retry_after_ms == 34400);
}

TEST_CASE("A body excerpt is short, valid UTF-8 and readable", "[errors]") {
  CHECK(body_excerpt("<html>\n  <body>\n    502 Bad Gateway\n  </body>\n</html>") ==
        "<html> <body> 502 Bad Gateway </body> </html>");
  std::string long_body(2000, 'x');
  CHECK(body_excerpt(long_body).size() == 515);
  // A cut character at byte 512 is left out rather than replaced.
  std::string cut = std::string(511, 'a') + "\xE2\x82\xAC";
  CHECK(body_excerpt(cut) == std::string(511, 'a') + "...");
  CHECK(body_excerpt("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
}
