#include "adapters/request_body.hpp"

#include "adapters/wire_common.hpp"
#include "json/json.hpp"

#include <vector>

namespace llmux {

RequestBody::RequestBody(const ChatRequest &request) : request_(request) {
  text_.reserve(256);
  text_ += '{';
}

std::string &RequestBody::member(std::string_view key) {
  if (text_.size() > 1)
    text_ += ',';
  text_ += '"';
  text_ += key;
  text_ += "\":";
  return text_;
}

Result<std::string> RequestBody::finish() && {
  if (request_.extra_body.empty()) {
    text_ += '}';
    return std::move(text_);
  }
  auto extra = json::parse(request_.extra_body);
  if (!extra.ok() || !extra.value().is_object())
    return invalid_argument("extra_body must be a JSON object");
  const json::Value &extra_members = extra.value();
  std::string merged;
  merged.reserve(text_.size() + request_.extra_body.size());
  merged += '{';
  auto write_member = [&](std::string_view key, const json::Value &value) {
    if (merged.size() > 1)
      merged += ',';
    json::write_string(key, merged);
    merged += ':';
    json::write(value, merged);
  };
  // The body's own members, found in its text: valid JSON that this writer wrote, whose
  // keys are literals without escapes. Looking them up here rather than noting each as it
  // is written leaves the common case, a request without extra_body, no work for them.
  std::vector<std::string> keys;
  std::size_t begin = 1;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 1; i <= text_.size(); ++i) {
    const char c = i < text_.size() ? text_[i] : ',';
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0 && i > begin) {
      const std::string_view own(text_.data() + begin, i - begin);
      const std::string_view key = own.substr(1, own.find('"', 1) - 1);
      keys.push_back(std::string(key));
      if (const json::Value *replaced = extra_members.find(key)) {
        write_member(key, *replaced);
      } else {
        if (merged.size() > 1)
          merged += ',';
        merged += own;
      }
      begin = i + 1;
    }
  }
  const std::vector<json::Member> &list = extra_members.members();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string &key = list[i].key;
    bool seen = false;
    for (const std::string &own : keys)
      seen = seen || own == key;
    for (std::size_t j = 0; j < i && !seen; ++j)
      seen = list[j].key == key;
    if (!seen)
      write_member(key, *extra_members.find(key));
  }
  merged += '}';
  return merged;
}

void write_function_call(const ToolCall &call, std::string &out) {
  out += "{\"id\":";
  json::write_string(call.id, out);
  out += ",\"type\":\"function\",\"function\":{\"name\":";
  json::write_string(call.name, out);
  out += ",\"arguments\":";
  json::write_string(call.arguments.empty() ? std::string_view("{}") : call.arguments, out);
  out += "}}";
}

} // namespace llmux
