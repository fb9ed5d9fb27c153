// A request's extra_body merged into the body as the adapters write it
// (core/src/adapters/request_body.cpp): a member the body has is replaced where it stands by
// extra_body's last value for it; extra_body's other members follow, in the order they first
// appear. The bodies are compared as text: the order is the contract.

#include "support/requests.hpp"

#include <catch2/catch.hpp>

using namespace llmux;

TEST_CASE("extra_body replaces a body's member in place and appends the others once",
          "[request-body]") {
  ChatRequest request = testing::hello("m");
  request.temperature = 0.5;
  request.extra_body =
      R"({"temperature": 0.2, "seed": 7, "a\"b": [1, {}], "seed": 8, "model": null})";
  CHECK(testing::build(Provider::OpenAi, request).body ==
        R"({"model":null,"messages":[{"role":"user","content":"Hi"}],"temperature":0.2,)"
        R"("seed":8,"a\"b":[1,{}]})");
}

TEST_CASE("extra_body replaces a nested member whole", "[request-body]") {
  ChatRequest request = testing::hello("m");
  request.stream = true;
  request.extra_body = R"({"stream_options": {"include_usage": false}, "messages": []})";
  CHECK(testing::build(Provider::OpenAi, request).body ==
        R"({"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":false}})");
}

TEST_CASE("an empty extra_body object changes nothing", "[request-body]") {
  ChatRequest request = testing::hello("m");
  request.extra_body = "{}";
  CHECK(testing::build(Provider::Ollama, request).body ==
        R"({"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":false})");
}

TEST_CASE("extra_body that is not a JSON object is refused after the adapter's own faults",
          "[request-body]") {
  ChatRequest request = testing::hello("m");
  request.extra_body = "[1]";
  auto built = make_adapter(Provider::Anthropic)->build_request(request, Endpoint{});
  REQUIRE_FALSE(built.ok());
  CHECK(built.error().message == "extra_body must be a JSON object");
  request.model.clear();
  built = make_adapter(Provider::Anthropic)->build_request(request, Endpoint{});
  REQUIRE_FALSE(built.ok());
  CHECK(built.error().message == "the request names no model");
}
