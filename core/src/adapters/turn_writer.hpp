#pragma once
// Consecutive messages of one role written as one turn, for the providers that want turns
// to alternate (Anthropic's messages, Gemini's contents): the results of parallel tool calls,
// given as several tool messages, share the one user turn right after the calls.

#include "json/json_writer.hpp"

#include <optional>
#include <string_view>

namespace llmux {

class TurnWriter {
public:
  /// Turns are written into `turns` as {"role": ..., `blocks_name`: [...]}.
  TurnWriter(json::ArrayWriter &turns, std::string_view blocks_name)
      : turns_(turns), blocks_name_(blocks_name) {}

  /// The blocks of a turn of `role` (a literal): the open turn's when it has that role, else
  /// a new turn's. Write at least one block into it.
  json::ArrayWriter &blocks(std::string_view role) {
    if (role != role_) {
      close();
      turn_.emplace(turns_.object());
      turn_->member("role", role);
      blocks_.emplace(turn_->array(blocks_name_));
      role_ = role;
    }
    return *blocks_;
  }

  /// Closes the open turn, if any. Call once after the last message.
  void close() {
    if (!turn_)
      return;
    blocks_->close();
    turn_->close();
    blocks_.reset();
    turn_.reset();
  }

  /// No turn written.
  bool empty() const noexcept { return role_.empty(); }

private:
  json::ArrayWriter &turns_;
  std::string_view blocks_name_;
  std::optional<json::ObjectWriter> turn_;
  std::optional<json::ArrayWriter> blocks_;
  std::string_view role_;
};

} // namespace llmux
