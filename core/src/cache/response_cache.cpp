#include <llmux/response_cache.hpp>

#include "cache/response_codec.hpp"

#include <limits>

namespace llmux {
namespace {

constexpr std::string_view folder = "cache/";
constexpr std::size_t key_hex_digits = 64;

bool is_cache_key(std::string_view key) noexcept {
  if (key.size() != key_hex_digits)
    return false;
  for (char c : key)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

// "cache/ab/ab12...ef.json": the first two digits make a folder, so that no folder holds more
// than a few hundred files even for a large cache (IndexedDB does not care; file systems do).
std::string store_key_of(std::string_view key) {
  std::string out(folder);
  out.append(key.substr(0, 2));
  out.push_back('/');
  out.append(key);
  out += ".json";
  return out;
}

// The cache key a store key names, when it is one of ours.
std::optional<std::string> cache_key_of(std::string_view store_key) {
  constexpr std::string_view suffix = ".json";
  if (store_key.size() != folder.size() + 3 + key_hex_digits + suffix.size() ||
      store_key.substr(0, folder.size()) != folder)
    return std::nullopt;
  std::string_view rest = store_key.substr(folder.size());
  std::string_view key = rest.substr(3, key_hex_digits);
  if (rest[2] != '/' || rest.substr(0, 2) != key.substr(0, 2) || !is_cache_key(key) ||
      rest.substr(3 + key_hex_digits) != suffix)
    return std::nullopt;
  return std::string(key);
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t sum;
  if (__builtin_add_overflow(a, b, &sum))
    return b > 0 ? std::numeric_limits<std::int64_t>::max()
                 : std::numeric_limits<std::int64_t>::min();
  return sum;
}

} // namespace

ResponseCache::ResponseCache(KeyValueStore *store, std::size_t max_entries)
    : store_(store), max_entries_(max_entries) {}

std::optional<ChatResponse> ResponseCache::get(std::string_view key, std::int64_t now_ms) {
  if (!store_ || !is_cache_key(key))
    return std::nullopt;
  std::string store_key = store_key_of(key);
  auto stored = store_->get(store_key);
  if (!stored.ok())
    return std::nullopt;
  if (!stored.value()) {
    forget(std::string(key));
    return std::nullopt;
  }
  auto entry = decode_cache_entry(*stored.value());
  if (!entry.ok() || now_ms >= entry.value().expires_at_ms) {
    (void)store_->remove(store_key);
    forget(std::string(key));
    return std::nullopt;
  }
  return std::move(entry).value().response;
}

Result<Cached> ResponseCache::put(std::string_view key, const ChatResponse &response,
                                  std::int64_t now_ms, std::int64_t ttl_ms) {
  if (!is_cache_key(key))
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "a cache key is 64 lowercase hex digits, as cache_key makes it");
  if (ttl_ms <= 0)
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "a cache entry's time to live must be positive");
  if (!store_ || max_entries_ == 0)
    return Cached::No;
  auto encoded = encode_cache_entry(CacheEntry{now_ms, saturating_add(now_ms, ttl_ms), response});
  if (!encoded.ok())
    return std::move(encoded).error();
  if (!indexed_) {
    auto built = build_index(now_ms);
    if (!built.ok())
      return std::move(built).error();
  }
  auto stored = store_->put(store_key_of(key), encoded.value());
  if (!stored.ok())
    return std::move(stored).error();
  std::string owned(key);
  forget(owned);
  std::uint64_t sequence = next_sequence_++;
  entries_.emplace(owned, std::pair{now_ms, sequence});
  by_age_.emplace(now_ms, sequence, owned);
  while (entries_.size() > max_entries_) {
    std::string oldest = std::get<2>(*by_age_.begin());
    // A failed removal leaves the file behind, unindexed: it is found again by the next
    // index, and expires meanwhile.
    (void)store_->remove(store_key_of(oldest));
    forget(oldest);
  }
  return Cached::Yes;
}

void ResponseCache::clear() {
  entries_.clear();
  by_age_.clear();
  indexed_ = false;
  if (!store_)
    return;
  auto keys = store_->list(folder);
  if (!keys.ok())
    return;
  for (const std::string &store_key : keys.value())
    if (cache_key_of(store_key))
      (void)store_->remove(store_key);
}

Result<void> ResponseCache::build_index(std::int64_t now_ms) {
  auto keys = store_->list(folder);
  if (!keys.ok())
    return std::move(keys).error();
  entries_.clear();
  by_age_.clear();
  for (const std::string &store_key : keys.value()) {
    auto key = cache_key_of(store_key);
    if (!key)
      continue; // not ours
    auto stored = store_->get(store_key);
    if (!stored.ok() || !stored.value())
      continue;
    auto entry = decode_cache_entry(*stored.value());
    if (!entry.ok() || now_ms >= entry.value().expires_at_ms) {
      (void)store_->remove(store_key);
      continue;
    }
    std::int64_t stored_at_ms = entry.value().stored_at_ms;
    entries_.emplace(*key, std::pair{stored_at_ms, std::uint64_t{0}});
    by_age_.emplace(stored_at_ms, 0, *key);
  }
  indexed_ = true;
  return {};
}

void ResponseCache::forget(const std::string &key) {
  auto found = entries_.find(key);
  if (found == entries_.end())
    return;
  by_age_.erase({found->second.first, found->second.second, key});
  entries_.erase(found);
}

} // namespace llmux
