#include <llmux/provider.hpp>

namespace llmux {

const std::vector<ProviderInfo> &all_providers() noexcept {
  // clang-format off
  static const std::vector<ProviderInfo> providers = {
    // provider, name, wire, auth, default base URL, max_completion_tokens, stream usage option,
    // input includes cached, output includes reasoning
    {Provider::OpenAi,      "openai",      WireFormat::OpenAiChat,        AuthScheme::Bearer,  "https://api.openai.com/v1",       true,  true, true, true},
    // Azure accepts max_completion_tokens from api-version 2024-08-01-preview on, and its
    // reasoning deployments require it.
    {Provider::AzureOpenAi, "azure",       WireFormat::OpenAiChat,        AuthScheme::ApiKey,  "",                                true,  true, true, true},
    {Provider::Vllm,        "vllm",        WireFormat::OpenAiChat,        AuthScheme::Bearer,  "http://localhost:8000/v1",        false, true, true, true},
    {Provider::RunPod,      "runpod",      WireFormat::OpenAiChat,        AuthScheme::Bearer,  "",                                false, true, true, true},
    // Local servers differ (llama.cpp, LM Studio, TGI, SGLang): send only what all accept.
    {Provider::Local,       "local",       WireFormat::OpenAiChat,        AuthScheme::Bearer,  "http://localhost:8000/v1",        false, false, true, true},
    {Provider::HuggingFace, "huggingface", WireFormat::OpenAiChat,        AuthScheme::Bearer,  "https://router.huggingface.co/v1", false, true, true, true},
    // Mistral always sends usage on the last chunk and rejects unknown parameters.
    {Provider::Mistral,     "mistral",     WireFormat::OpenAiChat,        AuthScheme::Bearer,  "https://api.mistral.ai/v1",       false, false, true, true},
    // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning).
    {Provider::Xai,         "xai",         WireFormat::OpenAiChat,        AuthScheme::Bearer,  "https://api.x.ai/v1",             false, true, true, false},
    {Provider::OpenRouter,  "openrouter",  WireFormat::OpenAiChat,        AuthScheme::Bearer,  "https://openrouter.ai/api/v1",    false, true, true, true},
    {Provider::Anthropic,   "anthropic",   WireFormat::AnthropicMessages, AuthScheme::XApiKey, "https://api.anthropic.com",       false, false, false, true},
    // Ollama takes no key locally; Ollama's cloud takes a bearer token.
    {Provider::Ollama,      "ollama",      WireFormat::OllamaChat,        AuthScheme::Bearer,  "http://localhost:11434",          false, false, true, true},
    {Provider::Gemini,      "gemini",      WireFormat::GeminiGenerateContent, AuthScheme::GoogApiKey, "https://generativelanguage.googleapis.com", false, false, true, false},
    {Provider::Cohere,      "cohere",      WireFormat::CohereChat,        AuthScheme::Bearer,  "https://api.cohere.com",          false, false, true, true},
  };
  // clang-format on
  return providers;
}

const ProviderInfo &provider_info(Provider provider) noexcept {
  return all_providers()[static_cast<std::size_t>(provider)];
}

std::optional<Provider> provider_from_name(std::string_view name) noexcept {
  for (const ProviderInfo &info : all_providers())
    if (equals_ignore_case(info.name, name))
      return info.provider;
  struct Alias {
    std::string_view name;
    Provider provider;
  };
  static constexpr Alias aliases[] = {
      {"azure-openai", Provider::AzureOpenAi},
      {"azure_openai", Provider::AzureOpenAi},
      {"hf", Provider::HuggingFace},
      {"x-ai", Provider::Xai},
      {"grok", Provider::Xai},
      {"openai-compatible", Provider::Local},
  };
  for (const Alias &alias : aliases)
    if (equals_ignore_case(alias.name, name))
      return alias.provider;
  return std::nullopt;
}

} // namespace llmux
