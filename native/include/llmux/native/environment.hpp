#pragma once
/// What a native host takes from its surroundings: settings from the environment, the user's
/// model file, the clock.

#include <llmux/catalog.hpp>
#include <llmux/resolve.hpp>

#include <cstdint>

namespace llmux::native {

/// Every environment variable, as the core's settings. Holds keys: never print it.
Settings settings_from_environment();

/// The built-in catalog plus the user's models: the file named by LLMUX_MODELS_FILE, else
/// $XDG_CONFIG_HOME/llmux/models.json, else ~/.config/llmux/models.json, when it exists.
/// invalid_argument naming the file when it does not parse, or when LLMUX_MODELS_FILE names
/// a file that cannot be read.
Result<Catalog> load_catalog(const Settings &settings);

/// The wall clock: milliseconds since the Unix epoch.
std::int64_t now_ms();

} // namespace llmux::native
