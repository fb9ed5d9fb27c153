#include <llmux/native/sqlite_key_value_store.hpp>

namespace llmux::native {

Result<std::optional<std::string>> SqliteKeyValueStore::get(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  auto read = database_.statement("SELECT value FROM key_values WHERE key = ?1");
  if (!read.ok())
    return std::move(read).error();
  read.value().bind(1, key);
  auto row = read.value().step();
  if (!row.ok())
    return std::move(row).error();
  if (row.value() == Step::Done)
    return std::optional<std::string>();
  return std::optional<std::string>(std::string(read.value().text(0)));
}

Result<void> SqliteKeyValueStore::put(std::string_view key, std::string_view value) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  return database_.write([&]() -> Result<void> {
    // A key is a value or a folder of other keys, never both, as in a file store: no
    // segment before the last may hold a value, and no key may lie under this one.
    for (std::size_t slash = key.find('/'); slash != std::string_view::npos;
         slash = key.find('/', slash + 1)) {
      auto above = get(key.substr(0, slash));
      if (!above.ok())
        return std::move(above).error();
      if (above.value())
        return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                          "store key \"" + std::string(key) + "\" lies under \"" +
                              std::string(key.substr(0, slash)) + "\", which holds a value");
    }
    auto below = list(std::string(key) + '/');
    if (!below.ok())
      return std::move(below).error();
    if (!below.value().empty())
      return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                        "store key \"" + std::string(key) + "\" is a folder of other keys");
    return database_.run("INSERT INTO key_values (key, value) VALUES (?1, ?2) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         key, value);
  });
}

Result<void> SqliteKeyValueStore::append(std::string_view key, std::string_view bytes) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  return database_.write([&]() -> Result<void> {
    // SQLite rewrites the row, but the caller hands over only the new bytes. || joins the
    // bytes as they are (a value is never checked as UTF-8 here).
    auto extended =
        database_.run("UPDATE key_values SET value = value || ?2 WHERE key = ?1", key, bytes);
    if (!extended.ok())
      return extended;
    if (database_.changes() > 0)
      return {};
    return put(key, bytes); // no value yet: put checks where the key may go
  });
}

Result<Removed> SqliteKeyValueStore::remove(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  return database_.write([&]() -> Result<Removed> {
    auto removed = database_.run("DELETE FROM key_values WHERE key = ?1", key);
    if (!removed.ok())
      return std::move(removed).error();
    return database_.changes() > 0 ? Removed::Yes : Removed::No;
  });
}

Result<std::vector<std::string>> SqliteKeyValueStore::list(std::string_view prefix) {
  if (!is_valid_store_prefix(prefix))
    return invalid_store_prefix(prefix);
  // Keys compare bytewise (SQLite's BINARY collation): the keys with the prefix are a range
  // that starts at the prefix.
  auto read = database_.statement("SELECT key FROM key_values WHERE key >= ?1 ORDER BY key");
  if (!read.ok())
    return std::move(read).error();
  read.value().bind(1, prefix);
  std::vector<std::string> keys;
  while (true) {
    auto row = read.value().step();
    if (!row.ok())
      return std::move(row).error();
    if (row.value() == Step::Done)
      return keys;
    std::string_view key = read.value().text(0);
    if (key.substr(0, prefix.size()) != prefix)
      return keys;
    keys.emplace_back(key);
  }
}

} // namespace llmux::native
