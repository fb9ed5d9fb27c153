#include <llmux/native/database.hpp>

#include "file_import.hpp"

#include <sqlite3.h>

#include <chrono>
#include <system_error>
#include <thread>

namespace llmux::native {
namespace {

namespace fs = std::filesystem;

// The schema's version, in SQLite's user_version: 0 is a database nobody has set up yet. A
// change of the tables below takes a new version and the steps from the old one.
constexpr std::int64_t schema_version = 1;

// Money is in picodollars, as in the core; days are UTC days since 1970-01-01 (the ledger
// store's unit). Each usage count of llmux::Usage has its column (NULL: not reported);
// reservations name their owner process (process_identity.hpp) so that a dead one's can be
// reclaimed. key_values holds the response cache's entries (SqliteKeyValueStore).
constexpr std::string_view schema = R"sql(
CREATE TABLE IF NOT EXISTS usage_records (
  id INTEGER PRIMARY KEY,
  day INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  scopes TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  total_tokens INTEGER,
  cached_input_tokens INTEGER,
  cache_write_input_tokens INTEGER,
  reasoning_tokens INTEGER,
  billed_input_tokens INTEGER,
  billed_output_tokens INTEGER,
  cost_picodollars INTEGER,
  outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_records_by_day ON usage_records (day);
CREATE TABLE IF NOT EXISTS scope_spending (
  scope TEXT NOT NULL,
  day INTEGER NOT NULL,
  picodollars INTEGER NOT NULL,
  PRIMARY KEY (scope, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budgets (
  scope TEXT PRIMARY KEY,
  monthly_limit_picodollars INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reservations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  estimate_picodollars INTEGER NOT NULL,
  boot_id TEXT NOT NULL,
  pid_namespace TEXT NOT NULL,
  pid INTEGER NOT NULL,
  process_start INTEGER NOT NULL,
  reserved_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reservation_scopes (
  scope TEXT NOT NULL,
  reservation_id INTEGER NOT NULL,
  PRIMARY KEY (scope, reservation_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_values (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
)sql";

Error storage_error(const fs::path &path, std::string_view doing, std::string_view why) {
  return make_error(ErrorCode::Storage, ErrorOrigin::Session,
                    path.string() + ": " + std::string(doing) + ": " + std::string(why));
}

} // namespace

Statement::~Statement() {
  if (statement_)
    sqlite3_reset(statement_);
}

void Statement::bind(int index, std::int64_t value) noexcept {
  sqlite3_bind_int64(statement_, index, value);
}

void Statement::bind(int index, std::string_view value) noexcept {
  sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
}

void Statement::bind(int index, const std::optional<std::int64_t> &value) noexcept {
  if (value)
    bind(index, *value);
  else
    bind_null(index);
}

void Statement::bind_null(int index) noexcept {
  sqlite3_bind_null(statement_, index);
}

Result<Step> Statement::step() {
  const int status = sqlite3_step(statement_);
  if (status == SQLITE_ROW)
    return Step::Row;
  if (status == SQLITE_DONE)
    return Step::Done;
  return database_->error(sqlite3_sql(statement_));
}

bool Statement::is_null(int column) const noexcept {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const noexcept {
  return sqlite3_column_int64(statement_, column);
}

std::string_view Statement::text(int column) const noexcept {
  const auto *bytes = static_cast<const char *>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return bytes ? std::string_view(bytes, static_cast<std::size_t>(size)) : std::string_view();
}

Result<std::unique_ptr<Database>> Database::open(const fs::path &data_directory) {
  const fs::path path = data_directory / database_file_name;
  std::error_code made;
  fs::create_directories(data_directory, made);
  if (made)
    return storage_error(data_directory, "creating the data directory", made.message());
  std::error_code ignored;
  if (fs::is_directory(path, ignored))
    return storage_error(path, "opening the database", "a directory, not a database file");

  std::unique_ptr<Database> database(new Database(path));
  const int opened = sqlite3_open_v2(path.c_str(), &database->connection_,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (opened != SQLITE_OK)
    return storage_error(path, "opening the database",
                         database->connection_ ? sqlite3_errmsg(database->connection_)
                                               : sqlite3_errstr(opened));
  sqlite3_extended_result_codes(database->connection_, 1);
  sqlite3_busy_timeout(database->connection_, database_busy_timeout_ms);

  // WAL needs every connection's agreement the first time: a process that opens while another
  // switches the mode is told "busy" at once (the busy handler does not run for it), so it
  // tries again until the busy timeout. Where WAL cannot work (a network file system without
  // shared memory), SQLite stays in its rollback journal: slower, and just as safe, since
  // every write is still one BEGIN IMMEDIATE transaction at a time.
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(database_busy_timeout_ms);
  while (true) {
    auto wal = database->execute("PRAGMA journal_mode = WAL");
    if (wal.ok())
      break;
    const int code = sqlite3_errcode(database->connection_);
    if ((code & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > give_up)
      return std::move(wal).error();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (auto synchronous = database->execute("PRAGMA synchronous = FULL"); !synchronous.ok())
    return std::move(synchronous).error();
  if (auto prepared = database->prepare_schema(data_directory); !prepared.ok())
    return std::move(prepared).error();
  return database;
}

Result<void> Database::prepare_schema(const fs::path &data_directory) {
  auto version = [&]() -> Result<std::int64_t> {
    auto read = integer("PRAGMA user_version");
    if (!read.ok())
      return std::move(read).error();
    return read.value().value_or(0);
  };
  auto found = version();
  if (!found.ok())
    return std::move(found).error();
  if (found.value() == schema_version)
    return {};
  if (found.value() > schema_version)
    return storage_error(path_, "opening the database",
                         "made by a newer llmux (schema " + std::to_string(found.value()) +
                             "; this one knows " + std::to_string(schema_version) + ")");
  // First use: tables, import and version in one transaction. Processes starting together
  // wait here for the first one's transaction, then find the version set and import nothing.
  return write([&]() -> Result<void> {
    auto again = version();
    if (!again.ok())
      return std::move(again).error();
    if (again.value() == schema_version)
      return {};
    if (auto created = execute(schema); !created.ok())
      return created;
    auto imported = import_files(*this, data_directory);
    if (!imported.ok())
      return std::move(imported).error();
    warnings_ = std::move(imported).value();
    return execute("PRAGMA user_version = " + std::to_string(schema_version));
  });
}

Database::~Database() {
  // Statements first: a connection with unfinalized statements does not close.
  for (auto &[sql, prepared] : statements_)
    sqlite3_finalize(prepared);
  sqlite3_close_v2(connection_);
}

Result<Statement> Database::statement(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt *prepared = nullptr;
    if (sqlite3_prepare_v3(connection_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &prepared, nullptr) != SQLITE_OK)
      return error("preparing " + std::string(sql));
    found = statements_.emplace(std::string(sql), prepared).first;
  }
  sqlite3_clear_bindings(found->second);
  return Statement(*this, found->second);
}

Result<void> Database::execute(std::string_view sql) {
  const std::string text(sql); // sqlite3_exec reads up to a NUL
  if (sqlite3_exec(connection_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return error(sql);
  return {};
}

Result<void> Database::begin_write() {
  auto begun = execute(write_depth_ == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT nested");
  if (begun.ok())
    ++write_depth_;
  return begun;
}

Result<void> Database::end_write(bool keep) {
  --write_depth_;
  if (write_depth_ > 0)
    return execute(keep ? "RELEASE nested" : "ROLLBACK TO nested; RELEASE nested");
  if (keep) {
    auto committed = execute("COMMIT");
    if (committed.ok())
      return committed;
    // A commit that failed (the disk is full) leaves the transaction open: end it.
    (void)execute("ROLLBACK");
    return committed;
  }
  return execute("ROLLBACK");
}

std::int64_t Database::last_insert_id() const noexcept {
  return sqlite3_last_insert_rowid(connection_);
}

std::int64_t Database::changes() const noexcept {
  return sqlite3_changes64(connection_);
}

Error Database::error(std::string_view doing) const {
  std::string why = sqlite3_errmsg(connection_);
  if ((sqlite3_errcode(connection_) & 0xff) == SQLITE_BUSY)
    why += " (another llmux process kept it for over " +
           std::to_string(database_busy_timeout_ms / 1000) + " s)";
  return storage_error(path_, doing, why);
}

} // namespace llmux::native
