#pragma once
// The CLI's settings: the user's settings file under the environment (native::load_settings).

#include <llmux/resolve.hpp>

#include <optional>

namespace llmux::cli {

/// The settings, or nothing after printing why they could not be read.
std::optional<Settings> load_settings_or_report();

} // namespace llmux::cli
