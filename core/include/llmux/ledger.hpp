#pragma once
/// The usage ledger: every charged call, spending by scope and period, and nested monthly
/// budgets enforced with reservations; and the LedgerStore seam where hosts keep them.

#include <llmux/key_value_store.hpp>
#include <llmux/money.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>
#include <llmux/usage.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmux {

/// One charged call (or a cancelled/failed call's usage so far).
///
/// Scopes name what a call is charged to, as "kind:id" by convention ("key:k1",
/// "project:acme", "user:alice"). A scope is 1 to `max_scope_bytes` bytes of UTF-8 text
/// without control characters. An API key is never a scope: "key:..." takes the key's id or a
/// hash of it, which the caller computes. A scope that looks like a raw provider key (a part
/// starting "sk-" or "AIza" and at least 20 bytes long) is refused with invalid_argument.
struct UsageRecord {
  /// Unix ms from the host's clock (passed in), from 1970 up to the end of year 9999.
  std::int64_t at_ms = 0;
  /// The end user, may be empty; no control characters.
  std::string user;
  /// Budget scopes charged, outermost first: {"key:k1", "project:acme", "user:alice"}. Each
  /// at most once.
  std::vector<std::string> scopes;
  /// Catalog id (or the resolved name).
  std::string model;
  Provider provider = Provider::OpenAi;
  /// Summed over the call's rounds.
  Usage usage;
  /// Unknown when the model has no prices: never counted as zero; totals count such records
  /// apart. Never negative.
  std::optional<Picodollars> cost;
  /// "ok", "error:<code>", "cancelled".
  std::string outcome;

  friend bool operator==(const UsageRecord &, const UsageRecord &) = default;
};

/// What Ledger::import_records did: records added, and records the ledger already held.
struct ImportedRecords {
  std::size_t added = 0;
  std::size_t already_held = 0;
};

/// Sums over records. Token counts a record does not report count as zero. `cost` sums only
/// the records whose cost is known; `requests_without_cost` counts the others. Sums that do
/// not fit an int64 stop at its maximum (over nine million dollars, or 9.2e18 tokens).
struct Totals {
  std::int64_t requests = 0;
  std::int64_t input_tokens = 0, output_tokens = 0, cached_input_tokens = 0, reasoning_tokens = 0;
  Picodollars cost = 0;
  std::int64_t requests_without_cost = 0;

  friend bool operator==(const Totals &, const Totals &) = default;
};

enum class Period : std::uint8_t {
  Day,   ///< the UTC day
  Week,  ///< ISO week, Monday start, UTC
  Month, ///< UTC calendar month
};

enum class GroupBy : std::uint8_t { User, Model, Provider, Scope, Day, Week, Month };

/// A pending charge: the estimate held against every scope's budget until the call settles.
struct Reservation {
  std::uint64_t id = 0;
};

/// The longest scope accepted.
inline constexpr std::size_t max_scope_bytes = 256;

/// A line of a day file that loading skipped rather than refusing the whole ledger: a last
/// line with no newline after it that is not JSON. That is what an append cut short leaves (a
/// crash mid-write, a file cut short): a record line is written with its newline last, and a
/// JSON object cut anywhere is not JSON. Its record is lost, and the host says so.
struct TornLine {
  /// The store key of the day file ("ledger/records/2026-11-10.jsonl").
  std::string file;
  /// Counted from 1.
  std::size_t line = 0;
  /// The bytes skipped.
  std::size_t bytes = 0;

  friend bool operator==(const TornLine &, const TornLine &) = default;
};

/// One of a reservation's scopes as its store holds it at the moment of the reservation.
struct ScopeSpending {
  /// The scope's monthly budget, if it has one.
  std::optional<Picodollars> budget;
  /// The known costs recorded in the scope during the month, stopping at the int64 maximum.
  Picodollars spent = 0;
  /// The estimates of the scope's live reservations, stopping at the int64 maximum.
  Picodollars reserved = 0;
};

/// The Ledger's admission rule, which a store applies inside its reservation: given each
/// scope's spending (in the order of the reservation's scopes), nothing admits the call, an
/// error refuses it.
using ReservationCheck = std::function<std::optional<Error>(const std::vector<ScopeSpending> &)>;

/// Where a Ledger keeps its records, budgets and reservations: the seam between the ledger's
/// rules (the Ledger: what is valid, nested budgets, the admission rule and its message,
/// totals) and storage. The core keeps them in memory, persisted in a KeyValueStore (what
/// Ledger(KeyValueStore*) uses, the Wasm build's); natively, native::SqliteLedgerStore keeps
/// them in SQLite, shared by every process of the machine.
///
/// A store trusts its caller: the Ledger has validated what it passes. Days are UTC days
/// since 1970-01-01 (a record's day is its at_ms divided by 86'400'000). Money sums stop at the
/// int64 maximum. Implementations say whether they are thread-safe.
class LedgerStore {
public:
  virtual ~LedgerStore() = default;

