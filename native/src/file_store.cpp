#include <llmux/native/file_store.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmux::native {
namespace {

namespace fs = std::filesystem;

// What marks a temporary file: '~' is not a key character, so no key's file has it.
constexpr std::string_view temporary_marker = "~tmp.";

// A failure of the file system (a full disk, a permission, a damaged directory): `storage`,
// origin Session, as the storage belongs to llmux's own machinery (the ledger, the cache)
// rather than to the provider or the request. The message says what failed, where and why.
Error io_error(std::string_view what, std::string_view key, int error_number) {
  return make_error(ErrorCode::Storage, ErrorOrigin::Session,
                    std::string(what) + " " + std::string(key) + ": " +
                        std::system_category().message(error_number));
}

bool is_folder(const fs::path &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// Makes a directory's entries durable: a rename or a new file is only on the disk once the
// directory holding it is synced.
int sync_directory(const fs::path &directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int result = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return result;
}

// Writes all of `bytes`, across partial writes and interrupted calls; 0 or errno.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

// The process that wrote a temporary file, from "<name>~tmp.<pid>.<n>".
std::optional<pid_t> temporary_file_writer(std::string_view name) {
  std::size_t marker = name.find(temporary_marker);
  if (marker == std::string_view::npos)
    return std::nullopt;
  std::string_view rest = name.substr(marker + temporary_marker.size());
  long long pid = 0;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (error != std::errc() || end == rest.data() || pid <= 0)
    return std::nullopt;
  return static_cast<pid_t>(pid);
}

} // namespace

FileStore::FileStore(fs::path root) : root_(std::move(root)) {
  remove_stale_temporary_files();
}

void FileStore::remove_stale_temporary_files() {
  std::error_code error;
  fs::recursive_directory_iterator walk(root_, error);
  if (error)
    return; // no root yet, or unreadable: nothing to clean
  const pid_t self = ::getpid();
  for (fs::recursive_directory_iterator end; walk != end; walk.increment(error)) {
    if (error)
      return;
    const fs::directory_entry &entry = *walk;
    std::string name = entry.path().filename().string();
    if (name.find(temporary_marker) == std::string::npos || !entry.is_regular_file(error))
      continue;
    // A temporary file whose writer still runs may be a put in progress in another process:
    // it stays. Ours cannot be stale (this store has written nothing yet), and an unreadable
    // name is nobody's.
    auto writer = temporary_file_writer(name);
    if (writer && (*writer == self || ::kill(*writer, 0) == 0 || errno == EPERM))
      continue;
    ::unlink(entry.path().c_str());
  }
}

Result<std::optional<std::string>> FileStore::get(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  const fs::path path = root_ / fs::path(std::string(key));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return std::optional<std::string>();
    return io_error("reading", key, errno);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int error_number = errno;
    ::close(fd);
    return io_error("reading", key, error_number);
  }
  if (S_ISDIR(info.st_mode)) { // a folder of other keys holds no value
    ::close(fd);
    return std::optional<std::string>();
  }
  std::string value;
  value.reserve(static_cast<std::size_t>(std::max<off_t>(info.st_size, 0)));
  char buffer[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      int error_number = errno;
      ::close(fd);
      return io_error("reading", key, error_number);
    }
    if (got == 0)
      break;
    value.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(value));
}

