// A whole Gemini streamGenerateContent body of a chosen status and headers (see response_check.hpp).
// Input: [status][header mask][header values][body]

#include "response_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  return llmux::fuzz::fuzz_response(llmux::Provider::Gemini, data, size);
}
