#pragma once
/// The usage ledger's records, budgets and reservations in the data directory's SQLite
/// database: one ledger for every llmux process of the machine.

#include <llmux/ledger.hpp>
#include <llmux/native/database.hpp>

#include <cstdint>
#include <set>
#include <string>

namespace llmux::native {

/// How long a reservation of a process in another pid namespace (a container sharing the
/// data directory), whose liveness this process cannot see, holds its budget: longer than any
/// call, so that a running call is never overspent; short enough that a crashed container
/// gives its budget back the same day.
inline constexpr std::int64_t foreign_reservation_lifetime_ms = 3'600'000;

/// A LedgerStore in a Database (borrowed: it must outlive the store), safe across processes:
/// reserve() reads every scope's spending and live reservations and inserts its reservation
/// in one BEGIN IMMEDIATE transaction, so no two processes can both take the last of a budget;
/// settle() deletes the reservation and inserts the record in one transaction, so each
/// completed call leaves exactly one record.
///
/// Each reservation names its owner: this process (pid, start time, boot and pid namespace,
/// taken when the store is made: make it in the process that uses it). reserve() first
/// reclaims the reservations of owners that no longer run (killed, crashed, of an earlier
/// boot; of another pid namespace once older than foreign_reservation_lifetime_ms), so that a
/// process that died with a call in flight does not hold its budget forever. settle() and
/// release() touch only this process's reservations.
///
/// Reads (spent, budgets, records) see every committed write. Errors are `storage` naming
/// the database; a record whose row cannot be read back (a database edited by hand) is
/// bad_response naming its row. Not thread-safe (nor is the Database).
class SqliteLedgerStore final : public LedgerStore {
public:
  explicit SqliteLedgerStore(Database &database);

  /// Nothing to load: every read queries the database. Returns no torn lines (the import of
  /// earlier files reports its own: Database::warnings).
  Result<std::vector<TornLine>> load() override;
  Result<Reservation> reserve(const std::vector<std::string> &scopes, Picodollars estimate,
                              std::int64_t first_day, std::int64_t end_day,
                              const ReservationCheck &check) override;
  Result<void> settle(Reservation reservation, const UsageRecord &record) override;
  /// A release that cannot be written (the database stays busy past its timeout) leaves the
  /// reservation until this process ends; the next reservation after that reclaims it.
  void release(Reservation reservation) noexcept override;
  Result<void> record(const UsageRecord &record) override;
  Result<void> set_budget(const std::string &scope,
                          std::optional<Picodollars> monthly_limit) override;
  Result<std::map<std::string, Picodollars, std::less<>>> budgets() override;
  Result<Picodollars> spent(std::string_view scope, std::int64_t first_day,
                            std::int64_t end_day) override;
  Result<std::vector<UsageRecord>> records(std::int64_t first_day, std::int64_t end_day) override;

private:
  Result<void> reclaim_ended_reservations();
  Result<void> insert_record(const UsageRecord &record);
  Result<void> delete_own_reservation(Reservation reservation);

  Database &database_;
  // This process, as its reservations name it.
  std::string boot_id_;
  std::string pid_namespace_;
  std::int64_t pid_ = 0;
  std::int64_t process_start_ = 0;
  // The reservations this store made and has not settled or released: what settle() and
  // release() accept, whatever the table holds now.
  std::set<std::uint64_t> pending_;
};

} // namespace llmux::native
