#include <llmux/resolve.hpp>

#include "json/read_double.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace llmux {
namespace {

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = lower(c);
  return out;
}

bool starts_with_ignore_case(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && equals_ignore_case(text.substr(0, prefix.size()), prefix);
}

// Other names the providers' own tools give the same settings (read when the llmux name is
// not set): the SDKs' and CLIs' conventions, so that an existing environment just works.
struct Alias {
  std::string_view name;
  std::string_view alias;
};
constexpr Alias setting_aliases[] = {
    {"HUGGINGFACE_API_KEY", "HF_TOKEN"}, {"GEMINI_API_KEY", "GOOGLE_API_KEY"},
    {"COHERE_API_KEY", "CO_API_KEY"},    {"AZURE_OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT"},
    {"OLLAMA_BASE_URL", "OLLAMA_HOST"},  {"HUGGINGFACE_MODEL", "HF_MODEL"},
};

// A setting, empty values counting as unset.
std::optional<std::string_view> setting(const Settings &settings, std::string_view name) {
  auto found = settings.find(name);
  if (found != settings.end() && !found->second.empty())
    return std::string_view(found->second);
  // Either name finds the other: a template that requires HF_TOKEN is as satisfied by
  // HUGGINGFACE_API_KEY as the key lookup is by HF_TOKEN.
  for (const Alias &alias : setting_aliases) {
    std::string_view other_name = alias.name == name    ? alias.alias
                                  : alias.alias == name ? alias.name
                                                        : std::string_view();
    if (other_name.empty())
      continue;
    auto other = settings.find(other_name);
    if (other != settings.end() && !other->second.empty())
      return std::string_view(other->second);
  }
  return std::nullopt;
}

// A setting's name, "<PREFIX>_<SUFFIX>", built in place: resolving a model looks up half a
// dozen of them, and as std::strings each cost an allocation. The suffixes are this file's
// literals; the longest name, AZURE_OPENAI_TEMPERATURE, has 24 characters.
class SettingName {
public:
  SettingName(Provider provider, std::string_view suffix) noexcept {
    append(settings_prefix(provider));
    append("_");
    append(suffix);
  }
  std::string_view view() const noexcept { return {text_, size_}; }

private:
  void append(std::string_view part) noexcept {
    const std::size_t count = std::min(part.size(), sizeof text_ - size_);
    std::memcpy(text_ + size_, part.data(), count);
    size_ += count;
  }
  char text_[40];
  std::size_t size_ = 0;
};

Error bad_setting(std::string_view name, std::string_view value, std::string_view expected) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                    std::string(name) + "=\"" + std::string(value) + "\" is not " +
                        std::string(expected));
}

