// Hostile upstreams against the native driver end to end: the provider simulator's huge
// bodies, gzip bombs, slow drips and silences, through the session runner and libcurl. Each
// call ends with a clear error, within the deadline a test sets; memory is measured in a
// child process (this test binary, running the hidden [hostile-child] case), whose own
// getrusage says how much it ever held.

#include "simulator_process.hpp"

#include <llmux/llmux.hpp>
#include <llmux/native/http_client.hpp>
#include <llmux/native/session_runner.hpp>

#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>

extern char **environ;

using namespace llmux;
using namespace llmux::testing;

namespace {

SimulatorProcess &simulator() {
  static SimulatorProcess process;
  return process;
}

std::string new_lane(const std::string &name) {
  static std::atomic<int> counter{0};
  return "hostile-" + name + "-" + std::to_string(++counter);
}

// A call to the simulator's OpenAI lane, not retried unless a test says so.
SessionConfig ask(const std::string &lane, bool stream) {
  static const Catalog catalog = Catalog::builtin();
  const Settings settings = {{"OPENAI_API_KEY", "test-key-hostile"},
                             {"OPENAI_BASE_URL", simulator().lane_origin(lane) + "/v1"}};
  auto model = resolve_model(catalog, "openai/gpt-4o-mini", settings);
  REQUIRE(model.ok());
  SessionConfig config;
  config.models.push_back(std::move(model).value());
  config.request.messages.push_back(Message::user("hi"));
  config.request.stream = stream;
  config.retry.max_retries = 0;
  return config;
}

SessionResult run(native::HttpClient &client, SessionConfig config) {
  Session session(std::move(config));
  native::SessionRunOptions options;
  options.client = &client;
  return native::run_session(session, options);
}

// Scripts `step` and then a plain answer on a fresh lane; runs both calls on `client`; the
// first must fail with bad_response saying `why`, the second must answer.
void bad_then_good(native::HttpClient &client, const std::string &step, bool stream,
                   const std::string &why) {
  const std::string lane = new_lane("memory");
  simulator().script(lane, "[" + step + R"(, {"text": "fine again"}])");
  INFO(step << (stream ? " streamed" : " whole"));
  SessionResult bad = run(client, ask(lane, stream));
  REQUIRE(bad.error);
  CHECK(bad.error->code == ErrorCode::BadResponse);
  CHECK_THAT(bad.error->message, Catch::Contains(why));
  SessionResult good = run(client, ask(lane, stream));
  CHECK_FALSE(good.error);
  CHECK(good.response.text == "fine again");
}

constexpr long peak_limit_kb = 256 * 1024;

} // namespace

TEST_CASE("Hostile upstream (child process): huge bodies and gzip bombs end with bad_response",
          "[.][hostile-child]") {
  native::HttpClient client;
  constexpr const char *gigabyte = "1073741824";
  bad_then_good(client, std::string(R"({"body_bytes": )") + gigabyte + "}", false,
                "max_response_body_bytes (32 MiB)");
  bad_then_good(client, std::string(R"({"body_bytes": )") + gigabyte + "}", true,
                "longer than 16777216 bytes");
  bad_then_good(client, std::string(R"({"status": 500, "body_bytes": )") + gigabyte + "}", false,
                "max_error_body_bytes (1 MiB)");
  bad_then_good(client, R"({"gzip_bomb": 524288000})", false, "max_decompression_ratio");
  bad_then_good(client, R"({"gzip_bomb": 524288000})", true, "max_decompression_ratio");
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cout << "LLMUX-PEAK-RSS-KB " << usage.ru_maxrss << std::endl;
}

TEST_CASE("Hostile upstream: a 1 GB body and a gzip bomb leave the peak memory under 256 MB, "
          "and the next call succeeds",
          "[hostile][memory]") {
  int out[2];
  REQUIRE(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  char self[] = "/proc/self/exe";
  char filter[] = "[hostile-child]";
  char *arguments[] = {self, filter, nullptr};
  pid_t child = -1;
  REQUIRE(posix_spawn(&child, self, &actions, nullptr, arguments, environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string printed;
  char buffer[4096];
  for (ssize_t got; (got = read(out[0], buffer, sizeof buffer)) > 0;)
    printed.append(buffer, static_cast<std::size_t>(got));
  close(out[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  INFO(printed);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const std::size_t at = printed.find("LLMUX-PEAK-RSS-KB ");
  REQUIRE(at != std::string::npos);
  const long peak_kb = std::atol(printed.c_str() + at + 18);
  CHECK(peak_kb > 0);
  CHECK(peak_kb < peak_limit_kb);
}

TEST_CASE("Hostile upstream: a slow drip ends at the call's deadline", "[hostile][deadline]") {
  for (const char *from : {"body", "head"}) {
    for (bool stream : {false, true}) {
      INFO("drip from the " << from << (stream ? ", streamed" : ", whole"));
      const std::string lane = new_lane("drip");
      simulator().script(lane, std::string(R"([{"text": "a slow answer", "drip": {"every_ms": 100, "from": ")") +
                                   from + R"("}}])");
      SessionConfig config = ask(lane, stream);
      config.timeout_ms = 1'500;
      native::HttpClient client; // the default limits: 5 minutes idle, 10 for a response
      SessionResult result = run(client, std::move(config));
      REQUIRE(result.error);
      CHECK(result.error->code == ErrorCode::Timeout);
      CHECK_THAT(result.error->message, Catch::Contains("within its timeout of 1500 ms"));
    }
  }
}

TEST_CASE("Hostile upstream: a silent server ends at the call's deadline, retries included",
          "[hostile][deadline]") {
  const std::string lane = new_lane("silent");
  simulator().script(lane, R"([{"hang": true}, {"hang": true}, {"hang": true}, {"hang": true}])");
  SessionConfig config = ask(lane, false);
  config.timeout_ms = 1'000;
  config.retry.max_retries = 3;
  config.retry.initial_backoff_ms = 10;
  native::HttpClientOptions limits;
  limits.idle_timeout_ms = 400; // each attempt gives up after 400 ms of silence
  native::HttpClient client(limits);
  SessionResult result = run(client, std::move(config));
  REQUIRE(result.error);
  CHECK(result.error->code == ErrorCode::Timeout);
  CHECK_THAT(result.error->message, Catch::Contains("within its timeout of 1000 ms"));
  // Three attempts fit in the deadline at most (two idle limits, and one cut by the deadline).
  REQUIRE(result.models_tried.size() == 1);
  CHECK(result.models_tried[0].attempts >= 2);
  CHECK(result.models_tried[0].attempts <= 3);
}

TEST_CASE("Hostile upstream: a stream that falls silent after its first events times out, "
          "keeping its text",
          "[hostile][deadline]") {
  const std::string lane = new_lane("silent-stream");
  simulator().script(lane, R"([{"text": "one two three four", "silence_after_chunks": 3}])");
  SessionConfig config = ask(lane, true);
  native::HttpClientOptions limits;
  limits.idle_timeout_ms = 300;
  native::HttpClient client(limits);
  SessionResult result = run(client, std::move(config));
  REQUIRE(result.error);
  CHECK(result.error->code == ErrorCode::Timeout);
  CHECK_THAT(result.error->message, Catch::Contains("idle timeout"));
  CHECK(result.response.text == "one two");
}
