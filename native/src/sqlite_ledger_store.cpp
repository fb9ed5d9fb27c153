#include <llmux/native/sqlite_ledger_store.hpp>

#include <llmux/native/environment.hpp>

#include "process_identity.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace llmux::native {
namespace {

// A record's day, as LedgerStore counts days (records are dated from 1970 on).
constexpr std::int64_t ms_per_day = 86'400'000;

constexpr Picodollars money_max = std::numeric_limits<Picodollars>::max();

static_assert(usage_counts.size() == 8,
              "a count added to Usage needs its column in usage_records (database.cpp) and a "
              "new schema version");

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

// The columns of usage_records that a record's fields go to and come from, in this order:
// at_ms, user, scopes, model, provider, the usage counts, cost, outcome.
std::string record_columns() {
  std::string columns = "at_ms, user, scopes, model, provider";
  for (const auto &[name, count] : usage_counts)
    columns += ", " + std::string(name);
  return columns + ", cost_picodollars, outcome";
}

const std::string &insert_record_sql() {
  static const std::string sql = [] {
    std::string values = "?1, ?2, ?3, ?4, ?5, ?6";
    for (std::size_t i = 0; i < usage_counts.size() + 2; ++i)
      values += ", ?" + std::to_string(i + 7);
    return "INSERT INTO usage_records (day, " + record_columns() + ") VALUES (" + values + ")";
  }();
  return sql;
}

const std::string &select_records_sql() {
  static const std::string sql = "SELECT id, " + record_columns() +
                                 " FROM usage_records WHERE day >= ?1 AND day < ?2 "
                                 "ORDER BY day, id";
  return sql;
}

// The provider of an exact name, as records store it (see usage_record_codec.hpp).
std::optional<Provider> provider_named(std::string_view name) {
  for (const ProviderInfo &info : all_providers())
    if (info.name == name)
      return info.provider;
  return std::nullopt;
}

std::string scopes_json(const std::vector<std::string> &scopes) {
  return nlohmann::json(scopes).dump();
}

std::optional<std::vector<std::string>> scopes_from_json(std::string_view text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array())
    return std::nullopt;
  std::vector<std::string> scopes;
  for (const nlohmann::json &scope : parsed) {
    if (!scope.is_string())
      return std::nullopt;
    scopes.push_back(scope.get<std::string>());
  }
  return scopes;
}

} // namespace

SqliteLedgerStore::SqliteLedgerStore(Database &database) : database_(database) {
  ProcessIdentity self = current_process();
  boot_id_ = std::move(self.boot_id);
  pid_namespace_ = std::move(self.pid_namespace);
  pid_ = self.pid;
  process_start_ = self.start_ticks;
}

Result<std::vector<TornLine>> SqliteLedgerStore::load() {
  return std::vector<TornLine>();
}

Result<void> SqliteLedgerStore::insert_record(const UsageRecord &record) {
  const std::int64_t day = record.at_ms / ms_per_day;
  // The day's spending per scope, kept exact: a record it cannot hold is refused, as the
  // core's store refuses it.
  if (record.cost) {
    for (const std::string &scope : record.scopes) {
      auto spent_that_day = database_.integer(
          "SELECT picodollars FROM scope_spending WHERE scope = ?1 AND day = ?2", scope, day);
      if (!spent_that_day.ok())
        return std::move(spent_that_day).error();
      auto sum = add_money(spent_that_day.value().value_or(0), *record.cost);
      if (!sum)
        return invalid("a record whose cost does not fit the day's spending in \"" + scope + "\"");
      auto written = database_.run(
          "INSERT INTO scope_spending (scope, day, picodollars) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (scope, day) DO UPDATE SET picodollars = excluded.picodollars",
          scope, day, *sum);
      if (!written.ok())
        return written;
    }
  }
  auto insert = database_.statement(insert_record_sql());
  if (!insert.ok())
    return std::move(insert).error();
  Statement &row = insert.value();
  row.bind_all(day, record.at_ms, record.user, scopes_json(record.scopes), record.model,
               provider_info(record.provider).name);
  int column = 7;
  for (const auto &[name, count] : usage_counts)
    row.bind(column++, record.usage.*count);
  row.bind(column, record.cost);
  row.bind(column + 1, record.outcome);
  auto done = row.step();
  if (!done.ok())
    return std::move(done).error();
  return {};
}

