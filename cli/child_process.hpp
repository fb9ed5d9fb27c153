#pragma once
// The servers llmux deploy starts on this machine (vLLM, `ollama create`): started in the
// background in a process group of their own, their output in a log file.

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace llmux::cli {

/// Starts `argv` (found on PATH) in the background, in a new process group of its own (so
/// Ctrl-C in this terminal later does not stop it, and `deploy stop` can end it with its
/// children), stdin from /dev/null, stdout and stderr appended to `log`. Its pid (which is
/// also its process group's id), or -1 when it could not start.
pid_t spawn_in_own_group(const std::vector<std::string> &argv, const std::filesystem::path &log);

/// Runs `argv` like spawn_in_own_group and waits for it; its exit status, -1 when it could not
/// start or did not exit normally.
int run_to_end(const std::vector<std::string> &argv, const std::filesystem::path &log);

/// The last 2000 bytes of `log`: what a failed server said last.
std::string tail_of(const std::filesystem::path &log);

/// Whether any process of the group `group` is still alive (zombies count until reaped).
bool process_group_alive(pid_t group);

/// Sends SIGTERM to every process of `group`, waits up to `grace_ms` for them to exit, then
/// sends SIGKILL. True once the group is gone.
bool terminate_process_group(pid_t group, int grace_ms);

/// The command line of process `pid` as /proc shows it (arguments joined by spaces), or
/// nothing where /proc has no such process (or no /proc at all).
std::string process_command_line(pid_t pid);

} // namespace llmux::cli
