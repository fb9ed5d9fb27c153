#pragma once
/// The providers llmux speaks to, and where a request goes.

#include <llmux/http.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// The wire format a provider speaks.
enum class WireFormat : std::uint8_t {
  OpenAiChat,            ///< OpenAI Chat Completions and its compatible family
  AnthropicMessages,     ///< Anthropic Messages
  OllamaChat,            ///< Ollama's /api/chat (NDJSON streams)
  GeminiGenerateContent, ///< Google Gemini generateContent / streamGenerateContent
  CohereChat,            ///< Cohere v2 chat
};

/// A provider. Several share a wire format and differ in URLs, auth and small quirks.
enum class Provider : std::uint8_t {
  OpenAi,
  AzureOpenAi,
  Vllm,
  RunPod,
  Local, ///< any local OpenAI-compatible server (llama.cpp, LM Studio, TGI, SGLang, ...)
  HuggingFace,
  Mistral,
  Xai,
  OpenRouter,
  Anthropic,
  Ollama,
  Gemini,
  Cohere,
};

/// How a provider takes its API key.
enum class AuthScheme : std::uint8_t {
  Bearer,     ///< Authorization: Bearer <key>
  ApiKey,     ///< api-key: <key> (Azure)
  XApiKey,    ///< x-api-key: <key> (Anthropic)
  GoogApiKey, ///< x-goog-api-key: <key> (Gemini)
};

/// What llmux knows about a provider. Static data.
struct ProviderInfo {
  Provider provider;
  std::string_view name; ///< "openai", "azure", "anthropic", ...: the name users type
  WireFormat wire;
  AuthScheme auth;
  std::string_view default_base_url; ///< empty when the user must give one (Azure, RunPod)
  /// Chat Completions only: send `max_completion_tokens` rather than the deprecated
  /// `max_tokens` (OpenAI's reasoning models reject `max_tokens`; compatible servers only
  /// know `max_tokens`).
  bool max_completion_tokens;
  /// Chat Completions only: ask for the final usage chunk with
  /// `stream_options.include_usage` (servers that do not know the option reject it).
  bool stream_usage_option;
  /// Whether the provider's input count includes the tokens read from its prompt cache
  /// (OpenAI's prompt_tokens and Gemini's promptTokenCount do; Anthropic's input_tokens
  /// counts only uncached input). Cost needs it to charge each token once.
  bool input_includes_cached;
  /// Whether the output count includes reasoning tokens (Gemini reports thoughtsTokenCount
  /// apart from candidatesTokenCount, and bills both as output).
  bool output_includes_reasoning;
};

/// Every provider, in enum order.
const std::vector<ProviderInfo> &all_providers() noexcept;

/// The provider's static data.
const ProviderInfo &provider_info(Provider provider) noexcept;

/// The provider for a name ("openai", "azure-openai", "hf", ...), if there is one.
std::optional<Provider> provider_from_name(std::string_view name) noexcept;

/// Where and how to reach a provider. Holds the API key: never log it.
struct Endpoint {
  Provider provider = Provider::OpenAi;
  /// Overrides the provider's default base URL (a local port, a proxy, an Azure resource:
  /// "https://myres.openai.azure.com"). Without a trailing slash or with one: both work.
  std::string base_url;
  /// The API key; empty for servers without auth (local vLLM, Ollama).
  std::string api_key;
  /// Azure: the deployment name (it takes the place of the model in the URL).
  std::string deployment;
  /// Azure: the `api-version` query parameter; Anthropic: the `anthropic-version` header.
  /// Empty selects the default.
  std::string api_version;
  /// Extra headers for every request (OpenRouter's HTTP-Referer, Anthropic beta flags).
  std::vector<Header> extra_headers;
  /// The request leaves from a web page (the package in a browser tab), where the browser
  /// makes it a CORS request: a provider that refuses those unless told the caller means it
  /// (Anthropic) gets the header that says so from its adapter.
  bool from_browser_page = false;
};

} // namespace llmux
