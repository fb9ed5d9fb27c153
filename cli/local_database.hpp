#pragma once
// The data directory's database (native::Database), opened for a command that records or
// reads usage, budgets or the cache.

#include <llmux/native/database.hpp>

#include <filesystem>
#include <memory>

namespace llmux::cli {

/// The database in `data_directory` (LLMUX_HOME, native::data_directory), open, after printing
/// a warning on stderr for each thing its first open could not import (a torn last line of a
/// day file, naming the file and line); or null after printing why it could not be opened.
std::unique_ptr<native::Database> open_database_or_report(
    const std::filesystem::path &data_directory);

} // namespace llmux::cli
