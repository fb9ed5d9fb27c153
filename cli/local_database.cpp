#include "local_database.hpp"

#include <iostream>

namespace llmux::cli {

std::unique_ptr<native::Database> open_database_or_report(
    const std::filesystem::path &data_directory) {
  auto database = native::Database::open(data_directory);
  if (!database.ok()) {
    std::cerr << "llmux: " << to_string(database.error().code) << ": "
              << database.error().message << '\n';
    return nullptr;
  }
  for (const std::string &warning : database.value()->warnings())
    std::cerr << "llmux: warning: " << warning << '\n';
  return std::move(database).value();
}

} // namespace llmux::cli
