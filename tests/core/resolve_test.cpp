// From what the user names, and the settings, to a model ready to call.

#include <llmux/llmux.hpp>

#include <catch2/catch.hpp>

#include <tuple>

using namespace llmux;

namespace {

const Catalog &catalog() {
  static const Catalog builtin = Catalog::builtin();
  return builtin;
}

ResolvedModel resolve(std::string_view name, const Settings &settings = {}) {
  auto resolved = resolve_model(catalog(), name, settings);
  if (!resolved.ok())
    FAIL("did not resolve " << name << ": " << resolved.error().message);
  return std::move(resolved).value();
}

Error fails(std::string_view name, const Settings &settings = {}) {
  auto resolved = resolve_model(catalog(), name, settings);
  REQUIRE_FALSE(resolved.ok());
  return resolved.error();
}

} // namespace

TEST_CASE("A catalog id, an upstream name and provider/model resolve to the template",
          "[resolve]") {
  for (std::string_view name : {"openai-gpt-4o-mini", "gpt-4o-mini", "openai/gpt-4o-mini"}) {
    INFO(name);
    ResolvedModel model = resolve(name, {{"OPENAI_API_KEY", "sk-x"}});
    CHECK(model.in_catalog);
    CHECK(model.model.id == "openai-gpt-4o-mini");
    CHECK(model.endpoint.provider == Provider::OpenAi);
    CHECK(model.endpoint.api_key == "sk-x");
    CHECK(model.ready());
  }
  CHECK(resolve("anthropic/claude-3-5-sonnet-20241022").model.id ==
        "anthropic-claude-3-5-sonnet-20241022");
  CHECK(resolve("huggingface/Qwen/Qwen2.5-0.5B").model.id == "huggingface-qwen2.5-0.5b");
  CHECK(resolve("mistralai/Mistral-7B-Instruct-v0.3").model.id ==
        "huggingface-mistral-7b-instruct-v0.3");
  CHECK(resolve("llama3.1:8b").model.id == "ollama-llama3.1-8b");
}

TEST_CASE("A bare name the catalog lacks resolves by its prefix", "[resolve]") {
  const std::vector<std::pair<std::string_view, Provider>> cases = {
      {"claude-opus-4-1", Provider::Anthropic},
      {"Claude-3-7-sonnet", Provider::Anthropic},
      {"grok-2-vision", Provider::Xai},
      {"gemini-3-pro-preview", Provider::Gemini},
      {"command-light", Provider::Cohere},
      {"mistral-tiny", Provider::Mistral},
      {"mixtral-8x7b", Provider::Mistral},
      {"magistral-small", Provider::Mistral},
      {"codestral-2501", Provider::Mistral},
      {"gpt-4.1", Provider::OpenAi},
      {"o1", Provider::OpenAi},
      {"o3-mini", Provider::OpenAi},
      {"o4-mini", Provider::OpenAi},
      {"qwen3:14b", Provider::Ollama},
      {"mistral:instruct", Provider::Ollama},
  };
  for (const auto &[name, provider] : cases) {
    INFO(name);
    ResolvedModel model = resolve(name);
    CHECK_FALSE(model.in_catalog);
    CHECK(model.model.provider == provider);
    CHECK(model.model.upstream_model == name);
    CHECK(model.model.context_tokens == 0); // unknown
    CHECK_FALSE(model.model.prices);        // unknown, not free
  }
  ResolvedModel any = resolve("openrouter/meta-llama/llama-3.2-3b-instruct:free");
  CHECK(any.model.provider == Provider::OpenRouter);
  CHECK(any.model.upstream_model == "meta-llama/llama-3.2-3b-instruct:free");
}

TEST_CASE("An unknown model is an error naming close matches", "[resolve]") {
  Error typo = fails("openai-gtp-4o-mini");
  CHECK(typo.code == ErrorCode::UnknownModel);
  CHECK(typo.origin == ErrorOrigin::Caller);
  CHECK(typo.message == "unknown model \"openai-gtp-4o-mini\"; did you mean openai-gpt-4o-mini? "
                        "`llmux models` lists the catalog; name any other model as "
                        "provider/model (openai/NAME): llmux does not guess its provider");
  CHECK(fails("4o-mini").message.find("did you mean openai-gpt-4o-mini") != std::string::npos);
  CHECK(fails("zzzzzzzzzz").message ==
        "unknown model \"zzzzzzzzzz\". `llmux models` lists the catalog; name any other model as "
        "provider/model (openai/NAME): llmux does not guess its provider");
  CHECK(close_matches(catalog(), "claude-haiku-4.5").front() == "anthropic-claude-haiku-4.5");
  CHECK(fails("nosuchprovider/model").code == ErrorCode::UnknownModel);
}

