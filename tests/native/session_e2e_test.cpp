// The session end to end: the core's state machine driven by the native runner over libcurl,
// against the provider simulator on loopback, for every wire format llmux speaks.

#include "simulator_process.hpp"

#include <llmux/builtin_tools.hpp>
#include <llmux/key_value_store.hpp>
#include <llmux/ledger.hpp>
#include <llmux/llmux.hpp>
#include <llmux/native/http_client.hpp>
#include <llmux/native/session_runner.hpp>
#include <llmux/session.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace llmux;
using namespace llmux::testing;

namespace {

SimulatorProcess &simulator() {
  static SimulatorProcess process;
  return process;
}

std::string unique_lane(const std::string &name) {
  static std::atomic<int> counter{0};
  return name + "-" + std::to_string(++counter);
}

// A provider as the tests call it: a model name and the settings that point it at a lane.
struct Target {
  std::string label;
  std::string model;
  std::string prefix; // settings prefix
  std::string path;   // appended to the lane's origin for the base URL
  /// Whether a stream reports usage: llmux asks OpenAI-compatible servers for it
  /// (stream_options) except local servers, which differ and may refuse the option.
  bool stream_usage = true;
};

const std::vector<Target> &targets() {
  static const std::vector<Target> all = {
      {"openai", "openai/gpt-4o-mini", "OPENAI", "/v1"},
      {"anthropic", "anthropic/claude-3-5-sonnet-20241022", "ANTHROPIC", ""},
      {"ollama", "ollama/llama3.1:8b", "OLLAMA", ""},
      {"gemini", "gemini/gemini-2.5-flash", "GEMINI", ""},
      {"cohere", "cohere/command-a-03-2025", "COHERE", ""},
      {"vllm", "vllm/Qwen/Qwen2.5-7B-Instruct", "VLLM", "/v1"},
      {"mistral", "mistral/mistral-small-latest", "MISTRAL", "/v1"},
      {"xai", "xai/grok-3-mini", "XAI", "/v1"},
      {"huggingface", "huggingface/meta-llama/Meta-Llama-3.1-8B-Instruct", "HUGGINGFACE", "/v1"},
      {"azure", "azure-gpt-4o", "AZURE_OPENAI", ""},
      {"runpod", "runpod-qwen2.5-7b-instruct", "RUNPOD", "/v1"},
      {"local", "local/my-finetune", "LOCAL", "/v1", false},
  };
  return all;
}

// Mistral reports a stream's usage on its last chunk unasked (llmux does not ask: Mistral
// rejects stream_options); the simulator does so when told.
std::string usage_style(const Target &target) {
  return target.label == "mistral" ? R"(, "usage_in_last_chunk": true)" : "";
}

ResolvedModel resolve_at(const Target &target, const std::string &lane) {
  static const Catalog catalog = Catalog::builtin();
  Settings settings = {
      {target.prefix + "_API_KEY", "test-key-" + target.label},
      {target.prefix + "_BASE_URL", simulator().lane_origin(lane) + target.path},
  };
  if (target.label == "runpod") // a pod, through its proxy (the lane), with the key its vLLM checks
    settings = {{"RUNPOD_POD_ID", "pod1"},
                {"RUNPOD_PROXY_URL", simulator().lane_origin(lane) + "/v1"},
                {"RUNPOD_POD_API_KEY", "test-key-runpod"},
                {"RUNPOD_API_KEY", "runpod-account-key"}};
  auto resolved = resolve_model(catalog, target.model, settings);
  INFO(target.model);
  REQUIRE(resolved.ok());
  REQUIRE(resolved.value().ready());
  return std::move(resolved).value();
}

struct Run {
  SessionResult result;
  std::vector<SessionEvent> events;
  std::string streamed;
};

// One call of a built-in tool (run() runs the calls of a round in parallel).
ToolOutput run_builtin(const ToolRun &tool_run) {
  auto output = run_builtin_tool(tool_run.call.name, tool_run.call.arguments, 0);
  return ToolOutput{tool_run.call.id, output.ok(), output.ok() ? output.value() : output.error().message,
                    std::nullopt};
}

Run run(SessionConfig config, native::HttpClientOptions http = {}, const native::CancelFlag *cancel = nullptr,
        native::ToolHandler tools = run_builtin) {
  native::HttpClient client(http);
  Session session(std::move(config));
  Run out;
  native::SessionRunOptions options;
  options.client = &client;
  options.cancel = cancel;
  options.run_tools = native::run_in_parallel(std::move(tools));
  options.on_event = [&](const SessionEvent &event) {
    out.events.push_back(event);
    if (event.kind == SessionEvent::Kind::Stream && event.stream.type == StreamEventType::TextDelta)
      out.streamed += event.stream.text;
  };
  out.result = native::run_session(session, options);
  return out;
}

SessionConfig ask(ResolvedModel model, std::string question, bool stream) {
  SessionConfig config;
  config.models.push_back(std::move(model));
  config.request.messages.push_back(Message::user(std::move(question)));
  config.request.stream = stream;
  config.retry.initial_backoff_ms = 10;
  return config;
}

} // namespace

