#pragma once
/// Answers kept for identical requests: a cache key from a request, and a bounded store of
/// responses with a time to live.

#include <llmux/chat_request.hpp>
#include <llmux/chat_response.hpp>
#include <llmux/key_value_store.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

namespace llmux {

/// The cache key of `request` sent to `endpoint`: 64 lowercase hex digits, the SHA-256 of a
/// versioned canonical JSON of everything that can change the answer (provider, base URL,
/// deployment, API version, extra headers, model, system, every part of every message, tools,
/// tool choice, parallel tool calls, temperature, top_p, max_tokens, stop, response format,
/// reasoning settings, extra_body). Never the API key or a credential header, the `user`
/// field or `stream`: a streamed and a whole request share an answer. JSON texts inside the
/// request (schemas, arguments, extra_body) count byte for byte.
std::string cache_key(const ChatRequest &request, const Endpoint &endpoint);

/// Whether ResponseCache::put stored a response: No when the cache is disabled (no store, or
/// max_entries 0).
enum class Cached : bool { No, Yes };

/// Whole responses by cache key, in a KeyValueStore under "cache/<first 2 hex>/<key>.json",
/// each with its expiry. At most `max_entries` are kept: a put beyond it evicts the oldest
/// puts first. Not thread-safe: use one object from one thread.
///
/// Put only whole, successful answers: never a response built from an error, a stream that
/// was cut short or cancelled, or a response the caller has edited. The cache cannot tell
/// them apart from good answers and would serve them again.
class ResponseCache {
public:
  /// A cache in `store` (borrowed: it must outlive the cache; null disables the cache: every
  /// get misses and put stores nothing). Entries already in the store are found on first use.
  explicit ResponseCache(KeyValueStore *store, std::size_t max_entries = 1000);

  /// The response stored under `key` that has not expired at `now_ms`, or nothing. An expired
  /// or unreadable entry is removed and is a miss; so is any storage error (a cache that
  /// cannot be read costs a call, never an answer).
  std::optional<ChatResponse> get(std::string_view key, std::int64_t now_ms);

  /// Stores `response` under `key` (a cache_key) until now_ms + ttl_ms, replacing any entry
  /// of that key, then evicts the oldest entries beyond max_entries. Cached::Yes when stored;
  /// Cached::No when the cache is disabled or holds no entries (max_entries 0).
  /// invalid_argument when `key` is not a cache key, ttl_ms is not positive or a string of the
  /// response is not valid UTF-8; the store's error when it fails.
  Result<Cached> put(std::string_view key, const ChatResponse &response, std::int64_t now_ms,
                     std::int64_t ttl_ms);

  /// Removes every entry. Storage errors are ignored: what could not be removed is found
  /// again (and expires) later.
  void clear();

private:
  Result<void> build_index(std::int64_t now_ms);
  void forget(const std::string &key);

  KeyValueStore *store_;
  std::size_t max_entries_;
  // The index of what is stored, built from store.list on the first put: cache key -> its
  // (stored_at_ms, sequence), and the same ordered oldest first for eviction. The sequence
  // orders puts of the same millisecond; entries found in the store have sequence 0.
  bool indexed_ = false;
  std::uint64_t next_sequence_ = 1;
  std::map<std::string, std::pair<std::int64_t, std::uint64_t>, std::less<>> entries_;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::string>> by_age_;
};

} // namespace llmux
