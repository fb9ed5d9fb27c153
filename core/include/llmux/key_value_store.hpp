#pragma once
/// Where the ledger, the response cache and user models persist: a small synchronous
/// key-value interface that each host implements over its own storage.

#include <llmux/result.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// Whether KeyValueStore::remove found a value to remove.
enum class Removed : bool { No, Yes };

/// Where the ledger, the cache and user models persist. Hosts implement it: files natively
/// (native::FileStore), the Emscripten FS on IndexedDB in a browser, memory in an edge
/// isolate (MemoryStore). Synchronous: the core calls it between two actions of a session.
///
/// Keys are relative paths of segments separated by '/': each segment is 1 to
/// `max_store_key_segment_bytes` bytes of [a-z0-9._-] and neither "." nor ".."
/// (`is_valid_store_key`). A key names a value or is a folder of other keys, never both: "a"
/// and "a/b" cannot both hold values. Every operation refuses an invalid key with
/// invalid_argument; other failures are the host's I/O errors, as values.
///
/// Implementations are not required to be thread-safe; the core calls them from one thread.
class KeyValueStore {
public:
  virtual ~KeyValueStore() = default;

  /// The value of `key`, or nothing when no value is stored under it.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  /// Stores `value` under `key`, replacing any value atomically: after a crash the key holds
  /// the old or the new value, never a mix. invalid_argument when the key is invalid or is
  /// (or lies under) a key that holds a value the other way round.
  virtual Result<void> put(std::string_view key, std::string_view value) = 0;
  /// Adds `bytes` at the end of `key`'s value, or stores them as its value when it has none:
  /// what a value that only grows (a ledger's day of JSON lines) costs per addition without
  /// handing the store its whole value again. Not atomic as put is: after a crash, or an
  /// append that failed, the value may be the old one followed by the start of `bytes`, so a
  /// value that grows this way must let its reader find a cut end (the ledger's lines end in
  /// a newline, and load() skips a torn last line). Durable when it returns, as put is. The
  /// same invalid_argument errors as put. The default reads the value and puts it back
  /// joined (atomic, and as costly as put); stores that can add in place override it.
  virtual Result<void> append(std::string_view key, std::string_view bytes);
  /// Removes `key`'s value: Removed::Yes when there was one, Removed::No when there was none.
  virtual Result<Removed> remove(std::string_view key) = 0;
  /// The keys that start with `prefix` (plain text, not a pattern: "ledger/rec" matches
  /// "ledger/records/..."), sorted bytewise. An empty prefix lists every key. `prefix` must
  /// be made of key characters and '/', with no "." or ".." segment before its last '/'.
  virtual Result<std::vector<std::string>> list(std::string_view prefix) = 0;
};

/// The longest segment of a key. File systems cap a name at 255 bytes; the rest is left for
/// the suffix of a file store's temporary files.
inline constexpr std::size_t max_store_key_segment_bytes = 200;
/// The longest key: well under PATH_MAX (4096) even below a long root directory.
inline constexpr std::size_t max_store_key_bytes = 1024;

/// Whether `key` is a valid store key (see KeyValueStore).
bool is_valid_store_key(std::string_view key) noexcept;

/// Whether `prefix` may be passed to KeyValueStore::list.
bool is_valid_store_prefix(std::string_view prefix) noexcept;

/// The invalid_argument error of a store for a key that is not is_valid_store_key, worded
/// the same by every store.
Error invalid_store_key(std::string_view key);

/// The same for a prefix that is not is_valid_store_prefix.
Error invalid_store_prefix(std::string_view prefix);

/// A store in memory, for edge isolates, tests and hosts without storage. Values live as long
/// as the object. Never fails except on invalid keys.
class MemoryStore final : public KeyValueStore {
public:
  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<void> put(std::string_view key, std::string_view value) override;
  Result<void> append(std::string_view key, std::string_view bytes) override;
  Result<Removed> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;

private:
  // Sorted, so that list is a range scan. std::less<> finds by string_view without a copy.
  std::map<std::string, std::string, std::less<>> values_;
};

} // namespace llmux
