#pragma once
// RunPod's REST API, as llmux deploy runpod uses it: create a GPU pod, read its status,
// terminate it, list pods. Version 2 (https://api.runpod.io/v2, docs.runpod.io/api-reference-v2):
// v1 (rest.runpod.io/v1) was retired on 2026-11-15. The base URL is the setting
// RUNPOD_REST_URL; the key, RUNPOD_API_KEY, goes only into the Authorization header and is
// scrubbed from every message RunPod's answers could echo it in.

#include <llmux/native/http_client.hpp>
#include <llmux/resolve.hpp>
#include <llmux/result.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmux::cli {

/// RunPod's API unless RUNPOD_REST_URL says otherwise.
inline constexpr const char *runpod_default_rest_url = "https://api.runpod.io/v2";

/// What a pod is made of: CreatePodRequest's fields llmux sets.
struct PodSpec {
  std::string name;
  std::string image;
  std::string gpu_type; ///< gpu.id: "NVIDIA GeForce RTX 4090"
  std::int64_t gpu_count = 1;
  std::string cloud = "SECURE"; ///< SECURE or COMMUNITY
  std::int64_t disk_gb = 50;    ///< the container disk (wiped when the pod restarts)
  std::int64_t volume_gb = 0;   ///< a persistent volume (0: none)
  std::string network_volume_id;
  std::string volume_path = "/workspace"; ///< where either volume is mounted
  std::vector<std::string> ports;         ///< "8000/http"
  std::map<std::string, std::string> env;
  std::string args; ///< the image entrypoint's arguments, one string (RunPod splits it)
};

/// A pod as RunPod describes it: its id and lifecycle status (PROVISIONING, STARTING,
/// RUNNING, EXITED, ERROR, TERMINATED).
struct Pod {
  std::string id;
  std::string name;
  std::string status;
};

/// The create request's JSON body for `spec`.
std::string pod_create_body(const PodSpec &spec);

/// Whether RunPod's error says the GPU type has no capacity now. RunPod answers that with a
/// 400 whose detail reads "There are no longer any instances available with the requested
/// specifications. Please refresh and try again." (v1 said "no instances currently
/// available"); no machine-readable code tells it apart from other 400s.
bool is_no_capacity(const Error &error);

/// Whether a failed request may have reached RunPod and been acted on: any answer, a cut
/// connection or a timeout after connecting may hide a pod created anyway; a connection that
/// never opened (refused, an unknown host, TLS, the connect timeout: the native driver's
/// words) cannot.
bool may_have_reached_runpod(const Error &error);

/// A client for one account's pods. Errors are values: `auth_failed` (401), `quota_exceeded`
/// (402), `permission_denied` (403), `not_found` (404), `invalid_request` (400, 422),
/// `rate_limited` (429), `server_error` (5xx), `bad_response` (an answer that is not the
/// documented JSON), or the driver's `network`, `timeout` and `cancelled`. Messages carry
/// RunPod's title, detail and validation errors, never the key.
class RunPodApi {
public:
  /// `cancel`, when given, abandons requests once set (Ctrl-C); it must outlive the client.
  RunPodApi(std::string base_url, std::string api_key, const native::CancelFlag *cancel = nullptr);

  Result<Pod> create_pod(const PodSpec &spec);
  Result<Pod> get_pod(const std::string &id);
  /// Terminates (deletes) the pod; a pod RunPod no longer knows counts as terminated.
  Result<void> terminate_pod(const std::string &id);
  Result<std::vector<Pod>> list_pods();

private:
  Result<std::string> call(const std::string &method, const std::string &path,
                           const std::string &body, int expected_status);

  std::string base_url_;
  std::string api_key_;
  const native::CancelFlag *cancel_;
  native::HttpClient client_;
};

/// RUNPOD_REST_URL, else runpod_default_rest_url, without a trailing slash.
std::string runpod_rest_url(const Settings &settings);

} // namespace llmux::cli
