#include "commands.hpp"
#include "settings.hpp"
#include <llmux/native/environment.hpp>

#include <llmux/llmux.hpp>

#include <iostream>

namespace llmux::cli {

namespace {

struct RequestOptions {
  std::optional<std::string> model_name;
  std::optional<std::string> provider_name;
  std::optional<std::string> base_url;
  bool stream = false;
  std::optional<std::string> system;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> temperature;
  std::vector<std::string> words;
};

int print_request(const CLI::App &command, const RequestOptions &options) {
  ChatRequest request;
  request.stream = options.stream;
  if (options.system)
    request.system = *options.system;
  request.max_tokens = options.max_tokens;
  request.temperature = options.temperature;
  std::string prompt;
  for (const std::string &word : options.words)
    prompt += (prompt.empty() ? "" : " ") + word;
  std::optional<Provider> forced_provider;
  if (options.provider_name)
    forced_provider = provider_from_name(*options.provider_name);
  const std::optional<std::string> &model_name = options.model_name;
  const std::optional<std::string> &base_url = options.base_url;

  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  auto catalog = native::load_catalog(settings);
  if (!catalog.ok()) {
    std::cerr << "llmux: " << catalog.error().message << '\n';
    return 1;
  }
  // --provider P -m M: model M of provider P, whatever the catalog says.
  std::string name = model_name.value_or("");
  if (forced_provider) {
    if (!model_name)
      return usage_error(command, "--provider needs --model too");
    name = std::string(provider_info(*forced_provider).name) + "/" + name;
  }
  Client client;
  client.catalog = std::move(catalog).value();
  client.settings = settings;
  auto resolved = client.resolve(name);
  if (!resolved.ok()) {
    std::cerr << "llmux: " << to_string(resolved.error().code) << ": " << resolved.error().message
              << '\n';
    return 1;
  }
  ResolvedModel &model = resolved.value();
  if (base_url)
    model.endpoint.base_url = *base_url;
  request.model = model.model.upstream_model;
  if (!request.temperature)
    request.temperature = model.temperature;
  if (!request.max_tokens)
    request.max_tokens = model.max_tokens;
  if (model.stream && !request.stream)
    request.stream = *model.stream;
  request.messages.push_back(Message::user(prompt));

  auto http = make_adapter(model.endpoint.provider)->build_request(request, model.endpoint);
  if (!http.ok()) {
    std::cerr << "llmux: " << to_string(http.error().code) << ": " << http.error().message << '\n';
    return 1;
  }
  std::cout << redacted_json(http.value()) << '\n';
  return 0;
}

} // namespace

void add_request_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<RequestOptions>();
  CLI::App *command = parent.add_subcommand(
      "request",
      "Print the HTTP request llmux would send for a prompt, with secret headers redacted");
  set_footer(
      *command,
      "Nothing is sent. MODEL is a catalog id (llmux models), provider/model, or a name resolved "
      "by "
      "its prefix (claude..., gpt..., gemini..., name:tag for Ollama); without -m, the settings' "
      "LLM_PROVIDER and its _MODEL (OPENAI_MODEL, ...). Keys come from the environment or the "
      "settings file (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), never from arguments; the settings' "
      "<PREFIX>_TEMPERATURE, _MAX_TOKENS and _STREAM are the request's defaults.\n\n"
      "Example: llmux request -m claude-haiku-4-5 --max-tokens 100 Hello there");
  command->add_option("-m,--model", options->model_name, "The model (see above)")
      ->type_name("MODEL");
  command
      ->add_option("--provider", options->provider_name,
                   "Call MODEL at this provider, whatever the catalog says (needs -m)")
      ->type_name("P")
      ->check(CLI::Validator(
          [](const std::string &name) -> std::string {
            return provider_from_name(name)
                       ? ""
                       : "unknown provider: " + name + " (llmux providers lists them)";
          },
          "", "provider"));
  command->add_flag("--stream", options->stream, "Ask for a streamed answer");
  command->add_option("--system", options->system, "A system prompt")->type_name("TEXT");
  command
      ->add_option("--base-url", options->base_url,
                   "Send to this base URL instead of the provider's")
      ->type_name("URL");
  add_count_option(*command, "--max-tokens", options->max_tokens, "The answer's token limit",
                   "a number of tokens", 1);
  add_number_option(*command, "--temperature", options->temperature,
                    "Sampling temperature (0 to 2; Anthropic and Cohere take 0 to 1)", 0,
                    max_temperature);
  command->add_option("prompt", options->words, "The prompt (its words are joined with spaces)")
      ->type_name("PROMPT");
  commands.push_back({command, [command, options] { return print_request(*command, *options); }});
}

} // namespace llmux::cli
