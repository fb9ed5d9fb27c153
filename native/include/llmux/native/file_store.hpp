#pragma once
/// The native KeyValueStore: one file per key below a root directory, replaced atomically.

#include <llmux/key_value_store.hpp>

#include <cstdint>
#include <filesystem>

namespace llmux::native {

/// Keys as files below `root`: "ledger/records/2026-11-25.jsonl" is
/// root/ledger/records/2026-11-25.jsonl. A put writes a temporary file next to the key's
/// file, fsyncs it, renames it over the key's file and fsyncs the directory, so that after a
/// crash or a power cut a key holds its old or its new value, never a mix. Temporary files
/// are named "<name>~tmp.<pid>.<n>" ('~' is not a key character): list and get never see
/// them, and opening a store removes those of processes that no longer run.
///
/// An append adds to the key's file in place and fsyncs it, so it is durable when it
/// returns; a crash during it leaves the old value followed by part of the bytes at worst,
/// and one that fails cuts the file back to its old length. An append to a key without a
/// value is a put (atomic).
///
/// Files are created readable by the owner only (0600): they hold usage records and cached
/// answers. Errors are values carrying the key and the operating system's message; nothing
/// throws. One process per root is the intended use; two processes sharing one see each
/// other's puts (each put is atomic) but nothing coordinates them. Not thread-safe.
class FileStore final : public KeyValueStore {
public:
  /// A store below `root`, created on the first put when it does not exist. Removes leftover
  /// temporary files of crashed processes (best effort: what cannot be removed stays
  /// ignored).
  explicit FileStore(std::filesystem::path root);

  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<void> put(std::string_view key, std::string_view value) override;
  Result<void> append(std::string_view key, std::string_view bytes) override;
  Result<Removed> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;

  /// The root directory.
  const std::filesystem::path &root() const noexcept { return root_; }

private:
  void remove_stale_temporary_files();

  std::filesystem::path root_;
  std::uint64_t next_temporary_ = 0;
};

} // namespace llmux::native
