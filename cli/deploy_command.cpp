// llmux deploy and llmux discover: start a local model server (vLLM), register a checkpoint
// with Ollama, or create a RunPod pod (deploy_runpod.cpp); wait until it answers; add it to
// the user's models and to the deployments registry (deploy list and deploy stop:
// deployments_command.cpp). List what a server offers.

#include "child_process.hpp"
#include "commands.hpp"
#include "deploy.hpp"
#include "deployment_registry.hpp"
#include "model_listing.hpp"
#include "settings.hpp"
#include "terminal_text.hpp"
#include "user_models.hpp"

#include <llmux/llmux.hpp>
#include <llmux/native/environment.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sys/wait.h>
#include <thread>

namespace llmux::cli {
namespace {

// Polls `ready` every 250 ms until it holds, the timeout passes, or `still_running` fails.
bool wait_until(const std::function<bool()> &ready, const std::function<bool()> &still_running,
                std::int64_t timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready())
      return true;
    if (!still_running())
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

int deploy_vllm(const DeployOptions &options) {
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  const std::filesystem::path data = native::data_directory(settings);
  if (data.empty()) {
    std::cerr << "llmux: no data directory for the server's log: set LLMUX_HOME or HOME\n";
    return 1;
  }
  const std::string name =
      options.name.empty() ? "vllm-" + std::to_string(options.port) : options.name;
  if (!deployment_name_free(settings, name))
    return 1;
  std::filesystem::create_directories(data / "deploy");
  const std::filesystem::path log =
      data / "deploy" / ("vllm-" + std::to_string(options.port) + ".log");
  std::vector<std::string> argv = {"vllm",
                                   "serve",
                                   options.target,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(options.port),
                                   "--enable-auto-tool-choice",
                                   "--tool-call-parser",
                                   "hermes"};
  if (options.context > 0) {
    argv.push_back("--max-model-len");
    argv.push_back(std::to_string(options.context));
  }
  argv.insert(argv.end(), options.server_args.begin(), options.server_args.end());
  const pid_t pid = spawn_in_own_group(argv, log);
  if (pid < 0) {
    std::cerr << "llmux: cannot start vllm (is it installed and on PATH?)\n";
    return 1;
  }
  std::cerr << "llmux: started vllm (pid " << pid << ", log " << log.string()
            << "); waiting for it to answer\n";
  const std::string base = "http://127.0.0.1:" + std::to_string(options.port) + "/v1";
  native::HttpClient client(quick_probe_options());
  std::vector<ListedModel> served;
  auto ready = [&] {
    auto found = discover_models(client, base);
    if (found && !found->empty())
      served = *found;
    return !served.empty();
  };
  auto running = [&] {
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == 0;
  };
  if (!wait_until(ready, running, options.timeout_s)) {
    std::cerr << "llmux: vllm did not answer at " << base << "; the end of its log:\n"
              << tail_of(log) << '\n';
    terminate_process_group(pid, 5000);
    return 1;
  }
  Deployment deployment;
  deployment.name = name;
  deployment.kind = "vllm";
  deployment.model = options.target;
  deployment.served_model = served.front().id;
  deployment.base_url = base;
  deployment.pid = pid;
  deployment.started_at = utc_timestamp_now();
  ModelTemplate model =
      served_model(name, served.front().id + " on local vLLM", Provider::Vllm, served.front().id,
                   base, options.context, served.front().context_tokens, options.max_output);
  model.prices = ModelPrices{}; // a server on this machine costs nothing per token
  if (!add_deployment(settings, deployment) || !save_user_model(settings, std::move(model))) {
    remove_deployment(settings, name);
    terminate_process_group(pid, 5000);
    return 1;
  }
  std::cout << "deployed " << name << ": " << served.front().id << " at " << base << " (pid " << pid
            << ")\n";
  return 0;
}

std::string ollama_host(const Settings &settings, const DeployOptions &options) {
  std::string host = options.host;
  for (const char *setting : {"OLLAMA_BASE_URL", "OLLAMA_HOST"})
    if (host.empty())
      if (auto found = settings.find(setting); found != settings.end())
        host = found->second;
  if (host.empty())
    host = "http://127.0.0.1:11434";
  if (host.find("://") == std::string::npos)
    host = "http://" + host;
  while (!host.empty() && host.back() == '/')
    host.pop_back();
  return host;
}

int deploy_ollama(const DeployOptions &options) {
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  const std::string host = ollama_host(settings, options);
  const std::filesystem::path data = native::data_directory(settings);
  if (data.empty()) {
    std::cerr << "llmux: no data directory for the Modelfile: set LLMUX_HOME or HOME\n";
    return 1;
  }
  const std::string name = "ollama-" + options.name;
  if (!deployment_name_free(settings, name))
    return 1;
  const std::filesystem::path folder = data / "deploy" / name;
  std::filesystem::create_directories(folder);
  const std::filesystem::path modelfile = folder / "Modelfile";
  std::filesystem::path source(options.target);
  std::error_code error;
  if (std::filesystem::exists(source, error))
    source = std::filesystem::absolute(source, error);
  std::ofstream(modelfile) << "FROM " << source.string() << '\n';
  const std::filesystem::path log = folder / "create.log";
  // `ollama create` talks to the server named by OLLAMA_HOST.
  setenv("OLLAMA_HOST", host.c_str(), 1);
  const int status = run_to_end({"ollama", "create", options.name, "-f", modelfile.string()}, log);
  if (status != 0) {
    std::cerr << "llmux: `ollama create` failed"
              << (status < 0 ? " to start (is ollama installed and on PATH?)" : "")
              << "; its output:\n"
              << tail_of(log) << '\n';
    return 1;
  }
  native::HttpClient client(quick_probe_options());
  const std::string tag =
      options.name.find(':') == std::string::npos ? options.name + ":latest" : options.name;
  auto listed = [&] {
    auto found = discover_models(client, host);
    return found && find_listed(*found, options.name);
  };
  if (!wait_until(
          listed, [] { return true; }, options.timeout_s)) {
    std::cerr << "llmux: Ollama at " << host << " does not list " << tag << '\n';
    return 1;
  }
  Deployment deployment;
  deployment.name = name;
  deployment.kind = "ollama";
  deployment.model = source.string();
  deployment.served_model = tag;
  deployment.base_url = host;
  deployment.host = host;
  deployment.started_at = utc_timestamp_now();
  ModelTemplate model = served_model(name, options.name + " on local Ollama", Provider::Ollama, tag,
                                     host, options.context, 0, options.max_output);
  model.prices = ModelPrices{};
  if (!add_deployment(settings, deployment) || !save_user_model(settings, std::move(model))) {
    remove_deployment(settings, name);
    return 1;
  }
  std::cout << "deployed " << name << ": " << tag << " at " << host << '\n';
  return 0;
}

// The flags deploy vllm and deploy runpod share with deploy ollama.
void add_model_entry_flags(CLI::App &command, DeployOptions &options,
                           const std::string &timeout_default) {
  add_count_option(command, "--context", options.context,
                   "The model's context in tokens (also vLLM's --max-model-len); default: what the "
                   "server lists, else 8192",
                   "a number of tokens");
  add_count_option(command, "--max-output", options.max_output,
                   "The output limit recorded in your models (default 2048, at most the context)",
                   "a number of tokens", 1);
  add_count_option(command, "--timeout", options.timeout_s,
                   "How long to wait for the server to answer, in seconds (default " +
                       timeout_default + ")",
                   "a number of seconds", 1);
}

void add_vllm(CLI::App &deploy, Commands &commands, const std::vector<std::string> &server_args) {
  auto options = std::make_shared<DeployOptions>();
  CLI::App *command =
      deploy.add_subcommand("vllm", "Start vLLM on this machine and add the model to your models");
  set_footer(*command,
             "Usage: llmux deploy vllm MODEL [OPTIONS] [-- VLLM_ARGS...]\n\n"
             "Runs `vllm serve MODEL --host 127.0.0.1 --port N --enable-auto-tool-choice "
             "--tool-call-parser hermes` in the background (its own process group, its log in "
             "LLMUX_HOME/deploy/vllm-N.log), waits until it lists the model at "
             "http://127.0.0.1:N/v1/models, then adds it to your models as NAME (provider vllm, no "
             "cost per token) and to llmux deploy list. vLLM's own arguments go after --.\n\n"
             "Example: llmux deploy vllm Qwen/Qwen2.5-7B-Instruct --port 8011 --name my-qwen -- "
             "--dtype half\n"
             "Then:    llmux chat -m my-qwen Hello; llmux deploy stop my-qwen");
  command->add_option("model", options->target, "A Hugging Face repo id or a checkpoint directory")
      ->required()
      ->type_name("MODEL");
  add_count_option(*command, "--port", options->port, "The port vLLM listens on (default 8000)",
                   "a port number", 1, 65535);
  command->add_option("--name", options->name, "The model's id in your models (default vllm-PORT)")
      ->type_name("ID");
  add_model_entry_flags(*command, *options, "900");
  options->server_args = server_args;
  commands.push_back({command, [options] { return deploy_vllm(*options); }});
}

void add_ollama(CLI::App &deploy, Commands &commands) {
  auto options = std::make_shared<DeployOptions>();
  options->timeout_s = 900;
  CLI::App *command = deploy.add_subcommand(
      "ollama", "Register a checkpoint with Ollama and add it to your models");
  set_footer(
      *command,
      "Writes a Modelfile (FROM CHECKPOINT) in LLMUX_HOME/deploy/ollama-NAME, runs `ollama "
      "create NAME` against the server at --host (else OLLAMA_BASE_URL, OLLAMA_HOST, or "
      "http://127.0.0.1:11434), waits until the server lists NAME:latest, then adds it to your "
      "models as ollama-NAME (provider ollama, no cost per token) and to llmux deploy list.\n\n"
      "Example: llmux deploy ollama ./step-900.gguf --name ckpt900\n"
      "Then:    llmux chat -m ollama-ckpt900 Hello; llmux deploy stop ollama-ckpt900");
  command
      ->add_option("checkpoint", options->target,
                   "A GGUF file, a safetensors directory, or an Ollama model")
      ->required()
      ->type_name("CHECKPOINT");
  command->add_option("--name", options->name, "The name Ollama gives it")
      ->required()
      ->type_name("NAME");
  command->add_option("--host", options->host, "Ollama's base URL")->type_name("URL");
  add_model_entry_flags(*command, *options, "900");
  commands.push_back({command, [options] { return deploy_ollama(*options); }});
}

void add_runpod(CLI::App &deploy, Commands &commands, const std::vector<std::string> &server_args) {
  auto options = std::make_shared<DeployOptions>();
  options->timeout_s = 1800;
  CLI::App *command = deploy.add_subcommand(
      "runpod", "Serve a model on a RunPod GPU pod with vLLM and add it to your models");
  set_footer(
      *command,
      "Usage: llmux deploy runpod MODEL_OR_CHECKPOINT --gpu TYPE [OPTIONS] [-- VLLM_ARGS...]\n\n"
      "Creates a pod through RunPod's REST API (RUNPOD_REST_URL, default https://api.runpod.io/v2) "
      "with the key RUNPOD_API_KEY from the environment or the settings file (never an argument, "
      "never printed). The pod runs the image (its entrypoint is `vllm serve`) with "
      "MODEL_OR_CHECKPOINT --port 8000 --served-model-name NAME --enable-auto-tool-choice "
      "--tool-call-parser hermes (and --max-model-len with --context); HF_TOKEN from the settings "
      "goes into the pod's environment when set, for gated models. llmux waits until vLLM lists "
      "the model through RunPod's proxy, https://POD_ID-8000.proxy.runpod.net/v1 (RUNPOD_PROXY_URL "
      "changes that pattern), then adds it to your models as NAME (provider runpod, no key; the "
      "cost is unknown: RunPod bills GPU hours, not tokens) and to llmux deploy list.\n\n"
      "MODEL_OR_CHECKPOINT is a Hugging Face repo id, or a path inside the network volume "
      "(--network-volume, mounted at --volume-path). A checkpoint on this machine cannot be "
      "reached by the pod and is refused: llmux does not upload; push it to the Hub or to a "
      "network volume first.\n\n"
      "Any failure (a refused key, no GPU of that type free, a pod that stops, --timeout, Ctrl-C) "
      "terminates the pod and registers nothing. A running pod is billed by the hour until "
      "llmux deploy stop NAME. Exit status: 0 deployed, 1 failed (nothing left behind, or a "
      "message naming the pod to terminate), 2 a mistake in the arguments, 130 Ctrl-C.\n\n"
      "Example: llmux deploy runpod Qwen/Qwen2.5-7B-Instruct --gpu \"NVIDIA A40\" --name qwen\n"
      "Then:    llmux chat -m qwen Hello; llmux deploy stop qwen");
  command
      ->add_option("model", options->target,
                   "A Hugging Face repo id, or a path in the network volume")
      ->required()
      ->type_name("MODEL_OR_CHECKPOINT");
  command
      ->add_option("--gpu", options->gpu,
                   "RunPod's GPU type id, e.g. \"NVIDIA GeForce RTX 4090\", \"NVIDIA A40\"")
      ->required()
      ->type_name("TYPE");
  add_count_option(*command, "--gpu-count", options->gpu_count, "GPUs in the pod (default 1)",
                   "a number of GPUs", 1, 16);
  command
      ->add_option("--name", options->name,
                   "The model's id in your models and vLLM's served name (default runpod-<model's "
                   "last part>)")
      ->type_name("ID");
  command
      ->add_option("--image", options->image,
                   "The container image, whose entrypoint is `vllm serve` as vllm/vllm-openai's is "
                   "(default vllm/vllm-openai:latest)")
      ->type_name("IMAGE");
  command->add_option("--cloud", options->cloud, "SECURE (default) or COMMUNITY")
      ->type_name("TIER")
      ->check(CLI::IsMember({"SECURE", "COMMUNITY"}));
  add_count_option(*command, "--disk", options->disk_gb,
                   "Container disk in GB, wiped when the pod restarts; holds the downloaded "
                   "weights (default 50)",
                   "a number of GB", 1);
  add_count_option(*command, "--volume-gb", options->volume_gb,
                   "A persistent volume of this many GB on the pod's host (default none)",
                   "a number of GB (10 or more)", 10);
  command
      ->add_option("--network-volume", options->network_volume, "Attach this RunPod network volume")
      ->type_name("ID");
  command
      ->add_option("--volume-path", options->volume_path,
                   "Where the volume is mounted in the pod (default /workspace)")
      ->type_name("PATH")
      ->check(CLI::Validator(
          [](const std::string &path) -> std::string {
            return path.starts_with("/") && path.size() > 1 && !path.ends_with("/")
                       ? ""
                       : "expected an absolute path, like /workspace";
          },
          "", "path"));
  add_model_entry_flags(*command, *options, "1800");
  options->server_args = server_args;
  commands.push_back({command, [command, options] { return deploy_runpod(*command, *options); }});
}

} // namespace

ModelTemplate served_model(const std::string &id, const std::string &display_name,
                           Provider provider, const std::string &upstream,
                           const std::string &base_url, std::int64_t context_flag,
                           std::int64_t listed_context, std::int64_t max_output) {
  ModelTemplate model;
  model.id = id;
  model.display_name = display_name;
  model.provider = provider;
  model.upstream_model = upstream;
  model.base_url = base_url;
  model.context_tokens =
      context_flag > 0 ? context_flag : (listed_context > 0 ? listed_context : 8192);
  model.max_output_tokens = std::min(max_output, model.context_tokens);
  model.features.streaming = true;
  model.features.tools = true;
  model.user_defined = true;
  return model;
}

void add_deploy_commands(CLI::App &parent, Commands &commands,
                         const std::vector<std::string> &server_args) {
  CLI::App *deploy = parent.add_subcommand(
      "deploy",
      "Serve a model (vLLM here, Ollama, or a RunPod GPU pod), list and stop what you deployed");
  set_footer(*deploy,
             "Each deployment is added to your models (llmux chat -m NAME) and to a registry in "
             "LLMUX_HOME/deploy/deployments.json, which llmux deploy list shows and llmux deploy "
             "stop ends.");
  deploy->require_subcommand(1);
  add_vllm(*deploy, commands, server_args);
  add_ollama(*deploy, commands);
  add_runpod(*deploy, commands, server_args);
  add_deployments_commands(*deploy, commands);
}

void add_discover_command(CLI::App &parent, Commands &commands) {
  auto base = std::make_shared<std::string>();
  CLI::App *command = parent.add_subcommand("discover", "The models a server offers");
  set_footer(*command,
             "Asks URL/v1/models (vLLM, llama.cpp, LM Studio, any OpenAI-compatible server), "
             "else URL/api/tags (Ollama); prints each model id, and its context when listed.\n\n"
             "Example: llmux discover http://127.0.0.1:11434");
  command
      ->add_option("url", *base,
                   "The server's base URL: http://127.0.0.1:8000, http://127.0.0.1:11434")
      ->required()
      ->type_name("URL");
  commands.push_back({command, [base] {
                        native::HttpClient client(quick_probe_options());
                        auto found = discover_models(client, *base);
                        if (!found) {
                          std::cerr << "llmux: " << *base
                                    << " lists no models at /v1/models or /api/tags\n";
                          return 1;
                        }
                        for (const ListedModel &model : *found) {
                          std::cout << escaped_field(model.id); // the server's words
                          if (model.context_tokens > 0)
                            std::cout << "\t" << model.context_tokens;
                          std::cout << '\n';
                        }
                        return 0;
                      }});
}

} // namespace llmux::cli