Result<void> FileStore::put(std::string_view key, std::string_view value) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  std::error_code error;
  fs::create_directories(root_, error);
  if (error)
    return io_error("creating the store's root for", key, error.value());

  // The key's folders, one by one: a folder made here is synced into its parent, and a
  // segment that is a file (a key holding a value) is the caller's mistake, not the disk's.
  fs::path directory = root_;
  std::string_view rest = key;
  for (std::size_t slash = rest.find('/'); slash != std::string_view::npos;
       slash = rest.find('/')) {
    fs::path parent = directory;
    directory /= std::string(rest.substr(0, slash));
    rest.remove_prefix(slash + 1);
    if (::mkdir(directory.c_str(), 0700) == 0) {
      if (int sync_error = sync_directory(parent))
        return io_error("syncing the folder of", key, sync_error);
      continue;
    }
    if (errno != EEXIST)
      return io_error("creating the folder of", key, errno);
    if (!is_folder(directory))
      return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                        "store key \"" + std::string(key) + "\" lies under a key holding a value");
  }
  const fs::path target = directory / std::string(rest);
  if (is_folder(target))
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "store key \"" + std::string(key) + "\" is a folder of other keys");

  const fs::path temporary =
      directory / (std::string(rest) + std::string(temporary_marker) + std::to_string(::getpid()) +
                   "." + std::to_string(next_temporary_++));
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error("writing", key, errno);
  int write_error = write_all(fd, value);
  if (write_error == 0 && ::fsync(fd) != 0)
    write_error = errno;
  if (::close(fd) != 0 && write_error == 0)
    write_error = errno;
  if (write_error == 0 && ::rename(temporary.c_str(), target.c_str()) != 0)
    write_error = errno;
  if (write_error != 0) {
    ::unlink(temporary.c_str());
    return io_error("writing", key, write_error);
  }
  // The new value is in place; syncing the directory makes the rename survive a power cut.
  if (int sync_error = sync_directory(directory))
    return io_error("syncing the folder of", key, sync_error);
  return {};
}

Result<void> FileStore::append(std::string_view key, std::string_view bytes) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  const fs::path path = root_ / fs::path(std::string(key));
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    // No value yet (or a folder, or a path through a key's file): put writes the first
    // bytes atomically, makes the folders, and words the caller's mistakes.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
      return put(key, bytes);
    return io_error("appending to", key, errno);
  }
  struct stat info;
  int write_error = ::fstat(fd, &info) == 0 ? 0 : errno;
  if (write_error == 0)
    write_error = write_all(fd, bytes);
  if (write_error == 0 && ::fsync(fd) != 0)
    write_error = errno;
  // A failed append takes back what it wrote, so that the value is whole when the disk
  // allows; if even that fails, the reader copes with a cut end (see KeyValueStore::append).
  if (write_error != 0 && info.st_size >= 0 && ::ftruncate(fd, info.st_size) == 0)
    ::fsync(fd);
  if (::close(fd) != 0 && write_error == 0)
    write_error = errno;
  if (write_error != 0)
    return io_error("appending to", key, write_error);
  return {};
}

Result<Removed> FileStore::remove(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  const fs::path path = root_ / fs::path(std::string(key));
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return Removed::No;
    // Linux says EISDIR, POSIX EPERM, for a folder: a folder of other keys holds no value.
    if ((errno == EISDIR || errno == EPERM) && is_folder(path))
      return Removed::No;
    return io_error("removing", key, errno);
  }
  if (int sync_error = sync_directory(path.parent_path()))
    return io_error("syncing the folder of", key, sync_error);
  return Removed::Yes;
}

Result<std::vector<std::string>> FileStore::list(std::string_view prefix) {
  if (!is_valid_store_prefix(prefix))
    return invalid_store_prefix(prefix);
  // Only the folder the prefix is in needs walking: "ledger/records/2026-" walks
  // root/ledger/records.
  std::size_t last_slash = prefix.rfind('/');
  std::string folder(last_slash == std::string_view::npos ? std::string_view()
                                                          : prefix.substr(0, last_slash + 1));
  std::vector<std::string> keys;
  const fs::path start = folder.empty() ? root_ : root_ / fs::path(folder);
  if (!is_folder(start))
    return keys;

  std::error_code error;
  fs::recursive_directory_iterator walk(start, error);
  for (fs::recursive_directory_iterator end; !error && walk != end; walk.increment(error)) {
    const fs::directory_entry &entry = *walk;
    const fs::file_status status = entry.symlink_status(error);
    if (error)
      break;
    std::string name = entry.path().filename().string();
    // Temporary files and anything else that is not a key's file stay invisible; folders
    // that could not be part of a key are not entered.
    if (!is_valid_store_key(name)) {
      if (fs::is_directory(status))
        walk.disable_recursion_pending();
      continue;
    }
    if (!fs::is_regular_file(status))
      continue;
    std::string key = folder + entry.path().lexically_relative(start).generic_string();
    if (key.compare(0, prefix.size(), prefix) == 0 && is_valid_store_key(key))
      keys.push_back(std::move(key));
  }
  if (error)
    return io_error("listing", prefix.empty() ? std::string_view("the store") : prefix,
                    error.value());
  std::sort(keys.begin(), keys.end());
  return keys;
}

} // namespace llmux::native
