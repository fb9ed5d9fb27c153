#pragma once
/// Routing: which models serve which kind of task.

#include <llmux/result.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// A table from a kind of task ("simple", "complex", "coding", "creative", or the user's own
/// kinds) to the models that serve it, as a fallback chain: the first, then the next when it
/// fails. Model names are anything resolve_model accepts.
class RoutingTable {
public:
  /// Sets the chain for `kind` (replacing any). invalid_argument when the kind or the chain
  /// is empty or a name is empty.
  Result<void> set_route(std::string kind, std::vector<std::string> models);
  /// The kind used when a call names none or one the table lacks; unset: such calls fail.
  void set_default_kind(std::string kind) { default_kind_ = std::move(kind); }
  /// The chain for `kind` (the default kind's when `kind` is empty or unknown and a default
  /// is set). invalid_argument naming the known kinds otherwise.
  Result<std::vector<std::string>> route(std::string_view kind) const;
  /// Reads {"default": "simple", "routes": {"simple": ["gpt-4o-mini"], "coding": [...]}}.
  /// invalid_argument saying what is wrong; the table is unchanged then.
  Result<void> load_json(std::string_view json_text);
  const std::map<std::string, std::vector<std::string>, std::less<>> &routes() const noexcept {
    return routes_;
  }

private:
  std::map<std::string, std::vector<std::string>, std::less<>> routes_;
  std::string default_kind_;
};

} // namespace llmux
