#pragma once
/// Discovering the models a server offers: OpenAI-compatible servers (vLLM, llama.cpp,
/// LM Studio) list them at GET /v1/models, Ollama at GET /api/tags.

#include <llmux/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// One model a server lists.
struct ListedModel {
  /// The id to send as the request's model ("Qwen/Qwen2.5-7B-Instruct", "llama3.1:8b").
  std::string id;
  /// The context length the server serves it with, when it says (vLLM's max_model_len);
  /// 0 when unknown.
  std::int64_t context_tokens = 0;
  friend bool operator==(const ListedModel &, const ListedModel &) = default;
};

/// The models of a listing body: OpenAI's {"data": [{"id": ...}]} or Ollama's
/// {"models": [{"name": ...}]}, in the server's order. bad_response when the body is neither.
Result<std::vector<ListedModel>> parse_model_list(std::string_view body);

} // namespace llmux
