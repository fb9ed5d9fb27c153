// llmux deploy and llmux discover: start a local model server (vLLM) or register a checkpoint
// with Ollama, wait until it answers, and add it to the user's models; list what a local
// server offers.

#include "commands.hpp"
#include "settings.hpp"

#include <llmux/llmux.hpp>
#include <llmux/model_list.hpp>
#include <llmux/native/environment.hpp>
#include <llmux/native/http_client.hpp>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace llmux::cli {
namespace {

class Collect final : public native::ResponseReceiver {
public:
  void on_head(const HttpResponseHead &head) override { status = head.status; }
  void on_body(std::string_view bytes) override { body.append(bytes); }
  int status = 0;
  std::string body;
};

// GET `url`; the body of a 200, or nothing.
std::optional<std::string> get(native::HttpClient &client, const std::string &url) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  Collect collect;
  if (client.perform(request, collect) || collect.status != 200)
    return std::nullopt;
  return collect.body;
}

// The models a server at `base` offers: OpenAI-compatible /v1/models, else Ollama /api/tags.
std::optional<std::vector<ListedModel>> discover(native::HttpClient &client, std::string base) {
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  const bool has_v1 = base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0;
  for (const std::string &url : {base + (has_v1 ? "/models" : "/v1/models"), base + "/api/tags"})
    if (auto body = get(client, url))
      if (auto models = parse_model_list(*body); models.ok())
        return std::move(models).value();
  return std::nullopt;
}

// Adds (or replaces) `model` in the user's models file, keeping the others.
bool save_user_model(const Settings &settings, ModelTemplate model) {
  const std::filesystem::path path = native::user_models_path(settings);
  if (path.empty()) {
    std::cerr << "llmux: nowhere to save the model: set LLMUX_MODELS_FILE or HOME\n";
    return false;
  }
  Catalog user;
  if (std::ifstream in(path, std::ios::binary); in) {
    std::ostringstream text;
    text << in.rdbuf();
    if (auto added = user.add_json(text.str()); !added.ok()) {
      std::cerr << "llmux: " << path.string() << ": " << added.error().message << '\n';
      return false;
    }
  }
  if (auto added = user.add(std::move(model)); !added.ok()) {
    std::cerr << "llmux: " << added.error().message << '\n';
    return false;
  }
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << user.to_json() << '\n';
    if (!out) {
      std::cerr << "llmux: cannot write " << temporary.string() << '\n';
      return false;
    }
  }
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::cerr << "llmux: cannot replace " << path.string() << ": " << error.message() << '\n';
    return false;
  }
  return true;
}

// Starts `argv` in the background with its output in `log`; its pid, or -1.
pid_t spawn(const std::vector<std::string> &argv, const std::filesystem::path &log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group: Ctrl-C in this terminal later does not stop the server.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char *> args;
  for (const std::string &arg : argv)
    args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return failed ? -1 : pid;
}

