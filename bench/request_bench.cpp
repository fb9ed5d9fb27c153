// A small chat's core time, per provider: build_request for a short conversation (a system
// prompt, three turns, temperature, max_tokens, one tool) and the decode of the whole,
// non-streamed answer the provider gives to such a request (its recorded fixture). This is
// the work the core does for every call besides the network: the figure that says whether a
// change to request writing or response reading costs anything.
//
// Rows, per provider: request/<provider> (build_request alone), response/<provider> (decode
// alone), chat/<provider> (both, one call's core time); request+extra_body/openai adds an
// extra_body that overrides one member and adds two. Nothing here asserts on time: the
// program prints figures.

#include <llmux/adapter.hpp>
#include <llmux/decode.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using llmux::Provider;

struct ProviderCase {
  const char *name;
  Provider provider;
  const char *response_fixture; ///< a whole 200 body under tests/fixtures
};
constexpr ProviderCase provider_cases[] = {
    {"openai", Provider::OpenAi, "openai/chat-text.json"},
    {"anthropic", Provider::Anthropic, "anthropic/messages-text.json"},
    {"gemini", Provider::Gemini, "gemini/generate-content-text.json"},
    {"cohere", Provider::Cohere, "cohere/chat-text.json"},
    {"ollama", Provider::Ollama, "ollama/chat-tool-call.json"},
};

std::string read_fixture(const char *path) {
  std::string full = std::string(LLMUX_SOURCE_DIR "/tests/fixtures/") + path;
  std::ifstream file(full, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", full.c_str());
    std::exit(1);
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

llmux::ChatRequest small_chat() {
  llmux::ChatRequest request;
  request.model = "small-model";
  request.system = "You are a helpful assistant. Answer briefly.";
  request.messages.push_back(llmux::Message::user("What is the capital of France?"));
  request.messages.push_back(llmux::Message::assistant("Paris."));
  request.messages.push_back(llmux::Message::user("And how many people live there? \"Roughly\" "
                                                  "is fine."));
  request.temperature = 0.7;
  request.max_tokens = 256;
  request.tools.push_back(llmux::Tool{
      "calculator", "Evaluates an arithmetic expression",
      R"({"type":"object","properties":{"expression":{"type":"string"}},)"
      R"("required":["expression"]})"});
  return request;
}

llmux::Endpoint endpoint_for(Provider provider) {
  llmux::Endpoint endpoint;
  endpoint.provider = provider;
  endpoint.api_key = "bench-key";
  return endpoint;
}

llmux::HttpResponseHead json_head() {
  llmux::HttpResponseHead head;
  head.status = 200;
  head.headers.push_back({"content-type", "application/json"});
  return head;
}

void request_row(benchmark::State &state, const ProviderCase &item,
                 const llmux::ChatRequest &request) {
  auto adapter = llmux::make_adapter(item.provider);
  const llmux::Endpoint endpoint = endpoint_for(item.provider);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto built = adapter->build_request(request, endpoint);
    if (!built.ok()) {
      state.SkipWithError("build_request failed");
      return;
    }
    bytes = built.value().body.size();
    benchmark::DoNotOptimize(built);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}

void response_row(benchmark::State &state, const ProviderCase &item, const std::string &body) {
  const llmux::HttpResponseHead head = json_head();
  for (auto _ : state) {
    auto decoded = llmux::decode(item.provider, false, head, body);
    if (decoded.error) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(decoded);
  }
}

void chat_row(benchmark::State &state, const ProviderCase &item, const std::string &body) {
  const llmux::ChatRequest request = small_chat();
  const llmux::HttpResponseHead head = json_head();
  auto adapter = llmux::make_adapter(item.provider);
  const llmux::Endpoint endpoint = endpoint_for(item.provider);
  for (auto _ : state) {
    auto built = adapter->build_request(request, endpoint);
    auto decoded = llmux::decode(item.provider, false, head, body);
    if (!built.ok() || decoded.error) {
      state.SkipWithError("the chat failed");
      return;
    }
    benchmark::DoNotOptimize(built);
    benchmark::DoNotOptimize(decoded);
  }
}

} // namespace

int main(int argc, char **argv) {
  static const llmux::ChatRequest request = small_chat();
  static const llmux::ChatRequest with_extra_body = [] {
    llmux::ChatRequest out = small_chat();
    out.extra_body = R"({"temperature":0.2,"seed":7,"provider":{"order":["a","b"]}})";
    return out;
  }();
  for (const ProviderCase &item : provider_cases) {
    const std::string body = read_fixture(item.response_fixture);
    benchmark::RegisterBenchmark((std::string("request/") + item.name).c_str(),
                                 [&item](benchmark::State &state) {
                                   request_row(state, item, request);
                                 });
    benchmark::RegisterBenchmark((std::string("response/") + item.name).c_str(),
                                 [&item, body](benchmark::State &state) {
                                   response_row(state, item, body);
                                 });
    benchmark::RegisterBenchmark((std::string("chat/") + item.name).c_str(),
                                 [&item, body](benchmark::State &state) {
                                   chat_row(state, item, body);
                                 });
  }
  benchmark::RegisterBenchmark("request+extra_body/openai", [](benchmark::State &state) {
    request_row(state, provider_cases[0], with_extra_body);
  });
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
