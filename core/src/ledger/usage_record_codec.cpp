#include "ledger/usage_record_codec.hpp"

#include "json/json_writer.hpp"

#include <array>
#include <utility>

namespace llmux {
namespace {

using json::Value;

// The provider of an exact name: stored files are written with provider_info's names, so the
// aliases and case-insensitivity of provider_from_name would only hide a damaged file.
std::optional<Provider> provider_named(std::string_view name) {
  for (const ProviderInfo &info : all_providers())
    if (info.name == name)
      return info.provider;
  return std::nullopt;
}

} // namespace

void write_record(const UsageRecord &record, std::string &out) {
  json::ObjectWriter object(out);
  object.member("at_ms", record.at_ms);
  object.member("user", record.user);
  object.member("scopes", record.scopes);
  object.member("model", record.model);
  object.member("provider", provider_info(record.provider).name);
  json::ObjectWriter usage = object.object("usage");
  for (const auto &[name, count] : usage_counts)
    if (record.usage.*count)
      usage.member(name, *(record.usage.*count));
  usage.close();
  if (record.cost)
    object.member("cost", *record.cost);
  object.member("outcome", record.outcome);
  object.close();
}

Result<UsageRecord> record_from_json(const json::Value &value) {
  if (!value.is_object())
    return bad_response("a usage record is " + std::string(json::type_name(value)) +
                        "; expected an object");
  json::Reader reader("usage record");
  UsageRecord record;
  auto at_ms = reader.integer(value, "at_ms");
  if (auto user = reader.string(value, "user"))
    record.user = *user;
  if (const Value *scopes = reader.array(value, "scopes")) {
    for (const Value &scope : scopes->items()) {
      if (!scope.is_string()) {
        reader.type_error("scopes", "an array of strings", scope);
        break;
      }
      record.scopes.push_back(scope.as_string());
    }
  }
  if (auto model = reader.string(value, "model"))
    record.model = *model;
  auto provider_name = reader.string(value, "provider");
  if (const Value *usage = reader.object(value, "usage"))
    for (const auto &[name, count] : usage_counts)
      record.usage.*count = reader.integer(*usage, name);
  record.cost = reader.integer(value, "cost");
  if (auto outcome = reader.string(value, "outcome"))
    record.outcome = *outcome;
  if (reader.failed())
    return *reader.error();
  if (!at_ms)
    return bad_response("a usage record without at_ms");
  record.at_ms = *at_ms;
  if (!provider_name)
    return bad_response("a usage record without a provider");
  auto provider = provider_named(*provider_name);
  if (!provider)
    return bad_response("a usage record of an unknown provider \"" + std::string(*provider_name) +
                        "\"");
  record.provider = *provider;
  return record;
}

std::string encode_budgets(const std::map<std::string, Picodollars, std::less<>> &budgets) {
  Value limits = Value::object();
  for (const auto &[scope, limit] : budgets)
    limits[scope] = limit;
  Value out = Value::object({{"version", budgets_file_version}});
  out["budgets"] = std::move(limits);
  return json::dump(out);
}

Result<std::map<std::string, Picodollars, std::less<>>> decode_budgets(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed.ok())
    return std::move(parsed).error();
  const Value &value = parsed.value();
  if (!value.is_object())
    return bad_response("the budgets file is " + std::string(json::type_name(value)) +
                        "; expected an object");
  json::Reader reader("budgets file");
  auto version = reader.integer(value, "version");
  const Value *limits = reader.object(value, "budgets");
  if (reader.failed())
    return *reader.error();
  if (version != budgets_file_version)
    return bad_response("the budgets file is of an unknown version");
  std::map<std::string, Picodollars, std::less<>> budgets;
  if (!limits)
    return budgets;
  for (const json::Member &member : limits->members()) {
    if (!member.value.is_integer())
      return bad_response("the budget of \"" + member.key + "\" is " +
                          std::string(json::type_name(member.value)) + "; expected an integer");
    // A key repeated in the file reads as its last occurrence, as JSON.parse reads it.
    budgets[member.key] = member.value.as_integer();
  }
  return budgets;
}

} // namespace llmux
