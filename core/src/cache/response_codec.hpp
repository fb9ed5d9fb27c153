#pragma once
// The response cache's stored form: a ChatResponse, every field of it, as JSON, and the cache
// entry around it (when it was stored, when it expires). Private to the core.
//
// The stored bytes are untrusted (a disk, IndexedDB, another version of llmux): decoding
// takes any bytes and fails with bad_response rather than guessing. Members it does not
// know are ignored, so a newer llmux may add some; a missing member reads as its default.

#include <llmux/chat_response.hpp>
#include <llmux/result.hpp>

#include "json/json.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmux {

/// Appends every field of `response` as a JSON object to `out`. invalid_argument when one of
/// its strings is not valid UTF-8: JSON text cannot hold it exactly, and a cache must give
/// back exactly what it was given.
Result<void> write_response_json(const ChatResponse &response, std::string &out);

/// The response `value` holds: the inverse of write_response_json. bad_response naming the
/// member when a member has the wrong type or an unknown finish reason.
Result<ChatResponse> response_from_json(const json::Value &value);

/// A stored answer and its lifetime.
struct CacheEntry {
  std::int64_t stored_at_ms = 0;  ///< when it was put (Unix ms): eviction goes oldest first
  std::int64_t expires_at_ms = 0; ///< the first moment it is no longer served (Unix ms)
  ChatResponse response;

  friend bool operator==(const CacheEntry &, const CacheEntry &) = default;
};

/// The version written in every entry; an entry of another version reads as an error (a miss).
inline constexpr std::int64_t cache_entry_version = 1;

/// `entry` as the JSON text stored for it. invalid_argument as write_response_json.
Result<std::string> encode_cache_entry(const CacheEntry &entry);

/// The entry `bytes` hold. bad_response when they are not JSON, not an entry of
/// `cache_entry_version`, or lack a time.
Result<CacheEntry> decode_cache_entry(std::string_view bytes);

} // namespace llmux
