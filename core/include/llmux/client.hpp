#pragma once
/// The one place a call is planned: from what a call asks for and what its client holds (the
/// catalog, the settings, the routing table, the ledger, the response cache, the client's
/// defaults) to the session that runs it, or the error that stops it before any request.
/// The drivers only convert into it: the package's createClient options and chat() calls
/// (wasm/client_binding.cpp, from JSON), the CLI's files and flags (cli/chat_command.cpp).
///
/// Planning goes in three steps, each here once: the chain (the task's route, else the
/// call's models, else the client's, else the model the settings name; each resolved), its
/// readiness (every model has the settings it needs), and the session's config (the call's
/// values, else the client's, else the core's defaults).

#include <llmux/catalog.hpp>
#include <llmux/chat_request.hpp>
#include <llmux/context_window.hpp>
#include <llmux/resolve.hpp>
#include <llmux/result.hpp>
#include <llmux/retry_policy.hpp>
#include <llmux/routing_table.hpp>
#include <llmux/session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

class Ledger;
class ResponseCache;

/// One call as a driver read it: the request, and how the session runs it. Unset values
/// take the client's, then the core's defaults (SessionConfig).
struct CallSpec {
  ChatRequest request;
  /// The chain as named (a model, then its fallbacks), names still to resolve. An empty name
  /// is the model the settings name (LLM_PROVIDER and its _MODEL). With a task, these follow
  /// the task's route; without one, empty means the client's chain.
  std::vector<std::string> models;
  /// A routing kind ("coding"): the client's routing table names the chain. Empty for none.
  std::string task;
  std::optional<int> max_rounds;
  std::optional<bool> validate_tool_arguments;
  std::optional<Overflow> overflow;
  /// The response cache's time to live; the cache is used only when it is above 0.
  std::optional<std::int64_t> cache_ttl_ms;
  std::optional<std::string> user;
  std::optional<std::vector<std::string>> budget_scopes;
  std::optional<RetryPolicy> retry;
  /// Seeds the jitter of retry delays; unset: the seed plan() is given.
  std::optional<std::uint64_t> seed;
  /// The call's deadline (SessionConfig::timeout_ms); unset: default_timeout_ms.
  std::optional<std::int64_t> timeout_ms;
};

/// A model of a chain that cannot be called until the user gives it settings.
struct MissingSettings {
  std::string model; ///< its catalog id
  /// The settings it lacks, by their environment names (OPENAI_API_KEY, ...).
  std::vector<std::string> settings;
};

/// "gpt-4o-mini needs OPENAI_API_KEY (`where`)": what the drivers say of a model missing
/// settings, `where` saying in the driver's words where the user gives them.
std::string describe(const MissingSettings &missing, std::string_view where);

/// The first model of `chain` that lacks settings, with the settings it lacks; none when
/// every model is ready to call.
std::optional<MissingSettings> missing_settings(const std::vector<ResolvedModel> &chain);

/// What every call of a client shares, and how each of its calls is planned. Plain data the
/// driver fills: the catalog, settings and defaults it owns; the routing table, the ledger and
/// the cache it points to (not owned: they must outlive the sessions planned with them).
struct Client {
  Catalog catalog = Catalog::builtin();
  /// Settings by their environment names: keys, base URLs, LLM_PROVIDER and its _MODEL.
  Settings settings;
  /// The routing table a call's task picks its chain from (not owned); null: a call with a
  /// task fails.
  const RoutingTable *routes = nullptr;
  /// The chain of a call that names no model and no task (a model, then its fallbacks);
  /// empty: the model the settings name.
  std::vector<std::string> models;
  /// Retries of a call that sets none.
  RetryPolicy retry;
  /// The ledger's user and budget scopes of a call that names none.
  std::string user;
  std::vector<std::string> budget_scopes;
  /// Every response is recorded in it and budgets are held against it; null: none.
  Ledger *ledger = nullptr;
  /// Calls with a cache_ttl_ms above 0 are answered from it when they can; null: none.
  ResponseCache *cache = nullptr;
  /// The driver runs in a web page: each resolved endpoint says so (Endpoint::
  /// from_browser_page), and the adapters add the headers a page's request needs.
  bool from_browser_page = false;
  /// In the driver's words, where the user gives a missing setting ("give it in
  /// createClient's settings") and a routing table ("createClient's routes"): the end of the
  /// errors that say one is missing.
  std::string settings_hint;
  std::string routes_hint;

  /// The model `name` names (resolve_model), or the model the settings name
  /// (resolve_from_settings) when `name` is empty. unknown_model or invalid_argument.
  Result<ResolvedModel> resolve(std::string_view name) const;

  /// The call's chain, each model resolved (ready or not): the task's route followed by the
  /// call's models; else the call's models; else the client's; else the model the settings
  /// name. invalid_argument for a task without a routing table or one the table lacks;
  /// resolve's errors for a name, the first name that fails.
  Result<std::vector<ResolvedModel>> chain(const CallSpec &call) const;

  /// The session's config for `call` on `chain` (which chain() made and the driver checked
  /// for readiness): the call's values, else the client's, else the core's defaults; the
  /// ledger, and the cache when the call asks for it; `default_seed` when the call sets no
  /// seed.
  SessionConfig session_config(CallSpec call, std::vector<ResolvedModel> chain,
                               std::uint64_t default_seed) const;

  /// The three steps at once: chain(), every model of it ready (else invalid_argument
  /// "<model> needs <settings> (<settings_hint>)"), session_config().
  Result<SessionConfig> plan(CallSpec call, std::uint64_t default_seed) const;
};

} // namespace llmux
