#include "settings.hpp"

#include <llmux/native/environment.hpp>

#include <iostream>

namespace llmux::cli {

std::optional<Settings> load_settings_or_report() {
  auto settings = native::load_settings();
  if (!settings.ok()) {
    std::cerr << "llmux: " << settings.error().message << '\n';
    return std::nullopt;
  }
  return std::move(settings).value();
}

} // namespace llmux::cli
