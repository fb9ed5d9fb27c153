#pragma once
/// Provider-neutral conversation messages: roles and content parts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

enum class Role : std::uint8_t { System, User, Assistant, Tool };

std::string_view to_string(Role role) noexcept;

/// A tool call the model asked for. `arguments` is JSON text: exactly the provider's string
/// when the wire carries one, else the serialised JSON object; empty means "no arguments".
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;
  /// The provider's opaque signature of the call, to send back with it (Gemini's
  /// thoughtSignature); empty when there is none.
  std::string signature;
  /// True when the provider gave the call no id (Gemini) and `id` was made by llmux: stable
  /// for the same response, and never sent to the provider.
  bool generated_id = false;

  friend bool operator==(const ToolCall &, const ToolCall &) = default;
};

/// The result of running a tool, sent back to the model.
struct ToolResult {
  std::string tool_call_id;
  /// The tool's name: some providers (Gemini) match results by name rather than id.
  std::string tool_name;
  /// The result as text (often JSON text).
  std::string content;
  /// True when the tool failed and `content` describes the failure.
  bool is_error = false;
};

/// An image given by URL, or inline as base64 with its media type.
struct Image {
  std::string url;        ///< http(s) URL; empty when inline
  std::string media_type; ///< e.g. "image/png"; required when inline
  std::string base64;     ///< inline data; empty when by URL
};

/// Reasoning the model did in an earlier turn. Anthropic requires its thinking blocks, with
/// their signatures, to be sent back unchanged when a tool loop continues after them.
struct Reasoning {
  std::string text;
  std::string signature;     ///< the provider's opaque signature of `text`, or empty
  std::string redacted_data; ///< an encrypted (redacted) block's data, or empty

  friend bool operator==(const Reasoning &, const Reasoning &) = default;
};

/// One part of a message's content. Plain data tagged by `kind`; only the member that
/// matches `kind` is meaningful (`text` for Text and ToolPlan). A ToolPlan is the plan an
/// assistant wrote before its tool calls (Cohere's tool_plan), sent back with them.
struct ContentPart {
  enum class Kind : std::uint8_t { Text, Image, ToolCall, ToolResult, Reasoning, ToolPlan };
  Kind kind = Kind::Text;
  std::string text;
  llmux::Image image;
  llmux::ToolCall tool_call;
  llmux::ToolResult tool_result;
  llmux::Reasoning reasoning;

  static ContentPart make_text(std::string text);
  static ContentPart make_image_url(std::string url);
  static ContentPart make_image_base64(std::string media_type, std::string base64);
  static ContentPart make_tool_call(llmux::ToolCall call);
  static ContentPart make_tool_result(llmux::ToolResult result);
  static ContentPart make_reasoning(llmux::Reasoning reasoning);
  static ContentPart make_tool_plan(std::string plan);
};

/// A message of the conversation. Tool results travel in Role::Tool messages (one result
/// each, or several); an assistant's tool calls are ToolCall parts of its message.
struct Message {
  Role role = Role::User;
  std::vector<ContentPart> content;

  static Message system(std::string text);
  static Message user(std::string text);
  static Message assistant(std::string text);
  static Message tool(std::string tool_call_id, std::string content, bool is_error = false);

  /// The concatenation of the message's text parts.
  std::string text() const;
};

} // namespace llmux
