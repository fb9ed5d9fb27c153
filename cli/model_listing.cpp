#include "model_listing.hpp"

#include "collected_response.hpp"

namespace llmux::cli {

std::optional<std::string> get_body(native::HttpClient &client, const std::string &url,
                                    const native::CancelFlag *cancel) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  CollectedResponse collect;
  if (client.perform(request, collect, cancel) || collect.status != 200)
    return std::nullopt;
  return collect.body;
}

std::optional<std::vector<ListedModel>>
discover_models(native::HttpClient &client, std::string base, const native::CancelFlag *cancel) {
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  const bool has_v1 = base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0;
  for (const std::string &url : {base + (has_v1 ? "/models" : "/v1/models"), base + "/api/tags"})
    if (auto body = get_body(client, url, cancel))
      if (auto models = parse_model_list(*body); models.ok())
        return std::move(models).value();
  return std::nullopt;
}

const ListedModel *find_listed(const std::vector<ListedModel> &models, const std::string &id) {
  for (const ListedModel &model : models)
    if (model.id == id || model.id == id + ":latest")
      return &model;
  return nullptr;
}

native::HttpClientOptions quick_probe_options() {
  native::HttpClientOptions quick;
  quick.connect_timeout_ms = 2000;
  quick.total_timeout_ms = 10'000;
  return quick;
}

} // namespace llmux::cli
