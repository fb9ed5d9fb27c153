#include "tools/tool_arguments.hpp"

#include <llmux/utf8.hpp>

namespace llmux::tools {

Error tool_error(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

Result<json::Value> parse_arguments(std::string_view tool_name, std::string_view arguments_json) {
  if (arguments_json.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return json::Value::object();
  auto parsed = json::parse(arguments_json);
  if (!parsed.ok())
    return tool_error(std::string(tool_name) +
                      ": the arguments are not valid JSON: " + parsed.error().message);
  if (!parsed.value().is_object())
    return tool_error(std::string(tool_name) + ": the arguments must be a JSON object, not " +
                      std::string(json::type_name(parsed.value())));
  return std::move(parsed).value();
}

std::optional<Error> reject_unknown_arguments(const json::Value &arguments,
                                              std::initializer_list<std::string_view> accepted,
                                              std::string_view context) {
  for (const json::Member &member : arguments.members()) {
    if (member.value.is_null())
      continue;
    bool known = false;
    for (std::string_view name : accepted)
      known = known || member.key == name;
    if (known)
      continue;
    std::string message = std::string(context) + " does not take the argument " +
                          quote_for_message(member.key) + "; it takes ";
    bool first = true;
    for (std::string_view name : accepted) {
      if (!first)
        message += ", ";
      first = false;
      message += '"';
      message += name;
      message += '"';
    }
    return tool_error(std::move(message));
  }
  return std::nullopt;
}

Result<std::optional<std::string_view>> optional_string_argument(const json::Value &arguments,
                                                                 std::string_view key) {
  const json::Value *member = arguments.find(key);
  if (!member || member->is_null())
    return std::optional<std::string_view>();
  if (!member->is_string())
    return tool_error(quoted(key) + " must be a string, not " +
                      std::string(json::type_name(*member)));
  return std::optional<std::string_view>(member->as_string());
}

std::string quoted(std::string_view name) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict, its bug 105329) on "\"" + string.
  std::string text;
  text.reserve(name.size() + 2);
  text += '"';
  text += name;
  text += '"';
  return text;
}

std::string quote_for_message(std::string_view text, std::size_t max_bytes) {
  std::string quoted = "\"";
  // Cut on a character boundary, and repaired, so that the message is valid UTF-8.
  std::string_view shown = text.substr(0, complete_utf8_prefix(text.substr(0, max_bytes)));
  quoted += replace_invalid_utf8(shown);
  if (shown.size() < text.size())
    quoted += "...";
  quoted += '"';
  return quoted;
}

} // namespace llmux::tools
