#include "ledger/key_value_ledger_store.hpp"

#include "ledger/calendar.hpp"
#include "ledger/record_validation.hpp"
#include "ledger/usage_record_codec.hpp"

#include <limits>

namespace llmux {
namespace {

constexpr std::string_view budgets_key = "ledger/budgets.json";
constexpr std::string_view records_folder = "ledger/records/";
constexpr std::string_view day_file_suffix = ".jsonl";

std::string day_file_key(std::int64_t day) {
  std::string key(records_folder);
  key += day_key(day);
  key += day_file_suffix;
  return key;
}

} // namespace

Result<void> KeyValueLedgerStore::add_record(State &state, const UsageRecord &record) {
  const std::int64_t day = day_of(record.at_ms);
  // Day sums must stay exact: refuse the record whose cost a day of one of its scopes
  // cannot hold, before changing anything.
  if (record.cost) {
    for (const std::string &scope : record.scopes) {
      auto scope_days = state.spent_by_day.find(scope);
      if (scope_days == state.spent_by_day.end())
        continue;
      auto spent = scope_days->second.find(day);
      if (spent != scope_days->second.end() && !add_money(spent->second, *record.cost))
        return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                          "a record whose cost does not fit the day's spending in \"" + scope +
                              "\"");
    }
    for (const std::string &scope : record.scopes)
      state.spent_by_day[scope][day] += *record.cost;
  }
  state.days[day].records.push_back(state.records.size());
  state.records.push_back(record);
  return {};
}

Result<std::vector<TornLine>> KeyValueLedgerStore::load() {
  std::vector<TornLine> torn;
  if (!store_)
    return torn;
  State fresh;

  auto budgets_text = store_->get(budgets_key);
  if (!budgets_text.ok())
    return std::move(budgets_text).error();
  if (budgets_text.value()) {
    auto budgets = decode_budgets(*budgets_text.value());
    if (!budgets.ok())
      return bad_response(std::string(budgets_key) + ": " + budgets.error().message);
    for (const auto &[scope, limit] : budgets.value()) {
      std::optional<std::string> problem = scope_problem(scope, RecordSource::Storage);
      if (!problem && limit < 0)
        problem = "a negative budget";
      if (problem)
        return bad_response(std::string(budgets_key) + ": " + *problem);
    }
    fresh.budgets = std::move(budgets).value();
  }

  auto keys = store_->list(records_folder);
  if (!keys.ok())
    return std::move(keys).error();
  for (const std::string &key : keys.value()) {
    std::string_view name = std::string_view(key).substr(records_folder.size());
    if (name.find('/') != std::string_view::npos || name.size() < day_file_suffix.size() ||
        name.substr(name.size() - day_file_suffix.size()) != day_file_suffix)
      continue; // not a day file: not the ledger's
    auto day = day_from_key(name.substr(0, name.size() - day_file_suffix.size()));
    if (!day)
      return bad_response(key + ": a day file whose name is not a date");
    auto text = store_->get(key);
    if (!text.ok())
      return std::move(text).error();
    if (!text.value())
      continue; // removed since it was listed
    std::string_view rest = *text.value();
    // Appending to the file is safe when its last line ends in a newline (or it is empty).
    bool appendable = rest.empty() || rest.back() == '\n';
    for (std::size_t line_number = 1; !rest.empty(); ++line_number) {
      std::size_t end = rest.find('\n');
      const bool terminated = end != std::string_view::npos;
      std::string_view line = rest.substr(0, end);
      rest.remove_prefix(terminated ? end + 1 : rest.size());
      if (line.empty())
        continue;
      auto where = [&] { return key + " line " + std::to_string(line_number) + ": "; };
      auto parsed = json::parse(line);
      if (!parsed.ok()) {
        // A torn append: lines are written whole with their newline last, so a crash (or a
        // file cut short) can only leave the last line unterminated, and a JSON object cut
        // anywhere does not parse. Its record is lost whatever we do; refusing the ledger
        // for it would also block every later call until someone edits the file by hand.
        // Any other damage (a terminated line, a line that parses but is no valid record)
        // is not a crash's doing and may hide records: that still refuses, naming the line,
        // because money is never dropped silently.
        if (!terminated) {
          torn.push_back(TornLine{key, line_number, line.size()});
          appendable = false;
          break;
        }
        return bad_response(where() + parsed.error().message);
      }
      auto record = record_from_json(parsed.value());
      if (!record.ok())
        return bad_response(where() + record.error().message);
      if (auto problem = record_problem(record.value(), RecordSource::Storage))
        return bad_response(where() + *problem);
      // A record in another day's file would be written to both files by the next save.
      if (day_of(record.value().at_ms) != *day)
        return bad_response(where() + "a record of another day");
      auto added = add_record(fresh, record.value());
      if (!added.ok())
        return bad_response(where() + added.error().message);
    }
    if (appendable) {
      Day &file = fresh.days[*day];
      file.written = file.records.size();
    }
  }
  state_ = std::move(fresh);
  return torn;
}

