#include "commands.hpp"
#include "settings.hpp"
#include <llmux/native/environment.hpp>

#include <llmux/llmux.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>

namespace llmux::cli {
namespace {

// The catalog, or a printed error and no catalog.
std::optional<Catalog> catalog_or_report(const Settings &settings) {
  auto catalog = native::load_catalog(settings);
  if (!catalog.ok()) {
    std::cerr << "llmux: " << catalog.error().message << '\n';
    return std::nullopt;
  }
  return std::move(catalog).value();
}

// "$0.15" for a per-token price in picodollars, as dollars per million tokens. (Catalog
// prices are under a million dollars per million tokens: this cannot overflow.)
std::string per_million(Picodollars price) {
  return format_usd(price * 1'000'000);
}

std::string tokens(std::int64_t count) {
  if (count == 0)
    return "?";
  if (count % 1000 == 0 && count >= 1000)
    return std::to_string(count / 1000) + "K";
  if (count % 1024 == 0 && count >= 1024)
    return std::to_string(count / 1024) + "Ki";
  return std::to_string(count);
}

std::string features(const ModelFeatures &f) {
  std::string out;
  for (auto [on, name] : {std::pair{f.tools, "tools"},
                          {f.vision, "vision"},
                          {f.json_mode, "json"},
                          {f.reasoning, "reasoning"}})
    if (on)
      out += out.empty() ? name : std::string(",") + name;
  return out;
}

} // namespace

int models_command(Arguments args) {
  bool as_json = false;
  while (auto arg = args.next()) {
    if (*arg == "--json")
      as_json = true;
    else
      return usage_error("unknown argument to models: " + std::string(*arg));
  }
  auto settings = load_settings_or_report();
  if (!settings)
    return 1;
  auto catalog = catalog_or_report(*settings);
  if (!catalog)
    return 1;
  if (as_json) {
    std::cout << catalog->to_json() << '\n';
    return 0;
  }
  std::cout << std::left << std::setw(38) << "ID" << std::setw(12) << "PROVIDER" << std::setw(8)
            << "CONTEXT" << std::setw(8) << "OUTPUT" << std::setw(24) << "$/M IN / OUT"
            << "FEATURES\n";
  for (const ModelTemplate &model : catalog->models()) {
    std::string prices = model.prices ? per_million(model.prices->base.input) + " / " +
                                            per_million(model.prices->base.output)
                                      : "unknown";
    std::cout << std::left << std::setw(38) << model.id << std::setw(12)
              << provider_info(model.provider).name << std::setw(8) << tokens(model.context_tokens)
              << std::setw(8) << tokens(model.max_output_tokens) << std::setw(24) << prices
              << features(model.features) << (model.user_defined ? " (yours)" : "") << '\n';
  }
  return 0;
}

int resolve_command(Arguments args) {
  std::optional<std::string> name;
  while (auto arg = args.next()) {
    if (!arg->empty() && arg->front() == '-')
      return usage_error("unknown argument to resolve: " + std::string(*arg));
    name = std::string(*arg);
  }
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  auto catalog = catalog_or_report(settings);
  if (!catalog)
    return 1;
  auto resolved =
      name ? resolve_model(*catalog, *name, settings) : resolve_from_settings(*catalog, settings);
  if (!resolved.ok()) {
    std::cerr << "llmux: " << to_string(resolved.error().code) << ": " << resolved.error().message
              << '\n';
    return 1;
  }
  const ResolvedModel &model = resolved.value();
  std::cout << "model     " << model.model.id << (model.in_catalog ? "" : " (not in the catalog)")
            << "\nprovider  " << provider_info(model.endpoint.provider).name << "\nupstream  "
            << model.model.upstream_model << "\nbase URL  "
            << (model.endpoint.base_url.empty()
                    ? std::string(provider_info(model.endpoint.provider).default_base_url)
                    : model.endpoint.base_url)
            << "\nAPI key   " << (model.endpoint.api_key.empty() ? "not set" : "set") << '\n';
  if (!model.endpoint.deployment.empty())
    std::cout << "deployment " << model.endpoint.deployment << " (api-version "
              << model.endpoint.api_version << ")\n";
  if (!model.ready()) {
    std::cout << "missing  ";
    for (const std::string &setting : model.missing_settings)
      std::cout << ' ' << setting;
    std::cout << '\n';
    return 1;
  }
  return 0;
}

int cost_command(Arguments args) {
  std::optional<std::string> name;
  Usage usage;
  while (auto arg = args.next()) {
    auto count = [&]() -> std::optional<std::int64_t> {
      auto text = args.value();
      return text ? parse_count(*text) : std::nullopt;
    };
    std::optional<std::int64_t> *target = nullptr;
    if (*arg == "--model" || *arg == "-m") {
      auto text = args.value();
      if (!text)
        return usage_error("--model needs a name");
      name = std::string(*text);
      continue;
    }
    if (*arg == "--input")
      target = &usage.input_tokens;
    else if (*arg == "--output")
      target = &usage.output_tokens;
    else if (*arg == "--cached")
      target = &usage.cached_input_tokens;
    else if (*arg == "--cache-write")
      target = &usage.cache_write_input_tokens;
    else if (*arg == "--reasoning")
      target = &usage.reasoning_tokens;
    else
      return usage_error("unknown argument to cost: " + std::string(*arg));
    *target = count();
    if (!*target)
      return usage_error(std::string(*arg) + " needs a number of tokens");
  }
  if (!name || !usage.input_tokens || !usage.output_tokens)
    return usage_error("cost needs --model, --input and --output");
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  auto catalog = catalog_or_report(settings);
  if (!catalog)
    return 1;
  auto resolved = resolve_model(*catalog, *name, settings);
  if (!resolved.ok()) {
    std::cerr << "llmux: " << to_string(resolved.error().code) << ": " << resolved.error().message
              << '\n';
    return 1;
  }
  auto cost = cost_of(usage, resolved.value().model);
  if (!cost) {
    std::cerr << "llmux: the cost of " << resolved.value().model.id
              << " is unknown (the catalog has no prices for it)\n";
    return 1;
  }
  std::cout << format_usd(cost->total) << "\n  input        " << format_usd(cost->input)
            << "\n  cached input " << format_usd(cost->cached_input) << "\n  cache write  "
            << format_usd(cost->cache_write) << "\n  output       " << format_usd(cost->output)
            << '\n';
  return 0;
}

int providers_command(Arguments args) {
  if (auto arg = args.next())
    return usage_error("unknown argument to providers: " + std::string(*arg));
  for (const ProviderInfo &info : all_providers()) {
    std::string_view url =
        info.default_base_url.empty() ? "(base URL required)" : info.default_base_url;
    std::cout << info.name << '\t' << url << '\n';
  }
  return 0;
}

} // namespace llmux::cli
