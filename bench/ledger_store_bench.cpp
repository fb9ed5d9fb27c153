// What a call's money costs in the native ledger (LLMUX_HOME/llmux.db): a reservation and its
// settlement, each one durable SQLite transaction (BEGIN IMMEDIATE, synchronous=FULL in WAL
// mode), beside the same round trip in the core's in-memory store for scale. And the
// database's size per 1,000 usage records. And the key-value ledger (what the package's
// clients and the edge gateway use) recording 1,000 and 10,000 calls in one day, in memory and
// in files: what each record costs once its day already holds many.
//
// The database lives in a fresh folder under the system's temporary directory ($TMPDIR): its
// file system decides what an fsync costs, so say which one when quoting the figures.
// Nothing here asserts on time: the program prints figures.

#include <llmux/ledger.hpp>
#include <llmux/native/database.hpp>
#include <llmux/native/file_store.hpp>
#include <llmux/native/sqlite_ledger_store.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include <stdlib.h>

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t nov10_120000 = 1794312000000; // 2026-11-10T12:00:00Z

// A fresh folder for one benchmark's database, removed afterwards.
struct Folder {
  fs::path path;
  Folder() {
    std::string pattern = (fs::temp_directory_path() / "llmux-ledger-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()))
      path = pattern;
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// A ledger in a fresh database in a folder of its own.
struct SqliteLedger {
  Folder folder;
  std::unique_ptr<llmux::native::Database> database;
  std::unique_ptr<llmux::native::SqliteLedgerStore> store;
  std::unique_ptr<llmux::Ledger> ledger;
};

// The ledger, or null after marking the benchmark failed.
std::unique_ptr<SqliteLedger> open_ledger(benchmark::State &state) {
  auto open = std::make_unique<SqliteLedger>();
  auto database = llmux::native::Database::open(open->folder.path);
  if (!database.ok()) {
    state.SkipWithError(database.error().message.c_str());
    return nullptr;
  }
  open->database = std::move(database).value();
  open->store = std::make_unique<llmux::native::SqliteLedgerStore>(*open->database);
  open->ledger = std::make_unique<llmux::Ledger>(*open->store);
  return open;
}

llmux::UsageRecord call_record(std::int64_t at_ms) {
  llmux::UsageRecord record;
  record.at_ms = at_ms;
  record.user = "alice";
  record.scopes = {"project:acme", "user:alice"};
  record.model = "openai-gpt-4o-mini";
  record.provider = llmux::Provider::OpenAi;
  record.usage.input_tokens = 1000;
  record.usage.output_tokens = 500;
  record.cost = 450'000'000;
  record.outcome = "ok";
  return record;
}

// Reserve, then settle with the record: what the session does around each model call.
void round_trips(benchmark::State &state, llmux::Ledger &ledger) {
  if (!ledger.set_budget("user:alice", std::int64_t{1} << 60).ok()) {
    state.SkipWithError("set_budget failed");
    return;
  }
  std::int64_t at_ms = nov10_120000;
  for (auto _ : state) {
    auto reservation = ledger.reserve({"project:acme", "user:alice"}, 500'000'000, at_ms);
    if (!reservation.ok() || !ledger.settle(reservation.value(), call_record(at_ms++)).ok()) {
      state.SkipWithError("reserve or settle failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SqliteReserveSettle(benchmark::State &state) {
  if (auto open = open_ledger(state))
    round_trips(state, *open->ledger);
}
BENCHMARK(BM_SqliteReserveSettle)->Unit(benchmark::kMicrosecond);

void BM_MemoryReserveSettle(benchmark::State &state) {
  llmux::Ledger ledger;
  round_trips(state, ledger);
}
BENCHMARK(BM_MemoryReserveSettle)->Unit(benchmark::kMicrosecond);

// The database file after N records (a call with two scopes each, over 30 days), its WAL
// checkpointed into it by closing: bytes per 1,000 records.
void BM_DatabaseBytesPer1000Records(benchmark::State &state) {
  const auto records = state.range(0);
  for (auto _ : state) {
    auto open = open_ledger(state);
    if (!open)
      return;
    for (std::int64_t i = 0; i < records; ++i)
      if (!open->ledger->record(call_record(nov10_120000 + i * 2'600'000)).ok()) {
        state.SkipWithError("record failed");
        return;
      }
    open->ledger.reset();
    open->store.reset();
    open->database.reset(); // the last connection's close checkpoints the WAL into the file
    const auto bytes = fs::file_size(open->folder.path / llmux::native::database_file_name);
    state.counters["bytes_per_1000_records"] =
        static_cast<double>(bytes) * 1000.0 / static_cast<double>(records);
  }
}
BENCHMARK(BM_DatabaseBytesPer1000Records)->Arg(1000)->Arg(10000)->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// N records of one day through the key-value ledger, the time per record (the counter) of a
// fresh ledger over `make_store`'s store: a day file that grows with every record.
template <class MakeStore> void record_one_day(benchmark::State &state, MakeStore make_store) {
  const auto records = state.range(0);
  for (auto _ : state) {
    Folder folder;
    auto store = make_store(folder.path);
    llmux::Ledger ledger(store.get());
    for (std::int64_t i = 0; i < records; ++i)
      if (!ledger.record(call_record(nov10_120000 + i)).ok()) {
        state.SkipWithError("record failed");
        return;
      }
  }
  state.SetItemsProcessed(state.iterations() * records);
}

void BM_KeyValueLedgerDayInMemory(benchmark::State &state) {
  record_one_day(state, [](const fs::path &) { return std::make_unique<llmux::MemoryStore>(); });
}
BENCHMARK(BM_KeyValueLedgerDayInMemory)->Arg(1000)->Arg(10000)->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_KeyValueLedgerDayInFiles(benchmark::State &state) {
  record_one_day(state, [](const fs::path &root) {
    return std::make_unique<llmux::native::FileStore>(root);
  });
}
BENCHMARK(BM_KeyValueLedgerDayInFiles)->Arg(1000)->Arg(10000)->Iterations(1)
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