  /// Reads what persists, for a store that keeps its records in memory, replacing its records
  /// and budgets (reservations stay); returns the torn lines it skipped. A store that reads
  /// its storage on every call has nothing to do.
  virtual Result<std::vector<TornLine>> load() = 0;

  /// Atomically, with respect to everything else using the same storage (other ledgers, other
  /// processes): reads each scope's budget, its known costs on the days [first_day, end_day)
  /// and its live reservations, asks `check`, and when it returns no error holds `estimate` in
  /// every scope as one new reservation. Returns the error `check` returned, holding nothing;
  /// `check` admits only estimates that fit every scope's reserved sum.
  virtual Result<Reservation> reserve(const std::vector<std::string> &scopes,
                                      Picodollars estimate, std::int64_t first_day,
                                      std::int64_t end_day, const ReservationCheck &check) = 0;

  /// Atomically drops the pending `reservation` and adds `record`. invalid_argument, changing
  /// nothing, when the reservation is not pending (settled, released or never made here) or a
  /// day's spending in one of the record's scopes would not fit an int64.
  virtual Result<void> settle(Reservation reservation, const UsageRecord &record) = 0;

  /// Drops a reservation with nothing spent. Unknown or dropped reservations are ignored.
  virtual void release(Reservation reservation) noexcept = 0;

  /// Adds `record`; invalid_argument as settle.
  virtual Result<void> record(const UsageRecord &record) = 0;

  /// Sets (or, with nothing, removes) a scope's monthly budget.
  virtual Result<void> set_budget(const std::string &scope,
                                  std::optional<Picodollars> monthly_limit) = 0;

  /// Every budget, by scope.
  virtual Result<std::map<std::string, Picodollars, std::less<>>> budgets() = 0;

  /// The known costs recorded in `scope` on the days [first_day, end_day).
  virtual Result<Picodollars> spent(std::string_view scope, std::int64_t first_day,
                                    std::int64_t end_day) = 0;

  /// The records of the days [first_day, end_day), by day, then in the order recorded.
  virtual Result<std::vector<UsageRecord>> records(std::int64_t first_day,
                                                   std::int64_t end_day) = 0;
};

/// Usage records and budgets, with the rules that keep them: what a valid scope and record
/// are, nested budgets, admission, totals. They live in a LedgerStore: by default in memory,
/// persisted in a KeyValueStore under "ledger/":
///   ledger/budgets.json                  {"version":1,"budgets":{"<scope>":<picodollars>}}
///   ledger/records/YYYY-MM-DD.jsonl      one record per line (JSON), for each UTC day
///
/// Budgets nest: a call charges every scope in its list and is refused when any of them would
/// go over its monthly budget. Concurrent calls see each other through reservations: each
/// call's estimate is held against its scopes from reserve() until settle() or release().
/// What this guarantees, for every scope: a call is admitted only when the month's spending,
/// everything reserved and its own estimate fit the limit; so the month's spending ends above
/// the limit by at most the sum of (actual - estimate) over the calls admitted together with
/// the last one admitted. Calls made one after another therefore overspend by at most one
/// call's estimate error; k calls in flight at once by at most their k errors (an admitted
/// call cannot be recalled, and settle() records what was spent even above its estimate).
/// Estimates that are upper bounds (max_tokens at the output price) never overspend. A
/// record counts in the month of its at_ms, even when its call was admitted the month before.
/// The guarantee holds across everything that shares the store: across processes with
/// native::SqliteLedgerStore, within one ledger with the key-value store.
///
/// Every method passes on its store's errors (`storage` from a database); the key-value
/// store's reads never fail.
///
/// Not thread-safe: calls interleaved in one thread (the session's way) are fine; threads
/// must share one Ledger under a lock of their own.
class Ledger {
public:
  /// A ledger in memory, persisting to `store` (borrowed; it must outlive the ledger) under
  /// "ledger/", or to nothing when `store` is null. Call load() before use.
  explicit Ledger(KeyValueStore *store = nullptr);

  /// A ledger in `store` (borrowed; it must outlive the ledger).
  explicit Ledger(LedgerStore &store);

  ~Ledger();
  Ledger(const Ledger &) = delete;
  Ledger &operator=(const Ledger &) = delete;

