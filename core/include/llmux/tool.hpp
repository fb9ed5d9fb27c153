#pragma once
/// Tools the model may call, and the caller's choice of whether it must.

#include <cstdint>
#include <string>

namespace llmux {

/// A tool the model may call. `parameters` is a JSON Schema (JSON text) of its arguments
/// object; empty means "takes no arguments".
struct Tool {
  std::string name;
  std::string description;
  std::string parameters;
  /// False when the host has no handler for the tool: its calls are the caller's to run (a
  /// gateway hands them back to its own client, as the AI SDK does for a tool without
  /// `execute`). A session round that calls such a tool ends the session there, with all of
  /// the round's calls in the response and none of them run. Adapters ignore it.
  bool has_handler = true;
};

/// Whether and which tool the model must call.
struct ToolChoice {
  enum class Mode : std::uint8_t {
    Auto,     ///< the model decides (the providers' default when tools are given)
    None,     ///< no tool calls
    Required, ///< at least one tool call
    Named,    ///< exactly the tool named `name`
  };
  Mode mode = Mode::Auto;
  std::string name;
};

} // namespace llmux
