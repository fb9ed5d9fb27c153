// Decode throughput of the core, and the baselines that put it in context.
//
// For each input (a recorded stream of a provider llmux decodes, or a synthetic stream) the
// rows are, from the cheapest to the whole job:
//   memcpy            copying the body once: memory speed
//   memchr+memcpy     finding every line end and copying each line out: the least work any
//                     line-based framer does
//   sse/whole, sse/1K SseDecoder alone, fed the body whole or in 1 KiB chunks
//   json              llmux::json::parse on each event's data, split beforehand (parse and
//                     free the value, as an adapter does)
//   adapter/whole     the provider's StreamDecoder: framing, parsing, events
//   decode/whole, /1K ResponseDecoder (stream, status 200): what a driver runs, StreamDecoder
//                     plus the ResponseBuilder that accumulates the result
//   decode+json/1K    decode/1K plus each chunk's events encoded as one JSON array
//                     (llmux::to_json per event), as the Wasm bindings hand them to JavaScript:
//                     the native counterpart of bench/wasm_decode.mjs's rows, less JavaScript
// Every row of one input counts the same bytes (the whole body, even for `json`, which reads
// only the payloads) and the same events (SSE events carrying data), so bytes/s and events/s
// compare down a column. `out_events` is the rate of StreamEvents a decoder emitted.
//
// Inputs are read and split before timing; each iteration decodes the whole body with a fresh
// decoder, as each response gets one. Nothing here asserts on time: the program prints figures.

#include <llmux/decode.hpp>
#include <llmux/sse_decoder.hpp>

#include "json/json.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using llmux::Provider;

struct Input {
  std::string name;  ///< "mistral/chat-stream-thinking.sse", "synthetic/..."
  Provider provider; ///< whose adapter decodes it
  std::string bytes;
  /// The data of each SSE event that the adapter parses as JSON (all but OpenAI's [DONE]).
  std::vector<std::string> payloads;
  std::size_t sse_events = 0; ///< events carrying data, [DONE] included
  std::size_t longest_line_bytes = 0;
};

/// The largest streamed fixture of each provider llmux decodes today (two for OpenAI: text
/// and parallel tool calls exercise different paths of its adapter).
struct FixtureSpec {
  const char *path;
  const char *provider_name; ///< as expected.json names it
};
constexpr FixtureSpec fixture_specs[] = {
    {"openai/chat-stream-text.sse", "openai"},
    {"openai/chat-stream-parallel-tool-calls.sse", "openai"},
    {"azure/chat-stream-content-filter.sse", "azure-openai"},
    {"anthropic/messages-stream-thinking.sse", "anthropic"},
    {"mistral/chat-stream-thinking.sse", "mistral"},
    {"huggingface/chat-stream-text.sse", "huggingface"},
    {"vllm/chat-stream-text.sse", "vllm"},
    {"openrouter/chat-stream-midstream-error.sse", "openrouter"},
};

constexpr std::size_t chunk_1k = 1024;
constexpr std::size_t whole = 0;

std::string fixtures_dir() {
  if (const char *dir = std::getenv("LLMUX_FIXTURES_DIR")) return dir;
  return LLMUX_SOURCE_DIR "/tests/fixtures";
}

std::optional<std::string> read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The options the adapters frame their streams with.
llmux::SseOptions adapter_sse_options() {
  llmux::SseOptions options;
  options.reject_invalid_utf8 = true;
  options.dispatch_unterminated_event = true;
  return options;
}

void split(Input &input) {
  llmux::SseDecoder decoder(adapter_sse_options());
  std::vector<llmux::SseEvent> events;
  decoder.feed(input.bytes, events);
  decoder.finish(events);
  input.sse_events = events.size();
  for (llmux::SseEvent &event : events)
    if (event.data != "[DONE]") input.payloads.push_back(std::move(event.data));
  std::string_view rest = input.bytes;
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::size_t line = end == std::string_view::npos ? rest.size() : end;
    input.longest_line_bytes = std::max(input.longest_line_bytes, line);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
}

// Pseudo-random base64 text (a fixed linear congruential sequence): the shape of the inline
// images that make the largest real events, without their compressibility being a factor.
std::string base64_text(std::size_t bytes, std::uint32_t seed) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text(bytes, 'A');
  for (char &c : text) {
    seed = seed * 1664525u + 1013904223u;
    c = alphabet[seed >> 26];
  }
  return text;
}

constexpr std::string_view openai_stream_end =
    "data: "
    "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";

