#include <llmux/ledger.hpp>

#include <llmux/utf8.hpp>

#include "ledger/calendar.hpp"
#include "ledger/usage_record_codec.hpp"

#include <algorithm>
#include <limits>

namespace llmux {
namespace {

constexpr std::string_view budgets_key = "ledger/budgets.json";
constexpr std::string_view records_folder = "ledger/records/";
constexpr std::string_view day_file_suffix = ".jsonl";

// Records are dated from 1970 to the end of 9999: four-digit years keep the day files' names
// fixed-width (so that they sort by date) and the arithmetic far from overflow.
constexpr std::int64_t first_record_ms = 0;
constexpr std::int64_t end_record_ms = 253'402'300'800'000; // 10000-01-01T00:00:00Z

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t sum;
  if (__builtin_add_overflow(a, b, &sum))
    return b > 0 ? int64_max : std::numeric_limits<std::int64_t>::min();
  return sum;
}

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

// Whether a part of a scope looks like a raw provider key: OpenAI ("sk-", "sk-proj-"),
// Anthropic ("sk-ant-"), OpenRouter ("sk-or-") and Google ("AIza") keys, long enough to be
// one (real ones are 39 bytes and more; short ids such as "sk-8" stay allowed).
bool looks_like_api_key(std::string_view part) noexcept {
  constexpr std::size_t min_key_bytes = 20;
  return part.size() >= min_key_bytes &&
         (part.substr(0, 3) == "sk-" || part.substr(0, 4) == "AIza");
}

// What is wrong with a scope, or nothing. Never quotes the scope when it may be a key.
std::optional<std::string> scope_problem(std::string_view scope) {
  if (scope.empty())
    return std::string("an empty scope");
  if (scope.size() > max_scope_bytes)
    return "a scope longer than " + std::to_string(max_scope_bytes) + " bytes";
  if (!is_valid_utf8(scope))
    return std::string("a scope that is not valid UTF-8");
  // "key:sk-...", "sk-...", "project:acme:AIza...": check the whole and every part after ':'.
  for (std::string_view rest = scope;;) {
    if (looks_like_api_key(rest))
      return std::string("a scope that looks like a raw API key: pass the key's id or a hash "
                         "of it, never the key");
    std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos)
      break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

std::optional<std::string> scopes_problem(const std::vector<std::string> &scopes) {
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (auto problem = scope_problem(scopes[i]))
      return problem;
    for (std::size_t j = 0; j < i; ++j)
      if (scopes[j] == scopes[i])
        return "the scope \"" + scopes[i] + "\" listed twice: it would be charged twice";
  }
  return std::nullopt;
}

std::optional<std::string> record_problem(const UsageRecord &record) {
  if (record.at_ms < first_record_ms || record.at_ms >= end_record_ms)
    return std::string("a record dated outside the years 1970 to 9999");
  if (record.cost && *record.cost < 0)
    return std::string("a record with a negative cost");
  if (static_cast<std::size_t>(record.provider) >= all_providers().size())
    return std::string("a record of no known provider");
  if (!is_valid_utf8(record.user) || !is_valid_utf8(record.model) || !is_valid_utf8(record.outcome))
    return std::string("a record whose user, model or outcome is not valid UTF-8");
  return scopes_problem(record.scopes);
}

std::string day_file_key(std::int64_t day) {
  std::string key(records_folder);
  key += day_key(day);
  key += day_file_suffix;
  return key;
}

void add_to(Totals &totals, const UsageRecord &record) {
  totals.requests = saturating_add(totals.requests, 1);
  totals.input_tokens = saturating_add(totals.input_tokens, record.usage.input_tokens.value_or(0));
  totals.output_tokens =
      saturating_add(totals.output_tokens, record.usage.output_tokens.value_or(0));
  totals.cached_input_tokens =
      saturating_add(totals.cached_input_tokens, record.usage.cached_input_tokens.value_or(0));
  totals.reasoning_tokens =
      saturating_add(totals.reasoning_tokens, record.usage.reasoning_tokens.value_or(0));
  if (record.cost)
    totals.cost = saturating_add(totals.cost, *record.cost);
  else
    totals.requests_without_cost = saturating_add(totals.requests_without_cost, 1);
}

} // namespace

Ledger::Ledger(KeyValueStore *store) : store_(store) {}

