// llmux deploy runpod: a model from the Hugging Face Hub, or a checkpoint on a RunPod network
// volume, served by vLLM (with tool calling) on a RunPod GPU pod, reached through RunPod's
// HTTPS proxy at https://POD_ID-8000.proxy.runpod.net/v1 without a key.
//
// The order of things, so that no failure leaves a billed pod behind: the pod is created,
// then recorded in the deployments registry at once (if llmux itself dies while waiting,
// `llmux deploy stop NAME` still finds it), then watched until vLLM lists the model through
// the proxy. A refusal, a pod that stops, the timeout or Ctrl-C terminate the pod and remove
// the record; only a pod that serves is added to the user's models.

#include "deploy.hpp"
#include "deployment_registry.hpp"
#include "interrupt.hpp"
#include "model_listing.hpp"
#include "runpod_api.hpp"
#include "settings.hpp"
#include "user_models.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

namespace llmux::cli {
namespace {

// How often the pod's status and its proxy are asked while it starts.
constexpr auto poll_interval = std::chrono::seconds(1);

// RunPod splits the pod's argument string itself; a value with blanks or quotes would be cut
// or mangled in ways llmux cannot see, so such values are refused rather than guessed at.
bool fits_in_args(const std::string &value) {
  if (value.empty())
    return false;
  for (char c : value)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '\\')
      return false;
  return true;
}

// A Hugging Face repo id: "name" or "owner/name", of letters, digits, '.', '_' and '-'.
bool is_repo_id(const std::string &text) {
  const std::size_t slash = text.find('/');
  if (text.empty() ||
      text.find('/', slash == std::string::npos ? 0 : slash + 1) != std::string::npos)
    return false;
  if (slash == 0 || slash + 1 == text.size())
    return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' &&
        c != '/')
      return false;
  return std::isalnum(static_cast<unsigned char>(text.front())) != 0;
}

bool looks_like_path(const std::string &text) {
  return text.starts_with("/") || text.starts_with("./") || text.starts_with("../") ||
         text.starts_with("~") || text == "." || text == "..";
}

// Why MODEL_OR_CHECKPOINT cannot be served by the pod, or empty when it can: a repo id, or a
// path inside the mounted network volume.
std::string unreachable_reason(const DeployOptions &options) {
  const std::string &target = options.target;
  const bool on_volume =
      !options.network_volume.empty() && target.starts_with(options.volume_path + "/");
  if (on_volume)
    return {};
  const std::string upload =
      "llmux does not upload checkpoints. Push it to the Hugging Face Hub (huggingface-cli "
      "upload OWNER/NAME " +
      target +
      ") and deploy OWNER/NAME, or copy it to a RunPod network "
      "volume and deploy its path in the pod with --network-volume ID (mounted at " +
      options.volume_path + ", so " + options.volume_path + "/...)";
  std::error_code error;
  if (std::filesystem::exists(target, error))
    return target + " is on this machine, where the pod cannot read it: " + upload;
  if (looks_like_path(target))
    return target + " is a path, and not one inside a network volume: " + upload;
  if (!is_repo_id(target))
    return "\"" + target +
           "\" is neither a Hugging Face repo id (OWNER/NAME) nor a path "
           "inside a network volume";
  return {};
}

// "runpod-qwen2.5-7b-instruct" for "Qwen/Qwen2.5-7B-Instruct" or ".../step-900".
std::string default_name(const std::string &target) {
  std::string base = target;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  base = base.substr(base.find_last_of('/') == std::string::npos ? 0 : base.find_last_of('/') + 1);
  std::string name = "runpod-";
  for (char c : base)
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'
                ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                : '-';
  return name;
}