// Many small events: a long answer streamed a token at a time, each OpenAI-shaped chunk about
// 100 bytes on the wire. 20,000 of them make 2 MB, well past the caches the fixtures fit in.
Input synthetic_small_events() {
  Input input{"synthetic/20000x100B-events", Provider::OpenAi, {}, {}, 0, 0};
  char line[160];
  for (int i = 0; i < 20000; ++i) {
    int length = std::snprintf(line, sizeof line,
                               "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion."
                               "chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" "
                               "w%05d\"}}]}\n\n",
                               i);
    input.bytes.append(line, static_cast<std::size_t>(length));
  }
  input.bytes.append(openai_stream_end);
  return input;
}

// A few huge events: 1 MiB text deltas, as a model returning an inline image or a long
// document in one chunk sends them.
Input synthetic_large_events() {
  Input input{"synthetic/4x1MiB-events", Provider::OpenAi, {}, {}, 0, 0};
  for (std::uint32_t i = 0; i < 4; ++i) {
    input.bytes.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
                       "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    input.bytes.append(base64_text(std::size_t{1} << 20, i + 1));
    input.bytes.append("\"}}]}\n\n");
  }
  input.bytes.append(openai_stream_end);
  return input;
}

// Feeds `bytes` whole (chunk_bytes == 0) or in chunks of chunk_bytes.
template <class Feed>
void feed_in_chunks(std::string_view bytes, std::size_t chunk_bytes, Feed &&feed) {
  if (chunk_bytes == whole) {
    feed(bytes);
    return;
  }
  for (std::size_t at = 0; at < bytes.size(); at += chunk_bytes)
    feed(bytes.substr(at, chunk_bytes));
}

void report(benchmark::State &state, const Input &input) {
  auto iterations = static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.bytes.size()));
  state.counters["events"] = benchmark::Counter(iterations * static_cast<double>(input.sse_events),
                                                benchmark::Counter::kIsRate);
}

void report_out_events(benchmark::State &state, std::size_t out_events) {
  state.counters["out_events"] =
      benchmark::Counter(static_cast<double>(out_events), benchmark::Counter::kIsRate);
}

