// The JavaScript API's JSON readers on any bytes (user code hands them over). For any input:
//   - parse_call, parse_client_options and parse_usage never abort; a failure is invalid_argument from the
//     caller with a message that names a member or says the text is not JSON;
//   - a call that parses has at least one message, and its messages written by messages_json
//     read back to the same text (what result.messages sends again is exactly what was had);
//   - result_json of a result holding those messages is JSON;
//   - a usage that parses is written by write_usage and read back to the same counts.

#include "fuzz_support.hpp"

#include <llmux/api_json.hpp>

#include "json/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);

  auto options = llmux::api::parse_client_options(text);
  if (!options.ok()) {
    LLMUX_FUZZ_CHECK(options.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(!options.error().message.empty());
  }

  auto usage = llmux::api::parse_usage(text);
  if (usage.ok()) {
    // What parses writes back to the same counts.
    std::string written;
    llmux::api::write_usage(usage.value(), written);
    auto again = llmux::api::parse_usage(written);
    LLMUX_FUZZ_CHECK(again.ok() && again.value() == usage.value());
  } else {
    LLMUX_FUZZ_CHECK(usage.error().code == llmux::ErrorCode::InvalidArgument);
  }

  auto call = llmux::api::parse_call(text);
  if (!call.ok()) {
    LLMUX_FUZZ_CHECK(call.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(call.error().origin == llmux::ErrorOrigin::Caller);
    LLMUX_FUZZ_CHECK(!call.error().message.empty());
    return 0;
  }
  const std::vector<llmux::Message> &messages = call.value().request.messages;
  LLMUX_FUZZ_CHECK(!messages.empty());
  const std::string written = llmux::api::messages_json(messages);
  auto again = llmux::api::parse_call("{\"messages\":" + written + "}");
  LLMUX_FUZZ_CHECK(again.ok());
  LLMUX_FUZZ_CHECK(llmux::api::messages_json(again.value().request.messages) == written);

  llmux::SessionResult result;
  result.messages = messages;
  LLMUX_FUZZ_CHECK(llmux::json::parse(llmux::api::result_json(result)).ok());
  return 0;
}
