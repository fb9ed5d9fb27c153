#include "simulator_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace llmux::testing {
namespace {

class Collect final : public native::ResponseReceiver {
public:
  void on_head(const HttpResponseHead &head) override { status = head.status; }
  void on_body(std::string_view bytes) override { body.append(bytes); }
  int status = 0;
  std::string body;
};

} // namespace

SimulatorProcess::SimulatorProcess() {
  int to_child[2];
  int from_child[2];
  REQUIRE(pipe(to_child) == 0);
  REQUIRE(pipe(from_child) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  posix_spawn_file_actions_addclose(&actions, to_child[1]);
  posix_spawn_file_actions_addclose(&actions, from_child[0]);
  const std::string script = std::string(LLMUX_SOURCE_DIR) + "/tests/simulator/main.mjs";
  char *argv[] = {const_cast<char *>("node"), const_cast<char *>(script.c_str()), nullptr};
  const int spawned = posix_spawnp(&pid_, "node", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  stdin_fd_ = to_child[1];
  REQUIRE(spawned == 0);
  // The first line: "listening http://127.0.0.1:PORT".
  std::string line;
  char c;
  while (read(from_child[0], &c, 1) == 1 && c != '\n')
    line += c;
  close(from_child[0]);
  const std::string prefix = "listening ";
  REQUIRE(line.rfind(prefix, 0) == 0);
  origin_ = line.substr(prefix.size());
}

SimulatorProcess::~SimulatorProcess() {
  if (stdin_fd_ >= 0)
    close(stdin_fd_); // the simulator exits when its stdin closes
  if (pid_ > 0) {
    int status = 0;
    // Give it a moment to go by itself, then make sure.
    for (int i = 0; i < 50 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
      usleep(10'000);
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
}

std::string SimulatorProcess::control(const std::string &method, const std::string &path,
                                      const std::string &body) {
  HttpRequest request;
  request.method = method;
  request.url = origin_ + path;
  request.body = body;
  if (!body.empty())
    request.headers.push_back({"content-type", "application/json"});
  Collect collect;
  auto failure = client_.perform(request, collect);
  if (failure)
    FAIL("simulator control " << path << ": " << failure->message);
  if (collect.status != 200)
    FAIL("simulator control " << path << ": HTTP " << collect.status << ": " << collect.body);
  return collect.body;
}

void SimulatorProcess::script(const std::string &lane, const std::string &steps_json) {
  control("POST", "/_sim/lanes/" + lane + "/script", "{\"responses\":" + steps_json + "}");
}

std::string SimulatorProcess::requests(const std::string &lane) {
  return control("GET", "/_sim/lanes/" + lane + "/requests", "");
}

void SimulatorProcess::set_models(const std::string &lane, const std::string &models_json) {
  control("POST", "/_sim/lanes/" + lane + "/models", "{\"models\":" + models_json + "}");
}

} // namespace llmux::testing
