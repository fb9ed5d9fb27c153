#pragma once
// The files of the data directory that llmux kept before its database (native::FileStore's:
// ledger/records/YYYY-MM-DD.jsonl, ledger/budgets.json, cache/xx/<key>.json), imported into
// it once, on the database's first open.
//
// The files are left untouched, not renamed or removed: the database marks the import in the
// same transaction that holds the imported rows (its schema version), so nothing about the
// files needs to change for it to happen once; a file that is never written can never be
// damaged by an import that fails half-way; and an earlier llmux (or a script) that reads
// them still can. They are not read again: after the import the database is the ledger.

#include <llmux/native/database.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace llmux::native {

/// Copies the ledger's records and budgets and the response cache's entries from the files
/// under `data_directory` into `database` (inside the caller's write). Returns a warning for
/// each torn last line of a day file it skipped (Ledger::load), naming the file and line. The
/// day files' errors (a damaged line that is not a torn last one) are returned as Ledger::load
/// returns them, and the caller's write is rolled back: the money they hold is never dropped.
Result<std::vector<std::string>> import_files(Database &database,
                                              const std::filesystem::path &data_directory);

} // namespace llmux::native
