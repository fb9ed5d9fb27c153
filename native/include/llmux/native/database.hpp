#pragma once
/// What llmux keeps in its data directory, in one SQLite database shared by every llmux
/// process of the machine: the usage ledger, budgets and reservations (SqliteLedgerStore) and
/// the response cache (SqliteKeyValueStore).

#include <llmux/result.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace llmux::native {

/// The database's file in the data directory (LLMUX_HOME); SQLite keeps llmux.db-wal and
/// llmux.db-shm beside it.
inline constexpr std::string_view database_file_name = "llmux.db";

/// How long a write waits for another process's write to end before it fails with
/// `storage`. Writes take microseconds to milliseconds (one fsync); the first open of a data
/// directory imports the earlier files inside one write, which is what this leaves room for.
inline constexpr int database_busy_timeout_ms = 30'000;

class Database;

/// What Statement::step found: a row to read, or the end of the statement's rows.
enum class Step : bool { Done, Row };

/// One run of a statement that a Database prepared once (see Database::statement): bind its
/// parameters, step through its rows. Parameters count from 1, columns from 0, as in SQLite.
/// Ending the run (destroying this) resets the statement, which also ends the read it holds:
/// a statement left on a row would keep its connection on an old snapshot of the database.
class Statement {
public:
  Statement(Statement &&other) noexcept
      : database_(other.database_), statement_(std::exchange(other.statement_, nullptr)) {}
  Statement &operator=(Statement &&) = delete;
  ~Statement();

  void bind(int index, std::int64_t value) noexcept;
  /// Copies `value`: it need not outlive the call.
  void bind(int index, std::string_view value) noexcept;
  /// NULL when `value` is empty.
  void bind(int index, const std::optional<std::int64_t> &value) noexcept;
  void bind_null(int index) noexcept;
  /// Binds `values` to ?1, ?2, ... in order.
  template <class... Values> void bind_all(const Values &...values) noexcept {
    int index = 0;
    (bind(++index, values), ...);
  }

  /// Runs the statement to its next row: Step::Row with a row to read, Step::Done when it
  /// has no more. A `storage` error (naming the database and what failed) otherwise.
  Result<Step> step();

  bool is_null(int column) const noexcept;
  std::int64_t integer(int column) const noexcept;
  /// The column's bytes; valid until the next step or the end of the run.
  std::string_view text(int column) const noexcept;

private:
  friend class Database;
  Statement(Database &database, sqlite3_stmt *statement) noexcept
      : database_(&database), statement_(statement) {}
  Database *database_;
  sqlite3_stmt *statement_;
};

/// The SQLite database of a data directory, open: in WAL mode (readers never wait for the
/// writer, and a commit is one append), with a busy timeout (a write waits for another
/// process's write rather than failing), synchronous=FULL (a committed record survives a power
/// cut). Every write is a BEGIN IMMEDIATE transaction (see write()), so writes of all the
/// processes happen one at a time, each seeing everything committed before it.
///
/// Open it in the process that uses it: a connection must not cross a fork. Not thread-safe:
/// one thread at a time (the session's host thread).
class Database {
public:
  /// Opens `data_directory`/llmux.db, creating the folder and the database when missing. On
  /// a database's first open, imports what earlier versions of llmux kept in files there
  /// (the ledger's day files and budgets, the response cache) inside the same transaction
  /// that creates the tables, so that it happens once however many processes start at once;
  /// the files are left untouched (see file_import.hpp). `storage` naming the path when the
  /// folder or the database cannot be made or opened, or the file is not a database (or one
  /// from a newer llmux); the import's own errors (a damaged day file: bad_response naming it
  /// and its line) are returned as they are, and nothing is imported then.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path &data_directory);

  ~Database();
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  /// The database file.
  const std::filesystem::path &path() const noexcept { return path_; }

  /// What the import skipped, one sentence each, naming the file and line (a torn last line of
  /// a day file); empty unless this open imported files. The host shows them.
  const std::vector<std::string> &warnings() const noexcept { return warnings_; }

  /// A run of the statement `sql`, prepared on first use and kept by the database, with no
  /// parameters bound. One run of a statement at a time: end a run before starting another of
  /// the same `sql`. `storage` when `sql` does not prepare.
  Result<Statement> statement(std::string_view sql);

  /// Runs `sql` (statements without parameters or rows, ';'-separated).
  Result<void> execute(std::string_view sql);

  /// Runs the statement `sql`, which returns no rows, with `parameters` bound to ?1, ?2, ...
  /// (Statement::bind_all).
  template <class... Parameters>
  Result<void> run(std::string_view sql, const Parameters &...parameters) {
    auto run = statement(sql);
    if (!run.ok())
      return std::move(run).error();
    run.value().bind_all(parameters...);
    auto done = run.value().step();
    if (!done.ok())
      return std::move(done).error();
    return {};
  }

  /// The first column of the first row of `sql` (with `parameters` bound as run() binds
  /// them), an integer; nothing when there is no row.
  template <class... Parameters>
  Result<std::optional<std::int64_t>> integer(std::string_view sql,
                                              const Parameters &...parameters) {
    auto query = statement(sql);
    if (!query.ok())
      return std::move(query).error();
    query.value().bind_all(parameters...);
    auto row = query.value().step();
    if (!row.ok())
      return std::move(row).error();
    if (row.value() == Step::Done)
      return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(query.value().integer(0));
  }

  /// Runs `body` (returning a Result) inside BEGIN IMMEDIATE ... COMMIT: it has the database
  /// to itself against every other process, waiting up to the busy timeout for its turn. A
  /// failed body, begin or commit rolls everything back, and its error is returned. Inside
  /// another write, `body` runs in a savepoint: its failure undoes only its own changes.
  template <class Body> auto write(Body &&body) -> decltype(body()) {
    if (auto begun = begin_write(); !begun.ok())
      return std::move(begun).error();
    auto result = body();
    auto ended = end_write(result.ok());
    if (result.ok() && !ended.ok())
      return std::move(ended).error();
    return result;
  }

  /// The rowid of the last row this connection inserted.
  std::int64_t last_insert_id() const noexcept;
  /// The rows the last statement changed.
  std::int64_t changes() const noexcept;

  /// A `storage` error: "<path>: <doing>: <SQLite's message>".
  Error error(std::string_view doing) const;

private:
  explicit Database(std::filesystem::path path) : path_(std::move(path)) {}
  Result<void> prepare_schema(const std::filesystem::path &data_directory);
  Result<void> begin_write();
  // Commits (or, with keep false, rolls back) the innermost write.
  Result<void> end_write(bool keep);

  std::filesystem::path path_;
  sqlite3 *connection_ = nullptr;
  // Prepared statements by their SQL, finalized when the database closes.
  std::map<std::string, sqlite3_stmt *, std::less<>> statements_;
  std::vector<std::string> warnings_;
  int write_depth_ = 0;
};

} // namespace llmux::native
