// The ledger in the data directory's SQLite database: the ledger's rules (ledger_contract.hpp,
// the same tests the core's store passes), then what only a database shared by processes
// can show: reservations atomic across forked processes, a killed process's reservation
// reclaimed, WAL mode and the busy timeout, the one-time import of the earlier files (torn
// last line included), and paths that are no database.

#include <llmux/ledger.hpp>
#include <llmux/native/database.hpp>
#include <llmux/native/file_store.hpp>
#include <llmux/native/sqlite_key_value_store.hpp>
#include <llmux/native/sqlite_ledger_store.hpp>

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using llmux::native::Database;

std::unique_ptr<Database> open_database(const std::filesystem::path &directory) {
  auto opened = Database::open(directory);
  if (!opened.ok())
    FAIL(opened.error().message);
  return std::move(opened).value();
}

// A ledger in a fresh database, for the rules every store keeps. The property tests write
// thousands of durable transactions each: two seeds show the store keeps the rule, the core's
// store runs twenty.
struct SqliteLedger {
  static constexpr std::uint64_t property_seeds = 2;
  llmux::testing::TemporaryDirectory directory{"llmux-sqlite-ledger-"};
  std::unique_ptr<Database> database = open_database(directory.path());
  llmux::native::SqliteLedgerStore store{*database};
  llmux::Ledger ledger{store};
};

} // namespace

#define LLMUX_LEDGER_FIXTURES SqliteLedger
#include "../core/ledger_contract.hpp"

using namespace llmux;
using namespace ledger_contract;
using llmux::native::SqliteKeyValueStore;
using llmux::native::SqliteLedgerStore;
using llmux::testing::read_file;
using llmux::testing::TemporaryDirectory;
namespace fs = std::filesystem;

namespace {

// A raw connection to the database file, beside llmux's own: to look at what llmux wrote
// and to play other processes' parts.
class RawConnection {
public:
  explicit RawConnection(const fs::path &path) {
    if (sqlite3_open(path.c_str(), &connection_) != SQLITE_OK)
      FAIL("sqlite3_open failed");
    sqlite3_busy_timeout(connection_, 30'000);
  }
  ~RawConnection() { sqlite3_close(connection_); }
  RawConnection(const RawConnection &) = delete;
  RawConnection &operator=(const RawConnection &) = delete;

  void execute(const std::string &sql) {
    char *message = nullptr;
    if (sqlite3_exec(connection_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string why = message ? message : "?";
      sqlite3_free(message);
      FAIL(sql + ": " + why);
    }
  }
  // The first column of the first row of `sql`, as text.
  std::string text(const std::string &sql) {
    sqlite3_stmt *statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(connection_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    std::string out;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0))
      out = reinterpret_cast<const char *>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    return out;
  }

private:
  sqlite3 *connection_ = nullptr;
};

// Forks a process that runs `body` and exits with its status, never returning into the test
// runner (its exit skips the parent's destructors and Catch's reporting). Fork with no
// database open: SQLite's connections must not cross a fork, and a child's own connection
// would share the parent's copied lock bookkeeping (a lock the parent held at the fork looks
// held forever to the child).
template <class Body> pid_t fork_process(Body &&body) {
  const pid_t child = ::fork();
  if (child == 0) {
    int status = 100;
    try {
      status = body();
    } catch (...) {
      status = 101; // a failed REQUIRE in the child
    }
    ::_exit(status);
  }
  REQUIRE(child > 0);
  return child;
}

int exit_status(pid_t child) {
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// A starting gate for forked processes: each waits() until the parent open()s it, so that
// they all go at once.
class Gate {
public:
  Gate() { REQUIRE(::pipe(ends_) == 0); }
  ~Gate() {
    for (int end : ends_)
      if (end >= 0)
        ::close(end);
  }
  void wait() {
    ::close(ends_[1]);
    ends_[1] = -1;
    char byte;
    (void)::read(ends_[0], &byte, 1); // returns at end of file: the parent closed its end
  }
  void open() {
    ::close(ends_[1]);
    ends_[1] = -1;
  }

private:
  int ends_[2] = {-1, -1};
};

} // namespace

TEST_CASE("Reservations are atomic across processes: eight at once never overspend a budget",
          "[sqlite][processes]") {
  TemporaryDirectory directory("llmux-sqlite-ledger-");
  {
    auto database = open_database(directory.path());
    SqliteLedgerStore store(*database);
    REQUIRE(Ledger(store).set_budget("project:acme", 100 * cent).ok());
  }
  // Eight processes try ten calls of 7 cents each, settled at exactly their estimate. The
  // budget holds 14 of them (98 cents): with reservations shared, exactly 14 are admitted
  // whatever the interleaving; with reservations in each process's memory, up to 80.
  Gate gate;
  std::vector<pid_t> children;
  for (int process = 0; process < 8; ++process)
    children.push_back(fork_process([&] {
      gate.wait();
      auto database = Database::open(directory.path());
      if (!database.ok())
        return 102;
      SqliteLedgerStore store(*database.value());
      Ledger ledger(store);
      int admitted = 0;
      for (int call = 0; call < 10; ++call) {
        auto reservation = ledger.reserve({"project:acme"}, 7 * cent, nov10_120000);
        if (!reservation.ok()) {
          if (reservation.error().code != ErrorCode::BudgetExceeded)
            return 103;
          continue;
        }
        if (!ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 7 * cent))
                 .ok())
          return 104;
        ++admitted;
      }
      return admitted;
    }));
  gate.open();
  int admitted = 0;
  for (pid_t child : children) {
    const int status = exit_status(child);
    REQUIRE(status <= 10);
    admitted += status;
  }
  CHECK(admitted == 14);
  auto database = open_database(directory.path());
  SqliteLedgerStore store(*database);
  Ledger ledger(store);
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000).value() == 98 * cent);
  CHECK(ledger.records().value().size() == 14); // one record per admitted call
  CHECK(RawConnection(database->path()).text("SELECT count(*) FROM reservations") == "0");
}

