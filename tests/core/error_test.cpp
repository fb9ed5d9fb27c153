// The error-code table: the stable contract JavaScript sees.

#include <llmux/error.hpp>

#include <catch2/catch.hpp>

using llmux::ErrorCode;

TEST_CASE("Error codes keep their numbers and strings", "[errors]") {
  // Literal: renumbering or renaming a code breaks every client; this list only grows.
  const std::vector<std::pair<int, std::string>> contract = {
      {1, "auth_failed"},       {2, "permission_denied"},
      {3, "not_found"},         {4, "rate_limited"},
      {5, "overloaded"},        {6, "context_length_exceeded"},
      {7, "invalid_request"},   {8, "tool_choice_unsupported"},
      {9, "content_filtered"},  {10, "server_error"},
      {11, "bad_response"},     {12, "quota_exceeded"},
      {13, "invalid_argument"}, {14, "unsupported"},
      {15, "unknown_model"},    {16, "budget_exceeded"},
      {17, "network"},          {18, "timeout"},
      {19, "cancelled"},        {20, "storage"},
  };
  for (const auto &[number, text] : contract) {
    INFO(text);
    auto code = static_cast<ErrorCode>(number);
    CHECK(llmux::to_string(code) == text);
    CHECK(llmux::error_code_from_string(text) == code);
    CHECK_FALSE(llmux::default_message(code).empty());
  }
  CHECK(llmux::to_string(static_cast<ErrorCode>(999)) == "unknown");
  CHECK_FALSE(llmux::error_code_from_string("no_such_code"));
}
