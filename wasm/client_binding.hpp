#pragma once
// What a JavaScript client holds in the Wasm heap: its settings, the catalog with its user
// models, the routing table, the store with the ledger and the response cache. Sessions
// share it (a session may outlive the JavaScript handle of its client).

#include <llmux/api_json.hpp>
#include <llmux/client.hpp>
#include <llmux/key_value_store.hpp>
#include <llmux/ledger.hpp>
#include <llmux/response_cache.hpp>
#include <llmux/routing_table.hpp>
#include <llmux/session.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace llmux::wasm {

struct ClientState {
  /// The catalog, settings and defaults every call plans with; its routing table, ledger and
  /// cache are the ones below.
  Client client;
  RoutingTable routes;
  std::unique_ptr<KeyValueStore> store;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<ResponseCache> cache;
};

/// A SessionConfig for `call` from the client's state (Client::plan), or the error that
/// stops it before any request (an unknown model, a model missing its API key, a bad
/// routing kind).
Result<SessionConfig> session_config(ClientState &client, api::CallSpec call,
                                     std::uint64_t default_seed);

class SessionBinding;

/// llmux's client as JavaScript sees it (wasm/client.mjs drives it, through the exports at
/// the end of client_binding.cpp).
class ClientBinding {
public:
  ClientBinding();

  /// Applies createClient's options (JSON, see api::parse_client_options) and opens the
  /// ledger, the cache and the saved user models in the JavaScript store numbered `store`
  /// (see JsStore; 0 keeps them in memory). `from_browser_page`: the driver runs in a web
  /// page (Client::from_browser_page). Returns "" or the error as JSON.
  std::string configure(std::string_view options_json, int store, bool from_browser_page);

  /// The catalog as JSON (user models included).
  std::string models() const;
  /// Adds user models (a catalog document). "" or the error as JSON.
  std::string add_models(std::string_view catalog_json);
  /// What `name` resolves to, as JSON {model, inCatalog, baseUrl, ready, missingSettings}, or
  /// {error}.
  std::string resolve(std::string_view name) const;

  /// The exact cost of `usage_json` (api::parse_usage's form) at the prices of the model
  /// `name` resolves to: api::write_cost's JSON (null when the model has no prices), or
  /// {"error"}.
  std::string cost(std::string_view name, std::string_view usage_json) const;

  /// Ledger totals grouped by `group` (user, model, provider, scope, day, week, month) for
  /// from_ms <= at < to_ms, only `user`'s when not empty: JSON [{key, requests, ...}] or
  /// {error}.
  std::string usage(std::string_view group, double from_ms, double to_ms,
                    std::string_view user) const;
  /// Sets (dollars as a decimal string) or removes ("") a scope's monthly budget. "" or the
  /// error as JSON.
  std::string set_budget(std::string_view scope, std::string_view dollars);
  /// {"limit": dollars | null, "spent": dollars} for the month of at_ms.
  std::string budget(std::string_view scope, double at_ms) const;
  /// The ledger's records with from_ms <= at < to_ms as a transfer document
  /// (Ledger::export_records), or {"error"}.
  std::string export_usage(double from_ms, double to_ms) const;
  /// Adds a transfer document's records (Ledger::import_records): {"added", "alreadyHeld"}, or
  /// {"error"}.
  std::string import_usage(std::string_view document);
  /// Every entry of the response cache removed.
  void clear_cache();

  std::shared_ptr<ClientState> state() const { return state_; }

private:
  std::shared_ptr<ClientState> state_;
};

} // namespace llmux::wasm
