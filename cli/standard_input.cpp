#include "standard_input.hpp"

#include <cstdio>

namespace llmux::cli {

std::string read_stdin() {
  std::string body;
  char buffer[1 << 16];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, stdin)) > 0)
    body.append(buffer, got);
  return body;
}

} // namespace llmux::cli
