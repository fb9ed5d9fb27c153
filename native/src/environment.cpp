#include <llmux/native/environment.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

namespace llmux::native {
namespace {

std::optional<std::string> setting(const Settings &settings, std::string_view name) {
  if (auto found = settings.find(name); found != settings.end() && !found->second.empty())
    return found->second;
  return std::nullopt;
}

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

} // namespace

Settings settings_from_environment() {
  Settings settings;
  for (char **entry = environ; entry && *entry; ++entry) {
    std::string_view pair(*entry);
    std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos && equals > 0)
      settings.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
  }
  return settings;
}

Result<std::optional<std::string>> read_config_file(const std::filesystem::path &path,
                                                    std::string_view setting, bool named) {
  const std::string name =
      (named ? std::string(setting) + " names " : std::string()) + path.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer before the check below refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return std::optional<std::string>();
    return invalid(name + ", which cannot be read (" + std::strerror(errno) + ")");
  }
  struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    return invalid(name + ", which cannot be read (" + std::strerror(errno) + ")");
  if (!S_ISREG(info.st_mode))
    return invalid(name + (S_ISDIR(info.st_mode) ? ", which is a directory, not a file"
                                                 : ", which is not a regular file"));
  const std::string too_large =
      name + ", which is larger than " + std::to_string(max_config_file_bytes >> 20) + " MiB";
  if (static_cast<std::uintmax_t>(info.st_size) > max_config_file_bytes)
    return invalid(too_large);
  // Read to the end, never past the limit: files under /proc say they are empty, and a file
  // may grow while it is read.
  std::string text;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return invalid(name + ", which cannot be read (" + std::strerror(errno) + ")");
    if (got == 0)
      break;
    if (text.size() + static_cast<std::size_t>(got) > max_config_file_bytes)
      return invalid(too_large);
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return std::optional<std::string>(std::move(text));
}

Result<Settings> load_settings() {
  Settings settings = settings_from_environment();
  std::filesystem::path path;
  bool named = false;
  if (auto file = setting(settings, "LLMUX_SETTINGS_FILE")) {
    path = *file;
    named = true;
  } else if (auto config = setting(settings, "XDG_CONFIG_HOME")) {
    path = std::filesystem::path(*config) / "llmux" / "settings";
  } else if (auto home = setting(settings, "HOME")) {
    path = std::filesystem::path(*home) / ".config" / "llmux" / "settings";
  }
  if (path.empty())
    return settings;
  auto text = read_config_file(path, "LLMUX_SETTINGS_FILE", named);
  if (!text.ok())
    return text.error();
  if (!text.value()) {
    if (named)
      return invalid("LLMUX_SETTINGS_FILE names " + path.string() + ", which does not exist");
    return settings;
  }
  const std::string_view lines = *text.value();
  std::size_t at = 0;
  for (int number = 1; at < lines.size(); ++number) {
    std::size_t end = lines.find('\n', at);
    if (end == std::string_view::npos)
      end = lines.size();
    const std::string line(lines.substr(at, end - at));
    at = end + 1;
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#')
      continue;
    std::size_t equals = line.find('=', start);
    if (equals == std::string::npos || equals == start)
      return invalid(path.string() + ":" + std::to_string(number) + ": not a KEY=VALUE line");
    std::string key = line.substr(start, equals - start);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
      key.pop_back();
    std::string value = line.substr(equals + 1);
    if (!value.empty() && value.back() == '\r')
      value.pop_back();
    // The environment wins: emplace keeps what is already there.
    settings.emplace(std::move(key), std::move(value));
  }
  return settings;
}

std::filesystem::path user_models_path(const Settings &settings) {
  if (auto file = setting(settings, "LLMUX_MODELS_FILE"))
    return *file;
  if (auto config = setting(settings, "XDG_CONFIG_HOME"))
    return std::filesystem::path(*config) / "llmux" / "models.json";
  if (auto home = setting(settings, "HOME"))
    return std::filesystem::path(*home) / ".config" / "llmux" / "models.json";
  return {};
}

std::filesystem::path routes_path(const Settings &settings) {
  if (auto file = setting(settings, "LLMUX_ROUTES_FILE"))
    return *file;
  if (auto config = setting(settings, "XDG_CONFIG_HOME"))
    return std::filesystem::path(*config) / "llmux" / "routes.json";
  if (auto home = setting(settings, "HOME"))
    return std::filesystem::path(*home) / ".config" / "llmux" / "routes.json";
  return {};
}

Result<std::optional<std::string>> read_routes(const Settings &settings) {
  const std::filesystem::path path = routes_path(settings);
  if (path.empty())
    return std::optional<std::string>();
  return read_config_file(path, "LLMUX_ROUTES_FILE",
                          setting(settings, "LLMUX_ROUTES_FILE").has_value());
}

Result<Catalog> load_catalog(const Settings &settings) {
  Catalog catalog = Catalog::builtin();
  const std::filesystem::path path = user_models_path(settings);
  const bool named = setting(settings, "LLMUX_MODELS_FILE").has_value();
  if (path.empty())
    return catalog;
  // No file is no user models yet (`llmux deploy` creates it); a file that is there but
  // cannot be read is an error, since its models would silently be missing.
  auto text = read_config_file(path, "LLMUX_MODELS_FILE", named);
  if (!text.ok())
    return text.error();
  if (!text.value())
    return catalog;
  auto added = catalog.add_json(*text.value());
  if (!added.ok()) {
    Error error = std::move(added).error();
    error.message = path.string() + ": " + error.message;
    return error;
  }
  return catalog;
}

std::filesystem::path data_directory(const Settings &settings) {
  if (auto home = setting(settings, "LLMUX_HOME"))
    return *home;
  if (auto data = setting(settings, "XDG_DATA_HOME"))
    return std::filesystem::path(*data) / "llmux";
  if (auto home = setting(settings, "HOME"))
    return std::filesystem::path(*home) / ".local" / "share" / "llmux";
  return {};
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace llmux::native
