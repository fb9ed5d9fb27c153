// llmux: the command-line face of the core. Performs I/O (stdin, stdout, the environment,
// the clock) and leaves every decision to the core.

#include <llmux/llmux.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view usage_text = R"(usage:
  llmux decode --provider P [--stream] [--status N] [--header 'Name: value']... [--events] < body
      Decode a provider's response body (read from stdin) and print the result as JSON.
      --events also prints each stream event, one JSON object per line, before the result.
  llmux request --provider P --model M [--stream] [--system TEXT] [--base-url URL]
                [--max-tokens N] [--temperature T] PROMPT
      Print the HTTP request llmux would send (secret headers redacted). The API key is
      read from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), never from
      arguments, which other users can see in the process list.
  llmux providers
      List the providers and their default base URLs.

providers: openai azure vllm runpod local huggingface mistral xai openrouter anthropic
)";

int usage_error(std::string_view message) {
  std::cerr << "llmux: " << message << "\n\n" << usage_text;
  return 2;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Reads a whole number without exceptions; nullopt when `text` is not one.
std::optional<std::int64_t> parse_integer(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string read_stdin() {
  std::string body;
  char buffer[1 << 16];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, stdin)) > 0)
    body.append(buffer, got);
  return body;
}

int decode_command(const std::vector<std::string_view> &args) {
  std::optional<llmux::Provider> provider;
  bool stream = false;
  bool print_events = false;
  llmux::HttpResponseHead head;
  head.received_at_ms = now_ms();
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= args.size())
        return std::nullopt;
      return args[++i];
    };
    if (arg == "--provider") {
      auto name = value();
      if (!name)
        return usage_error("--provider needs a name");
      provider = llmux::provider_from_name(*name);
      if (!provider)
        return usage_error("unknown provider: " + std::string(*name));
    } else if (arg == "--stream") {
      stream = true;
    } else if (arg == "--events") {
      print_events = true;
    } else if (arg == "--status") {
      auto text = value();
      auto status = text ? parse_integer(*text) : std::nullopt;
      if (!status || *status < 100 || *status > 999)
        return usage_error("--status needs an HTTP status code");
      head.status = static_cast<int>(*status);
    } else if (arg == "--header") {
      auto text = value();
      std::size_t colon = text ? text->find(':') : std::string_view::npos;
      if (colon == std::string_view::npos || colon == 0)
        return usage_error("--header needs 'Name: value'");
      std::string_view header_value = text->substr(colon + 1);
      while (!header_value.empty() && header_value.front() == ' ')
        header_value.remove_prefix(1);
      head.headers.push_back({std::string(text->substr(0, colon)), std::string(header_value)});
    } else {
      return usage_error("unknown argument to decode: " + std::string(arg));
    }
  }
  if (!provider)
    return usage_error("decode needs --provider");

  std::string body = read_stdin();
  llmux::ResponseDecoder decoder(*provider, stream, head);
  std::vector<llmux::StreamEvent> events;
  decoder.feed(body, events);
  llmux::DecodedResponse result = decoder.finish(events);
  if (print_events)
    for (const llmux::StreamEvent &event : events)
      std::cout << llmux::to_json(event) << '\n';
  std::cout << llmux::to_json(result) << '\n';
  return 0;
}

// The conventional environment variable for a provider's key.
const char *key_variable(llmux::Provider provider) {
  switch (provider) {
    case llmux::Provider::OpenAi:
      return "OPENAI_API_KEY";
    case llmux::Provider::AzureOpenAi:
      return "AZURE_OPENAI_API_KEY";
    case llmux::Provider::Vllm:
      return "VLLM_API_KEY";
    case llmux::Provider::RunPod:
      return "RUNPOD_API_KEY";
    case llmux::Provider::Local:
      return "LOCAL_API_KEY";
    case llmux::Provider::HuggingFace:
      return "HF_TOKEN";
    case llmux::Provider::Mistral:
      return "MISTRAL_API_KEY";
    case llmux::Provider::Xai:
      return "XAI_API_KEY";
    case llmux::Provider::OpenRouter:
      return "OPENROUTER_API_KEY";
    case llmux::Provider::Anthropic:
      return "ANTHROPIC_API_KEY";
  }
  return "LLMUX_API_KEY";
}

int request_command(const std::vector<std::string_view> &args) {
  llmux::Endpoint endpoint;
  llmux::ChatRequest request;
  bool have_provider = false;
  std::string prompt;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= args.size())
        return std::nullopt;
      return args[++i];
    };
    if (arg == "--provider") {
      auto name = value();
      auto provider = name ? llmux::provider_from_name(*name) : std::nullopt;
      if (!provider)
        return usage_error("--provider needs a known provider name");
      endpoint.provider = *provider;
      have_provider = true;
    } else if (arg == "--model" || arg == "-m") {
      auto model = value();
      if (!model)
        return usage_error("--model needs a name");
      request.model = std::string(*model);
    } else if (arg == "--stream") {
      request.stream = true;
    } else if (arg == "--system") {
      auto text = value();
      if (!text)
        return usage_error("--system needs text");
      request.system = std::string(*text);
    } else if (arg == "--base-url") {
      auto url = value();
      if (!url)
        return usage_error("--base-url needs a URL");
      endpoint.base_url = std::string(*url);
    } else if (arg == "--deployment") {
      auto name = value();
      if (!name)
        return usage_error("--deployment needs a name");
      endpoint.deployment = std::string(*name);
    } else if (arg == "--max-tokens") {
      auto text = value();
      auto tokens = text ? parse_integer(*text) : std::nullopt;
      if (!tokens)
        return usage_error("--max-tokens needs a number");
      request.max_tokens = *tokens;
    } else if (arg == "--temperature") {
      auto text = value();
      if (!text)
        return usage_error("--temperature needs a number");
      char *end = nullptr;
      std::string copy(*text);
      double temperature = std::strtod(copy.c_str(), &end);
      if (end == copy.c_str() || *end != '\0')
        return usage_error("--temperature needs a number");
      request.temperature = temperature;
    } else if (!arg.empty() && arg.front() == '-') {
      return usage_error("unknown argument to request: " + std::string(arg));
    } else {
      if (!prompt.empty())
        prompt += ' ';
      prompt += arg;
    }
  }
  if (!have_provider)
    return usage_error("request needs --provider");
  if (const char *key = std::getenv(key_variable(endpoint.provider)))
    endpoint.api_key = key;
  request.messages.push_back(llmux::Message::user(prompt));
  auto adapter = llmux::make_adapter(endpoint.provider);
  auto http = adapter->build_request(request, endpoint);
  if (!http.ok()) {
    const llmux::Error &error = http.error();
    std::cerr << "llmux: " << llmux::to_string(error.code) << ": " << error.message << '\n';
    return 1;
  }
  std::cout << llmux::redacted_json(http.value()) << '\n';
  return 0;
}

int providers_command() {
  for (const llmux::ProviderInfo &info : llmux::all_providers()) {
    std::string_view url =
        info.default_base_url.empty() ? "(base URL required)" : info.default_base_url;
    std::cout << info.name << '\t' << url << '\n';
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage_text;
    return args.empty() ? 2 : 0;
  }
  std::string_view command = args[0];
  args.erase(args.begin());
  if (command == "decode")
    return decode_command(args);
  if (command == "request")
    return request_command(args);
  if (command == "providers")
    return providers_command();
  return usage_error("unknown command: " + std::string(command));
}