  /// Reads what the store persists (LedgerStore::load): for the key-value store, the budgets
  /// and every day file, replacing the ledger's records and budgets (reservations stay).
  /// Members it does not know are ignored. A torn last line of a day file (see TornLine) is
  /// skipped and returned, so that a crash mid-append never blocks the ledger; any other
  /// line that does not parse or holds an invalid record is bad_response naming the file and
  /// line, since a damaged line inside a file is no crash's doing and money is never dropped
  /// silently. On any error the ledger is left as it was.
  Result<std::vector<TornLine>> load();

  /// Sets (or, with nothing, removes) a scope's monthly budget, and persists the budgets.
  /// invalid_argument for an invalid scope or a negative limit; on a storage error the
  /// budgets are left as they were.
  Result<void> set_budget(std::string scope, std::optional<Picodollars> monthly_limit);

  /// The scope's monthly budget, if it has one.
  Result<std::optional<Picodollars>> budget(std::string_view scope) const;

  /// Every monthly budget, by scope.
  Result<std::map<std::string, Picodollars, std::less<>>> budgets() const;

  /// Before a call: checks that every scope in `scopes` that has a budget can take `estimate`
  /// on top of what the scope spent this month (the UTC month of now_ms) plus what is
  /// reserved, and reserves it in all of them at once (in scopes without a budget too, so
  /// that a budget set later sees it). budget_exceeded (origin Session) otherwise, naming the
  /// scope, its limit, spent, reserved and the estimate, with nothing reserved.
  /// invalid_argument for an invalid or repeated scope or a negative estimate.
  Result<Reservation> reserve(const std::vector<std::string> &scopes, Picodollars estimate,
                              std::int64_t now_ms);

  /// After the call: drops the reservation and records what it actually cost (even above the
  /// estimate: the money is spent), charged to the record's scopes. Persists the record.
  /// invalid_argument, with the reservation kept, when the record is invalid (see record());
  /// invalid_argument when the reservation is not pending (settled or released already), so
  /// that nothing is charged twice.
  Result<void> settle(Reservation reservation, UsageRecord record);

  /// Drops a reservation with nothing spent. Unknown or dropped reservations are ignored.
  void release(Reservation reservation) noexcept;

  /// Records usage not reserved beforehand, and persists it. invalid_argument when at_ms is
  /// outside 1970..9999, the cost is negative, a scope is invalid or repeated, the user or a
  /// scope holds a control character (it would print as other rows), a string is not valid
  /// UTF-8 (JSON could not store it exactly), the provider is not a Provider, or the day's
  /// spending in a scope would not fit an int64. With the key-value store, on a storage error
  /// the record still counts (the money is spent) and the error is returned; the day's file
  /// is written whole again with the day's next record.
  Result<void> record(UsageRecord record);

  /// Spent in `scope` during the period that contains at_ms: known costs only. Stops at the
  /// int64 maximum (which is over any budget) rather than overflow.
  Result<Picodollars> spent(std::string_view scope, Period period, std::int64_t at_ms) const;

  /// Totals grouped by `by`, for records with from_ms <= at_ms < to_ms, only `user`'s when it
  /// is not empty; groups sorted by key ("2026-11-25", "2026-W48", "2026-11", user ids,
  /// model ids, provider names, scopes). A record counts in each of its scopes' groups, and
  /// in none by Scope when it has none; records of no user group under "".
  Result<std::vector<std::pair<std::string, Totals>>>
  totals(GroupBy by, std::int64_t from_ms, std::int64_t to_ms, std::string_view user = {}) const;

  /// Every record, by UTC day, then in the order recorded.
  Result<std::vector<UsageRecord>> records() const;

  /// The records with from_ms <= at_ms < to_ms as a transfer document, for moving a ledger to
  /// another machine or browser: {"format": "llmux-ledger", "version": 1, "records": [...]},
  /// each record as the day files hold it (at_ms, user, scopes, model, provider, usage, cost
  /// in picodollars when known, outcome).
  Result<std::string> export_records(std::int64_t from_ms, std::int64_t to_ms) const;

  /// Adds the records of a transfer document (export_records' text), so that importing the
  /// same document twice adds nothing: each distinct record is added as many times as the
  /// document holds it beyond the times the ledger already does (two calls alike in every
  /// field, at the same millisecond, stay two). The whole document is checked before anything
  /// is added: invalid_argument, with nothing added, when it is not JSON, not of this format
  /// and version, or a record is malformed or invalid as record() checks it (the message
  /// names its index). A storage error is returned as record() returns it.
  Result<ImportedRecords> import_records(std::string_view document);

private:
  std::unique_ptr<LedgerStore> owned_store_;
  LedgerStore *store_;
};

} // namespace llmux
