#pragma once
// Reading the CLI's standard input.

#include <string>

namespace llmux::cli {

/// The whole of standard input.
std::string read_stdin();

} // namespace llmux::cli
