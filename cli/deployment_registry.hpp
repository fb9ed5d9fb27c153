#pragma once
// The registry of what llmux deploy started: LLMUX_HOME/deploy/deployments.json (under
// native::data_directory), so that llmux deploy list can show it and llmux deploy stop can end
// it. Each change is a read-modify-write under an exclusive lock, written to a temporary file
// and renamed over the old one: two deploys at once both land, and a crash never leaves half
// a file.
//
//   {"deployments": [{"name": "my-qwen", "kind": "runpod", "model": "Qwen/Qwen2.5-7B-Instruct",
//     "served_model": "my-qwen", "base_url": "https://abc-8000.proxy.runpod.net/v1",
//     "pod_id": "abc", "started_at": "2026-12-07T19:00:00Z"}, ...]}

#include <llmux/resolve.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmux::cli {

/// One deployment llmux started. `name` is also the id of its model in the user's models.
struct Deployment {
  std::string name;
  std::string kind;         ///< "runpod", "vllm" or "ollama"
  std::string model;        ///< what was deployed: a Hugging Face repo id, a checkpoint path
  std::string served_model; ///< the id the server answers to (the model's upstream id)
  std::string base_url;
  std::string pod_id;     ///< runpod: the pod
  std::int64_t pid = 0;   ///< vllm: the server's process (and process group)
  std::string host;       ///< ollama: the server's base URL
  std::string started_at; ///< UTC, ISO 8601: "2026-12-07T19:00:00Z"
};

/// The registry's file, or empty when there is no data directory (set LLMUX_HOME or HOME).
std::filesystem::path deployments_path(const Settings &settings);

/// Every deployment, or nothing after printing why the file cannot be read. No file: none.
std::optional<std::vector<Deployment>> load_deployments(const Settings &settings);

/// Applies `change` to the deployments under the registry's lock and saves the result; false
/// (after printing why) when the file cannot be read or written, or when `change` returns
/// false (it prints its own reason).
bool update_deployments(const Settings &settings,
                        const std::function<bool(std::vector<Deployment> &)> &change);

/// True when no deployment is named `name`; else false, after saying how to free the name
/// (or why the registry cannot be read).
bool deployment_name_free(const Settings &settings, const std::string &name);

/// Adds `deployment`; false (after saying so) when one of that name exists.
bool add_deployment(const Settings &settings, const Deployment &deployment);

/// Removes the deployment named `name`; true also when there is none.
bool remove_deployment(const Settings &settings, const std::string &name);

/// The deployment named `name` among `deployments`, or null.
const Deployment *find_deployment(const std::vector<Deployment> &deployments,
                                  const std::string &name);

/// Now, UTC, as started_at writes it.
std::string utc_timestamp_now();

/// A deployment's fields as a JSON object, as the file holds it; the fields a kind does not
/// have are left out.
nlohmann::json deployment_to_json(const Deployment &deployment);

} // namespace llmux::cli
