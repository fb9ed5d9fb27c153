// llmux deploy list and llmux deploy stop: what llmux deploy started (the deployments
// registry), with each one's live state, and ending one: a RunPod pod terminated, a vLLM
// server's process group ended, an Ollama model unloaded; then its entry leaves the user's
// models and the registry.

#include "child_process.hpp"
#include "deploy.hpp"
#include "deployment_registry.hpp"
#include "model_listing.hpp"
#include "runpod_api.hpp"
#include "settings.hpp"
#include "user_models.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace llmux::cli {
namespace {

std::optional<std::string> runpod_key(const Settings &settings) {
  auto key = settings.find("RUNPOD_API_KEY");
  if (key == settings.end() || key->second.empty())
    return std::nullopt;
  return key->second;
}

// Whether `pid` is still the vLLM server llmux started: a pid can be reused once the server
// exits, and deploy stop must never end somebody else's processes. Where /proc cannot tell,
// a live process group is taken to be it.
bool is_our_vllm(pid_t pid) {
  if (!process_group_alive(pid))
    return false;
  const std::string command_line = process_command_line(pid);
  return command_line.empty() || command_line.find("vllm") != std::string::npos;
}

// A deployment's state as its server or RunPod reports it now.
std::string live_state(const Deployment &deployment, const Settings &settings) {
  if (deployment.kind == "runpod") {
    auto key = runpod_key(settings);
    if (!key)
      return "unknown (no RUNPOD_API_KEY)";
    RunPodApi api(runpod_rest_url(settings), *key);
    auto pod = api.get_pod(deployment.pod_id);
    if (pod.ok())
      return pod.value().status;
    return pod.error().code == ErrorCode::NotFound
               ? "TERMINATED"
               : "unknown (" + std::string(to_string(pod.error().code)) + ")";
  }
  if (deployment.kind == "vllm")
    return is_our_vllm(static_cast<pid_t>(deployment.pid)) ? "running" : "exited";
  if (deployment.kind == "ollama") {
    native::HttpClient client(quick_probe_options());
    auto models = discover_models(client, deployment.host);
    if (!models)
      return "unreachable";
    return find_listed(*models, deployment.served_model) ? "listed" : "not listed";
  }
  return "unknown kind";
}

int list_deployments(bool as_json) {
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  auto deployments = load_deployments(*loaded);
  if (!deployments)
    return 1;
  if (as_json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Deployment &deployment : *deployments) {
      nlohmann::json entry = deployment_to_json(deployment);
      entry["state"] = live_state(deployment, *loaded);
      list.push_back(std::move(entry));
    }
    std::cout << nlohmann::json{{"deployments", list}}.dump() << '\n';
    return 0;
  }
  if (deployments->empty()) {
    std::cout << "no deployments (llmux deploy vllm|ollama|runpod starts one)\n";
    return 0;
  }
  std::cout << std::left << std::setw(24) << "NAME" << std::setw(8) << "KIND" << std::setw(14)
            << "STATE" << std::setw(36) << "MODEL"
            << "BASE URL\n";
  for (const Deployment &deployment : *deployments)
    std::cout << std::left << std::setw(24) << deployment.name << std::setw(8) << deployment.kind
              << std::setw(14) << live_state(deployment, *loaded) << std::setw(36)
              << deployment.model << deployment.base_url << '\n';
  return 0;
}

