#pragma once
/// A KeyValueStore in the data directory's SQLite database: where the response cache keeps
/// its entries natively.

#include <llmux/key_value_store.hpp>
#include <llmux/native/database.hpp>

namespace llmux::native {

/// Keys and values in the database's key_values table (borrowed Database: it must outlive
/// the store). Each put, append, remove is one transaction: atomic, durable once it returns, and
/// safe among processes (the last put of a key wins). Keys sort bytewise, as the contract
/// asks. Errors are `storage` naming the database. Not thread-safe.
class SqliteKeyValueStore final : public KeyValueStore {
public:
  explicit SqliteKeyValueStore(Database &database) : database_(database) {}

  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<void> put(std::string_view key, std::string_view value) override;
  Result<void> append(std::string_view key, std::string_view bytes) override;
  Result<Removed> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;

private:
  Database &database_;
};

} // namespace llmux::native
