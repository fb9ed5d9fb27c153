#pragma once
// The CLI's commands as CLI11 subcommands: how each registers its flags and what runs it, and
// the option kinds several commands share.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::cli {

/// One runnable command: its CLI11 subcommand (owned by its parent App) and what runs it once
/// the arguments parsed, returning the process's exit status.
struct Command {
  CLI::App *app = nullptr;
  std::function<int()> run;
};

/// Every runnable command, in the order they were added.
using Commands = std::vector<Command>;

/// The exit status of a mistake in the arguments, as CLI tools use it.
inline constexpr int usage_status = 2;

/// "llmux chat" for the chat subcommand: the words a user types to reach `command`.
std::string command_path(const CLI::App &command);

/// Prints "llmux COMMAND: message" and where the command's flags are described to stderr;
/// returns usage_status.
int usage_error(const CLI::App &command, std::string_view message);

/// Sets the text --help prints after `command`'s flags: `text` wrapped to the help's width,
/// its own line breaks kept (so examples stay on their lines).
void set_footer(CLI::App &command, std::string_view text);

/// A whole non-negative number written in decimal digits only ("010" is ten), or nothing.
std::optional<std::int64_t> parse_count(std::string_view text);

/// Adds an option that takes a whole number from `min` to `max` and hands it to `store`.
/// Digits only: CLI11's own conversion reads "010" as octal eight and "0x10" as sixteen, which
/// nobody typing a token count or a port means. `what` names the unit in the error ("a port
/// number").
CLI::Option *add_count_option(CLI::App &command, const std::string &name,
                              std::function<void(std::int64_t)> store, const std::string &help,
                              std::string_view what, std::int64_t min = 0,
                              std::int64_t max = std::numeric_limits<std::int64_t>::max());

/// The same, storing into `into`.
inline CLI::Option *add_count_option(CLI::App &command, const std::string &name, std::int64_t &into,
                                     const std::string &help, std::string_view what,
                                     std::int64_t min = 0,
                                     std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  return add_count_option(
      command, name, [&into](std::int64_t value) { into = value; }, help, what, min, max);
}

/// The same, storing into an optional that stays empty unless the flag is given.
inline CLI::Option *add_count_option(CLI::App &command, const std::string &name,
                                     std::optional<std::int64_t> &into, const std::string &help,
                                     std::string_view what, std::int64_t min = 0,
                                     std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
  return add_count_option(
      command, name, [&into](std::int64_t value) { into = value; }, help, what, min, max);
}

/// Adds an option that takes a decimal number from `min` to `max` ("0.7") into `into`, read
/// the same whatever the locale. "nan" and "inf", which the conversion reads, are refused.
CLI::Option *add_number_option(CLI::App &command, const std::string &name,
                               std::optional<double> &into, const std::string &help, double min,
                               double max);

/// The items of a comma-separated list, empty items dropped: "a,,b" gives a and b.
std::vector<std::string> split_list(std::string_view text);

} // namespace llmux::cli
