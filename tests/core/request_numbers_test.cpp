// Every adapter refuses the same numbers: a temperature or top_p that is not a finite number in
// its range, max_tokens below 1. NaN would otherwise go out as null (the
// provider's default, silently) and -1 as it is.

#include "support/requests.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace llmux;

namespace {

// One provider of each wire format.
constexpr Provider providers[] = {Provider::OpenAi, Provider::Anthropic, Provider::Gemini,
                                  Provider::Cohere, Provider::Ollama};

std::string refusal(Provider provider, const ChatRequest &request) {
  auto built = make_adapter(provider)->build_request(request, testing::endpoint_for(provider));
  if (built.ok())
    return "built";
  CHECK(built.error().code == ErrorCode::InvalidArgument);
  CHECK(built.error().origin == ErrorOrigin::Caller);
  return built.error().message;
}

} // namespace

TEST_CASE("every adapter refuses a temperature that is not a number from 0 to 2",
          "[request-numbers]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double infinity = std::numeric_limits<double>::infinity();
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    for (const auto &[value, text] :
         {std::pair{nan, "NaN"}, std::pair{infinity, "infinity"}, std::pair{-infinity, "-infinity"},
          std::pair{-1.0, "-1"}, std::pair{2.5, "2.5"}, std::pair{-0.001, "-0.001"}}) {
      request.temperature = value;
      CHECK(refusal(provider, request) ==
            std::string("temperature must be a number from 0 to 2, not ") + text);
    }
    for (double edge : {0.0, 0.7, 2.0}) {
      request.temperature = edge;
      CHECK(refusal(provider, request) == "built");
    }
  }
}

TEST_CASE("every adapter refuses a top_p outside 0 to 1", "[request-numbers]") {
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    request.top_p = 1.5;
    CHECK(refusal(provider, request) == "top_p must be a number from 0 to 1, not 1.5");
    request.top_p = std::numeric_limits<double>::quiet_NaN();
    CHECK(refusal(provider, request) == "top_p must be a number from 0 to 1, not NaN");
    request.top_p = 1.0;
    CHECK(refusal(provider, request) == "built");
  }
}

TEST_CASE("every adapter refuses max_tokens below 1", "[request-numbers]") {
  for (Provider provider : providers) {
    INFO(provider_info(provider).name);
    ChatRequest request = testing::hello("m");
    request.max_tokens = 0;
    CHECK(refusal(provider, request) == "max_tokens must be 1 or more, not 0");
    request.max_tokens = -5;
    CHECK(refusal(provider, request) == "max_tokens must be 1 or more, not -5");
    request.max_tokens = 1;
    CHECK(refusal(provider, request) == "built");
  }
}