// A whole number of at most `max_digits` digits and nothing else, or nothing.
std::optional<std::int64_t> whole_number(std::string_view text, std::size_t max_digits) noexcept {
  if (text.empty() || text.size() > max_digits)
    return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Levenshtein distance, case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t substitution = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The provider a bare model name's prefix says (the table, and the Mistral
// family's other names), or nothing.
std::optional<Provider> provider_by_prefix(std::string_view name) {
  struct Rule {
    std::string_view prefix;
    Provider provider;
  };
  static constexpr Rule rules[] = {
      {"claude", Provider::Anthropic},  {"grok", Provider::Xai},
      {"gemini", Provider::Gemini},     {"command", Provider::Cohere},
      {"mistral", Provider::Mistral},   {"mixtral", Provider::Mistral},
      {"magistral", Provider::Mistral}, {"codestral", Provider::Mistral},
      {"ministral", Provider::Mistral}, {"pixtral", Provider::Mistral},
      {"devstral", Provider::Mistral},  {"gpt", Provider::OpenAi},
      {"chatgpt", Provider::OpenAi},
  };
  // Ollama's name:tag comes first: "mistral:7b" is Ollama's, not Mistral's API.
  if (name.find(':') != std::string_view::npos && name.find('/') == std::string_view::npos)
    return Provider::Ollama;
  for (const Rule &rule : rules)
    if (starts_with_ignore_case(name, rule.prefix))
      return rule.provider;
  // OpenAI's reasoning models: o1, o1-mini, o3-pro, o4-mini (not "ollama-…" or "opus").
  if (name.size() >= 2 && lower(name[0]) == 'o' &&
      (name[1] == '1' || name[1] == '3' || name[1] == '4') && (name.size() == 2 || name[2] == '-'))
    return Provider::OpenAi;
  return std::nullopt;
}

ModelTemplate ad_hoc(Provider provider, std::string_view upstream) {
  ModelTemplate model;
  model.provider = provider;
  model.upstream_model = std::string(upstream);
  model.id = std::string(provider_info(provider).name) + "/" + std::string(upstream);
  model.display_name = model.id;
  model.features.streaming = true;
  return model;
}

// RunPod's serverless API, the one host that takes the account key.
bool is_runpod_serverless(std::string_view base_url) noexcept {
  constexpr std::string_view serverless = "https://api.runpod.ai/";
  return base_url.substr(0, serverless.size()) == serverless;
}

// Where a RunPod model runs when RUNPOD_BASE_URL does not say: a pod (RUNPOD_POD_ID, through
// its proxy on RUNPOD_POD_PORT), else a serverless endpoint (RUNPOD_ENDPOINT_ID). Leaves
// `base_url` empty when neither is set; the error of a malformed one.
std::optional<Error> locate_runpod(const Settings &settings, std::string &base_url) {
  if (auto pod = setting(settings, "RUNPOD_POD_ID")) {
    std::int64_t port = runpod_default_pod_port;
    if (auto text = setting(settings, "RUNPOD_POD_PORT")) {
      port = whole_number(*text, 5).value_or(0);
      if (port < 1 || port > 65535)
        return bad_setting("RUNPOD_POD_PORT", *text, "a port number");
    }
    base_url = runpod_pod_base_url(*pod, port, settings);
    if (base_url.empty())
      return bad_setting("RUNPOD_POD_ID", *pod, "a RunPod pod id (letters and digits)");
  } else if (auto id = setting(settings, "RUNPOD_ENDPOINT_ID")) {
    base_url = "https://api.runpod.ai/v2/" + std::string(*id) + "/openai/v1";
  }
  return std::nullopt;
}

// Fills the endpoint and request defaults of `resolved.model` from the settings; the error of
// a malformed setting.
std::optional<Error> complete(ResolvedModel &resolved, const Settings &settings) {
  ModelTemplate &model = resolved.model;
  const Provider provider = model.provider;
  Endpoint &endpoint = resolved.endpoint;
  endpoint.provider = provider;

  // Settings name the model where the template leaves it to the user (a checkpoint, a
  // custom endpoint's model).
  const SettingName model_setting(provider, "MODEL");
  if (model.upstream_model.empty())
    if (auto named = setting(settings, model_setting.view()))
      model.upstream_model = std::string(*named);

  const SettingName base_url_setting(provider, "BASE_URL");
  const SettingName api_key_setting(provider, "API_KEY");
  std::string_view key_setting = api_key_setting.view();
  // Servers that run on the user's machine take no key; cloud services do.
  bool key_required =
      provider != Provider::Vllm && provider != Provider::Local && provider != Provider::Ollama;
  if (auto base = setting(settings, base_url_setting.view())) {
    endpoint.base_url = std::string(*base);
    // OLLAMA_HOST is often "host:port" without a scheme.
    if (endpoint.base_url.find("://") == std::string::npos)
      endpoint.base_url = "http://" + endpoint.base_url;
  } else if (!model.base_url.empty()) {
    endpoint.base_url = model.base_url;
  } else if (provider == Provider::RunPod) {
    if (auto problem = locate_runpod(settings, endpoint.base_url))
      return problem;
  }
  if (provider == Provider::RunPod) {
    // The account key (RUNPOD_API_KEY) manages pods and billing: it goes to RunPod's own
    // serverless API and nowhere else. A pod is a container anyone's image runs in, reached
    // through a public proxy that needs no key; a key its server checks (vLLM's --api-key) is
    // RUNPOD_POD_API_KEY.
    key_required = is_runpod_serverless(endpoint.base_url);
    if (!key_required && !endpoint.base_url.empty())
      key_setting = "RUNPOD_POD_API_KEY";
  }
  if (auto key = setting(settings, key_setting))
    endpoint.api_key = std::string(*key);
  if (provider == Provider::AzureOpenAi) {
    endpoint.deployment = std::string(
        setting(settings, "AZURE_OPENAI_DEPLOYMENT").value_or(std::string_view(model.deployment)));
    endpoint.api_version = std::string(setting(settings, "AZURE_OPENAI_API_VERSION")
                                           .value_or(std::string_view(model.api_version)));
  }

  // What is still missing: the template's requirements, the model name, a base URL where
  // the provider has no default, and a key where the provider is a cloud service.
  auto missing = [&](std::string_view name) {
    if (std::find(resolved.missing_settings.begin(), resolved.missing_settings.end(), name) ==
        resolved.missing_settings.end())
      resolved.missing_settings.push_back(std::string(name));
  };
  for (const std::string &name : model.required_settings) {
    // A requirement for where the model runs is met by any setting that says where.
    const bool names_location = name == base_url_setting.view() || name == "RUNPOD_POD_ID" ||
                                name == "RUNPOD_ENDPOINT_ID";
    bool satisfied = setting(settings, name).has_value() ||
                     (names_location && !endpoint.base_url.empty()) ||
                     (name == model_setting.view() && !model.upstream_model.empty()) ||
                     (name == api_key_setting.view() && !key_required);
    if (!satisfied)
      missing(name);
  }
  if (model.upstream_model.empty())
    missing(model_setting.view());
  if (endpoint.base_url.empty() && provider_info(provider).default_base_url.empty())
    missing(provider == Provider::AzureOpenAi ? std::string_view("AZURE_OPENAI_ENDPOINT")
            : provider == Provider::RunPod    ? std::string_view("RUNPOD_POD_ID")
                                              : base_url_setting.view());
  if (endpoint.api_key.empty() && key_required)
    missing(key_setting);

  if (auto text = setting(settings, SettingName(provider, "TEMPERATURE").view())) {
    const double value = json::is_decimal_number(*text) ? json::read_double(*text) : -1;
    if (!std::isfinite(value) || value < 0)
      return bad_setting(SettingName(provider, "TEMPERATURE").view(), *text,
                         "a temperature (0 to 2)");
    resolved.temperature = value;
  }
  if (auto text = setting(settings, SettingName(provider, "MAX_TOKENS").view())) {
    const std::int64_t value = whole_number(*text, 9).value_or(0);
    if (value <= 0)
      return bad_setting(SettingName(provider, "MAX_TOKENS").view(), *text,
                         "a positive number of tokens");
    resolved.max_tokens = value;
  }
  if (auto text = setting(settings, SettingName(provider, "STREAM").view())) {
    std::string value = lowercase(*text);
    if (value == "true" || value == "1" || value == "yes" || value == "on")
      resolved.stream = true;
    else if (value == "false" || value == "0" || value == "no" || value == "off")
      resolved.stream = false;
    else
      return bad_setting(SettingName(provider, "STREAM").view(), *text, "true or false");
  }
  return std::nullopt;
}

// A model from `model`, a catalog template (`typed` is the name it was found by) or one made
// for a name the catalog does not list (`typed` empty).
Result<ResolvedModel> from_template(const ModelTemplate &model, std::string_view typed,
                                    const Settings &settings) {
  // Completed in place, not passed along by value: a ResolvedModel (a template and an
  // endpoint, a dozen strings) costs something each time it moves.
  ResolvedModel resolved;
  resolved.model = model;
  resolved.in_catalog = !typed.empty();
  // A name the provider serves the same model under is sent as typed.
  if (std::find(model.served_as.begin(), model.served_as.end(), typed) != model.served_as.end())
    resolved.model.upstream_model = std::string(typed);
  if (auto problem = complete(resolved, settings))
    return std::move(*problem);
  return resolved;
}

// The template an alias or served name picks (only among `provider`'s, when given); nothing
// when no template gives that name; unknown_model when several do.
std::optional<Result<ResolvedModel>> by_other_name(const Catalog &catalog, std::string_view name,
                                                   std::optional<Provider> provider,
                                                   const Settings &settings) {
  std::vector<const ModelTemplate *> found = catalog.find_other_name(name);
  if (provider)
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const ModelTemplate *model) {
                                 return model->provider != *provider;
                               }),
                found.end());
  if (found.empty())
    return std::nullopt;
  if (found.size() == 1)
    return from_template(*found.front(), name, settings);
  std::string message = "\"";
  message += name;
  message += "\" names ";
  message += std::to_string(found.size());
  message += " models: ";
  for (std::size_t i = 0; i < found.size(); ++i) {
    message += i == 0 ? "" : i + 1 == found.size() ? " and " : ", ";
    message += found[i]->id;
  }
  message += "; name one of them";
  return Result<ResolvedModel>(
      make_error(ErrorCode::UnknownModel, ErrorOrigin::Caller, std::move(message)));
}

