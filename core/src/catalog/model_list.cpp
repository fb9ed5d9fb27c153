#include <llmux/model_list.hpp>

#include "json/json.hpp"

namespace llmux {

Result<std::vector<ListedModel>> parse_model_list(std::string_view body) {
  auto parsed = json::parse(body);
  if (!parsed.ok())
    return bad_response("the model list is not JSON: " + parsed.error().message);
  const json::Value &root = parsed.value();
  // OpenAI-compatible: "data" of objects with "id"; Ollama: "models" of objects with "name".
  const json::Value *items = root.find("data");
  std::string_view id_member = "id";
  if (!items || !items->is_array()) {
    items = root.find("models");
    id_member = "name";
  }
  if (!items || !items->is_array())
    return bad_response("the model list has neither \"data\" (OpenAI) nor \"models\" (Ollama)");
  std::vector<ListedModel> models;
  for (const json::Value &item : items->items()) {
    const json::Value *id = item.find(id_member);
    if (!id || !id->is_string() || id->as_string().empty())
      return bad_response("a listed model has no \"" + std::string(id_member) + "\"");
    ListedModel model;
    model.id = id->as_string();
    if (const json::Value *length = item.find("max_model_len"); length && length->is_integer() &&
                                                                length->as_integer() > 0)
      model.context_tokens = length->as_integer();
    models.push_back(std::move(model));
  }
  return models;
}

} // namespace llmux
