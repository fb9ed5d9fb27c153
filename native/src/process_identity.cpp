#include "process_identity.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <optional>

#include <signal.h>
#include <unistd.h>

namespace llmux::native {
namespace {

std::string first_line(const char *path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

struct ProcessStat {
  char state = '?';
  std::int64_t start_ticks = 0;
};

// Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat. Field 2, the command name in
// parentheses, may hold spaces and parentheses itself: the fields after it start after the
// last ')'.
std::optional<ProcessStat> process_stat(std::int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in)
    return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t at = text.rfind(')');
  if (at == std::string::npos)
    return std::nullopt;
  ProcessStat stat;
  // After ") ": state is field 3; starttime is 19 fields later.
  std::size_t field = 2;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] != ' ')
      continue;
    ++field;
    const char *begin = text.data() + i + 1;
    if (field == 3)
      stat.state = *begin;
    if (field == 22) {
      std::from_chars(begin, text.data() + text.size(), stat.start_ticks);
      return stat;
    }
  }
  return std::nullopt;
}

} // namespace

ProcessIdentity current_process() {
  ProcessIdentity self;
  self.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  char target[256];
  ssize_t length = ::readlink("/proc/self/ns/pid", target, sizeof target);
  if (length > 0)
    self.pid_namespace.assign(target, static_cast<std::size_t>(length));
  self.pid = ::getpid();
  if (auto stat = process_stat(self.pid))
    self.start_ticks = stat->start_ticks;
  return self;
}

Liveness liveness(const ProcessIdentity &owner, const ProcessIdentity &self) {
  if (owner.boot_id != self.boot_id)
    return Liveness::Ended; // the machine rebooted since: nothing of that boot runs
  if (owner.pid_namespace != self.pid_namespace)
    return Liveness::Unknown;
  if (owner.pid <= 0)
    return Liveness::Ended;
  if (::kill(static_cast<pid_t>(owner.pid), 0) != 0 && errno == ESRCH)
    return Liveness::Ended;
  auto stat = process_stat(owner.pid);
  if (!stat)
    return Liveness::Running; // it exists (kill said so) but /proc hides it: assume it runs
  if (stat->state == 'Z' || stat->state == 'X')
    return Liveness::Ended;
  if (owner.start_ticks != 0 && stat->start_ticks != owner.start_ticks)
    return Liveness::Ended;
  return Liveness::Running;
}

} // namespace llmux::native
