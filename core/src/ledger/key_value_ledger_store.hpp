#pragma once
// The ledger's store in memory, persisted in a KeyValueStore: what Ledger(KeyValueStore*)
// uses, and so the Wasm build's ledger (its KeyValueStore is the browser's or the caller's
// store). Private to the core.
//
// Reservations live only here, in memory: they are atomic among the calls of the ledger that
// holds them, not across processes that share the same files (native::SqliteLedgerStore is).

#include <llmux/key_value_store.hpp>
#include <llmux/ledger.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmux {

/// A LedgerStore in memory, persisting to `store` (borrowed; null: persisting nothing) under
/// ledger/budgets.json and ledger/records/YYYY-MM-DD.jsonl (see Ledger). A record is appended
/// to its day's file as one line. A storage error on a record is returned, and the record
/// still counts: its day's file is written whole again with the day's next record. Not
/// thread-safe.
class KeyValueLedgerStore final : public LedgerStore {
public:
  explicit KeyValueLedgerStore(KeyValueStore *store) : store_(store) {}

  Result<std::vector<TornLine>> load() override;
  Result<Reservation> reserve(const std::vector<std::string> &scopes, Picodollars estimate,
                              std::int64_t first_day, std::int64_t end_day,
                              const ReservationCheck &check) override;
  Result<void> settle(Reservation reservation, const UsageRecord &record) override;
  void release(Reservation reservation) noexcept override;
  Result<void> record(const UsageRecord &record) override;
  Result<void> set_budget(const std::string &scope,
                          std::optional<Picodollars> monthly_limit) override;
  Result<std::map<std::string, Picodollars, std::less<>>> budgets() override;
  Result<Picodollars> spent(std::string_view scope, std::int64_t first_day,
                            std::int64_t end_day) override;
  Result<std::vector<UsageRecord>> records(std::int64_t first_day, std::int64_t end_day) override;

private:
  struct Pending {
    std::vector<std::string> scopes;
    Picodollars estimate = 0;
  };
  // A day's records (indices into State::records) and how many of them, the first ones, its
  // file holds, each a line ending in a newline with nothing after them: the day's next
  // records are appended. `unwritten` when its next record must write the file whole: the
  // file was not read, or ends in a torn or unterminated line, or its last write failed and
  // may have left part of a line.
  static constexpr std::size_t unwritten = static_cast<std::size_t>(-1);
  struct Day {
    std::vector<std::size_t> records;
    std::size_t written = unwritten;
  };
  // Everything load() replaces, so that a failed load can leave the store as it was.
  struct State {
    std::vector<UsageRecord> records;
    // What each day file holds, by day.
    std::map<std::int64_t, Day> days;
    // Scope -> day -> known cost charged to it that day: what reserve() and spent() sum.
    std::map<std::string, std::map<std::int64_t, Picodollars>, std::less<>> spent_by_day;
    std::map<std::string, Picodollars, std::less<>> budgets;
  };
  static Result<void> add_record(State &state, const UsageRecord &record);
  Result<void> persist_day(std::int64_t day);
  Picodollars spent_in(std::string_view scope, std::int64_t first_day, std::int64_t end_day) const;

  KeyValueStore *store_;
  State state_;
  std::map<std::uint64_t, Pending> pending_;
  // Scope -> sum of pending estimates.
  std::map<std::string, Picodollars, std::less<>> reserved_;
  std::uint64_t next_reservation_ = 1;
};

} // namespace llmux