TEST_CASE("A reservation of a process killed with SIGKILL is reclaimed, a live one's never",
          "[sqlite][processes]") {
  TemporaryDirectory directory("llmux-sqlite-ledger-");
  {
    auto database = open_database(directory.path());
    SqliteLedgerStore store(*database);
    REQUIRE(Ledger(store).set_budget("user:alice", 10 * cent).ok());
  }
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = fork_process([&] {
    auto own = Database::open(directory.path());
    if (!own.ok())
      return 102;
    SqliteLedgerStore own_store(*own.value());
    Ledger own_ledger(own_store);
    if (!own_ledger.reserve({"user:alice"}, 10 * cent, nov10_120000).ok())
      return 103;
    (void)::write(ready[1], "r", 1);
    while (true)
      ::pause(); // a call in flight, until killed
  });
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  ::close(ready[1]);
  auto database = open_database(directory.path());
  SqliteLedgerStore store(*database);
  Ledger ledger(store);

  // The child runs: its reservation holds the whole budget.
  auto refused = ledger.reserve({"user:alice"}, 1 * cent, nov10_120000);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::BudgetExceeded);
  CHECK(refused.error().message.find("reserved $0.1") != std::string::npos);

  REQUIRE(::kill(child, SIGKILL) == 0);
  // Dead but not yet reaped: a zombie keeps its pid, and is still no owner.
  siginfo_t info;
  REQUIRE(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);
  auto reclaimed = ledger.reserve({"user:alice"}, 10 * cent, nov10_120000);
  CHECK(reclaimed.ok());
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  // This process's own reservation stays.
  CHECK_FALSE(ledger.reserve({"user:alice"}, 1, nov10_120000).ok());
}