// The model the product used for a provider whose _MODEL setting is unset (its .env.local's
// OPENAI_MODEL, ANTHROPIC_MODEL and OLLAMA_MODEL); other providers have none.
std::optional<std::string_view> default_model(Provider provider) noexcept {
  switch (provider) {
    case Provider::OpenAi:
      return "gpt-4o-mini";
    case Provider::Anthropic:
      return "claude-3-5-sonnet-20241022";
    case Provider::Ollama:
      return "llama3.1";
    default:
      return std::nullopt;
  }
}

} // namespace

std::string_view settings_prefix(Provider provider) noexcept {
  switch (provider) {
    case Provider::OpenAi:
      return "OPENAI";
    case Provider::AzureOpenAi:
      return "AZURE_OPENAI";
    case Provider::Vllm:
      return "VLLM";
    case Provider::RunPod:
      return "RUNPOD";
    case Provider::Local:
      return "LOCAL";
    case Provider::HuggingFace:
      return "HUGGINGFACE";
    case Provider::Mistral:
      return "MISTRAL";
    case Provider::Xai:
      return "XAI";
    case Provider::OpenRouter:
      return "OPENROUTER";
    case Provider::Anthropic:
      return "ANTHROPIC";
    case Provider::Ollama:
      return "OLLAMA";
    case Provider::Gemini:
      return "GEMINI";
    case Provider::Cohere:
      return "COHERE";
  }
  return "LLMUX";
}

