// The gateway's request parsers (serve.hpp) on any bytes: the first byte picks the API
// (even: OpenAI Chat Completions, odd: Anthropic Messages), the rest is the body. For any input:
//   - the parser never aborts; a refusal is invalid_argument from the caller, with a message
//     and the member it names in `param`;
//   - a request that parses is what the adapter of its API writes back, and that body parses
//     to a request the adapter writes to the same bytes (the parser is the writer's inverse);
//   - its call JSON (what the Wasm module hands to chat()) reads back through api::parse_call
//     with the same messages.

#include "fuzz_support.hpp"

#include <llmux/adapter.hpp>
#include <llmux/api_json.hpp>
#include <llmux/serve.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input input(data, size);
  const bool anthropic = (input.byte() & 1) != 0;
  const std::string_view body = input.rest();
  auto parse =
      anthropic ? llmux::parse_anthropic_messages_request : llmux::parse_openai_chat_request;
  auto parsed = parse(body);
  if (!parsed.ok()) {
    LLMUX_FUZZ_CHECK(parsed.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(parsed.error().origin == llmux::ErrorOrigin::Caller);
    LLMUX_FUZZ_CHECK(!parsed.error().message.empty());
    LLMUX_FUZZ_CHECK(!parsed.error().param.empty());
    return 0;
  }
  const llmux::ChatRequest &request = parsed.value().request;
  LLMUX_FUZZ_CHECK(!request.model.empty() && !request.messages.empty());

  auto call = llmux::api::parse_call(llmux::call_json(request));
  LLMUX_FUZZ_CHECK(call.ok());
  LLMUX_FUZZ_CHECK(llmux::api::messages_json(call.value().request.messages) ==
                   llmux::api::messages_json(request.messages));

  const llmux::Provider provider = anthropic ? llmux::Provider::Anthropic : llmux::Provider::OpenAi;
  llmux::Endpoint endpoint;
  endpoint.provider = provider;
  auto adapter = llmux::make_adapter(provider);
  auto written = adapter->build_request(request, endpoint);
  // The adapter may refuse what the other API can carry (a JSON schema to Anthropic, tool
  // arguments that are not an object) or what its own checks refuse: a caller error, always.
  if (!written.ok()) {
    LLMUX_FUZZ_CHECK(written.error().origin == llmux::ErrorOrigin::Caller);
    return 0;
  }
  auto again = parse(written.value().body);
  LLMUX_FUZZ_CHECK(again.ok());
  auto rewritten = adapter->build_request(again.value().request, endpoint);
  LLMUX_FUZZ_CHECK(rewritten.ok());
  LLMUX_FUZZ_CHECK(rewritten.value().body == written.value().body);
  return 0;
}
