#include "commands.hpp"
#include "settings.hpp"
#include <llmux/native/environment.hpp>

#include <llmux/llmux.hpp>

#include <cstdlib>
#include <iostream>

namespace llmux::cli {

int request_command(Arguments args) {
  std::optional<std::string> model_name;
  std::optional<Provider> forced_provider;
  std::optional<std::string> base_url;
  ChatRequest request;
  std::string prompt;
  while (auto arg = args.next()) {
    if (*arg == "--model" || *arg == "-m") {
      auto name = args.value();
      if (!name)
        return usage_error("--model needs a name");
      model_name = std::string(*name);
    } else if (*arg == "--provider") {
      auto name = args.value();
      forced_provider = name ? provider_from_name(*name) : std::nullopt;
      if (!forced_provider)
        return usage_error("--provider needs a known provider name");
    } else if (*arg == "--stream") {
      request.stream = true;
    } else if (*arg == "--system") {
      auto text = args.value();
      if (!text)
        return usage_error("--system needs text");
      request.system = std::string(*text);
    } else if (*arg == "--base-url") {
      auto url = args.value();
      if (!url)
        return usage_error("--base-url needs a URL");
      base_url = std::string(*url);
    } else if (*arg == "--max-tokens") {
      auto text = args.value();
      auto tokens = text ? parse_count(*text) : std::nullopt;
      if (!tokens)
        return usage_error("--max-tokens needs a number");
      request.max_tokens = *tokens;
    } else if (*arg == "--temperature") {
      auto text = args.value();
      if (!text)
        return usage_error("--temperature needs a number");
      std::string copy(*text);
      char *end = nullptr;
      double temperature = std::strtod(copy.c_str(), &end);
      if (end == copy.c_str() || *end != '\0')
        return usage_error("--temperature needs a number");
      request.temperature = temperature;
    } else if (!arg->empty() && arg->front() == '-') {
      return usage_error("unknown argument to request: " + std::string(*arg));
    } else {
      if (!prompt.empty())
        prompt += ' ';
      prompt += *arg;
    }
  }

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
      return usage_error("--provider needs --model too");
    name = std::string(provider_info(*forced_provider).name) + "/" + name;
  }
  auto resolved = name.empty() ? resolve_from_settings(catalog.value(), settings)
                               : resolve_model(catalog.value(), name, settings);
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

} // namespace llmux::cli
