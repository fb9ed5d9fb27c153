// A streamed Ollama /api/chat response (200): whole and split decode alike, and the events
// keep their promises (see stream_check.hpp). Input: [split plan][NDJSON body]

#include "stream_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  return llmux::fuzz::fuzz_stream(llmux::Provider::Ollama, data, size);
}
