#include <llmux/native/environment.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

extern char **environ;

namespace llmux::native {

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

Result<Catalog> load_catalog(const Settings &settings) {
  Catalog catalog = Catalog::builtin();
  std::string path;
  bool named = false;
  if (auto file = settings.find("LLMUX_MODELS_FILE"); file != settings.end()) {
    path = file->second;
    named = true;
  } else if (auto config = settings.find("XDG_CONFIG_HOME"); config != settings.end()) {
    path = config->second + "/llmux/models.json";
  } else if (auto home = settings.find("HOME"); home != settings.end()) {
    path = home->second + "/.config/llmux/models.json";
  }
  if (path.empty())
    return catalog;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!named)
      return catalog; // no user models: fine
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "LLMUX_MODELS_FILE names " + path + ", which cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto added = catalog.add_json(text.str());
  if (!added.ok()) {
    Error error = std::move(added).error();
    error.message = path + ": " + error.message;
    return error;
  }
  return catalog;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace llmux::native
