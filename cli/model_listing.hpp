#pragma once
// What a model server offers, asked over HTTP: OpenAI-compatible servers (vLLM, a RunPod pod)
// list at /v1/models, Ollama at /api/tags.

#include <llmux/model_list.hpp>
#include <llmux/native/http_client.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmux::cli {

/// GET `url`: the body of a 200, or nothing (any other status, or no answer). `cancel`, when
/// given, abandons the request.
std::optional<std::string> get_body(native::HttpClient &client, const std::string &url,
                                    const native::CancelFlag *cancel = nullptr);

/// The models the server at `base` offers: `base`/v1/models (or `base`/models when `base`
/// ends in /v1), else `base`/api/tags. Nothing when neither answers with a model list.
std::optional<std::vector<ListedModel>> discover_models(native::HttpClient &client,
                                                        std::string base,
                                                        const native::CancelFlag *cancel = nullptr);

/// The listed model whose id is `id` (or, for Ollama, `id`:latest), or null.
const ListedModel *find_listed(const std::vector<ListedModel> &models, const std::string &id);

/// Options for asking a server that may not be up yet: give up on one request quickly.
native::HttpClientOptions quick_probe_options();

} // namespace llmux::cli
