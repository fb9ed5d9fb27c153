#pragma once
// The CLI's commands. Each adds its CLI11 subcommand (with its flags and help) to the parent
// App and appends what runs it to `commands`.

#include "command_line.hpp"

namespace llmux::cli {

void add_chat_command(CLI::App &parent, Commands &commands);   ///< llmux chat
void add_usage_command(CLI::App &parent, Commands &commands);  ///< llmux usage
void add_budget_command(CLI::App &parent, Commands &commands); ///< llmux budget
/// llmux deploy vllm|ollama|runpod|list|stop. `server_args` are the words after "--" on the
/// command line: vLLM's own arguments, which deploy vllm and deploy runpod pass on unchanged.
void add_deploy_commands(CLI::App &parent, Commands &commands,
                         const std::vector<std::string> &server_args);
void add_discover_command(CLI::App &parent, Commands &commands);  ///< llmux discover
void add_decode_command(CLI::App &parent, Commands &commands);    ///< llmux decode
void add_request_command(CLI::App &parent, Commands &commands);   ///< llmux request
void add_models_command(CLI::App &parent, Commands &commands);    ///< llmux models
void add_resolve_command(CLI::App &parent, Commands &commands);   ///< llmux resolve
void add_cost_command(CLI::App &parent, Commands &commands);      ///< llmux cost
void add_tokens_command(CLI::App &parent, Commands &commands);    ///< llmux tokens
void add_providers_command(CLI::App &parent, Commands &commands); ///< llmux providers

} // namespace llmux::cli