TEST_CASE("Reservations are reclaimed when their owner is gone, by pid, start time, boot and "
          "namespace",
          "[sqlite][processes]") {
  TemporaryDirectory directory("llmux-sqlite-ledger-");
  const pid_t ended = fork_process([] { return 0; }); // its pid: a process that ended
  REQUIRE(exit_status(ended) == 0);
  auto database = open_database(directory.path());
  SqliteLedgerStore store(*database);
  Ledger ledger(store);
  RawConnection raw(database->path());
  const std::string boot = read_file("/proc/sys/kernel/random/boot_id");
  const std::string our_boot = boot.substr(0, boot.find('\n'));
  char target[256] = {};
  REQUIRE(::readlink("/proc/self/ns/pid", target, sizeof target - 1) > 0);
  const std::string our_namespace = target;
  const std::string now = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  const std::string two_hours_ago = std::to_string(std::stoll(now) - 7'200'000);
  struct Owner {
    const char *who;
    std::string boot, pid_namespace, pid, start, at;
    bool kept;
  };
  const std::vector<Owner> owners = {
      {"a process that ended", our_boot, our_namespace, std::to_string(ended), "1", now, false},
      {"our pid, reused: another start", our_boot, our_namespace, std::to_string(::getpid()), "1",
       now, false},
      {"an earlier boot", "00000000-0000-0000-0000-000000000000", our_namespace,
       std::to_string(::getppid()), "1", now, false},
      {"another namespace, recent", our_boot, "pid:[1]", "1", "1", now, true},
      {"another namespace, two hours old", our_boot, "pid:[1]", "1", "1", two_hours_ago, false},
  };
  for (const Owner &owner : owners) {
    CAPTURE(owner.who);
    raw.execute("DELETE FROM reservations; DELETE FROM reservation_scopes;");
    raw.execute("INSERT INTO reservations (estimate_picodollars, boot_id, pid_namespace, pid, "
                "process_start, reserved_at_ms) VALUES (5, '" +
                owner.boot + "', '" + owner.pid_namespace + "', " + owner.pid + ", " +
                owner.start + ", " + owner.at + ")");
    raw.execute("INSERT INTO reservation_scopes (scope, reservation_id) VALUES ('user:bob', "
                "last_insert_rowid())");
    auto ours = ledger.reserve({"user:carol"}, 1, nov10_120000);
    REQUIRE(ours.ok());
    ledger.release(ours.value());
    CHECK(raw.text("SELECT count(*) FROM reservations WHERE estimate_picodollars = 5") ==
          (owner.kept ? "1" : "0"));
    CHECK(raw.text("SELECT count(*) FROM reservation_scopes WHERE scope = 'user:bob'") ==
          (owner.kept ? "1" : "0"));
  }
}

