#pragma once
// Which process holds a reservation, and whether it still runs: what lets a reservation of a
// process that died without releasing it (kill -9, a crash, a power cut) be reclaimed by the
// next process that reserves, instead of holding budget forever.
//
// A pid alone is not an identity: pids are reused. A pid with the process's start time (in
// clock ticks since boot, /proc/<pid>/stat) is, within one boot; the boot id tells boots
// apart, and the pid namespace tells whether our /proc can see the process at all (a
// container sharing the data directory has pids of its own). Linux only, like the rest of
// the native driver.

#include <cstdint>
#include <string>

namespace llmux::native {

struct ProcessIdentity {
  /// /proc/sys/kernel/random/boot_id, or "" where there is none.
  std::string boot_id;
  /// The pid namespace ("pid:[4026531836]"), or "" where there is none.
  std::string pid_namespace;
  std::int64_t pid = 0;
  /// The start time in clock ticks since boot, or 0 where unknown.
  std::int64_t start_ticks = 0;

  friend bool operator==(const ProcessIdentity &, const ProcessIdentity &) = default;
};

/// This process, as it is now (after a fork, the child's own).
ProcessIdentity current_process();

enum class Liveness : std::uint8_t {
  Running,
  Ended,
  /// Of another pid namespace, which our /proc cannot see into: only its age can tell.
  Unknown,
};

/// Whether `owner` still runs, as seen by `self`: ended when it is of an earlier boot, when no
/// process has its pid, when the process with its pid started at another time (the pid was
/// reused) or is a zombie (it ended and its parent has not reaped it yet).
Liveness liveness(const ProcessIdentity &owner, const ProcessIdentity &self);

} // namespace llmux::native
