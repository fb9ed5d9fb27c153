#include <llmux/ledger.hpp>

#include "ledger/calendar.hpp"
#include "ledger/key_value_ledger_store.hpp"
#include "ledger/record_validation.hpp"

#include <algorithm>
#include <limits>

namespace llmux {
namespace {

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

// The days of every record: 1970 to the end of 9999 (see record_problem).
constexpr std::int64_t first_day = 0;
constexpr std::int64_t end_day = 2'932'897; // 10000-01-01

} // namespace

Ledger::Ledger(KeyValueStore *store)
    : owned_store_(std::make_unique<KeyValueLedgerStore>(store)), store_(owned_store_.get()) {}

Ledger::Ledger(LedgerStore &store) : store_(&store) {}

Ledger::~Ledger() = default;

Result<std::vector<TornLine>> Ledger::load() {
  return store_->load();
}

Result<void> Ledger::set_budget(std::string scope, std::optional<Picodollars> monthly_limit) {
  if (auto problem = scope_problem(scope, RecordSource::Caller))
    return invalid(*problem);
  if (monthly_limit && *monthly_limit < 0)
    return invalid("a negative budget for \"" + scope + "\"");
  return store_->set_budget(scope, monthly_limit);
}

Result<std::optional<Picodollars>> Ledger::budget(std::string_view scope) const {
  auto budgets = store_->budgets();
  if (!budgets.ok())
    return std::move(budgets).error();
  auto found = budgets.value().find(scope);
  if (found == budgets.value().end())
    return std::optional<Picodollars>();
  return std::optional<Picodollars>(found->second);
}

Result<std::map<std::string, Picodollars, std::less<>>> Ledger::budgets() const {
  return store_->budgets();
}

Result<Reservation> Ledger::reserve(const std::vector<std::string> &scopes, Picodollars estimate,
                                    std::int64_t now_ms) {
  if (estimate < 0)
    return invalid("a negative cost estimate");
  if (auto problem = scopes_problem(scopes, RecordSource::Caller))
    return invalid(*problem);
  // The admission rule runs inside the store's reservation, on what the store holds at that
  // moment, so that no other call (in this process or another) reserves in between.
  auto admit = [&](const std::vector<ScopeSpending> &spending) -> std::optional<Error> {
    for (std::size_t i = 0; i < scopes.size() && i < spending.size(); ++i) {
      const ScopeSpending &scope = spending[i];
      auto reserved_after = add_money(scope.reserved, estimate);
      if (!reserved_after)
        return invalid("the reservations in \"" + scopes[i] + "\" would not fit an int64");
      if (!scope.budget)
        continue;
      auto total = add_money(scope.spent, *reserved_after);
      if (!total || *total > *scope.budget)
        return make_error(ErrorCode::BudgetExceeded, ErrorOrigin::Session,
                          "the monthly budget of \"" + scopes[i] + "\" would be exceeded: limit " +
                              format_usd(*scope.budget) + ", spent " + format_usd(scope.spent) +
                              ", reserved " + format_usd(scope.reserved) + ", estimate " +
                              format_usd(estimate));
    }
    return std::nullopt;
  };
  const DayRange month = month_range(day_of(now_ms));
  return store_->reserve(scopes, estimate, month.first, month.end, admit);
}

Result<void> Ledger::settle(Reservation reservation, UsageRecord record) {
  if (auto problem = record_problem(record, RecordSource::Caller))
    return invalid(*problem);
  return store_->settle(reservation, record);
}

void Ledger::release(Reservation reservation) noexcept {
  store_->release(reservation);
}

Result<void> Ledger::record(UsageRecord record) {
  if (auto problem = record_problem(record, RecordSource::Caller))
    return invalid(*problem);
  return store_->record(record);
}

Result<Picodollars> Ledger::spent(std::string_view scope, Period period,
                                  std::int64_t at_ms) const {
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
  return store_->spent(scope, range.first, range.end);
}

Result<std::vector<std::pair<std::string, Totals>>>
Ledger::totals(GroupBy by, std::int64_t from_ms, std::int64_t to_ms, std::string_view user) const {
  std::map<std::string, Totals> groups;
  if (from_ms >= to_ms)
    return std::vector<std::pair<std::string, Totals>>();
  auto records = store_->records(std::max(first_day, day_of(from_ms)),
                                 std::min(end_day, day_of(to_ms - 1) + 1));
  if (!records.ok())
    return std::move(records).error();
  for (const UsageRecord &record : records.value()) {
    if (record.at_ms < from_ms || record.at_ms >= to_ms)
      continue;
    if (!user.empty() && record.user != user)
      continue;
    const std::int64_t day = day_of(record.at_ms);
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
        add_to(groups[day_key(day)], record);
        break;
      case GroupBy::Week:
        add_to(groups[week_key(day)], record);
        break;
      case GroupBy::Month:
        add_to(groups[month_key(day)], record);
        break;
    }
  }
  return std::vector<std::pair<std::string, Totals>>(groups.begin(), groups.end());
}

Result<std::vector<UsageRecord>> Ledger::records() const {
  return store_->records(first_day, end_day);
}

} // namespace llmux