TEST_CASE("The database is in WAL mode, and a write waits for another process's write",
          "[sqlite][processes]") {
  TemporaryDirectory directory("llmux-sqlite-ledger-");
  // The child first: a process must not fork with a connection open (see fork_process).
  Gate locked;
  int started[2];
  REQUIRE(::pipe(started) == 0);
  const pid_t child = fork_process([&] {
    locked.wait();
    auto own = Database::open(directory.path());
    if (!own.ok())
      return 102;
    SqliteLedgerStore own_store(*own.value());
    Ledger own_ledger(own_store);
    (void)::write(started[1], "s", 1);
    auto reserved = own_ledger.reserve({"user:alice"}, 1, nov10_120000);
    return reserved.ok() ? 0 : 103;
  });

  auto database = open_database(directory.path());
  RawConnection raw(database->path());
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
  CHECK(fs::exists(directory.path() / "llmux.db-wal"));
  // Another process holds the write lock for a while; the child's reservation waits for it
  // (the busy timeout) instead of failing with "database is locked".
  raw.execute("BEGIN IMMEDIATE");
  locked.open();
  char byte = 0;
  REQUIRE(::read(started[0], &byte, 1) == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the child is blocked now
  raw.execute("COMMIT");
  CHECK(exit_status(child) == 0);
  ::close(started[0]);
  ::close(started[1]);
}

namespace {

// The files an earlier llmux kept in a data directory: two days of records (the second one's
// last line torn), budgets, and two cache entries.
struct EarlierFiles {
  std::vector<UsageRecord> records;
  std::string day_file = "ledger/records/2026-11-10.jsonl";
  std::string torn_tail = R"({"at_ms":1794312000777,"user":"alice","sco)";
};

EarlierFiles write_earlier_files(const fs::path &directory) {
  EarlierFiles earlier;
  native::FileStore files(directory);
  Ledger ledger(&files);
  REQUIRE(ledger.set_budget("user:alice", 3 * cent).ok());
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  earlier.records = {charge(oct31_235959_999, {"project:acme", "user:alice"}, 1 * cent),
                     charge(nov10_120000, {"project:acme", "user:bob"}, std::nullopt, "bob"),
                     charge(nov10_120000 + 1, {"project:acme", "user:alice"}, 2 * cent)};
  for (const UsageRecord &record : earlier.records)
    REQUIRE(ledger.record(record).ok());
  REQUIRE(files.put("cache/ab/ab12.json", R"({"expires_at_ms":1})").ok());
  REQUIRE(files.put("cache/cd/cd34.json", R"({"expires_at_ms":2})").ok());
  // A crash in the middle of an append: the day's last line is cut short.
  std::ofstream(directory / earlier.day_file, std::ios::app) << earlier.torn_tail;
  return earlier;
}

// Every file below `root` and its bytes.
std::map<std::string, std::string> files_below(const fs::path &root) {
  std::map<std::string, std::string> files;
  for (const auto &entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
  return files;
}

} // namespace

TEST_CASE("The earlier files are imported on first open, once, torn line reported, and left "
          "untouched",
          "[sqlite][import]") {
  TemporaryDirectory directory("llmux-sqlite-import-");
  const EarlierFiles earlier = write_earlier_files(directory.path());
  const auto before = files_below(directory.path());

  auto database = open_database(directory.path());
  REQUIRE(database->warnings().size() == 1);
  CHECK(database->warnings()[0] ==
        (directory.path() / earlier.day_file).string() + " line 3: skipped a torn last line (" +
            std::to_string(earlier.torn_tail.size()) +
            " bytes: an append cut short); the one record it held is lost");
  SqliteLedgerStore store(*database);
  Ledger ledger(store);
  CHECK(ledger.records().value() == earlier.records);
  CHECK(ledger.budgets().value() ==
        std::map<std::string, Picodollars, std::less<>>{{"project:acme", 100 * cent},
                                                        {"user:alice", 3 * cent}});
  CHECK(ledger.spent("user:alice", Period::Month, nov10_120000).value() == 2 * cent);
  // The imported spending counts against the budgets at once.
  CHECK(ledger.reserve({"user:alice"}, 1 * cent, nov10_120000).ok());
  CHECK_FALSE(ledger.reserve({"user:alice"}, 1, nov10_120000).ok());
  SqliteKeyValueStore values(*database);
  CHECK(values.list("cache/").value() ==
        std::vector<std::string>{"cache/ab/ab12.json", "cache/cd/cd34.json"});
  CHECK(values.get("cache/cd/cd34.json").value() ==
        std::optional<std::string>(R"({"expires_at_ms":2})"));

  // The files are as they were: nothing renamed, removed or rewritten.
  auto after = files_below(directory.path());
  for (const char *database_file : {"llmux.db", "llmux.db-wal", "llmux.db-shm"})
    after.erase(database_file);
  CHECK(after == before);

  // Opening again imports nothing again, and says nothing.
  REQUIRE(ledger.record(charge(nov10_120000 + 2, {"user:bob"}, 1)).ok());
  database.reset();
  auto again = open_database(directory.path());
  CHECK(again->warnings().empty());
  SqliteLedgerStore again_store(*again);
  CHECK(Ledger(again_store).records().value().size() == 4);
}

TEST_CASE("Processes opening a fresh database at once import the files exactly once",
          "[sqlite][import][processes]") {
  TemporaryDirectory directory("llmux-sqlite-import-");
  const EarlierFiles earlier = write_earlier_files(directory.path());
  Gate gate;
  std::vector<pid_t> children;
  for (int process = 0; process < 6; ++process)
    children.push_back(fork_process([&] {
      gate.wait();
      auto database = Database::open(directory.path());
      if (!database.ok())
        return 102;
      return static_cast<int>(database.value()->warnings().size()); // 1 for the importer
    }));
  gate.open();
  int importers = 0;
  for (pid_t child : children)
    importers += exit_status(child);
  CHECK(importers == 1);
  auto database = open_database(directory.path());
  SqliteLedgerStore store(*database);
  CHECK(Ledger(store).records().value() == earlier.records);
}

TEST_CASE("A damaged line inside a day file stops the import, naming it, and imports nothing",
          "[sqlite][import]") {
  TemporaryDirectory directory("llmux-sqlite-import-");
  const EarlierFiles earlier = write_earlier_files(directory.path());
  const fs::path day_file = directory.path() / earlier.day_file;
  const std::string text = read_file(day_file);
  // The torn tail ends with a newline: the line is no longer the last and unterminated.
  std::ofstream(day_file, std::ios::app) << "\n";
  auto refused = Database::open(directory.path());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::BadResponse);
  CHECK(refused.error().message.rfind(day_file.string() + " line 3: ", 0) == 0);

  // Repaired by hand, the next open imports it all.
  std::ofstream(day_file, std::ios::trunc) << text.substr(0, text.size() - earlier.torn_tail.size());
  auto database = open_database(directory.path());
  CHECK(database->warnings().empty());
  SqliteLedgerStore store(*database);
  CHECK(Ledger(store).records().value() == earlier.records);
}

