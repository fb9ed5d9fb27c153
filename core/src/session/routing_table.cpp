#include <llmux/routing_table.hpp>

#include "json/json.hpp"

namespace llmux {
namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

} // namespace

Result<void> RoutingTable::set_route(std::string kind, std::vector<std::string> models) {
  if (kind.empty())
    return invalid("a route needs a task kind");
  if (models.empty())
    return invalid("the route for \"" + kind + "\" names no model");
  for (const std::string &model : models)
    if (model.empty())
      return invalid("the route for \"" + kind + "\" names an empty model");
  routes_[std::move(kind)] = std::move(models);
  return {};
}

Result<std::vector<std::string>> RoutingTable::route(std::string_view kind) const {
  if (auto found = routes_.find(kind); found != routes_.end())
    return found->second;
  if (!default_kind_.empty())
    if (auto fallback = routes_.find(default_kind_); fallback != routes_.end())
      return fallback->second;
  std::string known;
  for (const auto &[name, chain] : routes_)
    known += (known.empty() ? "" : ", ") + name;
  return invalid("no route for the task kind \"" + std::string(kind) + "\"" +
                 (known.empty() ? std::string("; the routing table is empty")
                                : "; the kinds are " + known));
}

Result<void> RoutingTable::load_json(std::string_view json_text) {
  auto parsed = json::parse(json_text);
  if (!parsed.ok())
    return invalid("the routing table is not JSON: " + parsed.error().message);
  const json::Value &root = parsed.value();
  const json::Value *routes = root.find("routes");
  if (!root.is_object() || !routes || !routes->is_object())
    return invalid("the routing table needs a \"routes\" object");
  RoutingTable table;
  for (const json::Member &member : routes->members()) {
    if (!member.value.is_array())
      return invalid("the route for \"" + member.key + "\" is not an array of model names");
    std::vector<std::string> chain;
    for (const json::Value &model : member.value.items()) {
      if (!model.is_string())
        return invalid("the route for \"" + member.key + "\" holds something other than a name");
      chain.push_back(model.as_string());
    }
    if (auto set = table.set_route(member.key, std::move(chain)); !set.ok())
      return std::move(set).error();
  }
  if (const json::Value *fallback = root.find("default")) {
    if (!fallback->is_string() || !table.routes_.contains(fallback->as_string()))
      return invalid("the routing table's \"default\" must name one of its routes");
    table.default_kind_ = fallback->as_string();
  }
  *this = std::move(table);
  return {};
}

} // namespace llmux
