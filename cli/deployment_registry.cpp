#include "deployment_registry.hpp"
#include "locked_file.hpp"

#include <llmux/native/environment.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

namespace llmux::cli {
namespace {

std::string text_field(const nlohmann::json &object, const char *name) {
  auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The deployments a file's text holds, or nothing after saying what is wrong with it.
std::optional<std::vector<Deployment>> parse_deployments(const std::string &text,
                                                         const std::filesystem::path &path) {
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  auto list = document.is_object() ? document.find("deployments") : document.end();
  if (document.is_discarded() || list == document.end() || !list->is_array()) {
    std::cerr
        << "llmux: " << path.string()
        << " is not a deployments file ({\"deployments\": [...]}); move it away to start afresh\n";
    return std::nullopt;
  }
  std::vector<Deployment> deployments;
  for (const nlohmann::json &entry : *list) {
    if (!entry.is_object())
      continue;
    Deployment deployment;
    deployment.name = text_field(entry, "name");
    deployment.kind = text_field(entry, "kind");
    deployment.model = text_field(entry, "model");
    deployment.served_model = text_field(entry, "served_model");
    deployment.base_url = text_field(entry, "base_url");
    deployment.pod_id = text_field(entry, "pod_id");
    deployment.host = text_field(entry, "host");
    deployment.started_at = text_field(entry, "started_at");
    if (auto pid = entry.find("pid"); pid != entry.end() && pid->is_number_integer())
      deployment.pid = pid->get<std::int64_t>();
    if (!deployment.name.empty())
      deployments.push_back(std::move(deployment));
  }
  return deployments;
}

std::optional<std::vector<Deployment>> read_deployments(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::vector<Deployment>{};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_deployments(text.str(), path);
}

std::string deployments_text(const std::vector<Deployment> &deployments) {
  nlohmann::json list = nlohmann::json::array();
  for (const Deployment &deployment : deployments)
    list.push_back(deployment_to_json(deployment));
  return nlohmann::json{{"deployments", list}}.dump(2) + '\n';
}

} // namespace

std::filesystem::path deployments_path(const Settings &settings) {
  const std::filesystem::path data = native::data_directory(settings);
  return data.empty() ? data : data / "deploy" / "deployments.json";
}

std::optional<std::vector<Deployment>> load_deployments(const Settings &settings) {
  const std::filesystem::path path = deployments_path(settings);
  if (path.empty())
    return std::vector<Deployment>{};
  return read_deployments(path);
}

bool update_deployments(const Settings &settings,
                        const std::function<bool(std::vector<Deployment> &)> &change) {
  const std::filesystem::path path = deployments_path(settings);
  if (path.empty()) {
    std::cerr << "llmux: nowhere to keep the deployments: set LLMUX_HOME or HOME\n";
    return false;
  }
  // Concurrent deploys serialise their read-modify-write instead of losing each other's entries.
  LockedFile file(path);
  if (!file.held())
    return false;
  auto deployments = read_deployments(path);
  if (!deployments || !change(*deployments))
    return false;
  return file.replace(deployments_text(*deployments));
}

namespace {

void say_name_taken(const std::string &name) {
  std::cerr << "llmux: a deployment named " << name << " exists: stop it first (llmux deploy stop "
            << name << ") or choose another --name\n";
}

} // namespace

bool deployment_name_free(const Settings &settings, const std::string &name) {
  auto deployments = load_deployments(settings);
  if (!deployments)
    return false;
  if (find_deployment(*deployments, name)) {
    say_name_taken(name);
    return false;
  }
  return true;
}

bool add_deployment(const Settings &settings, const Deployment &deployment) {
  return update_deployments(settings, [&](std::vector<Deployment> &deployments) {
    if (find_deployment(deployments, deployment.name)) {
      say_name_taken(deployment.name);
      return false;
    }
    deployments.push_back(deployment);
    return true;
  });
}

bool remove_deployment(const Settings &settings, const std::string &name) {
  return update_deployments(settings, [&](std::vector<Deployment> &deployments) {
    std::erase_if(deployments,
                  [&](const Deployment &deployment) { return deployment.name == name; });
    return true;
  });
}

const Deployment *find_deployment(const std::vector<Deployment> &deployments,
                                  const std::string &name) {
  for (const Deployment &deployment : deployments)
    if (deployment.name == name)
      return &deployment;
  return nullptr;
}

std::string utc_timestamp_now() {
  using namespace std::chrono;
  const auto now = floor<seconds>(system_clock::now());
  const auto day = floor<days>(now);
  const year_month_day date(day);
  const hh_mm_ss time(now - day);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

nlohmann::json deployment_to_json(const Deployment &deployment) {
  nlohmann::json object = {{"name", deployment.name},
                           {"kind", deployment.kind},
                           {"model", deployment.model},
                           {"served_model", deployment.served_model},
                           {"base_url", deployment.base_url}};
  if (!deployment.pod_id.empty())
    object["pod_id"] = deployment.pod_id;
  if (deployment.pid > 0)
    object["pid"] = deployment.pid;
  if (!deployment.host.empty())
    object["host"] = deployment.host;
  object["started_at"] = deployment.started_at;
  return object;
}

} // namespace llmux::cli