void bench_memcpy(benchmark::State &state, const Input &input) {
  std::string copy(input.bytes.size(), '\0');
  for (auto _ : state) {
    std::memcpy(copy.data(), input.bytes.data(), input.bytes.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
  }
  report(state, input);
}

void bench_memchr_memcpy(benchmark::State &state, const Input &input) {
  std::string line;
  line.reserve(input.longest_line_bytes);
  for (auto _ : state) {
    const char *at = input.bytes.data();
    const char *end = at + input.bytes.size();
    std::size_t lines = 0;
    while (at < end) {
      const auto *newline = static_cast<const char *>(std::memchr(at, '\n', end - at));
      if (!newline) newline = end;
      line.assign(at, newline);
      benchmark::DoNotOptimize(line.data());
      benchmark::ClobberMemory();
      at = newline + 1;
      ++lines;
    }
    benchmark::DoNotOptimize(lines);
  }
  report(state, input);
}

void bench_sse(benchmark::State &state, const Input &input, std::size_t chunk_bytes) {
  std::vector<llmux::SseEvent> events;
  for (auto _ : state) {
    llmux::SseDecoder decoder(adapter_sse_options());
    feed_in_chunks(input.bytes, chunk_bytes, [&](std::string_view chunk) {
      events.clear();
      decoder.feed(chunk, events);
      benchmark::DoNotOptimize(events.data());
    });
    events.clear();
    decoder.finish(events);
    benchmark::DoNotOptimize(events.data());
    benchmark::ClobberMemory();
  }
  report(state, input);
}

void bench_json(benchmark::State &state, const Input &input) {
  for (auto _ : state) {
    for (const std::string &payload : input.payloads) {
      auto parsed = llmux::json::parse(payload);
      benchmark::DoNotOptimize(parsed);
    }
  }
  report(state, input);
}

void bench_adapter(benchmark::State &state, const Input &input, std::size_t chunk_bytes) {
  std::unique_ptr<llmux::Adapter> adapter = llmux::make_adapter(input.provider);
  std::vector<llmux::StreamEvent> events;
  std::size_t out_events = 0;
  for (auto _ : state) {
    std::unique_ptr<llmux::StreamDecoder> stream = adapter->new_stream_decoder();
    feed_in_chunks(input.bytes, chunk_bytes, [&](std::string_view chunk) {
      events.clear();
      stream->feed(chunk, events);
      out_events += events.size();
    });
    events.clear();
    stream->finish(events);
    out_events += events.size();
    benchmark::DoNotOptimize(events.data());
    benchmark::ClobberMemory();
  }
  report(state, input);
  report_out_events(state, out_events);
}

void bench_decode(benchmark::State &state, const Input &input, std::size_t chunk_bytes) {
  const llmux::HttpResponseHead head; // status 200
  std::vector<llmux::StreamEvent> events;
  std::size_t out_events = 0;
  for (auto _ : state) {
    llmux::ResponseDecoder decoder(input.provider, /*stream=*/true, head);
    feed_in_chunks(input.bytes, chunk_bytes, [&](std::string_view chunk) {
      events.clear();
      decoder.feed(chunk, events);
      out_events += events.size();
    });
    events.clear();
    llmux::DecodedResponse decoded = decoder.finish(events);
    out_events += events.size();
    benchmark::DoNotOptimize(decoded);
  }
  report(state, input);
  report_out_events(state, out_events);
}

void bench_decode_json(benchmark::State &state, const Input &input, std::size_t chunk_bytes) {
  const llmux::HttpResponseHead head; // status 200
  std::vector<llmux::StreamEvent> events;
  std::string json;
  std::size_t out_events = 0;
  auto encode = [&] {
    json.assign(1, '[');
    for (const llmux::StreamEvent &event : events) {
      if (json.size() > 1) json += ',';
      json += llmux::to_json(event);
    }
    json += ']';
    benchmark::DoNotOptimize(json.data());
    out_events += events.size();
  };
  for (auto _ : state) {
    llmux::ResponseDecoder decoder(input.provider, /*stream=*/true, head);
    feed_in_chunks(input.bytes, chunk_bytes, [&](std::string_view chunk) {
      events.clear();
      decoder.feed(chunk, events);
      encode();
    });
    events.clear();
    llmux::DecodedResponse decoded = decoder.finish(events);
    encode();
    benchmark::DoNotOptimize(decoded);
  }
  report(state, input);
  report_out_events(state, out_events);
}

// A decode that failed where it should not would measure an error path, not a decode.
bool decodes_cleanly(const Input &input, bool expect_error) {
  llmux::DecodedResponse decoded =
      llmux::decode(input.provider, /*stream=*/true, llmux::HttpResponseHead{}, input.bytes);
  if (decoded.error.has_value() == expect_error) return true;
  std::fprintf(stderr, "%s: %s\n", input.name.c_str(),
               decoded.error ? decoded.error->message.c_str() : "decoded without its error");
  return false;
}

void register_input(const Input &input) {
  auto add = [&](const char *what, auto run) {
    benchmark::RegisterBenchmark((input.name + "/" + what).c_str(),
                                 [&input, run](benchmark::State &state) { run(state, input); });
  };
  add("memcpy", [](benchmark::State &s, const Input &in) { bench_memcpy(s, in); });
  add("memchr+memcpy", [](benchmark::State &s, const Input &in) { bench_memchr_memcpy(s, in); });
  add("sse/whole", [](benchmark::State &s, const Input &in) { bench_sse(s, in, whole); });
  add("sse/1K", [](benchmark::State &s, const Input &in) { bench_sse(s, in, chunk_1k); });
  add("json", [](benchmark::State &s, const Input &in) { bench_json(s, in); });
  add("adapter/whole", [](benchmark::State &s, const Input &in) { bench_adapter(s, in, whole); });
  add("decode/whole", [](benchmark::State &s, const Input &in) { bench_decode(s, in, whole); });
  add("decode/1K", [](benchmark::State &s, const Input &in) { bench_decode(s, in, chunk_1k); });
  add("decode+json/1K",
      [](benchmark::State &s, const Input &in) { bench_decode_json(s, in, chunk_1k); });
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // Registered benchmarks keep references to these: they live until the end of main.
  std::vector<Input> inputs;
  bool ok = true;
  for (const FixtureSpec &spec : fixture_specs) {
    std::string path = fixtures_dir() + "/" + spec.path;
    std::optional<std::string> bytes = read_file(path);
    std::optional<Provider> provider = llmux::provider_from_name(spec.provider_name);
    if (!bytes || !provider) {
      std::fprintf(stderr, "cannot read %s (set LLMUX_FIXTURES_DIR)\n", path.c_str());
      return 1;
    }
    inputs.push_back(Input{spec.path, *provider, std::move(*bytes), {}, 0, 0});
  }
  inputs.push_back(synthetic_small_events());
  inputs.push_back(synthetic_large_events());

  for (Input &input : inputs) {
    split(input);
    // OpenRouter's recorded stream ends in an in-stream error, on purpose.
    bool expect_error = input.name == "openrouter/chat-stream-midstream-error.sse";
    ok = decodes_cleanly(input, expect_error) && ok;
  }
  if (!ok) return 1;
  for (const Input &input : inputs)
    register_input(input);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
