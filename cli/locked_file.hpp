#pragma once
// A small file that several llmux processes may change at once (the user's models, the
// deployments registry): read, changed and written back under an exclusive lock, and written
// whole to a temporary file that is then renamed over the old one, so that concurrent deploys
// never lose each other's entries and a crash leaves the old file or the new one, never half.

#include <filesystem>
#include <string_view>

namespace llmux::cli {

/// An exclusive flock on PATH.lock, held while the object lives (closing the descriptor
/// releases it, also when the process dies).
class LockedFile {
public:
  /// Creates PATH's folder when missing and waits for the lock.
  explicit LockedFile(std::filesystem::path path);
  ~LockedFile();
  LockedFile(const LockedFile &) = delete;
  LockedFile &operator=(const LockedFile &) = delete;

  /// Whether the lock is held; when not, the constructor has said why on stderr.
  bool held() const noexcept { return lock_fd_ >= 0; }

  /// Replaces the file's content with `text`: a temporary file beside it, flushed to disk,
  /// renamed over it. False after saying why on stderr.
  bool replace(std::string_view text) const;

private:
  std::filesystem::path path_;
  int lock_fd_ = -1;
};

} // namespace llmux::cli