// Ends what the deployment runs. False (after saying why) when it may still be running.
bool end_deployment(const Deployment &deployment, const Settings &settings) {
  if (deployment.kind == "runpod") {
    auto key = runpod_key(settings);
    if (!key) {
      std::cerr << "llmux: terminating pod " << deployment.pod_id
                << " needs RUNPOD_API_KEY in the environment or the settings file\n";
      return false;
    }
    RunPodApi api(runpod_rest_url(settings), *key);
    auto terminated = api.terminate_pod(deployment.pod_id);
    if (!terminated.ok()) {
      std::cerr << "llmux: RunPod did not terminate pod " << deployment.pod_id << ": "
                << to_string(terminated.error().code) << ": " << terminated.error().message << '\n';
      return false;
    }
    std::cout << "terminated RunPod pod " << deployment.pod_id << '\n';
    return true;
  }
  if (deployment.kind == "vllm") {
    const auto pid = static_cast<pid_t>(deployment.pid);
    if (!is_our_vllm(pid)) {
      std::cout << "vLLM (pid " << pid << ") had already exited\n";
      return true;
    }
    if (!terminate_process_group(pid, 30'000)) {
      std::cerr << "llmux: vLLM's process group " << pid << " did not end\n";
      return false;
    }
    std::cout << "stopped vLLM (pid " << pid << ")\n";
    return true;
  }
  if (deployment.kind == "ollama") {
    // `ollama stop` talks to the server named by OLLAMA_HOST; it unloads the model from memory.
    setenv("OLLAMA_HOST", deployment.host.c_str(), 1);
    const std::filesystem::path log =
        deployments_path(settings).parent_path() / (deployment.name + "-stop.log");
    const int status = run_to_end({"ollama", "stop", deployment.served_model}, log);
    if (status == 0)
      std::cout << "unloaded " << deployment.served_model << " from Ollama at " << deployment.host
                << '\n';
    else
      std::cout << "Ollama did not unload " << deployment.served_model
                << " (it may not have been loaded)\n";
    std::cout << "Ollama keeps the model on disk: `ollama rm " << deployment.served_model
              << "` deletes it\n";
    return true;
  }
  std::cerr << "llmux: unknown kind of deployment: " << deployment.kind << '\n';
  return false;
}

int stop_deployment(const CLI::App &command, const std::string &name) {
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  auto deployments = load_deployments(settings);
  if (!deployments)
    return 1;
  const Deployment *found = find_deployment(*deployments, name);
  if (!found) {
    std::string names;
    for (const Deployment &deployment : *deployments)
      names += (names.empty() ? "" : ", ") + deployment.name;
    std::cerr << command_path(command) << ": no deployment named " << name
              << (names.empty() ? std::string(" (there are none)") : " (there are " + names + ")")
              << '\n';
    return 1;
  }
  const Deployment deployment = *found;
  if (!end_deployment(deployment, settings))
    return 1;
  if (!remove_user_model(settings, deployment.name) ||
      !remove_deployment(settings, deployment.name))
    return 1;
  std::cout << "removed " << deployment.name << " from your models and deployments\n";
  return 0;
}

} // namespace

void add_deployments_commands(CLI::App &deploy, Commands &commands) {
  auto as_json = std::make_shared<bool>(false);
  CLI::App *list =
      deploy.add_subcommand("list", "What llmux deploy started, with each one's live state");
  set_footer(
      *list,
      "The registry is LLMUX_HOME/deploy/deployments.json. The state is asked live: RunPod's "
      "pod status (PROVISIONING, STARTING, RUNNING, EXITED, ERROR, TERMINATED; needs "
      "RUNPOD_API_KEY), whether vLLM's process runs, whether Ollama lists the model.");
  list->add_flag("--json", *as_json, "Print the deployments and their states as JSON");
  commands.push_back({list, [as_json] { return list_deployments(*as_json); }});

  auto name = std::make_shared<std::string>();
  CLI::App *stop = deploy.add_subcommand("stop", "End a deployment and remove it from your models");
  set_footer(*stop,
             "RunPod: terminates the pod (its billing stops; a network volume is kept). vLLM: "
             "ends its process group. Ollama: `ollama stop` unloads the model (`ollama rm` "
             "deletes it). Then NAME leaves your models and the registry.\n\n"
             "Example: llmux deploy stop my-qwen");
  stop->add_option("name", *name, "The deployment's name, as llmux deploy list shows it")
      ->required()
      ->type_name("NAME");
  commands.push_back({stop, [stop, name] { return stop_deployment(*stop, *name); }});
}

} // namespace llmux::cli
