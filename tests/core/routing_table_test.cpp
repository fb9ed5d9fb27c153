// Routing tables and the retry policy's decisions.

#include <llmux/retry_policy.hpp>
#include <llmux/routing_table.hpp>

#include <catch2/catch.hpp>

using namespace llmux;

TEST_CASE("Routing table maps task kinds to fallback chains", "[routing]") {
  RoutingTable table;
  REQUIRE(table
              .load_json(R"({"default": "simple", "routes": {
                "simple": ["gpt-4o-mini"],
                "coding": ["claude-3-5-sonnet-20241022", "gpt-4o-mini"],
                "creative": ["gemini-2.5-flash"]}})")
              .ok());
  auto coding = table.route("coding");
  REQUIRE(coding.ok());
  CHECK(coding.value() == std::vector<std::string>{"claude-3-5-sonnet-20241022", "gpt-4o-mini"});
  // Unknown and empty kinds take the default route.
  CHECK(table.route("poetry").value() == std::vector<std::string>{"gpt-4o-mini"});
  CHECK(table.route("").value() == std::vector<std::string>{"gpt-4o-mini"});
}

TEST_CASE("Routing table without a default names the kinds it knows", "[routing]") {
  RoutingTable table;
  REQUIRE(table.set_route("complex", {"gpt-5-chat"}).ok());
  REQUIRE(table.set_route("simple", {"gpt-4o-mini"}).ok());
  auto missing = table.route("coding");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::InvalidArgument);
  CHECK(missing.error().message == "no route for the task kind \"coding\"; the kinds are complex, simple");
}

TEST_CASE("Routing table refuses bad tables and keeps the old one", "[routing]") {
  RoutingTable table;
  REQUIRE(table.set_route("simple", {"gpt-4o-mini"}).ok());
  for (const char *bad : {"", "[]", R"({"routes": []})", R"({"routes": {"a": "gpt"}})",
                          R"({"routes": {"a": [1]}})", R"({"routes": {"a": []}})",
                          R"({"routes": {"a": [""]}})", R"({"routes": {"a": ["m"]}, "default": "b"})"}) {
    INFO(bad);
    auto loaded = table.load_json(bad);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::InvalidArgument);
  }
  CHECK(table.route("simple").value() == std::vector<std::string>{"gpt-4o-mini"});
  CHECK_FALSE(table.set_route("", {"m"}).ok());
  CHECK_FALSE(table.set_route("k", {}).ok());
}

TEST_CASE("Retry policy retries only what a retry can cure", "[retry]") {
  auto error = [](ErrorCode code, ErrorOrigin origin = ErrorOrigin::Provider) {
    return make_error(code, origin, "x");
  };
  for (ErrorCode code : {ErrorCode::RateLimited, ErrorCode::Overloaded, ErrorCode::ServerError,
                         ErrorCode::Network, ErrorCode::Timeout})
    CHECK(is_retryable(error(code)));
  for (ErrorCode code : {ErrorCode::AuthFailed, ErrorCode::PermissionDenied, ErrorCode::NotFound,
                         ErrorCode::InvalidRequest, ErrorCode::ContextLengthExceeded,
                         ErrorCode::QuotaExceeded, ErrorCode::BadResponse, ErrorCode::BudgetExceeded,
                         ErrorCode::Cancelled, ErrorCode::InvalidArgument})
    CHECK_FALSE(is_retryable(error(code)));
  CHECK(can_fall_back(error(ErrorCode::AuthFailed)));
  CHECK(can_fall_back(error(ErrorCode::ContextLengthExceeded, ErrorOrigin::Caller)));
  CHECK(can_fall_back(error(ErrorCode::Unsupported, ErrorOrigin::Caller)));
  CHECK_FALSE(can_fall_back(error(ErrorCode::InvalidArgument, ErrorOrigin::Caller)));
  CHECK_FALSE(can_fall_back(error(ErrorCode::BudgetExceeded, ErrorOrigin::Session)));
  CHECK_FALSE(can_fall_back(error(ErrorCode::Cancelled, ErrorOrigin::Session)));
}

TEST_CASE("Retry policy waits what the provider asks, else backs off with jitter", "[retry]") {
  RetryPolicy policy;
  Error limited = make_error(ErrorCode::RateLimited, ErrorOrigin::Provider, "slow down");
  limited.retry_after_ms = 1234;
  CHECK(retry_delay_ms(policy, limited, 1, 99) == 1234);
  CHECK(retry_delay_ms(policy, limited, 5, 7) == 1234);
  Error busy = make_error(ErrorCode::Overloaded, ErrorOrigin::Provider, "busy");
  // Equal jitter: [backoff/2, backoff], the backoff doubling up to its cap.
  CHECK(retry_delay_ms(policy, busy, 1, 0) == 250);
  CHECK(retry_delay_ms(policy, busy, 1, 250) == 500);
  CHECK(retry_delay_ms(policy, busy, 2, 0) == 500);
  CHECK(retry_delay_ms(policy, busy, 3, 0) == 1000);
  CHECK(retry_delay_ms(policy, busy, 30, 0) == 15'000);
  CHECK(retry_delay_ms(policy, busy, 30, ~0ULL) <= 30'000);
  for (std::uint64_t random = 0; random < 1000; random += 37)
    CHECK((retry_delay_ms(policy, busy, 4, random * 0x9e3779b97f4a7c15) >= 2000 &&
           retry_delay_ms(policy, busy, 4, random * 0x9e3779b97f4a7c15) <= 4000));
}
