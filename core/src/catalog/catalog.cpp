#include <llmux/catalog.hpp>

#include "catalog/builtin_catalog.hpp"
#include "json/json.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace llmux {
namespace {

using json::Value;

Error catalog_error(std::string_view model_id, std::string message) {
  std::string text = "model";
  if (!model_id.empty()) {
    text += " \"";
    text += model_id;
    text += '"';
  }
  text += ": ";
  text += message;
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(text));
}

// A price in dollars per million tokens, given as a JSON number or a decimal string, as
// picodollars per token. Numbers are doubles: 0.0375 reads as 37500.000000000004 micros,
// so a number is accepted when it is within a millionth of a whole micro-dollar.
std::optional<Picodollars> read_price(const Value &value) {
  if (value.is_string())
    return parse_price_per_million(value.as_string());
  if (!value.is_number())
    return std::nullopt;
  double micros = value.as_double() * 1e6;
  if (!std::isfinite(micros) || micros < 0 || micros > 1e15)
    return std::nullopt;
  double rounded = std::round(micros);
  if (std::fabs(micros - rounded) > 1e-6 * std::fmax(1.0, rounded))
    return std::nullopt;
  return static_cast<Picodollars>(rounded);
}

Result<TokenPrices> read_token_prices(const Value &prices, std::string_view id, bool tier) {
  TokenPrices out;
  for (const json::Member &member : prices.members()) {
    const std::string &key = member.key;
    if (key == "input_tokens" && tier)
      continue;
    if (tier ? key == "above" : false)
      return catalog_error(id, "a price tier cannot have its own tier");
    if (key == "above")
      continue;
    auto price = read_price(member.value);
    if (!price)
      return catalog_error(id, "prices." + key +
                                   " must be dollars per million tokens with at most six "
                                   "decimals");
    if (key == "input")
      out.input = *price;
    else if (key == "output")
      out.output = *price;
    else if (key == "cached_input")
      out.cached_input = *price;
    else if (key == "cache_write")
      out.cache_write = *price;
    else
      return catalog_error(id, "unknown price \"" + key + "\"");
  }
  if (!prices.find("input") || !prices.find("output"))
    return catalog_error(id, "prices need an input and an output price");
  return out;
}

Result<ModelTemplate> read_model(const Value &entry) {
  if (!entry.is_object())
    return catalog_error({}, "a model must be a JSON object");
  ModelTemplate model;
  auto string_field = [&](const char *key, std::string &out) -> std::optional<Error> {
    const Value *value = entry.find(key);
    if (!value || value->is_null())
      return std::nullopt;
    if (!value->is_string())
      return catalog_error(model.id, std::string(key) + " must be a string");
    out = value->as_string();
    return std::nullopt;
  };
  if (auto error = string_field("id", model.id))
    return *error;
  if (model.id.empty())
    return catalog_error({}, "every model needs an id");
  std::string provider_name;
  for (auto [key, out] : {std::pair{"name", &model.display_name},
                          {"provider", &provider_name},
                          {"model", &model.upstream_model},
                          {"base_url", &model.base_url},
                          {"deployment", &model.deployment},
                          {"api_version", &model.api_version}})
    if (auto error = string_field(key, *out))
      return *error;
  auto provider = provider_from_name(provider_name);
  if (!provider)
    return catalog_error(model.id, "unknown provider \"" + provider_name + "\"");
  model.provider = *provider;
  if (model.display_name.empty())
    model.display_name = model.id;

  for (auto [key, out] : {std::pair{"context", &model.context_tokens},
                          std::pair{"max_output", &model.max_output_tokens}}) {
    const Value *value = entry.find(key);
    if (!value || !value->is_integer() || value->as_integer() <= 0)
      return catalog_error(model.id, std::string(key) + " must be a positive number of tokens");
    *out = value->as_integer();
  }
  if (model.max_output_tokens > model.context_tokens)
    return catalog_error(model.id, "max_output cannot exceed context");

  if (const Value *prices = entry.find("prices"); prices && !prices->is_null()) {
    if (!prices->is_object())
      return catalog_error(model.id, "prices must be an object");
    auto base = read_token_prices(*prices, model.id, false);
    if (!base.ok())
      return std::move(base).error();
    ModelPrices model_prices;
    model_prices.base = base.value();
    if (const Value *above = prices->find("above")) {
      const Value *from = above->find("input_tokens");
      if (!above->is_object() || !from || !from->is_integer() || from->as_integer() <= 0)
        return catalog_error(model.id, "prices.above needs input_tokens, a positive integer");
      auto tier = read_token_prices(*above, model.id, true);
      if (!tier.ok())
        return std::move(tier).error();
      model_prices.long_context_above_input_tokens = from->as_integer();
      model_prices.long_context = tier.value();
    }
    model.prices = model_prices;
  }

  if (const Value *features = entry.find("features")) {
    if (!features->is_array())
      return catalog_error(model.id, "features must be an array of names");
    for (const Value &feature : features->items()) {
      const std::string &name = feature.as_string();
      if (name == "streaming")
        model.features.streaming = true;
      else if (name == "tools")
        model.features.tools = true;
      else if (name == "vision")
        model.features.vision = true;
      else if (name == "json")
        model.features.json_mode = true;
      else if (name == "reasoning")
        model.features.reasoning = true;
      else
        return catalog_error(model.id, "unknown feature \"" + name +
                                           "\" (streaming, tools, vision, json, reasoning)");
    }
  }
  for (auto [key, out, what] :
       {std::tuple{"requires", &model.required_settings, "environment variables"},
        std::tuple{"aliases", &model.aliases, "names"},
        std::tuple{"served_as", &model.served_as, "names"}}) {
    const Value *names = entry.find(key);
    if (!names)
      continue;
    if (!names->is_array())
      return catalog_error(model.id, std::string(key) + " must be an array of names");
    for (const Value &name : names->items()) {
      if (!name.is_string() || name.as_string().empty())
        return catalog_error(model.id, std::string(key) + " must list " + what);
      out->push_back(name.as_string());
    }
  }
  return model;
}