TEST_CASE("Session over HTTP: a whole and a streamed answer from every provider", "[e2e]") {
  for (const Target &target : targets()) {
    for (bool stream : {false, true}) {
      INFO(target.label << (stream ? " streamed" : " whole"));
      const std::string lane = unique_lane(target.label);
      simulator().script(lane, R"([{"text": "The capital of France is Paris.", "usage": {"input": 14, "output": 8})" +
                                   usage_style(target) + "}]");
      Run out = run(ask(resolve_at(target, lane), "What is the capital of France?", stream));
      REQUIRE_FALSE(out.result.error);
      CHECK(out.result.response.text == "The capital of France is Paris.");
      if (!stream || target.stream_usage) {
        CHECK(out.result.usage.input_tokens == 14);
        CHECK(out.result.usage.output_tokens == 8);
      } else {
        // No usage, so no cost: unknown, never a made-up zero.
        CHECK(out.result.usage.empty());
        CHECK_FALSE(out.result.cost);
      }
      if (stream)
        CHECK(out.streamed == "The capital of France is Paris.");
      const std::string requests = simulator().requests(lane);
      CHECK(requests.find("What is the capital of France?") != std::string::npos);
      // The key went where the provider wants it, and nowhere the result shows it.
      CHECK(requests.find("test-key-" + target.label) != std::string::npos);
      CHECK(requests.find("runpod-account-key") == std::string::npos); // never sent to a pod
    }
  }
}

TEST_CASE("Session over HTTP: a tool round with parallel calls for every provider", "[e2e][tools]") {
  for (const Target &target : targets()) {
    for (bool stream : {false, true}) {
      INFO(target.label << (stream ? " streamed" : " whole"));
      const std::string lane = unique_lane(target.label + "-tools");
      simulator().script(lane, R"([
        {"tool_calls": [{"id": "call_a", "name": "calculator", "arguments": {"expression": "6*7"}},
                        {"id": "call_b", "name": "calculator", "arguments": {"expression": "2^10"}}],
         "usage": {"input": 50, "output": 20})" + usage_style(target) + R"(},
        {"text": "42 and 1024.", "usage": {"input": 90, "output": 6})" + usage_style(target) + "}]");
      SessionConfig config = ask(resolve_at(target, lane), "Compute 6*7 and 2^10.", stream);
      config.request.tools.push_back(*find_builtin_tool("calculator"));
      Run out = run(std::move(config));
      REQUIRE_FALSE(out.result.error);
      CHECK(out.result.response.text == "42 and 1024.");
      CHECK(out.result.tool_rounds == 1);
      REQUIRE(out.result.tools_called.size() == 2);
      CHECK(out.result.tools_called[0].ok);
      CHECK(out.result.tools_called[0].result.find("42") != std::string::npos);
      CHECK(out.result.tools_called[1].result.find("1024") != std::string::npos);
      if (!stream || target.stream_usage)
        CHECK(out.result.usage.input_tokens == 140);
      // The second request carried both results back.
      const std::string requests = simulator().requests(lane);
      CHECK(requests.find("1024") != std::string::npos);
    }
  }
}

TEST_CASE("Session over HTTP: retries a 429 after Retry-After, then answers", "[e2e][retry]") {
  const Target &openai = targets()[0];
  const std::string lane = unique_lane("retry");
  simulator().script(lane, R"([
    {"status": 429, "headers": {"retry-after-ms": "40"}},
    {"status": 500},
    {"text": "third time lucky"}])");
  Run out = run(ask(resolve_at(openai, lane), "hi", true));
  REQUIRE_FALSE(out.result.error);
  CHECK(out.streamed == "third time lucky");
  CHECK(out.result.models_tried[0].attempts == 3);
  std::size_t retries = 0;
  for (const SessionEvent &event : out.events)
    retries += event.kind == SessionEvent::Kind::Retrying;
  CHECK(retries == 2);
}

TEST_CASE("Session over HTTP: an overloaded Anthropic falls back to OpenAI", "[e2e][fallback]") {
  const std::string lane = unique_lane("fallback");
  simulator().script(lane, R"([{"status": 529}, {"status": 529}, {"text": "from openai"}])");
  SessionConfig config = ask(resolve_at(targets()[1], lane), "hi", true);
  config.models.push_back(resolve_at(targets()[0], lane));
  config.retry.max_retries = 1;
  Run out = run(std::move(config));
  REQUIRE_FALSE(out.result.error);
  CHECK(out.streamed == "from openai");
  CHECK(out.result.model == out.result.models_tried[1].model);
  REQUIRE(out.result.models_tried[0].error);
  CHECK(out.result.models_tried[0].error->code == ErrorCode::Overloaded);
}

