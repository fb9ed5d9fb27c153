#pragma once
// The provider simulator (tests/simulator, Node) as a child process of a native test: started
// on a free loopback port, scripted and inspected over its control API, stopped with the
// test (it exits when its stdin closes, so even a crashed test leaves no server behind).

#include <llmux/native/http_client.hpp>

#include <string>
#include <sys/types.h>

namespace llmux::testing {

class SimulatorProcess {
public:
  /// Starts `node tests/simulator/main.mjs` and waits for its "listening" line. Fails the
  /// test (Catch2 FAIL) when it does not start.
  SimulatorProcess();
  ~SimulatorProcess();
  SimulatorProcess(const SimulatorProcess &) = delete;
  SimulatorProcess &operator=(const SimulatorProcess &) = delete;

  /// "http://127.0.0.1:PORT"
  const std::string &origin() const noexcept { return origin_; }
  /// The origin with a lane prefix: where a test's provider base URLs point.
  std::string lane_origin(const std::string &lane) const { return origin_ + "/lane/" + lane; }
  /// Appends steps (a JSON array text) to the lane's script.
  void script(const std::string &lane, const std::string &steps_json);
  /// The lane's recorded requests, as JSON text.
  std::string requests(const std::string &lane);
  /// Sets the models the lane's discovery endpoints list (a JSON array of ids).
  void set_models(const std::string &lane, const std::string &models_json);

private:
  std::string control(const std::string &method, const std::string &path, const std::string &body);
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::string origin_;
  native::HttpClient client_;
};

} // namespace llmux::testing