Value price_value(Picodollars price) {
  return Value(static_cast<double>(price) / 1e6);
}

Value token_prices_value(const TokenPrices &prices) {
  Value out =
      Value::object({{"input", price_value(prices.input)}, {"output", price_value(prices.output)}});
  if (prices.cached_input)
    out["cached_input"] = price_value(*prices.cached_input);
  if (prices.cache_write)
    out["cache_write"] = price_value(*prices.cache_write);
  return out;
}

} // namespace

Catalog Catalog::builtin() {
  Catalog catalog;
  // The embedded document is checked by the tests; a broken one leaves the catalog empty
  // rather than aborting the module.
  if (auto added = catalog.add_json(builtin_catalog_json()); added.ok())
    for (ModelTemplate &model : catalog.models_)
      model.user_defined = false;
  return catalog;
}

const ModelTemplate *Catalog::find(std::string_view id) const noexcept {
  for (const ModelTemplate &model : models_)
    if (model.id == id)
      return &model;
  return nullptr;
}

std::vector<const ModelTemplate *> Catalog::find_other_name(std::string_view name) const {
  std::vector<const ModelTemplate *> found;
  for (const ModelTemplate &model : models_)
    for (const std::vector<std::string> *names : {&model.aliases, &model.served_as})
      if (std::find(names->begin(), names->end(), name) != names->end()) {
        found.push_back(&model);
        break;
      }
  return found;
}

Result<void> Catalog::add(ModelTemplate model) {
  if (model.id.empty())
    return catalog_error({}, "every model needs an id");
  if (model.context_tokens <= 0 || model.max_output_tokens <= 0)
    return catalog_error(model.id, "context and max_output must be positive numbers of tokens");
  if (model.max_output_tokens > model.context_tokens)
    return catalog_error(model.id, "max_output cannot exceed context");
  model.user_defined = true;
  for (ModelTemplate &existing : models_) {
    if (existing.id == model.id) {
      existing = std::move(model);
      return {};
    }
  }
  models_.push_back(std::move(model));
  return {};
}

Result<std::size_t> Catalog::add_json(std::string_view json_text) {
  auto parsed = json::parse(json_text);
  if (!parsed.ok())
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "the catalog is not JSON: " + parsed.error().message);
  const Value &document = parsed.value();
  std::vector<ModelTemplate> read;
  if (const Value *models = document.find("models")) {
    if (!models->is_array())
      return catalog_error({}, "\"models\" must be an array");
    for (const Value &entry : models->items()) {
      auto model = read_model(entry);
      if (!model.ok())
        return std::move(model).error();
      read.push_back(std::move(model).value());
    }
  } else {
    auto model = read_model(document);
    if (!model.ok())
      return std::move(model).error();
    read.push_back(std::move(model).value());
  }
  // Check everything before changing anything: a bad document adds nothing.
  Catalog staged = *this;
  for (ModelTemplate &model : read)
    if (auto added = staged.add(std::move(model)); !added.ok())
      return std::move(added).error();
  models_ = std::move(staged.models_);
  return read.size();
}

std::string Catalog::to_json() const {
  Value models = Value::array();
  for (const ModelTemplate &model : models_) {
    Value entry = Value::object({{"id", model.id},
                                 {"name", model.display_name},
                                 {"provider", provider_info(model.provider).name},
                                 {"model", model.upstream_model}});
    if (!model.base_url.empty())
      entry["base_url"] = model.base_url;
    if (!model.deployment.empty())
      entry["deployment"] = model.deployment;
    if (!model.api_version.empty())
      entry["api_version"] = model.api_version;
    entry["context"] = model.context_tokens;
    entry["max_output"] = model.max_output_tokens;
    if (model.prices) {
      Value prices = token_prices_value(model.prices->base);
      if (model.prices->long_context_above_input_tokens) {
        Value above = token_prices_value(model.prices->long_context);
        above["input_tokens"] = *model.prices->long_context_above_input_tokens;
        prices["above"] = std::move(above);
      }
      entry["prices"] = std::move(prices);
    }
    Value features = Value::array();
    for (auto [on, name] : {std::pair{model.features.streaming, "streaming"},
                            {model.features.tools, "tools"},
                            {model.features.vision, "vision"},
                            {model.features.json_mode, "json"},
                            {model.features.reasoning, "reasoning"}})
      if (on)
        features.push_back(name);
    entry["features"] = std::move(features);
    for (auto [key, names] : {std::pair{"aliases", &model.aliases},
                              {"served_as", &model.served_as},
                              {"requires", &model.required_settings}}) {
      if (names->empty())
        continue;
      Value list = Value::array();
      for (const std::string &name : *names)
        list.push_back(name);
      entry[key] = std::move(list);
    }
    if (model.user_defined)
      entry["user"] = true;
    models.push_back(std::move(entry));
  }
  return json::dump(Value::object({{"models", std::move(models)}}));
}

} // namespace llmux