TEST_CASE("A path that cannot hold the database is a storage error naming it", "[sqlite][bad]") {
  TemporaryDirectory directory("llmux-sqlite-bad-");
  SECTION("the database's path is a directory") {
    fs::create_directories(directory.path() / "llmux.db");
    auto opened = Database::open(directory.path());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::Storage);
    CHECK(opened.error().message ==
          (directory.path() / "llmux.db").string() +
              ": opening the database: a directory, not a database file");
  }
  SECTION("the database's file is not a database") {
    std::ofstream(directory.path() / "llmux.db") << std::string(4096, 'x');
    auto opened = Database::open(directory.path());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::Storage);
    CHECK(opened.error().message.rfind((directory.path() / "llmux.db").string() + ": ", 0) == 0);
    CHECK(opened.error().message.find("file is not a database") != std::string::npos);
  }
  SECTION("the data directory lies under a file") {
    std::ofstream(directory.path() / "file") << "x";
    auto opened = Database::open(directory.path() / "file" / "llmux");
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::Storage);
    CHECK(opened.error().message.find((directory.path() / "file" / "llmux").string()) == 0);
  }
  SECTION("the database's file cannot be read") {
    if (::geteuid() == 0)
      return; // root reads whatever the permissions say
    std::ofstream(directory.path() / "llmux.db") << "";
    ::chmod((directory.path() / "llmux.db").c_str(), 0);
    auto opened = Database::open(directory.path());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::Storage);
    CHECK(opened.error().message.rfind((directory.path() / "llmux.db").string() + ": ", 0) == 0);
  }
  SECTION("the database is from a newer llmux") {
    {
      RawConnection raw(directory.path() / "llmux.db");
      raw.execute("PRAGMA user_version = 99");
    }
    auto opened = Database::open(directory.path());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::Storage);
    CHECK(opened.error().message.find("made by a newer llmux") != std::string::npos);
  }
}

TEST_CASE("The SQLite key-value store keeps the KeyValueStore contract", "[sqlite][store]") {
  TemporaryDirectory directory("llmux-sqlite-store-");
  auto database = open_database(directory.path());
  SqliteKeyValueStore store(*database);
  CHECK_FALSE(store.get("a/b").value());
  REQUIRE(store.put("a/b", "one").ok());
  REQUIRE(store.put("a/b", std::string("two\0bytes", 9)).ok());
  CHECK(store.get("a/b").value() == std::optional<std::string>(std::string("two\0bytes", 9)));
  REQUIRE(store.put("a/c", "").ok());
  CHECK(store.get("a/c").value() == std::optional<std::string>(""));
  REQUIRE(store.put("ab", "v").ok());
  REQUIRE(store.put("a.b", "v").ok());
  CHECK(store.list("a/").value() == std::vector<std::string>{"a/b", "a/c"});
  CHECK(store.list("a").value() == std::vector<std::string>{"a.b", "a/b", "a/c", "ab"});
  CHECK(store.list("").value().size() == 4);
  // A value or a folder, never both.
  CHECK(store.put("a", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.put("a/b/c", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.get("../x").error().code == ErrorCode::InvalidArgument);
  CHECK(store.list("../").error().code == ErrorCode::InvalidArgument);
  CHECK(store.remove("a/b").value() == Removed::Yes);
  CHECK(store.remove("a/b").value() == Removed::No);
  CHECK_FALSE(store.get("a/b").value());
}

TEST_CASE("The SQLite key-value store appends to a value, or stores one",
          "[sqlite][store][append]") {
  TemporaryDirectory directory("llmux-sqlite-store-");
  auto database = open_database(directory.path());
  SqliteKeyValueStore store(*database);
  REQUIRE(store.append("a/b", "one\n").ok());
  REQUIRE(store.append("a/b", std::string("t\0o\n", 4)).ok());
  REQUIRE(store.append("a/b", "").ok());
  CHECK(store.get("a/b").value() == std::optional<std::string>(std::string("one\nt\0o\n", 8)));
  CHECK(SqliteKeyValueStore(*database).get("a/b").value() ==
        std::optional<std::string>(std::string("one\nt\0o\n", 8)));
  // The rules of put hold, and a refused append changes nothing.
  CHECK(store.append("a", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.append("a/b/c", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.append("../x", "v").error().code == ErrorCode::InvalidArgument);
  CHECK(store.list("").value() == std::vector<std::string>{"a/b"});
}
