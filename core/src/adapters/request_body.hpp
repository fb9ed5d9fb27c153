#pragma once
// The top-level object of a request body, written straight into its JSON text member by
// member (json_writer.hpp), with the request's extra_body merged as it goes: a small chat's
// body is a few hundred bytes, and building a tree of it to merge and dump cost more than
// writing it.

#include "json/json.hpp"
#include "json/json_writer.hpp"

#include <llmux/chat_request.hpp>
#include <llmux/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// A request body. extra_body's members take precedence: a member of the body that extra_body
/// also has is written where it stands with extra_body's value (its last occurrence), and
/// extra_body's other members follow the body's own, in the order they first appear. The
/// adapter writes its members in order; finish() adds the rest and closes the object.
class RequestBody {
public:
  /// Reads the request's extra_body once; an extra_body that is not a JSON object is
  /// reported by finish(), so that the adapter's own errors come first.
  explicit RequestBody(const ChatRequest &request);

  /// Starts the member `name`, a literal that needs no escaping and is not repeated; the
  /// caller writes its JSON value into the text returned. When extra_body replaces the
  /// member, its value is written instead, and what the caller writes is dropped.
  std::string &key(std::string_view name) {
    return extra_ ? key_or_replacement(name) : object_.key(name);
  }
  /// The member `name` with any value ObjectWriter::member writes.
  template <class T> void member(std::string_view name, const T &value) {
    json::write_any(value, key(name));
  }
  /// A nested object or array under `name`: close it before writing another member.
  json::ObjectWriter object(std::string_view name) { return json::ObjectWriter(key(name)); }
  json::ArrayWriter array(std::string_view name) { return json::ArrayWriter(key(name)); }

  /// The body's text. invalid_argument when extra_body is not a JSON object.
  Result<std::string> finish() &&;

private:
  // key() when there is an extra_body.
  std::string &key_or_replacement(std::string_view name);

  std::string text_;
  json::ObjectWriter object_;
  // The parsed extra_body, when there is one and it is an object.
  std::optional<json::Value> extra_;
  bool extra_invalid_ = false;
  // Per member of extra_, whether its key is written already.
  std::vector<bool> extra_written_;
  // Where the caller's value of a replaced member goes.
  std::string dropped_;
};

} // namespace llmux
