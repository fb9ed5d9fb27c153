#include "runpod_api.hpp"

#include "collected_response.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace llmux::cli {
namespace {

// `text` with every occurrence of `secret` replaced: RunPod's errors could quote the header.
std::string scrub(std::string text, const std::string &secret) {
  if (secret.empty())
    return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "[redacted]");
  return text;
}

ErrorCode code_for_status(int status) {
  switch (status) {
    case 401:
      return ErrorCode::AuthFailed;
    case 402:
      return ErrorCode::QuotaExceeded;
    case 403:
      return ErrorCode::PermissionDenied;
    case 404:
      return ErrorCode::NotFound;
    case 429:
      return ErrorCode::RateLimited;
    default:
      return status >= 500 ? ErrorCode::ServerError : ErrorCode::InvalidRequest;
  }
}

// "400 Bad Request: <detail> (<errors>)" from an RFC 9457 problem body ({title, status,
// detail, errors}); v1's {"error"} and {"message"} bodies too, and plain text as it is.
std::string problem_message(int status, const std::string &body) {
  const nlohmann::json problem = nlohmann::json::parse(body, nullptr, false);
  std::string message = std::to_string(status);
  auto text = [&](const char *name) -> std::string {
    if (!problem.is_object())
      return {};
    auto found = problem.find(name);
    return found != problem.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  if (std::string title = text("title"); !title.empty())
    message += " " + title;
  std::string detail = text("detail");
  for (const char *name : {"error", "message"})
    if (detail.empty())
      detail = text(name);
  if (detail.empty() && !problem.is_object() && !body.empty() && body.size() < 300)
    detail = body;
  if (!detail.empty())
    message += ": " + detail;
  if (problem.is_object())
    if (auto errors = problem.find("errors"); errors != problem.end() && errors->is_array()) {
      std::string listed;
      for (const nlohmann::json &item : *errors)
        if (item.is_string())
          listed += (listed.empty() ? "" : "; ") + item.get<std::string>();
      if (!listed.empty())
        message += " (" + listed + ")";
    }
  return message;
}

Result<Pod> pod_from(const std::string &body) {
  const nlohmann::json pod = nlohmann::json::parse(body, nullptr, false);
  if (!pod.is_object() || !pod.contains("id") || !pod["id"].is_string())
    return make_error(ErrorCode::BadResponse, ErrorOrigin::Decoder,
                      "RunPod answered without a pod (no \"id\")");
  Pod out;
  out.id = pod["id"].get<std::string>();
  if (auto name = pod.find("name"); name != pod.end() && name->is_string())
    out.name = name->get<std::string>();
  // v2 says "status"; v1 said "desiredStatus".
  for (const char *field : {"status", "desiredStatus"})
    if (auto status = pod.find(field);
        out.status.empty() && status != pod.end() && status->is_string())
      out.status = status->get<std::string>();
  return out;
}

} // namespace

std::string pod_create_body(const PodSpec &spec) {
  nlohmann::json body = {
      {"name", spec.name},
      {"image", spec.image},
      {"gpu", {{"id", spec.gpu_type}, {"count", spec.gpu_count}}},
      {"cloud", spec.cloud},
      {"disk", spec.disk_gb},
      {"ports", spec.ports},
      {"env", spec.env},
      {"args", spec.args},
  };
  // At most one mount: a network volume, or a persistent volume pinned to the host.
  if (!spec.network_volume_id.empty())
    body["mounts"] = {
        {"network", {{{"volumeId", spec.network_volume_id}, {"path", spec.volume_path}}}}};
  else if (spec.volume_gb > 0)
    body["mounts"] = {{"persistent", {{"size", spec.volume_gb}, {"path", spec.volume_path}}}};
  return body.dump();
}

bool is_no_capacity(const Error &error) {
  std::string message = error.message;
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return message.find("no longer any instances") != std::string::npos ||
         message.find("no instances currently available") != std::string::npos ||
         message.find("no instances available") != std::string::npos;
}

bool may_have_reached_runpod(const Error &error) {
  if (error.origin != ErrorOrigin::Network)
    return true;
  for (const char *unsent :
       {"): connection failed", "): name resolution failed", "): TLS failed", "): connect timeout"})
    if (error.message.find(unsent) != std::string::npos)
      return false;
  return true;
}

RunPodApi::RunPodApi(std::string base_url, std::string api_key, const native::CancelFlag *cancel)
    : base_url_(std::move(base_url)), api_key_(std::move(api_key)), cancel_(cancel), client_([] {
        native::HttpClientOptions options;
        options.connect_timeout_ms = 10'000;
        options.total_timeout_ms = 60'000;
        return options;
      }()) {}

Result<std::string> RunPodApi::call(const std::string &method, const std::string &path,
                                    const std::string &body, int expected_status) {
  HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.headers = {{"accept", "application/json"}, {"authorization", "Bearer " + api_key_}};
  if (!body.empty()) {
    request.headers.push_back({"content-type", "application/json"});
    request.body = body;
  }
  CollectedResponse collect;
  if (auto failed = client_.perform(request, collect, cancel_)) {
    failed->message = "RunPod's API (" + base_url_ + "): " + scrub(failed->message, api_key_);
    return *failed;
  }
  if (collect.status == expected_status)
    return std::move(collect.body);
  Error error = make_error(code_for_status(collect.status), ErrorOrigin::Provider,
                           scrub(problem_message(collect.status, collect.body), api_key_));
  error.http_status = collect.status;
  return error;
}

Result<Pod> RunPodApi::create_pod(const PodSpec &spec) {
  auto body = call("POST", "/pods", pod_create_body(spec), 201);
  if (!body.ok())
    return body.error();
  return pod_from(body.value());
}

Result<Pod> RunPodApi::get_pod(const std::string &id) {
  auto body = call("GET", "/pods/" + id, {}, 200);
  if (!body.ok())
    return body.error();
  return pod_from(body.value());
}

Result<void> RunPodApi::terminate_pod(const std::string &id) {
  auto body = call("DELETE", "/pods/" + id, {}, 204);
  if (!body.ok() && body.error().http_status != 404)
    return body.error();
  return {};
}

Result<std::vector<Pod>> RunPodApi::list_pods() {
  auto body = call("GET", "/pods", {}, 200);
  if (!body.ok())
    return body.error();
  const nlohmann::json listed = nlohmann::json::parse(body.value(), nullptr, false);
  // v2 wraps the list: {"pods": [...]}.
  auto pods = listed.is_object() ? listed.find("pods") : listed.end();
  if (pods == listed.end() || !pods->is_array())
    return make_error(ErrorCode::BadResponse, ErrorOrigin::Decoder,
                      "RunPod's pod list is not {\"pods\": [...]}");
  std::vector<Pod> out;
  for (const nlohmann::json &pod : *pods)
    if (auto read = pod_from(pod.dump()); read.ok())
      out.push_back(std::move(read).value());
  return out;
}

std::string runpod_rest_url(const Settings &settings) {
  std::string url = runpod_default_rest_url;
  if (auto found = settings.find("RUNPOD_REST_URL");
      found != settings.end() && !found->second.empty())
    url = found->second;
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

} // namespace llmux::cli
