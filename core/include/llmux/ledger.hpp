#pragma once
/// The usage ledger: every charged call, spending by scope and period, and nested monthly
/// budgets enforced with reservations.

#include <llmux/key_value_store.hpp>
#include <llmux/money.hpp>
#include <llmux/provider.hpp>
#include <llmux/result.hpp>
#include <llmux/usage.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmux {

/// One charged call (or a cancelled/failed call's usage so far).
///
/// Scopes name what a call is charged to, as "kind:id" by convention ("key:k1",
/// "project:acme", "user:alice"). A scope is 1 to `max_scope_bytes` bytes of UTF-8 text. An
/// API key is never a scope: "key:..." takes the key's id or a hash of it, which the caller
/// computes. A scope that looks like a raw provider key (a part starting "sk-" or "AIza"
/// and at least 20 bytes long) is refused with invalid_argument.
struct UsageRecord {
  /// Unix ms from the host's clock (passed in), from 1970 up to the end of year 9999.
  std::int64_t at_ms = 0;
  /// The end user, may be empty.
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

/// Usage records and budgets, persisted in a KeyValueStore under "ledger/":
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
///
/// Not thread-safe: calls interleaved in one thread (the session's way) are fine; threads
/// must share one Ledger under a lock of their own.
class Ledger {
public:
  /// A ledger persisting to `store` (borrowed; it must outlive the ledger) under "ledger/",
  /// or in memory only when `store` is null. Call load() before use.
  explicit Ledger(KeyValueStore *store = nullptr);

  /// Reads the budgets and every day file from the store, replacing the ledger's records and
  /// budgets (reservations stay). Members it does not know are ignored. bad_response naming
  /// the file (and line) when a file does not parse or holds an invalid record: money is
  /// never dropped silently. On any error the ledger is left as it was.
  Result<bool> load();

  /// Sets (or, with nothing, removes) a scope's monthly budget, and persists the budgets.
  /// invalid_argument for an invalid scope or a negative limit; on a storage error the
  /// budgets are left as they were.
  Result<bool> set_budget(std::string scope, std::optional<Picodollars> monthly_limit);

  /// The scope's monthly budget, if it has one.
  std::optional<Picodollars> budget(std::string_view scope) const;

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
  Result<bool> settle(Reservation reservation, UsageRecord record);

  /// Drops a reservation with nothing spent. Unknown or dropped reservations are ignored.
  void release(Reservation reservation) noexcept;

  /// Records usage not reserved beforehand, and persists it by rewriting its day's file.
  /// invalid_argument when at_ms is outside 1970..9999, the cost is negative, a scope is
  /// invalid or repeated, a string is not valid UTF-8 (JSON could not store it exactly), the
  /// provider is not a Provider, or the day's spending in a scope would not fit an int64. On
  /// a storage error the record still counts (the money is spent) and the error is returned;
  /// the day's file is written whole again with the day's next record.
  Result<bool> record(UsageRecord record);

  /// Spent in `scope` during the period that contains at_ms: known costs only. Stops at the
  /// int64 maximum (which is over any budget) rather than overflow.
  Picodollars spent(std::string_view scope, Period period, std::int64_t at_ms) const;

  /// Totals grouped by `by`, for records with from_ms <= at_ms < to_ms, only `user`'s when it
  /// is not empty; groups sorted by key ("2026-11-25", "2026-W48", "2026-11", user ids,
  /// model ids, provider names, scopes). A record counts in each of its scopes' groups, and
  /// in none by Scope when it has none; records of no user group under "".
  std::vector<std::pair<std::string, Totals>>
  totals(GroupBy by, std::int64_t from_ms, std::int64_t to_ms, std::string_view user = {}) const;

  /// Every record, in the order recorded (after load(): by day, then as stored). Owned by the
  /// ledger: a record, settle or load may move its elements, so do not keep pointers to them.
  const std::vector<UsageRecord> &records() const noexcept;

private:
  struct Pending {
    std::vector<std::string> scopes;
    Picodollars estimate = 0;
  };
  // Everything load() replaces, so that a failed load can leave the ledger as it was.
  struct State {
    std::vector<UsageRecord> records;
    // Day -> indices into records: what each day file holds.
    std::map<std::int64_t, std::vector<std::size_t>> records_by_day;
    // Scope -> day -> known cost charged to it that day: what reserve() and spent() sum.
    std::map<std::string, std::map<std::int64_t, Picodollars>, std::less<>> spent_by_day;
    std::map<std::string, Picodollars, std::less<>> budgets;
  };
  static Result<bool> add_record(State &state, UsageRecord &&record);
  Result<bool> persist_day(std::int64_t day);
  Result<bool> persist_budgets(const std::map<std::string, Picodollars, std::less<>> &budgets);
  Picodollars spent_in(std::string_view scope, std::int64_t first_day, std::int64_t end_day) const;

  KeyValueStore *store_;
  State state_;
  std::map<std::uint64_t, Pending> pending_;
  // Scope -> sum of pending estimates.
  std::map<std::string, Picodollars, std::less<>> reserved_;
  std::uint64_t next_reservation_ = 1;
  // The JSON lines of the day last persisted and how many of its records they hold: a new
  // record of that day appends its one line instead of encoding the whole day again.
  struct EncodedDay {
    std::int64_t day = 0;
    std::size_t records = 0;
    std::string text;
  };
  std::optional<EncodedDay> encoded_day_;
};

} // namespace llmux
