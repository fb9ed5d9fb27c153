#include "client_binding.hpp"

#include "boundary.hpp"
#include "js_store.hpp"

#include <llmux/resolve.hpp>

#include <emscripten/emscripten.h>

#include <limits>

namespace llmux::wasm {
namespace {

std::string error_json(const Error &error) {
  std::string out;
  api::write_error(error, out);
  return out;
}

Error invalid_argument(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

std::optional<GroupBy> group_from_name(std::string_view name) {
  constexpr std::pair<std::string_view, GroupBy> groups[] = {
      {"user", GroupBy::User},   {"model", GroupBy::Model}, {"provider", GroupBy::Provider},
      {"scope", GroupBy::Scope}, {"day", GroupBy::Day},     {"week", GroupBy::Week},
      {"month", GroupBy::Month},
  };
  for (const auto &[group_name, group] : groups)
    if (group_name == name)
      return group;
  return std::nullopt;
}

// Where the user's models are kept in the store.
constexpr std::string_view user_models_key = "catalog/user-models.json";

} // namespace

Result<SessionConfig> session_config(ClientState &client, api::CallSpec call,
                                     std::uint64_t default_seed) {
  return client.client.plan(std::move(call), default_seed);
}

ClientBinding::ClientBinding() : state_(std::make_shared<ClientState>()) {}

std::string ClientBinding::configure(std::string_view options_json, int store,
                                     bool from_browser_page) {
  auto options = api::parse_client_options(options_json);
  if (!options.ok())
    return error_json(options.error());
  ClientState &state = *state_;
  Client &client = state.client;
  client.settings = std::move(options.value().settings);
  client.models = std::move(options.value().models);
  client.retry = options.value().retry.value_or(RetryPolicy{});
  client.user = std::move(options.value().user);
  client.budget_scopes = std::move(options.value().budget_scopes);
  client.from_browser_page = from_browser_page;
  client.settings_hint = "give it in createClient's settings";
  client.routes_hint = "createClient's routes";
  if (!options.value().routes_json.empty()) {
    if (auto loaded = state.routes.load_json(options.value().routes_json); !loaded.ok())
      return error_json(loaded.error());
    client.routes = &state.routes;
  }
  const bool persistent = store != 0;
  if (persistent)
    state.store = std::make_unique<JsStore>(store);
  else
    state.store = std::make_unique<MemoryStore>();
  // User models saved in the store by earlier runs first, then the ones createClient names.
  if (auto saved = state.store->get(user_models_key); saved.ok() && saved.value()) {
    if (auto added = client.catalog.add_json(*saved.value()); !added.ok())
      return error_json(added.error());
  }
  if (!options.value().models_json.empty()) {
    if (auto added = client.catalog.add_json(options.value().models_json); !added.ok())
      return error_json(added.error());
  }
  // In memory, the ledger keeps its records itself: persisting each day's file again into a
  // MemoryStore on every charge would cost a re-encode of the day per call and keep nothing.
  state.ledger = std::make_unique<Ledger>(persistent ? state.store.get() : nullptr);
  if (auto loaded = state.ledger->load(); !loaded.ok())
    return error_json(loaded.error());
  state.cache = std::make_unique<ResponseCache>(state.store.get());
  client.ledger = state.ledger.get();
  client.cache = state.cache.get();
  return "";
}

std::string ClientBinding::models() const {
  return state_->client.catalog.to_json();
}

std::string ClientBinding::add_models(std::string_view catalog_json) {
  ClientState &state = *state_;
  Catalog &catalog = state_->client.catalog;
  if (auto added = catalog.add_json(catalog_json); !added.ok())
    return error_json(added.error());
  // The user's models are saved in the store, so that a browser finds them after a reload.
  Catalog user_models; // empty: only the user's models
  for (const ModelTemplate &model : catalog.models())
    if (model.user_defined)
      (void)user_models.add(model);
  if (auto put = state.store->put(user_models_key, user_models.to_json()); !put.ok())
    return error_json(put.error());
  return "";
}

std::string ClientBinding::resolve(std::string_view name) const {
  auto resolved = state_->client.resolve(name);
  if (!resolved.ok())
    return "{\"error\":" + error_json(resolved.error()) + "}";
  const ResolvedModel &model = resolved.value();
  std::string out = "{\"model\":";
  api::write_string_value(model.model.id, out);
  out += ",\"provider\":";
  api::write_string_value(provider_info(model.model.provider).name, out);
  out += ",\"upstreamModel\":";
  api::write_string_value(model.model.upstream_model, out);
  out += ",\"baseUrl\":";
  api::write_string_value(model.endpoint.base_url, out);
  out += ",\"inCatalog\":";
  out += model.in_catalog ? "true" : "false";
  out += ",\"contextTokens\":" + std::to_string(model.model.context_tokens);
  out += ",\"maxOutputTokens\":" + std::to_string(model.model.max_output_tokens);
  out += ",\"ready\":";
  out += model.ready() ? "true" : "false";
  out += ",\"missingSettings\":[";
  for (std::size_t i = 0; i < model.missing_settings.size(); ++i) {
    if (i > 0)
      out += ',';
    api::write_string_value(model.missing_settings[i], out);
  }
  return out + "]}";
}

std::string ClientBinding::cost(std::string_view name, std::string_view usage_json) const {
  const ClientState &state = *state_;
  auto usage = api::parse_usage(usage_json);
  if (!usage.ok())
    return "{\"error\":" + error_json(usage.error()) + "}";
  auto resolved = resolve_model(state.client.catalog, name, state.client.settings);
  if (!resolved.ok())
    return "{\"error\":" + error_json(resolved.error()) + "}";
  std::string out = "{\"cost\":";
  api::write_cost(cost_of(usage.value(), resolved.value().model), out);
  return out + "}";
}

std::string ClientBinding::usage(std::string_view group, double from, double until,
                                 std::string_view user) const {
  auto by = group_from_name(group);
  if (!by)
    return "{\"error\":" +
           error_json(
               invalid_argument("by must be user, model, provider, scope, day, week or month")) +
           "}";
  // The client's ledger store is in memory (KeyValueLedgerStore): its reads do not fail.
  auto groups = state_->ledger->totals(*by, to_ms(from), to_ms(until), user);
  if (!groups.ok())
    return "{\"error\":" + error_json(groups.error()) + "}";
  std::string out = "[";
  for (const auto &[key, totals] : groups.value()) {
    if (out.size() > 1)
      out += ',';
    out += "{\"key\":";
    api::write_string_value(key, out);
    out += ",\"requests\":" + std::to_string(totals.requests);
    out += ",\"inputTokens\":" + std::to_string(totals.input_tokens);
    out += ",\"outputTokens\":" + std::to_string(totals.output_tokens);
    out += ",\"cachedInputTokens\":" + std::to_string(totals.cached_input_tokens);
    out += ",\"reasoningTokens\":" + std::to_string(totals.reasoning_tokens);
    out += ",\"cost\":\"" + api::dollars(totals.cost) + "\"";
    out += ",\"requestsWithoutCost\":" + std::to_string(totals.requests_without_cost);
    out += '}';
  }
  return out + "]";
}

std::string ClientBinding::export_usage(double from, double until) const {
  auto document = state_->ledger->export_records(to_ms(from), to_ms(until));
  if (!document.ok())
    return "{\"error\":" + error_json(document.error()) + "}";
  return std::move(document).value();
}

std::string ClientBinding::import_usage(std::string_view document) {
  auto imported = state_->ledger->import_records(document);
  if (!imported.ok())
    return "{\"error\":" + error_json(imported.error()) + "}";
  return "{\"added\":" + std::to_string(imported.value().added) +
         ",\"alreadyHeld\":" + std::to_string(imported.value().already_held) + "}";
}

std::string ClientBinding::set_budget(std::string_view scope, std::string_view amount) {
  std::optional<Picodollars> limit;
  if (!amount.empty()) {
    // Dollars with up to six decimals: exactly the micro-dollars a per-million price reads.
    auto micro = parse_price_per_million(amount);
    if (!micro || *micro > std::numeric_limits<Picodollars>::max() / 1'000'000)
      return error_json(invalid_argument(
          "a budget is an amount of dollars as a decimal string (\"5\", \"12.50\")"));
    limit = *micro * 1'000'000;
  }
  if (auto set = state_->ledger->set_budget(std::string(scope), limit); !set.ok())
    return error_json(set.error());
  return "";
}

std::string ClientBinding::budget(std::string_view scope, double at_ms) const {
  const auto limit = state_->ledger->budget(scope);
  const auto spent = state_->ledger->spent(scope, Period::Month, to_ms(at_ms));
  if (!limit.ok() || !spent.ok())
    return "{\"error\":" + error_json(!limit.ok() ? limit.error() : spent.error()) + "}";
  std::string out = "{\"limit\":";
  out += limit.value() ? "\"" + api::dollars(*limit.value()) + "\"" : "null";
  out += ",\"spent\":\"" + api::dollars(spent.value()) + "\"}";
  return out;
}

void ClientBinding::clear_cache() {
  state_->cache->clear();
}

} // namespace llmux::wasm

// The client's C exports (wasm/core.mjs): string arguments come from the input buffer in the
// order of the parameters, text answers go to the output buffer (boundary.hpp).
using llmux::wasm::answer;
using llmux::wasm::ClientBinding;
using llmux::wasm::Input;

extern "C" {

EMSCRIPTEN_KEEPALIVE ClientBinding *llmux_client_new() {
  return new ClientBinding();
}

EMSCRIPTEN_KEEPALIVE void llmux_client_delete(ClientBinding *client) {
  delete client;
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_configure(ClientBinding *client,
                                                        std::size_t options_length, int store,
                                                        bool from_browser_page) {
  return answer(client->configure(Input().take(options_length), store, from_browser_page));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_models(const ClientBinding *client) {
  return answer(client->models());
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_add_models(ClientBinding *client,
                                                         std::size_t catalog_length) {
  return answer(client->add_models(Input().take(catalog_length)));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_resolve(const ClientBinding *client,
                                                      std::size_t name_length) {
  return answer(client->resolve(Input().take(name_length)));
}

EMSCRIPTEN_KEEPALIVE std::size_t
llmux_client_cost(const ClientBinding *client, std::size_t name_length, std::size_t usage_length) {
  Input input;
  const std::string_view name = input.take(name_length);
  return answer(client->cost(name, input.take(usage_length)));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_usage(const ClientBinding *client,
                                                    std::size_t group_length, double from_ms,
                                                    double until_ms, std::size_t user_length) {
  Input input;
  const std::string_view group = input.take(group_length);
  return answer(client->usage(group, from_ms, until_ms, input.take(user_length)));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_set_budget(ClientBinding *client,
                                                         std::size_t scope_length,
                                                         std::size_t dollars_length) {
  Input input;
  const std::string_view scope = input.take(scope_length);
  return answer(client->set_budget(scope, input.take(dollars_length)));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_budget(const ClientBinding *client,
                                                     std::size_t scope_length, double at_ms) {
  return answer(client->budget(Input().take(scope_length), at_ms));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_export_usage(const ClientBinding *client,
                                                           double from_ms, double until_ms) {
  return answer(client->export_usage(from_ms, until_ms));
}

EMSCRIPTEN_KEEPALIVE std::size_t llmux_client_import_usage(ClientBinding *client,
                                                           std::size_t document_length) {
  return answer(client->import_usage(Input().take(document_length)));
}

EMSCRIPTEN_KEEPALIVE void llmux_client_clear_cache(ClientBinding *client) {
  client->clear_cache();
}

} // extern "C"
