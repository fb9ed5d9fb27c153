#pragma once
// What the CLI takes from its surroundings: settings from the environment, the user's model
// file, the clock.

#include <llmux/catalog.hpp>
#include <llmux/resolve.hpp>

#include <cstdint>
#include <string>

namespace llmux::cli {

/// Every environment variable, as the core's settings. Holds keys: never print it.
Settings settings_from_environment();

/// The built-in catalog plus the user's models: the file named by LLMUX_MODELS_FILE, else
/// $XDG_CONFIG_HOME/llmux/models.json, else ~/.config/llmux/models.json, when it exists.
/// A file that does not parse is an error naming it.
Result<Catalog> load_catalog(const Settings &settings);

/// Milliseconds since the Unix epoch.
std::int64_t now_ms();

/// The whole of standard input.
std::string read_stdin();

} // namespace llmux::cli
