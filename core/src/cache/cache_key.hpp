#pragma once
// What the response cache's key is computed from: the canonical text of everything in a
// request and its endpoint that can change the answer. Private; cache_key (response_cache.hpp)
// is its SHA-256.

#include <llmux/chat_request.hpp>
#include <llmux/provider.hpp>

#include <string>
#include <string_view>

namespace llmux {

/// The text every cache key starts from. Changing what goes into the key, or how, needs a new
/// version here, so that keys of the old format can never match keys of the new.
inline constexpr std::string_view cache_key_format = "llmux-cache-key-v1\n";

/// `cache_key_format` followed by the canonical JSON of the request's answer-changing parts.
std::string cache_key_text(const ChatRequest &request, const Endpoint &endpoint);

} // namespace llmux
