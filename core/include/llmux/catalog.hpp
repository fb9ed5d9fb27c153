#pragma once
/// Model templates: what llmux knows about each model it can call, and the catalog of them.

#include <llmux/money.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// Prices of one token of each kind, in picodollars (= dollars per million tokens × 10^6).
struct TokenPrices {
  Picodollars input = 0;
  Picodollars output = 0;
  /// Input read from the prompt cache; unset: the input price.
  std::optional<Picodollars> cached_input;
  /// Input written to the prompt cache (Anthropic); unset: the input price.
  std::optional<Picodollars> cache_write;

  friend bool operator==(const TokenPrices &, const TokenPrices &) = default;
};

/// A model's prices. Some providers charge more for long prompts (Gemini 2.5 Pro above 200K
/// input tokens): then `long_context` applies to the whole request when its prompt has more
/// than `long_context_above_input_tokens` tokens.
struct ModelPrices {
  TokenPrices base;
  std::optional<std::int64_t> long_context_above_input_tokens;
  TokenPrices long_context;

  friend bool operator==(const ModelPrices &, const ModelPrices &) = default;
};

/// What a model can do.
struct ModelFeatures {
  bool streaming = false;
  bool tools = false;
  bool vision = false;
  bool json_mode = false;
  bool reasoning = false;

  friend bool operator==(const ModelFeatures &, const ModelFeatures &) = default;
};

/// One model as llmux can call it.
struct ModelTemplate {
  std::string id;           ///< catalog id: "openai-gpt-4o-mini"
  std::string display_name; ///< "GPT-4o mini"
  Provider provider = Provider::OpenAi;
  /// The model id the provider knows ("gpt-4o-mini"); empty when the user supplies it
  /// (a custom endpoint's model, a checkpoint path).
  std::string upstream_model;
  /// Overrides the provider's default base URL; empty: the provider's, or the user's.
  std::string base_url;
  std::string deployment;  ///< Azure: the deployment name
  std::string api_version; ///< Azure: the api-version
  std::int64_t context_tokens = 0;
  std::int64_t max_output_tokens = 0;
  /// Unset when the cost is not known (a router's price depends on whoever serves it): costs
  /// are then reported as unknown, never as zero.
  std::optional<ModelPrices> prices;
  ModelFeatures features;
  /// What the user must supply before the template can be used, as the environment variables
  /// that supply it ("AZURE_OPENAI_ENDPOINT", "RUNPOD_MODEL").
  std::vector<std::string> required_settings;
  /// Other names of this template: what is sent is `upstream_model` ("gpt-5-chat" for
  /// gpt-5-chat-latest, the seed product's "anthropic-claude-3.5-sonnet").
  std::vector<std::string> aliases;
  /// Other names of the model that are sent as typed: tags the provider gives the same weights
  /// (Ollama's "llama3.1" is "llama3.1:latest", the same weights as "llama3.1:8b", but only
  /// the tags a user pulled answer), and the seed document's names for a model the user
  /// serves (vLLM's "custom-model", RunPod's "your-model-name").
  std::vector<std::string> served_as;
  /// True for models the user added at run time.
  bool user_defined = false;

  /// How the provider takes this model's key.
  AuthScheme auth() const noexcept { return provider_info(provider).auth; }
};

/// The models llmux knows: the built-in templates, then the user's, which replace built-in
/// ones of the same id.
class Catalog {
public:
  /// The templates built into llmux (core/catalog/models.json, embedded at build time).
  static Catalog builtin();

  /// Every template, built-in first, in file order.
  const std::vector<ModelTemplate> &models() const noexcept { return models_; }

  /// The template with this catalog id, or null.
  const ModelTemplate *find(std::string_view id) const noexcept;

  /// The templates that give `name` as an alias or a served name, in catalog order (several:
  /// the name is ambiguous). Pointers into the catalog, valid until it changes.
  std::vector<const ModelTemplate *> find_other_name(std::string_view name) const;

  /// Adds a user model, or replaces the template of the same id. invalid_argument when the
  /// template is incomplete (no id, no provider base URL and none given, non-positive limits).
  Result<void> add(ModelTemplate model);

  /// Adds the models of a catalog document: {"models": [...]} or one model object, in the
  /// format of core/catalog/models.json. invalid_argument saying which model and field is
  /// wrong; nothing is added then.
  Result<std::size_t> add_json(std::string_view json_text);

  /// The catalog as a JSON document in the same format (user models included).
  std::string to_json() const;

private:
  std::vector<ModelTemplate> models_;
};

} // namespace llmux
