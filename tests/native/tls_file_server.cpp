#include "tls_file_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char **environ;

namespace llmux::testing {

namespace {

/// How long s_server may take to say which port it listens on.
constexpr std::chrono::seconds startup_limit{10};

/// Starts `arguments` (found on PATH) in `directory` with stdout and stderr going to `log`.
/// The process id, or -1.
pid_t start(const std::vector<std::string> &arguments, const std::string &directory,
            const std::string &log) {
  std::vector<char *> argv;
  for (const std::string &argument : arguments)
    argv.push_back(const_cast<char *>(argument.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TlsFileServer::TlsFileServer(std::vector<std::pair<std::string, std::string>> files) {
  std::string pattern = (std::filesystem::temp_directory_path() / "llmux-tls-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    problem_ = "cannot make a temporary directory";
    return;
  }
  directory_ = pattern;
  for (const auto &[name, response] : files)
    std::ofstream(directory_ + "/" + name, std::ios::binary) << response;

  // An EC key: generated in milliseconds, where RSA takes a noticeable fraction of a second.
  pid_t request =
      start({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj",
             "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"},
            directory_, directory_ + "/req.log");
  int status = 0;
  if (request < 0 || ::waitpid(request, &status, 0) != request || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    problem_ = "`openssl req` could not make a certificate (is the openssl CLI installed?): " +
               read_file(directory_ + "/req.log");
    return;
  }

  std::string log = directory_ + "/server.log";
  server_ = start({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", "cert.pem", "-key",
                   "key.pem", "-HTTP"},
                  directory_, log);
  if (server_ < 0) {
    problem_ = "`openssl s_server` could not start";
    return;
  }
  // s_server prints "ACCEPT 127.0.0.1:<port>" once it listens.
  auto deadline = std::chrono::steady_clock::now() + startup_limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(log);
    std::size_t accept = text.find("ACCEPT 127.0.0.1:");
    if (accept != std::string::npos && text.find('\n', accept) != std::string::npos) {
      port_ = std::atoi(text.c_str() + accept + std::string_view("ACCEPT 127.0.0.1:").size());
      return;
    }
    if (::waitpid(server_, &status, WNOHANG) == server_) {
      server_ = -1;
      problem_ = "`openssl s_server` exited: " + text;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  problem_ = "`openssl s_server` did not say which port it listens on: " + read_file(log);
}

TlsFileServer::~TlsFileServer() {
  if (server_ > 0) {
    ::kill(server_, SIGTERM);
    int status = 0;
    ::waitpid(server_, &status, 0);
  }
  if (!directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
}

std::string TlsFileServer::url(std::string_view name) const {
  return "https://127.0.0.1:" + std::to_string(port_) + "/" + std::string(name);
}

} // namespace llmux::testing
