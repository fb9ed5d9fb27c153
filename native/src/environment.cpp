#include <llmux/native/environment.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

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
  std::ifstream in(path);
  if (!in) {
    if (named)
      return invalid("LLMUX_SETTINGS_FILE names " + path.string() + ", which cannot be read");
    return settings;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
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

Result<Catalog> load_catalog(const Settings &settings) {
  Catalog catalog = Catalog::builtin();
  const std::filesystem::path path = user_models_path(settings);
  const bool named = setting(settings, "LLMUX_MODELS_FILE").has_value();
  if (path.empty())
    return catalog;
  // No file is no user models yet (`llmux deploy` creates it); a file that is there but
  // cannot be read is an error, since its models would silently be missing.
  std::error_code missing;
  if (!std::filesystem::exists(path, missing))
    return catalog;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return invalid((named ? "LLMUX_MODELS_FILE names " : "") + path.string() + ", which cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto added = catalog.add_json(text.str());
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