Result<void> SqliteLedgerStore::reclaim_ended_reservations() {
  auto owners = database_.statement("SELECT id, boot_id, pid_namespace, pid, process_start, "
                                    "reserved_at_ms FROM reservations");
  if (!owners.ok())
    return std::move(owners).error();
  const ProcessIdentity self{boot_id_, pid_namespace_, pid_, process_start_};
  const std::int64_t now = now_ms();
  std::vector<std::int64_t> ended;
  while (true) {
    auto row = owners.value().step();
    if (!row.ok())
      return std::move(row).error();
    if (row.value() == Step::Done)
      break;
    Statement &owner = owners.value();
    const ProcessIdentity identity{std::string(owner.text(1)), std::string(owner.text(2)),
                                   owner.integer(3), owner.integer(4)};
    if (identity == self)
      continue;
    const Liveness state = liveness(identity, self);
    if (state == Liveness::Ended ||
        (state == Liveness::Unknown && now - owner.integer(5) > foreign_reservation_lifetime_ms))
      ended.push_back(owner.integer(0));
  }
  for (std::int64_t id : ended)
    for (const char *sql : {"DELETE FROM reservation_scopes WHERE reservation_id = ?1",
                            "DELETE FROM reservations WHERE id = ?1"})
      if (auto removed = database_.run(sql, id); !removed.ok())
        return removed;
  return {};
}

