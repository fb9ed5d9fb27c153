#include "serve/request_reading.hpp"

#include "adapters/wire_common.hpp"

namespace llmux {

Error with_param(Error error) {
  const std::size_t colon = error.message.find(": ");
  if (colon == std::string::npos || !error.param.empty())
    return error;
  error.param = error.message.substr(0, colon);
  if (error.param.empty()) {
    // A member whose name is empty: its JSON spelling, so that the caller sees which.
    error.param = "\"\"";
    error.message.insert(0, error.param);
  }
  return error;
}

std::string tool_name_of_call(const std::vector<Message> &messages, std::string_view id) {
  for (auto message = messages.rbegin(); message != messages.rend(); ++message) {
    if (message->role != Role::Assistant)
      continue;
    for (const ContentPart &part : message->content)
      if (part.kind == ContentPart::Kind::ToolCall && part.tool_call.id == id)
        return part.tool_call.name;
  }
  return {};
}

void read_model_and_messages(api::ApiReader &reader, const json::Value &root,
                             MessageReader read_message, ChatRequest &request) {
  request.model = reader.string(root, "model", "").value_or("");
  if (request.model.empty() && !reader.failed())
    reader.fail("model", "the request names no model");
  const json::Value *messages = api::ApiReader::member(root, "messages");
  if (!messages || !messages->is_array() || messages->empty()) {
    reader.fail("messages", "must be a non-empty array of messages");
    return;
  }
  for (std::size_t i = 0; i < messages->items().size() && !reader.failed(); ++i)
    read_message(reader, messages->items()[i], api::item_path("messages", i), request);
}

std::string schema_text(api::ApiReader &reader, const json::Value &object, std::string_view key,
                        std::string_view path) {
  const json::Value *schema = api::ApiReader::member(object, key);
  if (!schema)
    return {};
  if (!schema->is_object()) {
    reader.fail(api::member_path(path, key), "must be a JSON Schema object");
    return {};
  }
  return json::dump(*schema);
}

void pass_on(api::ApiReader &reader, const json::Value &body,
             std::initializer_list<std::string_view> keys, ChatRequest &request) {
  if (reader.failed())
    return;
  json::Value extra = json::Value::object();
  for (std::string_view key : keys)
    if (const json::Value *value = api::ApiReader::member(body, key))
      extra[key] = *value;
  if (!extra.empty())
    request.extra_body = json::dump(extra);
}

Result<InboundRequest> finish_request(const api::ApiReader &reader, InboundRequest inbound) {
  if (reader.failed())
    return with_param(reader.error());
  if (auto numbers = check_request_numbers(inbound.request); !numbers.ok()) {
    Error error = std::move(numbers).error();
    error.param = error.message.substr(0, error.message.find(' ')); // "temperature must be..."
    return error;
  }
  return inbound;
}

} // namespace llmux
