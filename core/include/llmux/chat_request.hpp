#pragma once
/// A provider-neutral chat request.

#include <llmux/message.hpp>
#include <llmux/tool.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmux {

/// The shape of the answer.
struct ResponseFormat {
  enum class Type : std::uint8_t {
    Text,       ///< free text (default)
    JsonObject, ///< any JSON object ("JSON mode")
    JsonSchema, ///< JSON matching `schema`
  };
  Type type = Type::Text;
  std::string name;   ///< schema name (OpenAI requires one; defaults to "response")
  std::string schema; ///< JSON Schema as JSON text, for JsonSchema
  bool strict = true;
};

/// The widest range of `temperature` any provider documents: 0 to 2 (OpenAI, Gemini, Mistral,
/// xAI). Anthropic and Cohere stop at 1 and refuse more themselves.
inline constexpr double max_temperature = 2.0;
/// `top_p` is a probability mass: 0 to 1 everywhere.
inline constexpr double max_top_p = 1.0;

/// What to ask a provider for. Unset optionals are left out of the wire request, so the
/// provider's own defaults apply. Every adapter refuses (invalid_argument, naming the
/// parameter) a temperature or top_p that is not a finite number in its range, and a
/// max_tokens below 1: NaN would go out as null (the provider's default, silently), and a
/// negative one as a value no provider means.
struct ChatRequest {
  /// The provider's model id (upstream name), e.g. "gpt-4o-mini".
  std::string model;
  /// A system prompt. Sent the way each provider wants it (a system message, or Anthropic's
  /// top-level `system`). System messages inside `messages` are sent as well, in place.
  std::string system;
  std::vector<Message> messages;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> max_tokens;
  std::vector<std::string> stop;
  std::vector<Tool> tools;
  std::optional<ToolChoice> tool_choice;
  /// Whether the model may return several tool calls at once; unset leaves the default.
  std::optional<bool> parallel_tool_calls;
  ResponseFormat response_format;
  /// OpenAI-style reasoning effort ("minimal", "low", "medium", "high"); empty = default.
  std::string reasoning_effort;
  /// Anthropic extended thinking budget; unset = thinking off.
  std::optional<std::int64_t> reasoning_budget_tokens;
  bool stream = false;
  /// An end-user id for the provider's abuse monitoring; never a secret.
  std::string user;
  /// A JSON object (text) whose members are merged into the wire body last, for provider
  /// parameters llmux does not model (vLLM's `chat_template_kwargs`, OpenRouter's `provider`).
  std::string extra_body;
};

} // namespace llmux
