// Decode a provider's streamed response as it arrives, chunk by chunk, and act on events.
// Usage: stream_decode PROVIDER < body.sse
#include <llmux/llmux.hpp>

#include <cstdio>
#include <iostream>

int main(int argc, char **argv) {
  auto provider = llmux::provider_from_name(argc > 1 ? argv[1] : "openai");
  if (!provider) {
    std::cerr << "unknown provider\n";
    return 2;
  }
  llmux::HttpResponseHead head; // status 200: a stream
  llmux::ResponseDecoder decoder(*provider, /*stream=*/true, head);
  std::vector<llmux::StreamEvent> events;

  char chunk[512]; // as a network read would deliver it
  std::size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, stdin)) > 0) {
    events.clear();
    decoder.feed(std::string_view(chunk, got), events);
    for (const llmux::StreamEvent &event : events) {
      if (event.type == llmux::StreamEventType::TextDelta)
        std::cout << event.text << std::flush;
      else if (event.type == llmux::StreamEventType::ToolCallEnd)
        std::cout << "\n[tool call " << event.name << " " << event.text << "]";
    }
  }
  events.clear();
  llmux::DecodedResponse result = decoder.finish(events);
  std::cout << "\n";
  if (result.error) {
    std::cout << "error: " << llmux::to_string(result.error->code) << ": " << result.error->message
              << "\n";
    return 1;
  }
  std::cout << "finish: " << llmux::to_string(result.response.finish_reason) << ", "
            << result.response.usage.output_tokens.value_or(0) << " output tokens\n";
  return 0;
}
