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

int list_models(bool as_json) {
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

int resolve(const std::optional<std::string> &name) {
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

struct CostOptions {
  std::string name;
  Usage usage;
};

int cost(const CostOptions &options) {
  const std::string &name = options.name;
  const Usage &usage = options.usage;
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  auto catalog = catalog_or_report(settings);
  if (!catalog)
    return 1;
  auto resolved = resolve_model(*catalog, name, settings);
  if (!resolved.ok()) {
    std::cerr << "llmux: " << to_string(resolved.error().code) << ": " << resolved.error().message
              << '\n';
    return 1;
  }
  auto price = cost_of(usage, resolved.value().model);
  if (!price) {
    std::cerr << "llmux: the cost of " << resolved.value().model.id
              << " is unknown (the catalog has no prices for it)\n";
    return 1;
  }
  std::cout << format_usd(price->total) << "\n  input        " << format_usd(price->input)
            << "\n  cached input " << format_usd(price->cached_input) << "\n  cache write  "
            << format_usd(price->cache_write) << "\n  output       " << format_usd(price->output)
            << '\n';
  return 0;
}

int list_providers() {
  for (const ProviderInfo &info : all_providers()) {
    std::string_view url =
        info.default_base_url.empty() ? "(base URL required)" : info.default_base_url;
    std::cout << info.name << '\t' << url << '\n';
  }
  return 0;
}

} // namespace

void add_models_command(CLI::App &parent, Commands &commands) {
  auto as_json = std::make_shared<bool>(false);
  CLI::App *command = parent.add_subcommand(
      "models",
      "The catalog: built-in templates and your own, with context, output limit and prices");
  set_footer(*command,
             "Prices are dollars per million input / output tokens; \"unknown\" means llmux does "
             "not know them (a router, a GPU billed by the hour), never that they are zero. Your "
             "own models (LLMUX_MODELS_FILE, else ~/.config/llmux/models.json; llmux deploy adds "
             "to it) are marked (yours).");
  command->add_flag("--json", *as_json, "Print the catalog as JSON, in the models file's format");
  commands.push_back({command, [as_json] { return list_models(*as_json); }});
}

void add_resolve_command(CLI::App &parent, Commands &commands) {
  auto name = std::make_shared<std::optional<std::string>>();
  CLI::App *command = parent.add_subcommand(
      "resolve",
      "How a model name resolves: provider, upstream id, base URL, and the settings it lacks");
  set_footer(*command,
             "Without MODEL, the model the settings name (LLM_PROVIDER and its _MODEL). Exits 1 "
             "when a setting the model needs is missing, naming it. Keys are shown only as set "
             "or not set.");
  command
      ->add_option("model", *name, "A catalog id, provider/model, or a name resolved by its prefix")
      ->type_name("MODEL");
  commands.push_back({command, [name] { return resolve(*name); }});
}

void add_cost_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<CostOptions>();
  CLI::App *command =
      parent.add_subcommand("cost", "The exact cost of a usage at a model's catalog prices");
  set_footer(*command, "Example: llmux cost -m gpt-4o-mini --input 1000 --output 500\n"
                       "Money is exact (no floating point). A model without catalog prices has an "
                       "unknown cost: exit status 1.");
  command->add_option("-m,--model", options->name, "The model (a catalog id or a name it resolves)")
      ->required()
      ->type_name("MODEL");
  Usage &usage = options->usage;
  add_count_option(*command, "--input", usage.input_tokens, "Input tokens (cached ones included)",
                   "a number of tokens")
      ->required();
  add_count_option(*command, "--output", usage.output_tokens, "Output tokens (reasoning included)",
                   "a number of tokens")
      ->required();
  add_count_option(*command, "--cached", usage.cached_input_tokens,
                   "Of the input, tokens read from the prompt cache", "a number of tokens");
  add_count_option(*command, "--cache-write", usage.cache_write_input_tokens,
                   "Of the input, tokens written to the prompt cache (Anthropic)",
                   "a number of tokens");
  add_count_option(*command, "--reasoning", usage.reasoning_tokens,
                   "Of the output, reasoning tokens", "a number of tokens");
  commands.push_back({command, [options] { return cost(*options); }});
}

void add_providers_command(CLI::App &parent, Commands &commands) {
  CLI::App *command = parent.add_subcommand(
      "providers", "The providers llmux speaks to, and their default base URLs");
  set_footer(*command,
             "Each provider's settings start with its prefix: OPENAI_API_KEY, "
             "ANTHROPIC_BASE_URL, OLLAMA_MODEL, ... (llmux resolve shows what a model needs).");
  commands.push_back({command, [] { return list_providers(); }});
}

} // namespace llmux::cli
