#include "child_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>

extern char **environ;

namespace llmux::cli {

pid_t spawn_in_own_group(const std::vector<std::string> &argv, const std::filesystem::path &log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char *> args;
  for (const std::string &arg : argv)
    args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return failed ? -1 : pid;
}

int run_to_end(const std::vector<std::string> &argv, const std::filesystem::path &log) {
  pid_t pid = spawn_in_own_group(argv, log);
  if (pid < 0)
    return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail_of(const std::filesystem::path &log) {
  std::ifstream in(log);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

namespace {

// Whether /proc lists a process of `group` that is not a zombie. A server whose parent (the
// llmux that started it) has exited is reparented, and not every init reaps: its zombie would
// answer signal 0 forever.
bool proc_lists_live_member(pid_t group) {
  std::error_code error;
  for (const auto &entry : std::filesystem::directory_iterator("/proc", error)) {
    // Processes are the folders named by a number (/proc/net/stat, say, is a folder).
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    long parent = 0, process_group = 0;
    if (fields >> state >> parent >> process_group && process_group == group && state != 'Z')
      return true;
  }
  return false;
}

} // namespace

bool process_group_alive(pid_t group) {
  // Signal 0 checks without sending; EPERM means it exists but is another user's.
  if (group <= 0 || (kill(-group, 0) != 0 && errno != EPERM))
    return false;
  if (!std::filesystem::exists("/proc/self/stat"))
    return true;
  return proc_lists_live_member(group);
}

bool terminate_process_group(pid_t group, int grace_ms) {
  if (!process_group_alive(group))
    return true;
  kill(-group, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    // Our own child (a server this process started) must be reaped to be gone.
    waitpid(group, nullptr, WNOHANG);
    if (!process_group_alive(group))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-group, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  waitpid(group, nullptr, WNOHANG);
  return !process_group_alive(group);
}

std::string process_command_line(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string line((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char &c : line)
    if (c == '\0')
      c = ' ';
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  return line;
}

} // namespace llmux::cli