std::string runpod_pod_base_url(std::string_view pod_id, std::int64_t port,
                                const Settings &settings) {
  if (pod_id.empty() || pod_id.size() > 64 || port < 1 || port > 65535)
    return {};
  for (char c : pod_id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return {};
  std::string_view pattern = setting(settings, "RUNPOD_PROXY_URL")
                                 .value_or("https://{pod_id}-{port}.proxy.runpod.net/v1");
  const std::string port_text = std::to_string(port);
  std::string url;
  for (std::size_t at = 0; at < pattern.size();) {
    if (pattern.compare(at, 8, "{pod_id}") == 0) {
      url += pod_id;
      at += 8;
    } else if (pattern.compare(at, 6, "{port}") == 0) {
      url += port_text;
      at += 6;
    } else {
      url += pattern[at++];
    }
  }
  return url;
}

std::vector<std::string> close_matches(const Catalog &catalog, std::string_view name,
                                       std::size_t count) {
  // (distance, index in the catalog): sorted whole, ties keep catalog order, as a stable sort
  // by distance would. This pair type is the one the schema validator sorts, so the module
  // holds one copy of std::sort for both and no std::stable_sort at all.
  std::vector<std::pair<std::uint64_t, std::size_t>> candidates;
  const std::string wanted = lowercase(name);
  const std::vector<ModelTemplate> &models = catalog.models();
  for (std::size_t index = 0; index < models.size(); ++index) {
    const ModelTemplate &model = models[index];
    std::size_t distance = std::min(
        edit_distance(name, model.id),
        model.upstream_model.empty() ? model.id.size() : edit_distance(name, model.upstream_model));
    // A name that is part of an id ("4o-mini" of "openai-gpt-4o-mini") is close too.
    if (!wanted.empty() && lowercase(model.id).find(wanted) != std::string::npos)
      distance = std::min<std::size_t>(distance, 1);
    if (distance <= std::max<std::size_t>(2, name.size() / 3))
      candidates.emplace_back(distance, index);
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::string> ids;
  for (const auto &candidate : candidates) {
    if (ids.size() == count)
      break;
    ids.push_back(models[candidate.second].id);
  }
  return ids;
}

Result<ResolvedModel> resolve_model(const Catalog &catalog, std::string_view name,
                                    const Settings &settings) {
  if (const ModelTemplate *model = catalog.find(name))
    return from_template(*model, name, settings);
  if (auto named = by_other_name(catalog, name, std::nullopt, settings))
    return std::move(*named);
  for (const ModelTemplate &model : catalog.models())
    if (!model.upstream_model.empty() && model.upstream_model == name)
      return from_template(model, name, settings);

  if (std::size_t slash = name.find('/'); slash != std::string_view::npos) {
    if (auto provider = provider_from_name(name.substr(0, slash))) {
      std::string_view upstream = name.substr(slash + 1);
      for (const ModelTemplate &model : catalog.models())
        if (model.provider == *provider && model.upstream_model == upstream)
          return from_template(model, upstream, settings);
      if (auto named = by_other_name(catalog, upstream, provider, settings))
        return std::move(*named);
      if (!upstream.empty())
        return from_template(ad_hoc(*provider, upstream), {}, settings);
    }
  }
  if (auto provider = provider_by_prefix(name))
    return from_template(ad_hoc(*provider, name), {}, settings);

  // The product sent every name it did not know to OpenAI; llmux does not guess: a typo would
  // go, with the OpenAI key, to a service the user did not choose.
  std::string message = "unknown model \"" + std::string(name) + "\"";
  std::vector<std::string> matches = close_matches(catalog, name);
  if (!matches.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < matches.size(); ++i)
      message += (i == 0 ? "" : i + 1 == matches.size() ? " or " : ", ") + matches[i];
    message += "?";
  } else {
    message += ".";
  }
  message += " `llmux models` lists the catalog; name any other model as provider/model "
             "(openai/NAME): llmux does not guess its provider";
  return make_error(ErrorCode::UnknownModel, ErrorOrigin::Caller, std::move(message));
}

Result<ResolvedModel> resolve_from_settings(const Catalog &catalog, const Settings &settings) {
  auto provider_name = setting(settings, "LLM_PROVIDER");
  if (!provider_name)
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "no model named, and LLM_PROVIDER is not set: name a model, or set "
                      "LLM_PROVIDER (openai, anthropic, ollama, ...). llmux does not pick a "
                      "provider for you: it would send your prompt to a service you did not "
                      "choose");
  auto provider = provider_from_name(*provider_name);
  if (!provider)
    return bad_setting("LLM_PROVIDER", *provider_name, "a provider llmux knows");
  const SettingName model_setting(*provider, "MODEL");
  auto model = setting(settings, model_setting.view());
  if (!model && *provider == Provider::AzureOpenAi)
    model = setting(settings, "AZURE_OPENAI_DEPLOYMENT");
  if (!model)
    model = default_model(*provider);
  if (!model)
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "LLM_PROVIDER is " + std::string(*provider_name) + " but " +
                          std::string(model_setting.view()) + " names no model");
  return resolve_model(
      catalog, std::string(provider_info(*provider).name) + "/" + std::string(*model), settings);
}

} // namespace llmux
