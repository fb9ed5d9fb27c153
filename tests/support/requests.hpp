#pragma once
// Building requests in the adapter tests. Catch2 test code: a failed build fails the test.

#include <llmux/llmux.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace llmux::testing {

/// An endpoint of `provider` with nothing else set.
inline Endpoint endpoint_for(Provider provider) {
  Endpoint endpoint;
  endpoint.provider = provider;
  return endpoint;
}

/// The request `provider`'s adapter builds for `request` at `endpoint` (whose provider is
/// set to `provider`); fails the test when the adapter refuses.
inline HttpRequest build(Provider provider, const ChatRequest &request, Endpoint endpoint = {}) {
  endpoint.provider = provider;
  auto http = make_adapter(provider)->build_request(request, endpoint);
  if (!http.ok())
    FAIL("build_request failed: " << http.error().message);
  return std::move(http).value();
}

/// A one-message request: "Hi" to `model`.
inline ChatRequest hello(std::string model) {
  ChatRequest request;
  request.model = std::move(model);
  request.messages.push_back(Message::user("Hi"));
  return request;
}

} // namespace llmux::testing
