#include "locked_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace llmux::cli {

LockedFile::LockedFile(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code error;
  std::filesystem::create_directories(path_.parent_path(), error);
  const std::string lock_path = path_.string() + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
  if (lock_fd_ < 0)
    std::cerr << "llmux: cannot lock " << lock_path << ": " << std::strerror(errno) << '\n';
}

LockedFile::~LockedFile() {
  if (lock_fd_ >= 0)
    ::close(lock_fd_);
}

bool LockedFile::replace(std::string_view text) const {
  // The lock is held, so one temporary name is enough: no other llmux writes it meanwhile.
  const std::string temporary = path_.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written = fd >= 0;
  for (std::size_t at = 0; written && at < text.size();) {
    const ssize_t count = ::write(fd, text.data() + at, text.size() - at);
    if (count < 0 && errno == EINTR)
      continue;
    written = count > 0;
    at += written ? static_cast<std::size_t>(count) : 0;
  }
  written = written && ::fsync(fd) == 0;
  const int saved_errno = errno;
  if (fd >= 0)
    ::close(fd);
  if (!written) {
    std::cerr << "llmux: cannot write " << temporary << ": " << std::strerror(saved_errno) << '\n';
    ::unlink(temporary.c_str());
    return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, path_, error);
  if (error) {
    std::cerr << "llmux: cannot replace " << path_.string() << ": " << error.message() << '\n';
    return false;
  }
  return true;
}

} // namespace llmux::cli