Result<Reservation> SqliteLedgerStore::reserve(const std::vector<std::string> &scopes,
                                               Picodollars estimate, std::int64_t first_day,
                                               std::int64_t end_day,
                                               const ReservationCheck &check) {
  auto reserved = database_.write([&]() -> Result<Reservation> {
    if (auto reclaimed = reclaim_ended_reservations(); !reclaimed.ok())
      return std::move(reclaimed).error();
    std::vector<ScopeSpending> spending;
    for (const std::string &scope : scopes) {
      ScopeSpending scope_spending;
      auto limit = database_.integer(
          "SELECT monthly_limit_picodollars FROM budgets WHERE scope = ?1", scope);
      if (!limit.ok())
        return std::move(limit).error();
      scope_spending.budget = limit.value();
      auto spent_now = spent(scope, first_day, end_day);
      if (!spent_now.ok())
        return std::move(spent_now).error();
      scope_spending.spent = spent_now.value();
      auto held = database_.statement(
          "SELECT r.estimate_picodollars FROM reservation_scopes AS s "
          "JOIN reservations AS r ON r.id = s.reservation_id WHERE s.scope = ?1");
      if (!held.ok())
        return std::move(held).error();
      held.value().bind(1, scope);
      while (true) {
        auto row = held.value().step();
        if (!row.ok())
          return std::move(row).error();
        if (row.value() == Step::Done)
          break;
        scope_spending.reserved =
            add_money(scope_spending.reserved, held.value().integer(0)).value_or(money_max);
      }
      spending.push_back(scope_spending);
    }
    if (auto refused = check(spending))
      return std::move(*refused);

    auto inserted = database_.run(
        "INSERT INTO reservations (estimate_picodollars, boot_id, pid_namespace, pid, "
        "process_start, reserved_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        estimate, boot_id_, pid_namespace_, pid_, process_start_, now_ms());
    if (!inserted.ok())
      return std::move(inserted).error();
    const std::int64_t id = database_.last_insert_id();
    for (const std::string &scope : scopes)
      if (auto held = database_.run(
              "INSERT INTO reservation_scopes (scope, reservation_id) VALUES (?1, ?2)", scope, id);
          !held.ok())
        return std::move(held).error();
    return Reservation{static_cast<std::uint64_t>(id)};
  });
  if (reserved.ok())
    pending_.insert(reserved.value().id);
  return reserved;
}

Result<void> SqliteLedgerStore::delete_own_reservation(Reservation reservation) {
  const auto id = static_cast<std::int64_t>(reservation.id);
  if (auto scopes = database_.run("DELETE FROM reservation_scopes WHERE reservation_id = ?1", id);
      !scopes.ok())
    return scopes;
  return database_.run("DELETE FROM reservations WHERE id = ?1 AND pid = ?2", id, pid_);
}

Result<void> SqliteLedgerStore::settle(Reservation reservation, const UsageRecord &record) {
  // This store's own list says what is pending, not the table: a reservation reclaimed in the
  // meantime (a call in a container that outlived foreign_reservation_lifetime_ms) was still
  // spent, and its record must still be written, once.
  if (!pending_.count(reservation.id))
    return invalid("reservation " + std::to_string(reservation.id) +
                   " is not pending: settled or released already");
  auto settled = database_.write([&]() -> Result<void> {
    if (auto removed = delete_own_reservation(reservation); !removed.ok())
      return removed;
    return insert_record(record);
  });
  if (settled.ok())
    pending_.erase(reservation.id);
  return settled;
}

void SqliteLedgerStore::release(Reservation reservation) noexcept {
  if (!pending_.erase(reservation.id))
    return;
  (void)database_.write([&] { return delete_own_reservation(reservation); });
}

Result<void> SqliteLedgerStore::record(const UsageRecord &record) {
  return database_.write([&] { return insert_record(record); });
}

Result<void> SqliteLedgerStore::set_budget(const std::string &scope,
                                           std::optional<Picodollars> monthly_limit) {
  return database_.write([&] {
    if (!monthly_limit)
      return database_.run("DELETE FROM budgets WHERE scope = ?1", scope);
    return database_.run("INSERT INTO budgets (scope, monthly_limit_picodollars) VALUES (?1, ?2) "
                         "ON CONFLICT (scope) DO UPDATE SET monthly_limit_picodollars = "
                         "excluded.monthly_limit_picodollars",
                         scope, *monthly_limit);
  });
}

Result<std::map<std::string, Picodollars, std::less<>>> SqliteLedgerStore::budgets() {
  auto read = database_.statement("SELECT scope, monthly_limit_picodollars FROM budgets");
  if (!read.ok())
    return std::move(read).error();
  std::map<std::string, Picodollars, std::less<>> budgets;
  while (true) {
    auto row = read.value().step();
    if (!row.ok())
      return std::move(row).error();
    if (row.value() == Step::Done)
      return budgets;
    budgets.emplace(std::string(read.value().text(0)), read.value().integer(1));
  }
}

Result<Picodollars> SqliteLedgerStore::spent(std::string_view scope, std::int64_t first_day,
                                             std::int64_t end_day) {
  auto read = database_.statement(
      "SELECT picodollars FROM scope_spending WHERE scope = ?1 AND day >= ?2 AND day < ?3");
  if (!read.ok())
    return std::move(read).error();
  read.value().bind_all(scope, first_day, end_day);
  Picodollars sum = 0;
  while (true) {
    auto row = read.value().step();
    if (!row.ok())
      return std::move(row).error();
    if (row.value() == Step::Done)
      return sum;
    sum = add_money(sum, read.value().integer(0)).value_or(money_max);
  }
}

Result<std::vector<UsageRecord>> SqliteLedgerStore::records(std::int64_t first_day,
                                                            std::int64_t end_day) {
  auto read = database_.statement(select_records_sql());
  if (!read.ok())
    return std::move(read).error();
  Statement &row = read.value();
  row.bind_all(first_day, end_day);
  std::vector<UsageRecord> records;
  while (true) {
    auto next = row.step();
    if (!next.ok())
      return std::move(next).error();
    if (next.value() == Step::Done)
      return records;
    auto damaged = [&](std::string_view what) {
      return bad_response(database_.path().string() + ": usage record " +
                          std::to_string(row.integer(0)) + ": " + std::string(what));
    };
    UsageRecord record;
    record.at_ms = row.integer(1);
    record.user = row.text(2);
    auto scopes = scopes_from_json(row.text(3));
    if (!scopes)
      return damaged("its scopes are not a JSON array of strings");
    record.scopes = std::move(*scopes);
    record.model = row.text(4);
    auto provider = provider_named(row.text(5));
    if (!provider)
      return damaged("an unknown provider \"" + std::string(row.text(5)) + "\"");
    record.provider = *provider;
    int column = 6;
    for (const auto &[name, count] : usage_counts) {
      if (!row.is_null(column))
        record.usage.*count = row.integer(column);
      ++column;
    }
    if (!row.is_null(column))
      record.cost = row.integer(column);
    record.outcome = row.text(column + 1);
    records.push_back(std::move(record));
  }
}

} // namespace llmux::native
