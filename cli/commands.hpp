#pragma once
// The CLI's commands. Each takes its arguments and returns the process's exit status.

#include "arguments.hpp"

namespace llmux::cli {

int decode_command(Arguments args);    ///< llmux decode
int request_command(Arguments args);   ///< llmux request
int models_command(Arguments args);    ///< llmux models
int resolve_command(Arguments args);   ///< llmux resolve
int cost_command(Arguments args);      ///< llmux cost
int providers_command(Arguments args); ///< llmux providers
int tokens_command(Arguments args);    ///< llmux tokens
int chat_command(Arguments args);      ///< llmux chat
int usage_command(Arguments args);     ///< llmux usage
int budget_command(Arguments args);    ///< llmux budget
int deploy_command(Arguments args);    ///< llmux deploy
int discover_command(Arguments args);  ///< llmux discover

} // namespace llmux::cli
