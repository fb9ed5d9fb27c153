// A streamed Cohere v2 chat response (200): whole and split decode alike, and the events
// keep their promises (see stream_check.hpp). Input: [split plan][SSE body]

#include "stream_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  return llmux::fuzz::fuzz_stream(llmux::Provider::Cohere, data, size);
}