bool is_name(const std::string &name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

// A short random suffix: the pod's name is unique, so a pod whose creation answer was lost can
// be found by it and terminated.
std::string random_suffix() {
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device seed;
  std::mt19937 generator(seed());
  std::uniform_int_distribution<int> pick(0, 35);
  std::string suffix;
  for (int i = 0; i < 6; ++i)
    suffix += letters[pick(generator)];
  return suffix;
}

// vLLM's arguments: the model, its port, the tool calling llmux's chat relies on, the served
// name llmux calls it by, the context when given, and the user's own after "--". The image's
// entrypoint is `vllm serve`, which takes the model as its first word and refuses --model.
std::string vllm_arguments(const DeployOptions &options, const std::string &served) {
  std::string args = options.target + " --port " + std::to_string(runpod_default_pod_port) +
                     " --served-model-name " + served +
                     " --enable-auto-tool-choice --tool-call-parser hermes";
  if (options.context > 0)
    args += " --max-model-len " + std::to_string(options.context);
  for (const std::string &arg : options.server_args)
    args += " " + arg;
  return args;
}

std::string error_text(const Error &error) {
  return std::string(to_string(error.code)) + ": " + error.message;
}

// What a failed creation means for the user, in one message.
std::string creation_failure(const Error &error, const DeployOptions &options) {
  if (error.code == ErrorCode::AuthFailed)
    return "RunPod refused RUNPOD_API_KEY (" + error.message +
           "): check the key in your environment or settings file";
  if (is_no_capacity(error))
    return "RunPod has no " + options.gpu + " (x" + std::to_string(options.gpu_count) + ", " +
           options.cloud + " cloud) to give right now (" + error.message +
           "): try another --gpu, --cloud COMMUNITY, or later. Nothing was created";
  if (error.code == ErrorCode::QuotaExceeded)
    return "RunPod says the account's balance is too low (" + error.message + ")";
  return "RunPod did not create the pod: " + error_text(error);
}

// Terminates the pod (a few tries: this is what stops the billing) and forgets the
// deployment. False when the pod may still be running; the record is kept then, so that
// `llmux deploy stop NAME` can try again.
bool abandon(const Settings &settings, RunPodApi &api, const std::string &pod_id,
             const std::string &name) {
  std::optional<Error> last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto terminated = api.terminate_pod(pod_id);
    if (terminated.ok()) {
      std::cerr << "llmux: terminated pod " << pod_id << '\n';
      remove_deployment(settings, name);
      return true;
    }
    last = terminated.error();
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::cerr << "llmux: could not terminate pod " << pod_id << " (" << error_text(*last)
            << "); it may still be billed: run llmux deploy stop " << name
            << " or terminate it in RunPod's console\n";
  return false;
}

// The pod RunPod may have created although its answer was lost (a 5xx, a cut connection):
// found by its unique name and terminated.
void sweep_unanswered_creation(RunPodApi &api, const std::string &pod_name) {
  auto pods = api.list_pods();
  if (!pods.ok()) {
    std::cerr << "llmux: could not check whether RunPod created pod " << pod_name
              << " anyway: look for it in RunPod's console\n";
    return;
  }
  for (const Pod &pod : pods.value())
    if (pod.name == pod_name) {
      auto terminated = api.terminate_pod(pod.id);
      std::cerr << "llmux: RunPod had created pod " << pod.id << " anyway; "
                << (terminated.ok() ? "terminated it"
                                    : "could not terminate it: do so in RunPod's console")
                << '\n';
    }
}

enum class Wait { Ready, Stopped, TimedOut, Interrupted };

struct WaitOutcome {
  Wait wait = Wait::TimedOut;
  std::string reason;
  ListedModel listed;
};

// Watches the pod until vLLM lists `served` through the proxy at `base_url`.
WaitOutcome wait_until_served(RunPodApi &api, const std::string &pod_id,
                              const std::string &base_url, const std::string &served,
                              std::int64_t timeout_s, const native::CancelFlag &interrupted) {
  native::HttpClient proxy(quick_probe_options());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::string last_status;
  while (true) {
    if (interrupted.cancelled())
      return {Wait::Interrupted, "interrupted", {}};
    auto pod = api.get_pod(pod_id);
    if (pod.ok()) {
      const std::string &status = pod.value().status;
      if (status != last_status) {
        std::cerr << "llmux: pod " << pod_id << " is " << status
                  << (status == "RUNNING" ? "; waiting for vLLM to load the model" : "") << '\n';
        last_status = status;
      }
      if (status == "EXITED" || status == "ERROR" || status == "TERMINATED")
        return {Wait::Stopped,
                "the pod stopped (" + status +
                    ") before vLLM served the model; its logs are in RunPod's console",
                {}};
    } else if (pod.error().code == ErrorCode::NotFound ||
               pod.error().code == ErrorCode::AuthFailed) {
      return {Wait::Stopped, "RunPod no longer shows the pod: " + error_text(pod.error()), {}};
    }
    if (auto models = discover_models(proxy, base_url, &interrupted))
      if (const ListedModel *listed = find_listed(*models, served))
        return {Wait::Ready, {}, *listed};
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return {Wait::TimedOut,
              "vLLM did not serve " + served + " at " + base_url + " within " +
                  std::to_string(timeout_s) + " s (--timeout)",
              {}};
    // The last look is at the deadline itself.
    const auto next = std::min(now + poll_interval, deadline);
    while (std::chrono::steady_clock::now() < next && !interrupted.cancelled())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

} // namespace

int deploy_runpod(const CLI::App &command, const DeployOptions &options) {
  if (std::string reason = unreachable_reason(options); !reason.empty())
    return usage_error(command, reason);
  const std::string name = options.name.empty() ? default_name(options.target) : options.name;
  if (!is_name(name))
    return usage_error(command, "--name must be 1 to 64 letters, digits, '.', '_' or '-', not \"" +
                                    name + "\"");
  if (!fits_in_args(options.target))
    return usage_error(command, "MODEL_OR_CHECKPOINT cannot hold blanks or quotes: RunPod splits "
                                "the pod's arguments on them");
  for (const std::string &arg : options.server_args) {
    // llmux reaches the pod at port 8000 and calls the model by NAME: those stay llmux's.
    for (const char *own : {"--port", "--served-model-name"})
      if (arg == own || arg.starts_with(std::string(own) + "="))
        return usage_error(command, std::string(own) + " is llmux's to set (port " +
                                        std::to_string(runpod_default_pod_port) +
                                        ", the served name is --name)");
    if (!fits_in_args(arg))
      return usage_error(command,
                         "vLLM's arguments cannot hold blanks or quotes (RunPod splits them): \"" +
                             arg + "\"");
  }
  if (options.volume_gb > 0 && !options.network_volume.empty())
    return usage_error(command,
                       "--volume-gb and --network-volume exclude each other: a pod has one volume");

  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  const auto key = settings.find("RUNPOD_API_KEY");
  if (key == settings.end() || key->second.empty()) {
    std::cerr << "llmux: deploy runpod needs RUNPOD_API_KEY: set it in the environment or the "
                 "settings file (~/.config/llmux/settings), never on the command line\n";
    return 1;
  }
  if (!deployment_name_free(settings, name))
    return 1;

  PodSpec spec;
  spec.name = "llmux-" + name + "-" + random_suffix();
  spec.image = options.image;
  spec.gpu_type = options.gpu;
  spec.gpu_count = options.gpu_count;
  spec.cloud = options.cloud;
  spec.disk_gb = options.disk_gb;
  spec.volume_gb = options.volume_gb;
  spec.network_volume_id = options.network_volume;
  spec.volume_path = options.volume_path;
  spec.ports = {std::to_string(runpod_default_pod_port) + "/http"};
  // A gated or private model needs the user's Hugging Face token in the pod; it is a secret,
  // so it goes only there.
  if (auto token = settings.find("HF_TOKEN"); token != settings.end() && !token->second.empty())
    spec.env["HF_TOKEN"] = token->second;
  spec.args = vllm_arguments(options, name);

  native::CancelFlag interrupted;
  InterruptScope interrupt_scope(interrupted);
  RunPodApi api(runpod_rest_url(settings), key->second, &interrupted);
  // Cleaning up must work after Ctrl-C cancelled everything else.
  RunPodApi cleanup(runpod_rest_url(settings), key->second);

  std::cerr << "llmux: creating a RunPod pod: " << options.gpu_count << " x " << options.gpu << ", "
            << options.image << ", serving " << options.target << '\n';
  auto created = api.create_pod(spec);
  if (!created.ok()) {
    const Error &error = created.error();
    std::cerr << "llmux: " << creation_failure(error, options) << '\n';
    // A server error or a lost answer may hide a pod RunPod created anyway.
    if ((error.code == ErrorCode::ServerError || error.code == ErrorCode::BadResponse ||
         error.origin == ErrorOrigin::Network) &&
        may_have_reached_runpod(error))
      sweep_unanswered_creation(cleanup, spec.name);
    return interrupted.cancelled() ? interrupted_status : 1;
  }
  const std::string pod_id = created.value().id;
  const std::string base_url = runpod_pod_base_url(pod_id, runpod_default_pod_port, settings);
  if (base_url.empty()) {
    std::cerr << "llmux: RunPod answered with a pod id llmux cannot put in a URL\n";
    abandon(settings, cleanup, pod_id, name);
    return 1;
  }

  Deployment deployment;
  deployment.name = name;
  deployment.kind = "runpod";
  deployment.model = options.target;
  deployment.served_model = name;
  deployment.base_url = base_url;
  deployment.pod_id = pod_id;
  deployment.started_at = utc_timestamp_now();
  if (!add_deployment(settings, deployment)) {
    // Not recorded, so nothing could stop it later: it must go now.
    if (auto terminated = cleanup.terminate_pod(pod_id); terminated.ok())
      std::cerr << "llmux: terminated pod " << pod_id << '\n';
    else
      std::cerr << "llmux: could not terminate pod " << pod_id << " ("
                << error_text(terminated.error()) << "): terminate it in RunPod's console\n";
    return 1;
  }
  std::cerr << "llmux: created pod " << pod_id << "; waiting up to " << options.timeout_s
            << " s for vLLM at " << base_url << " (Ctrl-C terminates the pod)\n";

  const WaitOutcome outcome =
      wait_until_served(api, pod_id, base_url, name, options.timeout_s, interrupted);
  if (outcome.wait != Wait::Ready) {
    std::cerr << "llmux: " << outcome.reason << "; terminating pod " << pod_id << '\n';
    abandon(settings, cleanup, pod_id, name);
    return outcome.wait == Wait::Interrupted ? interrupted_status : 1;
  }

  ModelTemplate model = served_model(name, options.target + " on RunPod (" + options.gpu + ")",
                                     Provider::RunPod, name, base_url, options.context,
                                     outcome.listed.context_tokens, options.max_output);
  // RunPod bills the pod's GPU hours, not tokens: the cost of a call is unknown, never zero.
  model.prices.reset();
  if (!save_user_model(settings, std::move(model))) {
    abandon(settings, cleanup, pod_id, name);
    return 1;
  }
  std::cout << "deployed " << name << ": " << options.target << " on RunPod pod " << pod_id << " ("
            << options.gpu_count << " x " << options.gpu << ") at " << base_url << '\n'
            << "  chat: llmux chat -m " << name << " Hello\n"
            << "  stop: llmux deploy stop " << name
            << " (RunPod bills the pod by the hour until then)\n";
  return 0;
}

} // namespace llmux::cli