Result<void> KeyValueLedgerStore::persist_day(std::int64_t day) {
  if (!store_)
    return {};
  // A file per UTC day leaves past days' files untouched. A record adds its line to its day's
  // file (append: what a call costs does not grow with the day), unless the file must be
  // written whole (put, atomic): its first record, or a torn line that load() skipped and a
  // rewrite drops, or a failed write that may have left part of a line.
  Day &file = state_.days[day]; // there: its record was just added
  const bool whole = file.written == unwritten;
  std::string lines;
  for (std::size_t i = whole ? 0 : file.written; i < file.records.size(); ++i) {
    write_record(state_.records[file.records[i]], lines);
    lines.push_back('\n');
  }
  const std::string key = day_file_key(day);
  auto stored = whole ? store_->put(key, lines) : store_->append(key, lines);
  file.written = stored.ok() ? file.records.size() : unwritten;
  return stored;
}

Result<void> KeyValueLedgerStore::set_budget(const std::string &scope,
                                             std::optional<Picodollars> monthly_limit) {
  auto budgets = state_.budgets;
  if (monthly_limit)
    budgets[scope] = *monthly_limit;
  else
    budgets.erase(scope);
  if (store_) {
    auto persisted = store_->put(budgets_key, encode_budgets(budgets));
    if (!persisted.ok())
      return persisted;
  }
  state_.budgets = std::move(budgets);
  return {};
}

Result<std::map<std::string, Picodollars, std::less<>>> KeyValueLedgerStore::budgets() {
  return state_.budgets;
}

Result<Reservation> KeyValueLedgerStore::reserve(const std::vector<std::string> &scopes,
                                                 Picodollars estimate, std::int64_t first_day,
                                                 std::int64_t end_day,
                                                 const ReservationCheck &check) {
  std::vector<ScopeSpending> spending;
  spending.reserve(scopes.size());
  for (const std::string &scope : scopes) {
    ScopeSpending scope_spending;
    if (auto limit = state_.budgets.find(scope); limit != state_.budgets.end())
      scope_spending.budget = limit->second;
    scope_spending.spent = spent_in(scope, first_day, end_day);
    if (auto reserved = reserved_.find(scope); reserved != reserved_.end())
      scope_spending.reserved = reserved->second;
    spending.push_back(scope_spending);
  }
  if (auto refused = check(spending))
    return std::move(*refused);
  for (const std::string &scope : scopes)
    reserved_[scope] += estimate;
  const std::uint64_t id = next_reservation_++;
  pending_.emplace(id, Pending{scopes, estimate});
  return Reservation{id};
}

Result<void> KeyValueLedgerStore::settle(Reservation reservation, const UsageRecord &record) {
  if (!pending_.count(reservation.id))
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "reservation " + std::to_string(reservation.id) +
                          " is not pending: settled or released already");
  auto added = add_record(state_, record);
  if (!added.ok())
    return added;
  release(reservation);
  return persist_day(day_of(record.at_ms));
}

void KeyValueLedgerStore::release(Reservation reservation) noexcept {
  auto found = pending_.find(reservation.id);
  if (found == pending_.end())
    return;
  for (const std::string &scope : found->second.scopes) {
    auto reserved = reserved_.find(scope);
    if (reserved == reserved_.end())
      continue;
    reserved->second -= found->second.estimate;
    if (reserved->second == 0)
      reserved_.erase(reserved);
  }
  pending_.erase(found);
}

Result<void> KeyValueLedgerStore::record(const UsageRecord &record) {
  auto added = add_record(state_, record);
  if (!added.ok())
    return added;
  return persist_day(day_of(record.at_ms));
}

Picodollars KeyValueLedgerStore::spent_in(std::string_view scope, std::int64_t first_day,
                                          std::int64_t end_day) const {
  auto scope_days = state_.spent_by_day.find(scope);
  if (scope_days == state_.spent_by_day.end())
    return 0;
  Picodollars sum = 0;
  for (auto day = scope_days->second.lower_bound(first_day);
       day != scope_days->second.end() && day->first < end_day; ++day)
    sum = add_money(sum, day->second).value_or(std::numeric_limits<Picodollars>::max());
  return sum;
}

Result<Picodollars> KeyValueLedgerStore::spent(std::string_view scope, std::int64_t first_day,
                                               std::int64_t end_day) {
  return spent_in(scope, first_day, end_day);
}

Result<std::vector<UsageRecord>> KeyValueLedgerStore::records(std::int64_t first_day,
                                                              std::int64_t end_day) {
  std::vector<UsageRecord> out;
  for (auto day = state_.days.lower_bound(first_day);
       day != state_.days.end() && day->first < end_day; ++day)
    for (std::size_t index : day->second.records)
      out.push_back(state_.records[index]);
  return out;
}

} // namespace llmux
