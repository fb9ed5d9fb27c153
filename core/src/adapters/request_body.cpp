#include "adapters/request_body.hpp"

#include "adapters/wire_common.hpp"

namespace llmux {

RequestBody::RequestBody(const ChatRequest &request) : object_(text_) {
  text_.reserve(256);
  if (request.extra_body.empty())
    return;
  auto extra = json::parse(request.extra_body);
  if (!extra.ok() || !extra.value().is_object()) {
    extra_invalid_ = true;
    return;
  }
  extra_ = std::move(extra).value();
  extra_written_.assign(extra_->members().size(), false);
}

std::string &RequestBody::key_or_replacement(std::string_view name) {
  const json::Value *replacement = extra_->find(name);
  if (!replacement)
    return object_.key(name);
  const std::vector<json::Member> &members = extra_->members();
  for (std::size_t i = 0; i < members.size(); ++i)
    if (members[i].key == name)
      extra_written_[i] = true;
  json::write(*replacement, object_.key(name));
  dropped_.clear();
  return dropped_;
}

Result<std::string> RequestBody::finish() && {
  if (extra_invalid_)
    return invalid_argument("extra_body must be a JSON object");
  if (extra_) {
    const std::vector<json::Member> &members = extra_->members();
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (extra_written_[i])
        continue;
      const std::string &name = members[i].key;
      json::write(*extra_->find(name), object_.escaped_key(name));
      for (std::size_t j = i; j < members.size(); ++j)
        if (members[j].key == name)
          extra_written_[j] = true;
    }
  }
  object_.close();
  return std::move(text_);
}

} // namespace llmux
