#include <llmux/finish_reason.hpp>

namespace llmux {

std::string_view to_string(FinishReason reason) noexcept {
  switch (reason) {
    case FinishReason::None:
      return "none";
    case FinishReason::Stop:
      return "stop";
    case FinishReason::Length:
      return "length";
    case FinishReason::ToolCalls:
      return "tool_calls";
    case FinishReason::ContentFilter:
      return "content_filter";
    case FinishReason::Other:
      return "other";
  }
  return "other";
}

} // namespace llmux