TEST_CASE("Session over HTTP: a stream cut before any output is retried", "[e2e][stream]") {
  const std::string lane = unique_lane("cut-early");
  simulator().script(lane, R"([{"text": "never seen", "disconnect_after_chunks": 0},
                               {"text": "second try"}])");
  Run out = run(ask(resolve_at(targets()[0], lane), "hi", true));
  REQUIRE_FALSE(out.result.error);
  CHECK(out.streamed == "second try");
}

TEST_CASE("Session over HTTP: a stream cut after output fails with the usage so far", "[e2e][stream]") {
  const std::string lane = unique_lane("cut-late");
  simulator().script(lane, R"([{"text": "one two three four five six", "disconnect_after_chunks": 4,
                                "usage": {"input": 30, "output": 9}}])");
  Run out = run(ask(resolve_at(targets()[1], lane), "count", true));
  REQUIRE(out.result.error);
  CHECK(out.result.error->code == ErrorCode::Network);
  CHECK_FALSE(out.streamed.empty());
  CHECK(out.result.usage.input_tokens == 30); // Anthropic's message_start arrived
  REQUIRE_FALSE(out.events.empty());
  CHECK(out.events.back().kind == SessionEvent::Kind::Failed);
  CHECK(out.events.back().usage.input_tokens == 30);
}

TEST_CASE("Session over HTTP: a stalled provider times out and the chain moves on", "[e2e][timeout]") {
  const std::string lane = unique_lane("stall");
  simulator().script(lane, R"([{"hang": true}, {"text": "the fallback answered"}])");
  SessionConfig config = ask(resolve_at(targets()[0], lane), "hi", false);
  config.retry.max_retries = 0;
  config.models.push_back(resolve_at(targets()[1], lane));
  native::HttpClientOptions http;
  http.idle_timeout_ms = 300;
  Run out = run(std::move(config), http);
  REQUIRE_FALSE(out.result.error);
  CHECK(out.result.response.text == "the fallback answered");
  CHECK(out.result.models_tried[0].error->code == ErrorCode::Timeout);
}

TEST_CASE("Session over HTTP: cancelling mid-stream records what was spent", "[e2e][cancel]") {
  const std::string lane = unique_lane("cancel");
  simulator().script(lane, R"([{"text": "a b c d e f g h i j k l m n o p", "chunk_delay_ms": 100,
                                "usage": {"input": 12, "output": 16}}])");
  Ledger ledger;
  SessionConfig config = ask(resolve_at(targets()[1], lane), "letters", true);
  config.ledger = &ledger;
  config.user = "dana";
  native::CancelFlag cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    cancel.cancel();
  });
  Run out = run(std::move(config), {}, &cancel);
  canceller.join();
  REQUIRE(out.result.error);
  CHECK(out.result.error->code == ErrorCode::Cancelled);
  REQUIRE(ledger.records().value().size() == 1);
  CHECK(ledger.records().value()[0].outcome == "cancelled");
  CHECK(ledger.records().value()[0].usage.input_tokens == 12);
}

TEST_CASE("Session over HTTP: an error status is reported with the provider's words", "[e2e]") {
  const std::string lane = unique_lane("auth");
  simulator().script(lane, R"([{"status": 401, "error": {"message": "Incorrect API key provided"}}])");
  Run out = run(ask(resolve_at(targets()[0], lane), "hi", false));
  REQUIRE(out.result.error);
  CHECK(out.result.error->code == ErrorCode::AuthFailed);
  CHECK(out.result.error->http_status == 401);
  CHECK(out.result.error->message.find("test-key") == std::string::npos);
  CHECK(out.result.models_tried[0].attempts == 1);
}

TEST_CASE("Session over HTTP: the tool calls of one round run at the same time", "[e2e][tools]") {
  // Each call waits until the other has started. Run one after the other, the first would
  // wait for a start that never comes and fail after 10 s, and the test with it.
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> started;
  auto rendezvous = [&](const ToolRun &tool_run) {
    std::unique_lock<std::mutex> lock(mutex);
    started.push_back(tool_run.call.id);
    changed.notify_all();
    const bool met = changed.wait_for(lock, std::chrono::seconds(10), [&] { return started.size() == 2; });
    return ToolOutput{tool_run.call.id, met, met ? "met the other call" : "the other call never started",
                      std::nullopt};
  };
  const std::string lane = unique_lane("rendezvous");
  simulator().script(lane, R"([
    {"tool_calls": [{"id": "call_a", "name": "calculator", "arguments": {"expression": "1"}},
                    {"id": "call_b", "name": "calculator", "arguments": {"expression": "2"}}]},
    {"text": "both met"}])");
  SessionConfig config = ask(resolve_at(targets()[0], lane), "meet", false);
  config.request.tools.push_back(*find_builtin_tool("calculator"));
  Run out = run(std::move(config), {}, nullptr, rendezvous);
  REQUIRE_FALSE(out.result.error);
  CHECK(out.result.response.text == "both met");
  REQUIRE(out.result.tools_called.size() == 2);
  for (const auto &called : out.result.tools_called) {
    INFO(called.id << ": " << called.result);
    CHECK(called.ok);
  }
  CHECK(started.size() == 2);
}
