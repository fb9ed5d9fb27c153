#include "adapters/openai_parts.hpp"

#include "adapters/wire_common.hpp"

namespace llmux {

void write_function_call(const ToolCall &call, std::string &out) {
  json::ObjectWriter object(out);
  object.member("id", call.id);
  object.member("type", "function");
  json::ObjectWriter function = object.object("function");
  function.member("name", call.name);
  function.member("arguments",
                  call.arguments.empty() ? std::string_view("{}") : std::string_view(call.arguments));
  function.close();
  object.close();
}

void write_image_url_part(const Image &image, std::string &out) {
  json::ObjectWriter part(out);
  part.member("type", "image_url");
  json::ObjectWriter image_url = part.object("image_url");
  if (image.url.empty())
    image_url.member("url", "data:" + image.media_type + ";base64," + image.base64);
  else
    image_url.member("url", image.url);
  image_url.close();
  part.close();
}

Result<void> write_function_tools(const std::vector<Tool> &tools, std::string &out) {
  json::ArrayWriter list(out);
  for (const Tool &tool : tools) {
    auto schema = tool_schema(tool);
    if (!schema.ok())
      return std::move(schema).error();
    json::ObjectWriter wire = list.object();
    wire.member("type", "function");
    json::ObjectWriter function = wire.object("function");
    function.member("name", tool.name);
    if (!tool.description.empty())
      function.member("description", tool.description);
    function.member("parameters", schema.value());
    function.close();
    wire.close();
  }
  list.close();
  return {};
}

void write_system_message(const std::string &system, json::ArrayWriter &messages) {
  json::ObjectWriter message = messages.object();
  message.member("role", "system");
  message.member("content", system);
  message.close();
}

} // namespace llmux
