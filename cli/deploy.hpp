#pragma once
// llmux deploy's flows, shared by its subcommands: what the flags say, and the model entry a
// deployment adds to the user's models.

#include "command_line.hpp"

#include <llmux/catalog.hpp>
#include <llmux/resolve.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmux::cli {

/// Every deploy subcommand's flags (each uses its own).
struct DeployOptions {
  std::string target; ///< MODEL, CHECKPOINT or MODEL_OR_CHECKPOINT
  std::string name;
  std::int64_t port = 8000;
  std::int64_t timeout_s = 900;
  std::int64_t context = 0; ///< 0: what the server says, else 8192
  std::int64_t max_output = 2048;
  std::string host;                     ///< ollama: its base URL
  std::vector<std::string> server_args; ///< after "--": vLLM's own arguments
  // runpod
  std::string gpu;
  std::int64_t gpu_count = 1;
  std::string image = "vllm/vllm-openai:latest";
  std::string cloud = "SECURE";
  std::int64_t disk_gb = 50;
  std::int64_t volume_gb = 0;
  std::string network_volume;
  std::string volume_path = "/workspace";
};

/// The user-models entry of a served model: streaming and tools (vLLM runs with tool calling,
/// Ollama's chat takes tools), the context from the flag, else what the server listed, else
/// 8192, and at most `max_output` tokens of output. No prices: the caller sets them where they
/// are known.
ModelTemplate served_model(const std::string &id, const std::string &display_name,
                           Provider provider, const std::string &upstream,
                           const std::string &base_url, std::int64_t context_flag,
                           std::int64_t listed_context, std::int64_t max_output);

/// llmux deploy runpod: create a RunPod GPU pod running vLLM, wait until it serves, register
/// it. Its exit status.
int deploy_runpod(const CLI::App &command, const DeployOptions &options);

/// Adds llmux deploy list and llmux deploy stop to `deploy`.
void add_deployments_commands(CLI::App &deploy, Commands &commands);

/// The exit status of a command ended by Ctrl-C, as shells report it (128 + SIGINT).
inline constexpr int interrupted_status = 130;

} // namespace llmux::cli
