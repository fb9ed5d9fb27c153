#include <llmux/client.hpp>

#include <utility>

namespace llmux {
namespace {

Error invalid_argument(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

// " (hint)", or nothing when the driver gave no hint.
std::string in_parentheses(std::string_view hint) {
  return hint.empty() ? std::string() : " (" + std::string(hint) + ")";
}

} // namespace

std::string describe(const MissingSettings &missing, std::string_view where) {
  std::string settings;
  for (const std::string &setting : missing.settings)
    settings += (settings.empty() ? "" : ", ") + setting;
  return missing.model + " needs " + settings + in_parentheses(where);
}

std::optional<MissingSettings> missing_settings(const std::vector<ResolvedModel> &chain) {
  for (const ResolvedModel &model : chain)
    if (!model.ready())
      return MissingSettings{model.model.id, model.missing_settings};
  return std::nullopt;
}

Result<ResolvedModel> Client::resolve(std::string_view name) const {
  auto resolved = name.empty() ? resolve_from_settings(catalog, settings)
                               : resolve_model(catalog, name, settings);
  if (resolved.ok())
    resolved.value().endpoint.from_browser_page = from_browser_page;
  return resolved;
}

Result<std::vector<ResolvedModel>> Client::chain(const CallSpec &call) const {
  std::vector<std::string> route;
  if (!call.task.empty()) {
    if (!routes)
      return invalid_argument("task \"" + call.task + "\" needs a routing table" +
                              in_parentheses(routes_hint));
    auto named = routes->route(call.task);
    if (!named.ok())
      return named.error();
    route = std::move(named).value();
  }
  std::vector<ResolvedModel> resolved;
  std::optional<Error> failed; // the first name that did not resolve
  auto add = [&](const std::string &name) {
    if (failed)
      return;
    auto model = resolve(name);
    if (!model.ok())
      failed = model.error();
    else
      resolved.push_back(std::move(model).value());
  };
  for (const std::string &name : route)
    add(name);
  for (const std::string &name : call.models)
    add(name);
  if (resolved.empty() && !failed) {
    for (const std::string &name : models)
      add(name);
    if (models.empty())
      add(""); // the model the settings name
  }
  if (failed)
    return *failed;
  return resolved;
}

SessionConfig Client::session_config(CallSpec call, std::vector<ResolvedModel> chain,
                                     std::uint64_t default_seed) const {
  SessionConfig config;
  config.models = std::move(chain);
  config.request = std::move(call.request);
  if (call.max_rounds)
    config.max_rounds = *call.max_rounds;
  if (call.validate_tool_arguments)
    config.validate_tool_arguments = *call.validate_tool_arguments;
  if (call.overflow)
    config.overflow = *call.overflow;
  config.retry = call.retry.value_or(retry);
  config.ledger = ledger;
  config.user = call.user ? std::move(*call.user) : user;
  config.budget_scopes = call.budget_scopes ? std::move(*call.budget_scopes) : budget_scopes;
  if (cache && call.cache_ttl_ms && *call.cache_ttl_ms > 0) {
    config.cache = cache;
    config.cache_ttl_ms = *call.cache_ttl_ms;
  }
  config.random_seed = call.seed.value_or(default_seed);
  if (call.timeout_ms)
    config.timeout_ms = *call.timeout_ms;
  return config;
}

Result<SessionConfig> Client::plan(CallSpec call, std::uint64_t default_seed) const {
  auto resolved = chain(call);
  if (!resolved.ok())
    return resolved.error();
  if (auto missing = missing_settings(resolved.value()))
    return invalid_argument(describe(*missing, settings_hint));
  return session_config(std::move(call), std::move(resolved).value(), default_seed);
}

} // namespace llmux