TEST_CASE("Settings supply keys, base URLs and request defaults", "[resolve]") {
  ResolvedModel model =
      resolve("anthropic-claude-haiku-4.5", {{"ANTHROPIC_API_KEY", "sk-ant"},
                                             {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9999"},
                                             {"ANTHROPIC_TEMPERATURE", "0.3"},
                                             {"ANTHROPIC_MAX_TOKENS", "512"},
                                             {"ANTHROPIC_STREAM", "True"},
                                             {"OPENAI_API_KEY", "not this one"}});
  CHECK(model.endpoint.api_key == "sk-ant");
  CHECK(model.endpoint.base_url == "http://127.0.0.1:9999");
  CHECK(model.temperature == 0.3);
  CHECK(model.max_tokens == 512);
  CHECK(model.stream == true);
  CHECK(model.ready());

  // The providers' own variable names work too.
  CHECK(resolve("gemini-2.5-flash", {{"GOOGLE_API_KEY", "g"}}).endpoint.api_key == "g");
  CHECK(resolve("cohere-command-r", {{"CO_API_KEY", "c"}}).endpoint.api_key == "c");
  CHECK(resolve("huggingface-gpt2", {{"HF_TOKEN", "hf"}}).endpoint.api_key == "hf");
  CHECK(resolve("ollama-phi3-mini", {{"OLLAMA_HOST", "127.0.0.1:11500"}}).endpoint.base_url ==
        "http://127.0.0.1:11500");
}

TEST_CASE("Malformed settings are refused by name", "[resolve]") {
  CHECK(fails("gpt-4o-mini", {{"OPENAI_TEMPERATURE", "warm"}}).message ==
        "OPENAI_TEMPERATURE=\"warm\" is not a temperature (0 to 2)");
  CHECK(fails("gpt-4o-mini", {{"OPENAI_MAX_TOKENS", "-3"}}).message ==
        "OPENAI_MAX_TOKENS=\"-3\" is not a positive number of tokens");
  CHECK(fails("gpt-4o-mini", {{"OPENAI_STREAM", "maybe"}}).message ==
        "OPENAI_STREAM=\"maybe\" is not true or false");
  CHECK(fails("gpt-4o-mini", {{"OPENAI_STREAM", "maybe"}}).code == ErrorCode::InvalidArgument);
}

TEST_CASE("A model that needs more settings says which", "[resolve]") {
  ResolvedModel azure = resolve("azure-gpt-4o");
  CHECK_FALSE(azure.ready());
  CHECK(azure.missing_settings ==
        std::vector<std::string>{"AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY"});
  ResolvedModel configured =
      resolve("azure-gpt-4o", {{"AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com"},
                               {"AZURE_OPENAI_API_KEY", "k"},
                               {"AZURE_OPENAI_DEPLOYMENT", "prod-4o"}});
  CHECK(configured.ready());
  CHECK(configured.endpoint.base_url == "https://r.openai.azure.com");
  CHECK(configured.endpoint.deployment == "prod-4o");
  CHECK(configured.endpoint.api_version == "2024-10-21");

  ResolvedModel runpod =
      resolve("runpod-custom", {{"RUNPOD_ENDPOINT_ID", "abc123"}, {"RUNPOD_API_KEY", "r"}});
  CHECK(runpod.endpoint.base_url == "https://api.runpod.ai/v2/abc123/openai/v1");
  CHECK(runpod.missing_settings == std::vector<std::string>{"RUNPOD_MODEL"});
  CHECK(resolve("runpod-qwen2.5-7b-instruct").missing_settings ==
        std::vector<std::string>{"RUNPOD_POD_ID"});

  ResolvedModel checkpoint = resolve("local-vllm-checkpoint", {{"VLLM_MODEL", "/ckpt/step-1000"}});
  CHECK(checkpoint.ready()); // local vLLM takes no key
  CHECK(checkpoint.model.upstream_model == "/ckpt/step-1000");
  CHECK(checkpoint.endpoint.base_url == "http://localhost:8000/v1");

  CHECK(resolve("gpt-4o-mini").missing_settings == std::vector<std::string>{"OPENAI_API_KEY"});
  CHECK(resolve("llama3.1:8b").ready());

  // A requirement named by the provider's own variable is met by llmux's name, and back.
  CHECK(resolve("huggingface-llama-3.1-8b-instruct", {{"HUGGINGFACE_API_KEY", "h"}}).ready());
  CHECK(resolve("huggingface-llama-3.1-8b-instruct", {{"HF_TOKEN", "h"}}).ready());
  CHECK(resolve("huggingface-llama-3.1-8b-instruct").missing_settings ==
        std::vector<std::string>{"HF_TOKEN", "HUGGINGFACE_API_KEY"});
}

TEST_CASE("With no model named, LLM_PROVIDER and its _MODEL choose", "[resolve]") {
  auto resolved = resolve_from_settings(catalog(), {{"LLM_PROVIDER", "ollama"},
                                                    {"OLLAMA_MODEL", "llama3.1:8b"},
                                                    {"OLLAMA_BASE_URL", "http://127.0.0.1:5000"}});
  REQUIRE(resolved.ok());
  CHECK(resolved.value().model.id == "ollama-llama3.1-8b");
  CHECK(resolved.value().endpoint.base_url == "http://127.0.0.1:5000");

  auto custom = resolve_from_settings(
      catalog(),
      {{"LLM_PROVIDER", "openai"}, {"OPENAI_MODEL", "gpt-4.1-nano"}, {"OPENAI_API_KEY", "k"}});
  REQUIRE(custom.ok());
  CHECK(custom.value().model.id == "openai/gpt-4.1-nano");
  CHECK_FALSE(custom.value().in_catalog);

  auto none = resolve_from_settings(catalog(), {});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::InvalidArgument);
  CHECK(none.error().message ==
        "no model named, and LLM_PROVIDER is not set: name a model, or set LLM_PROVIDER "
        "(openai, anthropic, ollama, ...). llmux does not pick a provider for you: it would send "
        "your prompt to a service you did not choose");
  // Providers the product gave no default model need their _MODEL setting.
  auto no_model = resolve_from_settings(catalog(), {{"LLM_PROVIDER", "gemini"}});
  REQUIRE_FALSE(no_model.ok());
  CHECK(no_model.error().message == "LLM_PROVIDER is gemini but GEMINI_MODEL names no model");
  // The product's own defaults for the three it configured.
  for (auto [provider, id, upstream] :
       {std::tuple{"openai", "openai-gpt-4o-mini", "gpt-4o-mini"},
        {"anthropic", "anthropic-claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"},
        {"ollama", "ollama-llama3.1-8b", "llama3.1"}}) {
    INFO(provider);
    auto by_default = resolve_from_settings(catalog(), {{"LLM_PROVIDER", provider}});
    REQUIRE(by_default.ok());
    CHECK(by_default.value().model.id == id);
    CHECK(by_default.value().model.upstream_model == upstream);
  }
  auto bad = resolve_from_settings(catalog(), {{"LLM_PROVIDER", "skynet"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "LLM_PROVIDER=\"skynet\" is not a provider llmux knows");
}

TEST_CASE("Every catalog template resolves and builds its provider's request", "[resolve][catalog]") {
  // Every setting any template asks for, plus every provider's key.
  Settings settings = {{"AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com"},
                       {"RUNPOD_ENDPOINT_ID", "ep1"},
                       {"RUNPOD_MODEL", "my/finetune"},
                       {"VLLM_BASE_URL", "http://127.0.0.1:8000/v1"},
                       {"VLLM_MODEL", "/ckpt/step-10"},
                       {"OLLAMA_BASE_URL", "http://127.0.0.1:11500"},
                       {"OLLAMA_MODEL", "ckpt:latest"}};
  for (const ProviderInfo &info : all_providers())
    settings[std::string(settings_prefix(info.provider)) + "_API_KEY"] = "key-of-" + std::string(info.name);
  settings["HF_TOKEN"] = "key-of-huggingface";

  for (const ModelTemplate &model : catalog().models()) {
    INFO(model.id);
    ResolvedModel resolved = resolve(model.id, settings);
    CHECK(resolved.ready());
    ChatRequest request;
    request.model = resolved.model.upstream_model;
    request.messages.push_back(Message::user("Hi"));
    auto http = make_adapter(resolved.endpoint.provider)->build_request(request, resolved.endpoint);
    REQUIRE(http.ok());
    const std::string key = "key-of-" + std::string(provider_info(model.provider).name);
    bool key_sent = false;
    for (const Header &header : http.value().headers)
      key_sent = key_sent || header.value.find(key) != std::string::npos;
    CHECK(key_sent);
    const std::string &url = http.value().url;
    if (model.provider == Provider::AzureOpenAi)
      CHECK(url.rfind("https://res.openai.azure.com/openai/deployments/", 0) == 0);
    else if (!resolved.endpoint.base_url.empty())
      CHECK(url.rfind(resolved.endpoint.base_url, 0) == 0);
    else
      CHECK(url.rfind(std::string(provider_info(model.provider).default_base_url), 0) == 0);
  }
}

TEST_CASE("Aliases name a template, served names are sent as typed, a shared alias is ambiguous",
          "[resolve]") {
  // An alias: the template's own model is sent (Anthropic's API has no "claude-sonnet-4.5").
  for (auto [name, id, upstream] :
       {std::tuple{"gpt-5-chat", "openai-gpt-5-chat", "gpt-5-chat-latest"},
        {"claude-sonnet-4.5", "anthropic-claude-sonnet-4.5", "claude-sonnet-4-5"},
        {"anthropic-claude-3.5-sonnet", "anthropic-claude-3-5-sonnet-20241022",
         "claude-3-5-sonnet-20241022"},
        {"anthropic/claude-sonnet-4.5", "anthropic-claude-sonnet-4.5", "claude-sonnet-4-5"},
        {"local-vllm-hf-model", "local-vllm-huggingface", ""},
        // A served name: Ollama answers only the tags the user pulled.
        {"llama3.1", "ollama-llama3.1-8b", "llama3.1"},
        {"ollama/llama3.1:latest", "ollama-llama3.1-8b", "llama3.1:latest"},
        {"custom-model", "vllm-custom-model", "custom-model"},
        {"your-username/your-finetuned-model", "runpod-fine-tuned",
         "your-username/your-finetuned-model"}}) {
    INFO(name);
    ResolvedModel model = resolve(name);
    CHECK(model.in_catalog);
    CHECK(model.model.id == id);
    CHECK(model.model.upstream_model == upstream);
    CHECK(model.model.prices == catalog().find(id)->prices);
  }
  // A served name is only its provider's: "mistral" on Mistral's API is not Ollama's.
  CHECK(resolve("mistral/mistral").model.provider == Provider::Mistral);
  CHECK_FALSE(resolve("mistral/mistral").in_catalog);
  CHECK(resolve("ollama/mistral").model.id == "ollama-mistral-7b");

  Error ambiguous = fails("your-deployment-name");
  CHECK(ambiguous.code == ErrorCode::UnknownModel);
  CHECK(ambiguous.message == "\"your-deployment-name\" names 2 models: azure-gpt-4o and "
                             "azure-gpt-35-turbo; name one of them");
}

TEST_CASE("A RunPod pod is reached through its proxy, without the account key", "[resolve]") {
  ResolvedModel pod = resolve("runpod-qwen2.5-7b-instruct",
                              {{"RUNPOD_POD_ID", "x7k2p9q"}, {"RUNPOD_API_KEY", "rpa_account"}});
  CHECK(pod.endpoint.base_url == "https://x7k2p9q-8000.proxy.runpod.net/v1");
  CHECK(pod.endpoint.api_key.empty()); // the account key never goes to a pod
  CHECK(pod.ready());
  CHECK(resolve("runpod-qwen2.5-7b-instruct", {{"RUNPOD_POD_ID", "x7k2p9q"},
                                              {"RUNPOD_POD_PORT", "8011"},
                                              {"RUNPOD_POD_API_KEY", "vllm-key"}})
            .endpoint.api_key == "vllm-key");
  CHECK(resolve("runpod-qwen2.5-7b-instruct", {{"RUNPOD_POD_ID", "x7k2p9q"}, {"RUNPOD_POD_PORT", "8011"}})
            .endpoint.base_url == "https://x7k2p9q-8011.proxy.runpod.net/v1");
  CHECK(resolve("runpod-qwen2.5-7b-instruct",
                {{"RUNPOD_POD_ID", "x7k2p9q"},
                 {"RUNPOD_PROXY_URL", "http://127.0.0.1:9000/runpod-proxy/{pod_id}-{port}/v1"}})
            .endpoint.base_url == "http://127.0.0.1:9000/runpod-proxy/x7k2p9q-8000/v1");
  // The serverless API is RunPod's own: it takes the account key, and needs it.
  ResolvedModel serverless = resolve("runpod-qwen2.5-7b-instruct", {{"RUNPOD_ENDPOINT_ID", "ep1"}});
  CHECK(serverless.missing_settings == std::vector<std::string>{"RUNPOD_API_KEY"});
  CHECK(resolve("runpod-qwen2.5-7b-instruct", {{"RUNPOD_ENDPOINT_ID", "ep1"}, {"RUNPOD_API_KEY", "rpa"}})
            .endpoint.api_key == "rpa");

  for (auto [name, value] : {std::pair{"RUNPOD_POD_ID", "x7k2p9q.evil.example/"},
                             {"RUNPOD_POD_ID", "a-b"},
                             {"RUNPOD_POD_PORT", "0"},
                             {"RUNPOD_POD_PORT", "65536"},
                             {"RUNPOD_POD_PORT", "80a"}}) {
    INFO(name << "=" << value);
    Settings settings = {{"RUNPOD_POD_ID", "x7k2p9q"}};
    settings[name] = value;
    Error error = fails("runpod-qwen2.5-7b-instruct", settings);
    CHECK(error.code == ErrorCode::InvalidArgument);
    CHECK(error.message.rfind(std::string(name) + "=", 0) == 0);
  }
  CHECK(runpod_pod_base_url("abc", 70000, {}).empty());
  CHECK(runpod_pod_base_url("", 8000, {}).empty());
}
