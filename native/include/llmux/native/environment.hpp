#pragma once
/// What a native host takes from its surroundings: settings from the environment and the
/// user's config file, the user's model file, where its data lives, the clock.

#include <llmux/catalog.hpp>
#include <llmux/resolve.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace llmux::native {

/// Every environment variable, as the core's settings. Holds keys: never print it.
Settings settings_from_environment();

/// The largest settings, models or routes file llmux reads: 1 MiB. Each is written by hand or
/// by `llmux deploy` (a model template is about 500 bytes, a settings line 50), so 1 MiB holds
/// thousands of entries, and a bigger file is a mistake (a log, a device) best named at once
/// rather than read into memory.
inline constexpr std::uintmax_t max_config_file_bytes = 1 << 20;

/// The text of the config file at `path` (settings, models or routes), or nothing when there
/// is no file there. invalid_argument naming the file (and `setting`, the variable that named
/// it, when `named`) when it is not a regular file (a directory, a device such as /dev/zero, a
/// FIFO: none is a config file, and reading one hangs or never ends), is larger than
/// max_config_file_bytes, or cannot be read.
Result<std::optional<std::string>> read_config_file(const std::filesystem::path &path,
                                                    std::string_view setting, bool named);

/// The settings a native llmux runs with: the user's settings file (KEY=VALUE lines, `#`
/// comments; LLMUX_SETTINGS_FILE, else $XDG_CONFIG_HOME/llmux/settings, else
/// ~/.config/llmux/settings), overridden by the environment. Keys belong there or in the
/// environment, never on a command line (which every user of the machine can read).
/// invalid_argument naming the file and line when a line is not KEY=VALUE, and as
/// read_config_file says.
Result<Settings> load_settings();

/// Where the user's models live: LLMUX_MODELS_FILE, else $XDG_CONFIG_HOME/llmux/models.json,
/// else ~/.config/llmux/models.json; empty when none of these variables is set.
std::filesystem::path user_models_path(const Settings &settings);

/// Where the user's routing table lives (task kinds to model chains, RoutingTable's JSON):
/// LLMUX_ROUTES_FILE, else $XDG_CONFIG_HOME/llmux/routes.json, else
/// ~/.config/llmux/routes.json; empty when none of these variables is set.
std::filesystem::path routes_path(const Settings &settings);

/// The text of the user's routing table (routes_path), or nothing when there is none; an
/// error as read_config_file says.
Result<std::optional<std::string>> read_routes(const Settings &settings);

/// The built-in catalog plus the user's models (user_models_path), when the file exists.
/// invalid_argument naming the file when it exists but cannot be read (read_config_file) or
/// does not parse.
Result<Catalog> load_catalog(const Settings &settings);

/// Where llmux keeps its data (the usage ledger, the response cache): LLMUX_HOME, else
/// $XDG_DATA_HOME/llmux, else ~/.local/share/llmux; empty when none is set.
std::filesystem::path data_directory(const Settings &settings);

/// The wall clock: milliseconds since the Unix epoch.
std::int64_t now_ms();

} // namespace llmux::native
