#pragma once
// A request body written straight into its JSON text, member by member, instead of built as
// a json::Value tree and dumped: a small chat's body cost a tree of a dozen values, each
// allocated, moved and freed, to produce a few hundred bytes.

#include <llmux/chat_request.hpp>
#include <llmux/result.hpp>

#include <string>
#include <string_view>

namespace llmux {

/// The top-level object of a request body. Members are written in order; finish() closes the
/// object and merges the request's extra_body exactly as merge_extra_body merges it into a
/// tree: an extra member replaces the body's member of that key where it stands (its last
/// occurrence wins), and the other extra members follow in the order they first appear.
class RequestBody {
public:
  /// `request` is read by finish(); it must outlive this body.
  explicit RequestBody(const ChatRequest &request);

  /// Starts the member `key`, a literal that needs no escaping and is not repeated; the
  /// caller writes its JSON value into the returned text.
  std::string &member(std::string_view key);

  /// The body's text. invalid_argument when extra_body is not a JSON object.
  Result<std::string> finish() &&;

private:
  const ChatRequest &request_;
  std::string text_;
};

/// Writes the tool call as OpenAI's Chat Completions sends it back (see function_call).
void write_function_call(const ToolCall &call, std::string &out);

} // namespace llmux