Result<bool> Ledger::add_record(State &state, UsageRecord &&record) {
  if (auto problem = record_problem(record))
    return invalid(*problem);
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
        return invalid("a record whose cost does not fit the day's spending in \"" + scope + "\"");
    }
    for (const std::string &scope : record.scopes) {
      Picodollars &spent = state.spent_by_day[scope][day];
      spent += *record.cost;
    }
  }
  state.records_by_day[day].push_back(state.records.size());
  state.records.push_back(std::move(record));
  return true;
}

Result<bool> Ledger::load() {
  if (!store_)
    return true;
  State fresh;

  auto budgets_text = store_->get(budgets_key);
  if (!budgets_text.ok())
    return std::move(budgets_text).error();
  if (budgets_text.value()) {
    auto budgets = decode_budgets(*budgets_text.value());
    if (!budgets.ok())
      return bad_response(std::string(budgets_key) + ": " + budgets.error().message);
    for (const auto &[scope, limit] : budgets.value()) {
      std::optional<std::string> problem = scope_problem(scope);
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
    for (std::size_t line_number = 1; !rest.empty(); ++line_number) {
      std::size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      if (line.empty())
        continue;
      auto where = [&] { return key + " line " + std::to_string(line_number) + ": "; };
      auto parsed = json::parse(line);
      if (!parsed.ok())
        return bad_response(where() + parsed.error().message);
      auto record = record_from_json(parsed.value());
      if (!record.ok())
        return bad_response(where() + record.error().message);
      // A record in another day's file would be written to both files by the next save.
      if (day_of(record.value().at_ms) != *day)
        return bad_response(where() + "a record of another day");
      auto added = add_record(fresh, std::move(record).value());
      if (!added.ok())
        return bad_response(where() + added.error().message);
    }
  }
  state_ = std::move(fresh);
  encoded_day_.reset(); // the records' positions may differ from what was encoded
  return true;
}

Result<bool> Ledger::persist_day(std::int64_t day) {
  if (!store_)
    return true;
  // Each record rewrites its whole day file with put (atomic: a crash leaves the old file or
  // the new one), so a file per UTC day keeps each rewrite to one day's records rather than
  // the whole history, and leaves the files of past days untouched. The day's text is kept
  // encoded: only the records added since it was last written are encoded now.
  static const std::vector<std::size_t> none;
  auto found = state_.records_by_day.find(day);
  const std::vector<std::size_t> &indices = found != state_.records_by_day.end() ? found->second : none;
  if (!encoded_day_ || encoded_day_->day != day || encoded_day_->records > indices.size())
    encoded_day_ = EncodedDay{day, 0, {}};
  for (std::size_t i = encoded_day_->records; i < indices.size(); ++i) {
    json::write(record_to_json(state_.records[indices[i]]), encoded_day_->text);
    encoded_day_->text.push_back('\n');
  }
  encoded_day_->records = indices.size();
  return store_->put(day_file_key(day), encoded_day_->text);
}

Result<bool>
Ledger::persist_budgets(const std::map<std::string, Picodollars, std::less<>> &budgets) {
  if (!store_)
    return true;
  return store_->put(budgets_key, encode_budgets(budgets));
}

Result<bool> Ledger::set_budget(std::string scope, std::optional<Picodollars> monthly_limit) {
  if (auto problem = scope_problem(scope))
    return invalid(*problem);
  if (monthly_limit && *monthly_limit < 0)
    return invalid("a negative budget for \"" + scope + "\"");
  auto budgets = state_.budgets;
  if (monthly_limit)
    budgets[std::move(scope)] = *monthly_limit;
  else
    budgets.erase(scope);
  auto persisted = persist_budgets(budgets);
  if (!persisted.ok())
    return persisted;
  state_.budgets = std::move(budgets);
  return true;
}

std::optional<Picodollars> Ledger::budget(std::string_view scope) const {
  auto found = state_.budgets.find(scope);
  if (found == state_.budgets.end())
    return std::nullopt;
  return found->second;
}

Result<Reservation> Ledger::reserve(const std::vector<std::string> &scopes, Picodollars estimate,
                                    std::int64_t now_ms) {
  if (estimate < 0)
    return invalid("a negative cost estimate");
  if (auto problem = scopes_problem(scopes))
    return invalid(*problem);
  const DayRange month = month_range(day_of(now_ms));
  for (const std::string &scope : scopes) {
    auto reserved_now = reserved_.find(scope);
    const Picodollars reserved = reserved_now == reserved_.end() ? 0 : reserved_now->second;
    auto reserved_after = add_money(reserved, estimate);
    if (!reserved_after)
      return invalid("the reservations in \"" + scope + "\" would not fit an int64");
    auto limit = budget(scope);
    if (!limit)
      continue;
    const Picodollars spent = spent_in(scope, month.first, month.end);
    auto total = add_money(spent, *reserved_after);
    if (!total || *total > *limit)
      return make_error(ErrorCode::BudgetExceeded, ErrorOrigin::Session,
                        "the monthly budget of \"" + scope + "\" would be exceeded: limit " +
                            format_usd(*limit) + ", spent " + format_usd(spent) + ", reserved " +
                            format_usd(reserved) + ", estimate " + format_usd(estimate));
  }
  for (const std::string &scope : scopes)
    reserved_[scope] += estimate;
  const std::uint64_t id = next_reservation_++;
  pending_.emplace(id, Pending{scopes, estimate});
  return Reservation{id};
}

Result<bool> Ledger::settle(Reservation reservation, UsageRecord record) {
  if (!pending_.count(reservation.id))
    return invalid("reservation " + std::to_string(reservation.id) +
                   " is not pending: settled or released already");
  const std::int64_t day = day_of(record.at_ms);
  auto added = add_record(state_, std::move(record));
  if (!added.ok())
    return added;
  release(reservation);
  return persist_day(day);
}

void Ledger::release(Reservation reservation) noexcept {
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

Result<bool> Ledger::record(UsageRecord record) {
  const std::int64_t day = day_of(record.at_ms);
  auto added = add_record(state_, std::move(record));
  if (!added.ok())
    return added;
  return persist_day(day);
}

Picodollars Ledger::spent_in(std::string_view scope, std::int64_t first_day,
                             std::int64_t end_day) const {
  auto scope_days = state_.spent_by_day.find(scope);
  if (scope_days == state_.spent_by_day.end())
    return 0;
  Picodollars sum = 0;
  for (auto day = scope_days->second.lower_bound(first_day);
       day != scope_days->second.end() && day->first < end_day; ++day)
    sum = saturating_add(sum, day->second);
  return sum;
}

Picodollars Ledger::spent(std::string_view scope, Period period, std::int64_t at_ms) const {
  const std::int64_t day = day_of(at_ms);
  DayRange range;
  switch (period) {
    case Period::Day:
      range = day_range(day);
      break;
    case Period::Week:
      range = week_range(day);
      break;
    case Period::Month:
      range = month_range(day);
      break;
  }
  return spent_in(scope, range.first, range.end);
}

std::vector<std::pair<std::string, Totals>>
Ledger::totals(GroupBy by, std::int64_t from_ms, std::int64_t to_ms, std::string_view user) const {
  std::map<std::string, Totals> groups;
  if (from_ms >= to_ms)
    return {};
  const std::int64_t last_day = day_of(to_ms - 1);
  for (auto day = state_.records_by_day.lower_bound(day_of(from_ms));
       day != state_.records_by_day.end() && day->first <= last_day; ++day) {
    for (std::size_t index : day->second) {
      const UsageRecord &record = state_.records[index];
      if (record.at_ms < from_ms || record.at_ms >= to_ms)
        continue;
      if (!user.empty() && record.user != user)
        continue;
      switch (by) {
        case GroupBy::User:
          add_to(groups[record.user], record);
          break;
        case GroupBy::Model:
          add_to(groups[record.model], record);
          break;
        case GroupBy::Provider:
          add_to(groups[std::string(provider_info(record.provider).name)], record);
          break;
        case GroupBy::Scope:
          for (const std::string &scope : record.scopes)
            add_to(groups[scope], record);
          break;
        case GroupBy::Day:
          add_to(groups[day_key(day->first)], record);
          break;
        case GroupBy::Week:
          add_to(groups[week_key(day->first)], record);
          break;
        case GroupBy::Month:
          add_to(groups[month_key(day->first)], record);
          break;
      }
    }
  }
  return {groups.begin(), groups.end()};
}

const std::vector<UsageRecord> &Ledger::records() const noexcept {
  return state_.records;
}

} // namespace llmux