// Runs `argv` to its end; its exit status (-1 when it could not start).
int run(const std::vector<std::string> &argv, const std::filesystem::path &log) {
  pid_t pid = spawn(argv, log);
  if (pid < 0)
    return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail_of(const std::filesystem::path &log) {
  std::ifstream in(log);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

struct DeployOptions {
  std::string name;
  std::int64_t port = 8000;
  std::int64_t timeout_s = 900;
  std::int64_t context = 0;
  std::int64_t max_output = 2048;
  std::string host; // Ollama's base URL
  std::vector<std::string> extra;
};

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

int deploy_vllm(const Settings &settings, const std::string &model, const DeployOptions &options) {
  const std::filesystem::path data = native::data_directory(settings);
  if (data.empty()) {
    std::cerr << "llmux: no data directory for the server's log: set LLMUX_HOME or HOME\n";
    return 1;
  }
  std::filesystem::create_directories(data / "deploy");
  const std::filesystem::path log = data / "deploy" / ("vllm-" + std::to_string(options.port) + ".log");
  std::vector<std::string> argv = {"vllm", "serve", model, "--host", "127.0.0.1", "--port",
                                   std::to_string(options.port), "--enable-auto-tool-choice",
                                   "--tool-call-parser", "hermes"};
  argv.insert(argv.end(), options.extra.begin(), options.extra.end());
  const pid_t pid = spawn(argv, log);
  if (pid < 0) {
    std::cerr << "llmux: cannot start vllm (is it installed and on PATH?)\n";
    return 1;
  }
  std::cerr << "llmux: started vllm (pid " << pid << ", log " << log.string()
            << "); waiting for it to answer\n";
  const std::string base = "http://127.0.0.1:" + std::to_string(options.port) + "/v1";
  native::HttpClientOptions quick;
  quick.connect_timeout_ms = 1000;
  quick.total_timeout_ms = 5000;
  native::HttpClient client(quick);
  std::vector<ListedModel> served;
  auto ready = [&] {
    auto found = discover(client, base);
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
    return 1;
  }
  ModelTemplate deployed;
  deployed.id = options.name.empty() ? "vllm-" + std::to_string(options.port) : options.name;
  deployed.display_name = served.front().id + " on local vLLM";
  deployed.provider = Provider::Vllm;
  deployed.upstream_model = served.front().id;
  deployed.base_url = base;
  deployed.context_tokens = options.context > 0 ? options.context
                                                : (served.front().context_tokens > 0 ? served.front().context_tokens : 8192);
  deployed.max_output_tokens = std::min(options.max_output, deployed.context_tokens);
  deployed.prices = ModelPrices{}; // a local server costs nothing per token
  deployed.features.streaming = true;
  deployed.features.tools = true;
  deployed.user_defined = true;
  const std::string id = deployed.id;
  if (!save_user_model(settings, std::move(deployed)))
    return 1;
  std::cout << "deployed " << id << ": " << served.front().id << " at " << base << " (pid " << pid
            << ")\n";
  return 0;
}

int deploy_ollama(const Settings &settings, const std::string &checkpoint, const DeployOptions &options) {
  if (options.name.empty())
    return usage_error("deploy ollama needs --name NAME");
  std::string host = options.host;
  if (host.empty())
    if (auto found = settings.find("OLLAMA_BASE_URL"); found != settings.end())
      host = found->second;
  if (host.empty())
    if (auto found = settings.find("OLLAMA_HOST"); found != settings.end())
      host = found->second;
  if (host.empty())
    host = "http://127.0.0.1:11434";
  if (host.find("://") == std::string::npos)
    host = "http://" + host;
  while (!host.empty() && host.back() == '/')
    host.pop_back();
  const std::filesystem::path data = native::data_directory(settings);
  if (data.empty()) {
    std::cerr << "llmux: no data directory for the Modelfile: set LLMUX_HOME or HOME\n";
    return 1;
  }
  const std::filesystem::path folder = data / "deploy" / ("ollama-" + options.name);
  std::filesystem::create_directories(folder);
  const std::filesystem::path modelfile = folder / "Modelfile";
  std::filesystem::path source(checkpoint);
  std::error_code error;
  if (std::filesystem::exists(source, error))
    source = std::filesystem::absolute(source, error);
  std::ofstream(modelfile) << "FROM " << source.string() << '\n';
  const std::filesystem::path log = folder / "create.log";
  // `ollama create` talks to the server named by OLLAMA_HOST.
  setenv("OLLAMA_HOST", host.c_str(), 1);
  const int status = run({"ollama", "create", options.name, "-f", modelfile.string()}, log);
  if (status != 0) {
    std::cerr << "llmux: `ollama create` failed"
              << (status < 0 ? " to start (is ollama installed and on PATH?)" : "") << "; its output:\n"
              << tail_of(log) << '\n';
    return 1;
  }
  native::HttpClientOptions quick;
  quick.connect_timeout_ms = 1000;
  quick.total_timeout_ms = 5000;
  native::HttpClient client(quick);
  std::string tag = options.name.find(':') == std::string::npos ? options.name + ":latest" : options.name;
  auto listed = [&] {
    auto found = discover(client, host);
    if (!found)
      return false;
    for (const ListedModel &model : *found)
      if (model.id == tag || model.id == options.name)
        return true;
    return false;
  };
  if (!wait_until(listed, [] { return true; }, options.timeout_s)) {
    std::cerr << "llmux: Ollama at " << host << " does not list " << tag << '\n';
    return 1;
  }
  ModelTemplate deployed;
  deployed.id = "ollama-" + options.name;
  deployed.display_name = options.name + " on local Ollama";
  deployed.provider = Provider::Ollama;
  deployed.upstream_model = tag;
  deployed.base_url = host;
  deployed.context_tokens = options.context > 0 ? options.context : 8192;
  deployed.max_output_tokens = std::min(options.max_output, deployed.context_tokens);
  deployed.prices = ModelPrices{};
  deployed.features.streaming = true;
  deployed.features.tools = true;
  deployed.user_defined = true;
  const std::string id = deployed.id;
  if (!save_user_model(settings, std::move(deployed)))
    return 1;
  std::cout << "deployed " << id << ": " << tag << " at " << host << '\n';
  return 0;
}

} // namespace

int deploy_command(Arguments args) {
  auto server = args.next();
  auto target = args.next();
  if (!server || !target || (*server != "vllm" && *server != "ollama"))
    return usage_error("deploy takes vllm MODEL or ollama CHECKPOINT --name NAME");
  DeployOptions options;
  while (auto arg = args.next()) {
    auto number = [&](std::int64_t &into) {
      auto value = args.value();
      auto count = value ? parse_count(*value) : std::nullopt;
      if (!count)
        return false;
      into = *count;
      return true;
    };
    if (*arg == "--name") {
      auto value = args.value();
      if (!value)
        return usage_error("--name needs a name");
      options.name = std::string(*value);
    } else if (*arg == "--port") {
      if (!number(options.port) || options.port == 0 || options.port > 65535)
        return usage_error("--port needs a port number");
    } else if (*arg == "--timeout") {
      if (!number(options.timeout_s))
        return usage_error("--timeout needs seconds");
    } else if (*arg == "--context") {
      if (!number(options.context))
        return usage_error("--context needs a number of tokens");
    } else if (*arg == "--max-output") {
      if (!number(options.max_output) || options.max_output == 0)
        return usage_error("--max-output needs a number of tokens");
    } else if (*arg == "--host") {
      auto value = args.value();
      if (!value)
        return usage_error("--host needs Ollama's URL");
      options.host = std::string(*value);
    } else if (*arg == "--") {
      while (auto extra = args.next())
        options.extra.emplace_back(*extra);
    } else {
      return usage_error("unknown argument to deploy: " + std::string(*arg));
    }
  }
  const auto settings = load_settings_or_report();
  if (!settings)
    return 1;
  return *server == "vllm" ? deploy_vllm(*settings, std::string(*target), options)
                           : deploy_ollama(*settings, std::string(*target), options);
}

int discover_command(Arguments args) {
  auto base = args.next();
  if (!base || args.next())
    return usage_error("discover takes a server's URL (http://127.0.0.1:8000, http://127.0.0.1:11434)");
  native::HttpClientOptions quick;
  quick.connect_timeout_ms = 2000;
  quick.total_timeout_ms = 10'000;
  native::HttpClient client(quick);
  auto found = discover(client, std::string(*base));
  if (!found) {
    std::cerr << "llmux: " << *base << " lists no models at /v1/models or /api/tags\n";
    return 1;
  }
  for (const ListedModel &model : *found) {
    std::cout << model.id;
    if (model.context_tokens > 0)
      std::cout << "\t" << model.context_tokens;
    std::cout << '\n';
  }
  return 0;
}

} // namespace llmux::cli
