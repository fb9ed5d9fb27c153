// createClient's options in the JavaScript API's JSON form (see api_json.hpp).

#include <llmux/api_json.hpp>

#include "api/api_reader.hpp"

namespace llmux::api {

Result<ClientOptions> parse_client_options(std::string_view json_text) {
  auto parsed = parse_object_text(json_text, "options");
  if (!parsed.ok())
    return parsed.error();
  const json::Value &value = parsed.value();
  ApiReader reader;
  reader.only(value,
              {"settings", "model", "fallbacks", "retry", "user", "budgetScopes", "routes",
               "models"},
              "");
  ClientOptions options;
  if (const json::Value *settings = ApiReader::member(value, "settings")) {
    if (!settings->is_object())
      reader.fail("settings", "must be an object of NAME: \"value\" strings");
    for (const json::Member &entry : settings->members()) {
      // The value is never quoted in the message: settings hold API keys.
      if (!entry.value.is_string()) {
        reader.fail(member_path("settings", entry.key), "must be a string");
        break;
      }
      options.settings[entry.key] = entry.value.as_string();
    }
  }
  if (auto model = reader.string(value, "model", ""))
    options.models.push_back(*model);
  if (auto fallbacks = reader.strings(value, "fallbacks", "")) {
    if (options.models.empty() && !fallbacks->empty())
      reader.fail("fallbacks", "need a model to fall back from");
    options.models.insert(options.models.end(), fallbacks->begin(), fallbacks->end());
  }
  if (const json::Value *retry = ApiReader::member(value, "retry")) {
    RetryPolicy policy;
    read_retry(reader, *retry, "retry", policy);
    options.retry = policy;
  }
  options.user = reader.string(value, "user", "").value_or("");
  options.budget_scopes =
      reader.strings(value, "budgetScopes", "").value_or(std::vector<std::string>{});
  if (const json::Value *routes = ApiReader::member(value, "routes")) {
    if (!routes->is_object())
      reader.fail("routes", "must be an object {default?, routes: {kind: [models]}}");
    else
      options.routes_json = json::dump(*routes);
  }
  if (const json::Value *models = ApiReader::member(value, "models")) {
    if (!models->is_array())
      reader.fail("models", "must be an array of model templates");
    else
      options.models_json = "{\"models\":" + json::dump(*models) + "}";
  }
  if (reader.failed())
    return reader.error();
  return options;
}

} // namespace llmux::api
