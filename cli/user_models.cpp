#include "user_models.hpp"
#include "locked_file.hpp"

#include <llmux/native/environment.hpp>

#include <filesystem>
#include <iostream>
#include <optional>

namespace llmux::cli {
namespace {

// The user's models as a catalog of their own (no built-in templates), or nothing after
// saying why; an absent file is an empty catalog.
std::optional<Catalog> read_user_models(const std::filesystem::path &path) {
  Catalog user;
  auto text = native::read_config_file(path, "LLMUX_MODELS_FILE", false);
  if (!text.ok()) {
    std::cerr << "llmux: " << text.error().message << '\n';
    return std::nullopt;
  }
  if (!text.value())
    return user;
  if (auto added = user.add_json(*text.value()); !added.ok()) {
    std::cerr << "llmux: " << path.string() << ": " << added.error().message << '\n';
    return std::nullopt;
  }
  return user;
}

} // namespace

bool save_user_model(const Settings &settings, ModelTemplate model) {
  const std::filesystem::path path = native::user_models_path(settings);
  if (path.empty()) {
    std::cerr << "llmux: nowhere to save the model: set LLMUX_MODELS_FILE or HOME\n";
    return false;
  }
  // Two deploys at once would otherwise each write the file back without the other's model.
  LockedFile file(path);
  if (!file.held())
    return false;
  auto user = read_user_models(path);
  if (!user)
    return false;
  if (auto added = user->add(std::move(model)); !added.ok()) {
    std::cerr << "llmux: " << added.error().message << '\n';
    return false;
  }
  return file.replace(user->to_json() + '\n');
}

bool remove_user_model(const Settings &settings, const std::string &id) {
  const std::filesystem::path path = native::user_models_path(settings);
  if (path.empty() || !std::filesystem::exists(path))
    return true;
  LockedFile file(path);
  if (!file.held())
    return false;
  auto user = read_user_models(path);
  if (!user)
    return false;
  if (!user->find(id))
    return true;
  Catalog kept;
  for (const ModelTemplate &model : user->models())
    if (model.id != id)
      if (auto added = kept.add(model); !added.ok()) {
        std::cerr << "llmux: " << added.error().message << '\n';
        return false;
      }
  return file.replace(kept.to_json() + '\n');
}

} // namespace llmux::cli
