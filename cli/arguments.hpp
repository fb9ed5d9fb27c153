#pragma once
// Reading a command's arguments: flags, their values, and the words left over.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::cli {

/// Walks the arguments of one command. `next()` gives each in turn; `value()` takes the
/// argument after a flag.
class Arguments {
public:
  explicit Arguments(std::vector<std::string_view> args) : args_(std::move(args)) {}

  /// The next argument, or nothing at the end.
  std::optional<std::string_view> next() {
    if (at_ >= args_.size())
      return std::nullopt;
    return args_[at_++];
  }
  /// The value of the flag just read, or nothing when the arguments end.
  std::optional<std::string_view> value() { return next(); }

private:
  std::vector<std::string_view> args_;
  std::size_t at_ = 0;
};

/// A whole non-negative number (no sign, no exponent), or nothing.
std::optional<std::int64_t> parse_count(std::string_view text);

/// Prints `message` and the usage text to stderr; returns the exit status 2.
int usage_error(std::string_view message);

} // namespace llmux::cli
