#pragma once
/// From what the user names ("gpt-4o-mini", "anthropic/claude-3-5-sonnet-20241022",
/// "openai-gpt-4o-mini", "llama3.1:8b", or nothing at all) to a model ready to call.

#include <llmux/catalog.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// Settings named as environment variables (LLM_PROVIDER, OPENAI_API_KEY, OLLAMA_BASE_URL,
/// ...). The host gathers them (from the environment, a config file); the core only reads
/// this map. Holds API keys: never print it.
using Settings = std::map<std::string, std::string, std::less<>>;

/// The prefix of a provider's settings: "OPENAI" for OPENAI_API_KEY, OPENAI_BASE_URL,
/// OPENAI_MODEL, OPENAI_TEMPERATURE, OPENAI_MAX_TOKENS and OPENAI_STREAM; "AZURE_OPENAI",
/// "ANTHROPIC", "OLLAMA", "GEMINI", "COHERE", "MISTRAL", "XAI", "HUGGINGFACE", "VLLM",
/// "RUNPOD", "LOCAL", "OPENROUTER".
std::string_view settings_prefix(Provider provider) noexcept;

/// A model ready to call.
struct ResolvedModel {
  /// The catalog template, or one made for a model the catalog does not list (resolved by
  /// its provider or its name's prefix): then context and output limits are 0 (unknown)
  /// and there are no prices.
  ModelTemplate model;
  bool in_catalog = false;
  /// Where and how to reach it: base URL, key, deployment from the settings or the template.
  Endpoint endpoint;
  /// Request defaults from the settings (<PREFIX>_TEMPERATURE, _MAX_TOKENS, _STREAM).
  std::optional<double> temperature;
  std::optional<std::int64_t> max_tokens;
  std::optional<bool> stream;
  /// Settings the model needs that are not set (an API key, an Azure endpoint, a RunPod
  /// model): the model cannot be called until they are.
  std::vector<std::string> missing_settings;

  bool ready() const noexcept { return missing_settings.empty(); }
};

/// Resolves what the user named, in this order: a catalog id; a catalog model by its
/// upstream name; "provider/model" (the catalog's template for it, or a new one); a bare
/// name by prefix (claude… Anthropic, grok… xAI, gemini… Gemini, command… Cohere,
/// mistral…/mixtral…/magistral…/codestral… Mistral, gpt…/o1…/o3…/o4… OpenAI, name:tag
/// Ollama). Fails with unknown_model naming the closest catalog ids, or with
/// invalid_argument when a setting it reads is malformed (OPENAI_TEMPERATURE=warm).
Result<ResolvedModel> resolve_model(const Catalog &catalog, std::string_view name,
                                    const Settings &settings);

/// Resolves the model the settings name when the user names none: LLM_PROVIDER, then that
/// provider's <PREFIX>_MODEL (Azure: AZURE_OPENAI_DEPLOYMENT also). invalid_argument when
/// they name none.
Result<ResolvedModel> resolve_from_settings(const Catalog &catalog, const Settings &settings);

/// The port a RunPod pod's vLLM server listens on unless RUNPOD_POD_PORT says otherwise: the
/// product's pods expose vLLM's 8000.
inline constexpr std::int64_t runpod_default_pod_port = 8000;

/// The OpenAI-compatible base URL of a RunPod pod's HTTP proxy for one of its ports:
/// "https://POD_ID-8000.proxy.runpod.net/v1". RUNPOD_PROXY_URL replaces the pattern (its
/// "{pod_id}" and "{port}" are filled in): for a proxy of your own, and for tests, which point
/// it at loopback. Empty when `pod_id` is not a RunPod pod id (letters and digits only, so it
/// cannot change the URL's host) or the port is outside 1 to 65535.
std::string runpod_pod_base_url(std::string_view pod_id, std::int64_t port,
                                const Settings &settings);

/// Up to `count` catalog ids closest to `name` (edit distance on ids and upstream names).
std::vector<std::string> close_matches(const Catalog &catalog, std::string_view name,
                                       std::size_t count = 3);

} // namespace llmux
