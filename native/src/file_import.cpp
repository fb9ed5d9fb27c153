#include "file_import.hpp"

#include <llmux/ledger.hpp>
#include <llmux/native/file_store.hpp>
#include <llmux/native/sqlite_key_value_store.hpp>
#include <llmux/native/sqlite_ledger_store.hpp>

namespace llmux::native {
namespace {

// Where the response cache kept its entries (ResponseCache: "cache/<2 hex>/<key>.json").
constexpr std::string_view cache_folder = "cache/";

} // namespace

Result<std::vector<std::string>> import_files(Database &database,
                                              const std::filesystem::path &data_directory) {
  std::vector<std::string> warnings;
  FileStore files(data_directory);
  Ledger from_files(&files);
  auto loaded = from_files.load();
  if (!loaded.ok()) {
    Error error = std::move(loaded).error();
    if (error.code == ErrorCode::BadResponse) // "<key> line N: ...": where the file is
      error.message = (data_directory / error.message).string();
    return error;
  }
  for (const TornLine &torn : loaded.value())
    warnings.push_back((data_directory / torn.file).string() + " line " +
                       std::to_string(torn.line) + ": skipped a torn last line (" +
                       std::to_string(torn.bytes) +
                       " bytes: an append cut short); the one record it held is lost");

  SqliteLedgerStore ledger(database);
  auto records = from_files.records();
  if (!records.ok())
    return std::move(records).error();
  for (const UsageRecord &record : records.value())
    if (auto added = ledger.record(record); !added.ok())
      return std::move(added).error();
  auto budgets = from_files.budgets();
  if (!budgets.ok())
    return std::move(budgets).error();
  for (const auto &[scope, limit] : budgets.value())
    if (auto set = ledger.set_budget(scope, limit); !set.ok())
      return std::move(set).error();

  SqliteKeyValueStore values(database);
  auto keys = files.list(cache_folder);
  if (!keys.ok())
    return std::move(keys).error();
  for (const std::string &key : keys.value()) {
    auto value = files.get(key);
    if (!value.ok())
      return std::move(value).error();
    if (!value.value())
      continue; // removed since it was listed
    if (auto put = values.put(key, *value.value()); !put.ok())
      return std::move(put).error();
  }
  return warnings;
}

} // namespace llmux::native
