// The usage ledger: nested budgets with reservations, spending by UTC period, totals, the
// day files it persists to, and its refusal of raw API keys as scopes.

#include <llmux/ledger.hpp>

#include "ledger/calendar.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace llmux;

namespace {

// One cent in picodollars.
constexpr Picodollars cent = 10'000'000'000;

// Moments, in Unix ms (UTC).
constexpr std::int64_t oct31_235959_999 = 1793491199999; // 2026-10-31T23:59:59.999Z, Saturday
constexpr std::int64_t nov01_000000 = 1793491200000;     // 2026-11-01T00:00:00Z, Sunday
constexpr std::int64_t nov10_120000 = 1794312000000;     // 2026-11-10T12:00:00Z
constexpr std::int64_t nov29_235959_999 = 1795996799999; // 2026-11-29T23:59:59.999Z, Sunday
constexpr std::int64_t nov30_000000 = 1795996800000;     // 2026-11-30T00:00:00Z, Monday
constexpr std::int64_t dec31_230000 = 1798758000000;     // 2026-12-31T23:00:00Z, Thursday
constexpr std::int64_t jan01_003000 = 1798763400000;     // 2027-01-01T00:30:00Z, Friday

UsageRecord charge(std::int64_t at_ms, std::vector<std::string> scopes,
                   std::optional<Picodollars> cost, std::string user = "alice",
                   std::string model = "openai-gpt-4o-mini") {
  UsageRecord record;
  record.at_ms = at_ms;
  record.user = std::move(user);
  record.scopes = std::move(scopes);
  record.model = std::move(model);
  record.provider = Provider::OpenAi;
  record.usage.input_tokens = 100;
  record.usage.output_tokens = 20;
  record.cost = cost;
  record.outcome = "ok";
  return record;
}

// A store that fails its puts while `fail` is set.
class FailingStore final : public KeyValueStore {
public:
  Result<std::optional<std::string>> get(std::string_view key) override { return inner.get(key); }
  Result<bool> put(std::string_view key, std::string_view value) override {
    if (fail)
      return make_error(ErrorCode::Storage, ErrorOrigin::Session, "disk full");
    return inner.put(key, value);
  }
  Result<bool> remove(std::string_view key) override { return inner.remove(key); }
  Result<std::vector<std::string>> list(std::string_view prefix) override {
    return inner.list(prefix);
  }
  MemoryStore inner;
  bool fail = false;
};

} // namespace

TEST_CASE("The calendar converts days and dates both ways", "[ledger][calendar]") {
  CHECK(day_of(0) == 0);
  CHECK(day_of(-1) == -1);
  CHECK(day_of(ms_per_day - 1) == 0);
  CHECK(day_of(nov01_000000) == 20758);
  CHECK(day_of(oct31_235959_999) == 20757);
  CHECK(day_key(0) == "1970-01-01");
  CHECK(day_key(20782) == "2026-11-25");
  CHECK(day_key(-1) == "1969-12-31");
  CHECK(day_key(2932896) == "9999-12-31");
  // Years padded to four digits, as printf's %04lld (and beyond the keys' years 0..9999, its
  // sign first and every digit).
  CHECK(day_key(days_from_civil({999, 12, 31})) == "0999-12-31");
  CHECK(day_key(days_from_civil({1, 1, 1})) == "0001-01-01");
  CHECK(day_key(days_from_civil({0, 1, 1})) == "0000-01-01");
  CHECK(day_key(days_from_civil({-1, 12, 31})) == "-001-12-31");
  CHECK(day_key(days_from_civil({12345, 6, 7})) == "12345-06-07");
  CHECK(days_from_civil({2024, 2, 29}) == 19782);
  CHECK(days_from_civil({2000, 3, 1}) == 11017);
  for (std::int64_t day = -800'000; day < 3'000'000; day += 37) {
    CivilDate date = civil_from_days(day);
    REQUIRE(days_from_civil(date) == day);
  }
  CHECK(day_from_key("2024-02-29") == std::optional<std::int64_t>(19782));
  for (const char *bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01",
                          "2026/01/01", "20260101", "2026-01-0a", "", "2026-01-011"})
    CHECK_FALSE(day_from_key(bad));
}

TEST_CASE("ISO weeks start on Monday and belong to the year of their Thursday",
          "[ledger][calendar]") {
  CHECK(week_key(20786) == "2026-W48"); // Sunday 2026-11-29
  CHECK(week_key(20787) == "2026-W49"); // Monday 2026-11-30
  CHECK(week_key(20454) == "2026-W01"); // Thursday 2026-01-01
  CHECK(week_key(20819) == "2026-W53"); // Friday 2027-01-01
  CHECK(week_key(20087) == "2025-W01"); // Monday 2024-12-30
  CHECK(week_key(18630) == "2020-W53"); // Sunday 2021-01-03
  CHECK(week_key(0) == "1970-W01");
  CHECK(week_key(2932896) == "9999-W52");
  CHECK(week_key(days_from_civil({999, 12, 31})) == "1000-W01");
  CHECK(week_key(days_from_civil({1, 1, 1})) == "0001-W01");
  CHECK(week_key(days_from_civil({0, 1, 1})) == "-001-W52"); // a Saturday
  CHECK(week_range(20786).first == 20780);
  CHECK(week_range(20786).end == 20787);
  CHECK(week_range(20787).first == 20787);
  CHECK(week_range(-1).first == -3); // Monday 1969-12-29
  CHECK(month_range(20757).first == 20727);
  CHECK(month_range(20757).end == 20758);
  CHECK(month_key(20757) == "2026-10");
  CHECK(month_key(days_from_civil({999, 12, 31})) == "0999-12");
  CHECK(month_key(days_from_civil({-1, 1, 31})) == "-001-01");
  CHECK(month_range(days_from_civil({2024, 2, 10})).end == days_from_civil({2024, 3, 1}));
  CHECK(month_range(days_from_civil({2026, 12, 31})).end == days_from_civil({2027, 1, 1}));
}

TEST_CASE("A reservation holds its estimate against every scope until it settles",
          "[ledger][budget]") {
  Ledger ledger;
  REQUIRE(ledger.load().ok());
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  const std::vector<std::string> scopes = {"key:k1", "project:acme"};

  auto first = ledger.reserve(scopes, 60 * cent, nov10_120000);
  REQUIRE(first.ok());
  // The second call sees the first one's reservation although nothing is spent yet.
  auto second = ledger.reserve(scopes, 50 * cent, nov10_120000);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::BudgetExceeded);
  CHECK(second.error().origin == ErrorOrigin::Session);
  CHECK(ledger.reserve(scopes, 40 * cent, nov10_120000).ok());

  // Settling replaces the estimate by the actual cost.
  REQUIRE(ledger.settle(first.value(), charge(nov10_120000, scopes, 30 * cent)).ok());
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000) == 30 * cent);
  CHECK(ledger.spent("key:k1", Period::Month, nov10_120000) == 30 * cent);
  CHECK(ledger.reserve(scopes, 30 * cent, nov10_120000).ok());
  CHECK_FALSE(ledger.reserve(scopes, 1, nov10_120000).ok());
}

TEST_CASE("budget_exceeded names the scope, its limit, spent, reserved and the estimate",
          "[ledger][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("user:alice", 100 * cent).ok());
  const std::vector<std::string> scopes = {"key:k1", "project:acme", "user:alice"};
  REQUIRE(ledger.record(charge(nov10_120000, scopes, 60 * cent)).ok());
  REQUIRE(ledger.reserve(scopes, 30 * cent, nov10_120000).ok());
  auto refused = ledger.reserve(scopes, 20 * cent, nov10_120000);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message ==
        "the monthly budget of \"user:alice\" would be exceeded: limit $1, spent $0.6, "
        "reserved $0.3, estimate $0.2");
}

TEST_CASE("Nested budgets refuse a call when any scope would go over, reserving nothing",
          "[ledger][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("key:k1", 1000 * cent).ok());
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  REQUIRE(ledger.set_budget("user:alice", 50 * cent).ok());
  const std::vector<std::string> alice = {"key:k1", "project:acme", "user:alice"};
  const std::vector<std::string> bob = {"key:k1", "project:acme", "user:bob"};

  // The innermost budget refuses first.
  auto too_much = ledger.reserve(alice, 51 * cent, nov10_120000);
  REQUIRE_FALSE(too_much.ok());
  CHECK(too_much.error().message.find("\"user:alice\"") != std::string::npos);
  // Bob has no budget of his own: the project's stops him.
  REQUIRE(ledger.reserve(bob, 80 * cent, nov10_120000).ok());
  auto project = ledger.reserve(alice, 30 * cent, nov10_120000);
  REQUIRE_FALSE(project.ok());
  CHECK(project.error().message.find("\"project:acme\"") != std::string::npos);
  // Nothing was reserved by the refused calls: the key still takes exactly what is left.
  REQUIRE(ledger.set_budget("project:acme", std::nullopt).ok());
  CHECK_FALSE(ledger.budget("project:acme"));
  CHECK(ledger.reserve({"key:k1"}, 920 * cent, nov10_120000).ok());
  CHECK_FALSE(ledger.reserve({"key:k1"}, 1, nov10_120000).ok());
}

TEST_CASE("Released reservations free their estimate, unknown ones change nothing",
          "[ledger][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  auto held = ledger.reserve({"project:acme"}, 100 * cent, nov10_120000);
  REQUIRE(held.ok());
  CHECK_FALSE(ledger.reserve({"project:acme"}, 1, nov10_120000).ok());
  ledger.release(held.value());
  ledger.release(held.value()); // twice: harmless
  ledger.release(Reservation{12345});
  CHECK(ledger.reserve({"project:acme"}, 100 * cent, nov10_120000).ok());
  CHECK(ledger.records().empty());

  auto settled_after_release =
      ledger.settle(held.value(), charge(nov10_120000, {"project:acme"}, 1 * cent));
  REQUIRE_FALSE(settled_after_release.ok());
  CHECK(settled_after_release.error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.records().empty());
}

TEST_CASE("Settling twice charges once", "[ledger][budget]") {
  Ledger ledger;
  auto reservation = ledger.reserve({"project:acme"}, 10 * cent, nov10_120000);
  REQUIRE(reservation.ok());
  REQUIRE(
      ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 8 * cent)).ok());
  CHECK(ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 8 * cent))
            .error()
            .code == ErrorCode::InvalidArgument);
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000) == 8 * cent);
  CHECK(ledger.records().size() == 1);
}

TEST_CASE("A settle with an invalid record keeps the reservation", "[ledger][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  auto reservation = ledger.reserve({"project:acme"}, 100 * cent, nov10_120000);
  REQUIRE(reservation.ok());
  auto refused = ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, -1));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidArgument);
  CHECK_FALSE(ledger.reserve({"project:acme"}, 1, nov10_120000).ok()); // still held
  REQUIRE(
      ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 5 * cent)).ok());
  CHECK(ledger.reserve({"project:acme"}, 95 * cent, nov10_120000).ok());
}

TEST_CASE("A call that costs more than its estimate is charged in full", "[ledger][budget]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  // Two calls admitted together, each 10 cents above its estimate: the money is spent, and
  // the budget ends over by both errors, the most reservations can promise for calls in
  // flight at once.
  auto a = ledger.reserve({"project:acme"}, 50 * cent, nov10_120000);
  auto b = ledger.reserve({"project:acme"}, 50 * cent, nov10_120000);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(ledger.settle(a.value(), charge(nov10_120000, {"project:acme"}, 60 * cent)).ok());
  REQUIRE(ledger.settle(b.value(), charge(nov10_120000, {"project:acme"}, 60 * cent)).ok());
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000) == 120 * cent);
  // Over the limit, nothing more is admitted, not even a free call.
  CHECK_FALSE(ledger.reserve({"project:acme"}, 0, nov10_120000).ok());
}

namespace {

// The scopes of a user: the key's, the project's, the user's own.
std::vector<std::string> scopes_of(const std::string &user) {
  const std::string project = (user == "alice" || user == "bob") ? "project:acme" : "project:beta";
  return {"key:k1", project, "user:" + user};
}

struct Schedule {
  std::uint64_t seed;
  std::size_t max_in_flight;       // 1: one call at a time
  Picodollars max_error;           // actual = estimate + error, error in [-max_error, +max_error]
  bool estimates_are_upper_bounds; // errors in [-max_error, 0]
};

// Runs many interleaved reserve/settle/release sequences of seven scopes nested three deep,
// and checks the budget guarantee against sums the test keeps itself.
void run_schedule(const Schedule &schedule) {
  CAPTURE(schedule.seed, schedule.max_in_flight, schedule.max_error);
  const std::map<std::string, Picodollars> limits = {
      {"key:k1", 1000 * cent},    {"project:acme", 600 * cent}, {"project:beta", 500 * cent},
      {"user:alice", 250 * cent}, {"user:bob", 300 * cent},     {"user:carol", 200 * cent},
      {"user:dave", 400 * cent},
  };
  const std::vector<std::string> users = {"alice", "bob", "carol", "dave"};
  Ledger ledger;
  for (const auto &[scope, limit] : limits)
    REQUIRE(ledger.set_budget(scope, limit).ok());

  struct Call {
    Reservation reservation;
    std::vector<std::string> scopes;
    Picodollars estimate = 0;
    Picodollars actual = 0; // 0 until settled (or when released)
  };
  std::vector<Call> calls;
  std::vector<std::size_t> in_flight;
  // Per scope: the calls in flight in it when it last admitted one (that one included).
  std::map<std::string, std::vector<std::size_t>> admitted_together;
  std::map<std::string, Picodollars> spent;
  std::mt19937_64 random(schedule.seed);
  auto uniform = [&](std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
  };
  int refused = 0;

  auto finish = [&](std::size_t slot) {
    Call &call = calls[in_flight[slot]];
    in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(slot));
    if (uniform(0, 9) == 0) { // cancelled before anything was spent
      ledger.release(call.reservation);
      return;
    }
    const Picodollars error =
        uniform(-schedule.max_error, schedule.estimates_are_upper_bounds ? 0 : schedule.max_error);
    call.actual = std::max<Picodollars>(0, call.estimate + error);
    REQUIRE(ledger
                .settle(call.reservation,
                        charge(nov10_120000, call.scopes, call.actual, call.scopes.back()))
                .ok());
    for (const std::string &scope : call.scopes)
      spent[scope] += call.actual;
  };

  for (int step = 0; step < 4000; ++step) {
    const bool start =
        in_flight.size() < schedule.max_in_flight && (in_flight.empty() || uniform(0, 1) == 0);
    if (!start) {
      finish(static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(in_flight.size()) - 1)));
      continue;
    }
    const std::string &user = users[static_cast<std::size_t>(uniform(0, 3))];
    Call call{{}, scopes_of(user), uniform(1, 20) * cent};
    auto reservation = ledger.reserve(call.scopes, call.estimate, nov10_120000);
    if (!reservation.ok()) {
      REQUIRE(reservation.error().code == ErrorCode::BudgetExceeded);
      ++refused;
      continue;
    }
    call.reservation = reservation.value();
    calls.push_back(call);
    in_flight.push_back(calls.size() - 1);
    for (const std::string &scope : call.scopes) {
      std::vector<std::size_t> together;
      for (std::size_t index : in_flight) {
        const auto &other = calls[index].scopes;
        if (std::find(other.begin(), other.end(), scope) != other.end())
          together.push_back(index);
      }
      admitted_together[scope] = together;
    }
  }
  while (!in_flight.empty())
    finish(0);

  // The budgets bound: calls were refused, and spending came close to the limits.
  CHECK(refused > 0);
  CHECK(spent["key:k1"] > 900 * cent);
  for (const auto &[scope, limit] : limits) {
    CAPTURE(scope);
    REQUIRE(ledger.spent(scope, Period::Month, nov10_120000) == spent[scope]);
    Picodollars allowance = 0;
    for (std::size_t index : admitted_together[scope])
      allowance += std::max<Picodollars>(0, calls[index].actual - calls[index].estimate);
    CHECK(spent[scope] <= limit + allowance);
    if (schedule.max_in_flight == 1)
      CHECK(spent[scope] <= limit + schedule.max_error);
    if (schedule.estimates_are_upper_bounds)
      CHECK(spent[scope] <= limit);
  }
}

} // namespace

TEST_CASE("Calls one after another overspend a nested budget by at most one estimate error",
          "[ledger][budget][property]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    run_schedule({seed, 1, 3 * cent, false});
}

TEST_CASE("Interleaved calls overspend only by the errors of calls admitted together",
          "[ledger][budget][property]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    run_schedule({seed, 2 + seed % 7, 3 * cent, false});
}

TEST_CASE("Interleaved calls whose estimates are upper bounds never overspend",
          "[ledger][budget][property]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    run_schedule({seed, 2 + seed % 7, 5 * cent, true});
}

TEST_CASE("A record on Oct 31 23:59 UTC does not count in November", "[ledger][period]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  REQUIRE(ledger.record(charge(oct31_235959_999, {"project:acme"}, 90 * cent)).ok());
  REQUIRE(ledger.record(charge(nov01_000000, {"project:acme"}, 5 * cent)).ok());
  CHECK(ledger.spent("project:acme", Period::Month, oct31_235959_999) == 90 * cent);
  CHECK(ledger.spent("project:acme", Period::Month, nov01_000000) == 5 * cent);
  CHECK(ledger.spent("project:acme", Period::Day, oct31_235959_999) == 90 * cent);
  CHECK(ledger.spent("project:acme", Period::Day, nov01_000000) == 5 * cent);
  // Saturday and Sunday of one ISO week, across the month.
  CHECK(ledger.spent("project:acme", Period::Week, nov01_000000) == 95 * cent);
  // On Oct 31 the budget is nearly spent; a millisecond later, a new month.
  CHECK_FALSE(ledger.reserve({"project:acme"}, 20 * cent, oct31_235959_999).ok());
  CHECK(ledger.reserve({"project:acme"}, 95 * cent, nov01_000000).ok());
}

TEST_CASE("Totals group by UTC day, ISO week and month at their boundaries", "[ledger][period]") {
  Ledger ledger;
  REQUIRE(ledger.record(charge(oct31_235959_999, {"s"}, 1 * cent)).ok());
  REQUIRE(ledger.record(charge(nov01_000000, {"s"}, 2 * cent)).ok());
  REQUIRE(ledger.record(charge(nov29_235959_999, {"s"}, 4 * cent)).ok());
  REQUIRE(ledger.record(charge(nov30_000000, {"s"}, 8 * cent)).ok());
  REQUIRE(ledger.record(charge(dec31_230000, {"s"}, 16 * cent)).ok());
  REQUIRE(ledger.record(charge(jan01_003000, {"s"}, 32 * cent)).ok());
  auto costs = [&](GroupBy by) {
    std::vector<std::pair<std::string, Picodollars>> out;
    for (const auto &[key, totals] : ledger.totals(by, 0, jan01_003000 + 1))
      out.emplace_back(key, totals.cost / cent);
    return out;
  };
  using Groups = std::vector<std::pair<std::string, Picodollars>>;
  CHECK(costs(GroupBy::Day) == Groups{{"2026-10-31", 1},
                                      {"2026-11-01", 2},
                                      {"2026-11-29", 4},
                                      {"2026-11-30", 8},
                                      {"2026-12-31", 16},
                                      {"2027-01-01", 32}});
  CHECK(costs(GroupBy::Week) ==
        Groups{{"2026-W44", 3}, {"2026-W48", 4}, {"2026-W49", 8}, {"2026-W53", 48}});
  CHECK(costs(GroupBy::Month) ==
        Groups{{"2026-10", 1}, {"2026-11", 14}, {"2026-12", 16}, {"2027-01", 32}});
  // from_ms is included, to_ms excluded.
  auto november = ledger.totals(GroupBy::Month, nov01_000000, nov30_000000);
  REQUIRE(november.size() == 1);
  CHECK(november[0].second.cost == 6 * cent);
  CHECK(november[0].second.requests == 2);
  CHECK(ledger.totals(GroupBy::Day, nov01_000000, nov01_000000).empty());
  CHECK(ledger.totals(GroupBy::Day, nov30_000000, nov01_000000).empty());
}

TEST_CASE("Totals group by user, model, provider and scope, and filter by user",
          "[ledger][totals]") {
  Ledger ledger;
  UsageRecord claude =
      charge(nov10_120000, {"key:k1", "user:bob"}, 10 * cent, "bob", "anthropic-claude-haiku-4.5");
  claude.provider = Provider::Anthropic;
  claude.usage.cached_input_tokens = 50;
  claude.usage.reasoning_tokens = 7;
  REQUIRE(ledger.record(claude).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 1, {"key:k1", "user:alice"}, 3 * cent)).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 2, {"key:k1", "user:alice"}, 4 * cent)).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 3, {}, 1 * cent, "")).ok());

  auto by_user = ledger.totals(GroupBy::User, 0, jan01_003000);
  REQUIRE(by_user.size() == 3);
  CHECK(by_user[0].first == "");
  CHECK(by_user[1].first == "alice");
  CHECK(by_user[1].second == Totals{2, 200, 40, 0, 0, 7 * cent, 0});
  CHECK(by_user[2].first == "bob");
  CHECK(by_user[2].second == Totals{1, 100, 20, 50, 7, 10 * cent, 0});

  auto by_model = ledger.totals(GroupBy::Model, 0, jan01_003000);
  REQUIRE(by_model.size() == 2);
  CHECK(by_model[0].first == "anthropic-claude-haiku-4.5");
  CHECK(by_model[1].first == "openai-gpt-4o-mini");
  CHECK(by_model[1].second.requests == 3);

  auto by_provider = ledger.totals(GroupBy::Provider, 0, jan01_003000);
  REQUIRE(by_provider.size() == 2);
  CHECK(by_provider[0].first == "anthropic");
  CHECK(by_provider[1].first == "openai");

  // A record counts in each of its scopes; one without scopes in none.
  auto by_scope = ledger.totals(GroupBy::Scope, 0, jan01_003000);
  REQUIRE(by_scope.size() == 3);
  CHECK(by_scope[0].first == "key:k1");
  CHECK(by_scope[0].second.cost == 17 * cent);
  CHECK(by_scope[1].first == "user:alice");
  CHECK(by_scope[2].first == "user:bob");

  auto alice_only = ledger.totals(GroupBy::Model, 0, jan01_003000, "alice");
  REQUIRE(alice_only.size() == 1);
  CHECK(alice_only[0].second.requests == 2);
}

TEST_CASE("Records of unknown cost count apart, never as zero", "[ledger][totals]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("project:acme", 10 * cent).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, std::nullopt)).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, 3 * cent)).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, 0)).ok());
  auto totals = ledger.totals(GroupBy::Scope, 0, jan01_003000);
  REQUIRE(totals.size() == 1);
  CHECK(totals[0].second.requests == 3);
  CHECK(totals[0].second.requests_without_cost == 1);
  CHECK(totals[0].second.cost == 3 * cent);
  CHECK(totals[0].second.input_tokens == 300);
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000) == 3 * cent);
  CHECK_FALSE(ledger.records()[0].cost);
}

TEST_CASE("Records persist per UTC day and budgets in one file, and load back",
          "[ledger][persistence]") {
  MemoryStore store;
  Ledger ledger(&store);
  REQUIRE(ledger.load().ok());
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  REQUIRE(ledger.set_budget("user:alice", 25 * cent).ok());
  UsageRecord first = charge(nov10_120000, {"key:k1", "project:acme", "user:alice"}, 27'000'000);
  first.usage.cached_input_tokens = 0;
  REQUIRE(ledger.record(first).ok());
  UsageRecord unknown = charge(oct31_235959_999, {"project:acme"}, std::nullopt, "bob");
  unknown.outcome = "error:rate_limited";
  unknown.provider = Provider::Gemini;
  REQUIRE(ledger.record(unknown).ok());
  UsageRecord second = charge(nov10_120000 + 5, {"project:acme"}, 1 * cent, "");
  second.usage = Usage{};
  second.outcome = "cancelled";
  REQUIRE(ledger.record(second).ok());

  CHECK(store.list("").value() == std::vector<std::string>{"ledger/budgets.json",
                                                           "ledger/records/2026-10-31.jsonl",
                                                           "ledger/records/2026-11-10.jsonl"});
  CHECK(store.get("ledger/budgets.json").value() ==
        std::optional<std::string>(
            R"({"version":1,"budgets":{"project:acme":1000000000000,"user:alice":250000000000}})"));
  CHECK(
      store.get("ledger/records/2026-11-10.jsonl").value() ==
      std::optional<std::string>(
          R"({"at_ms":1794312000000,"user":"alice","scopes":["key:k1","project:acme","user:alice"],)"
          R"("model":"openai-gpt-4o-mini","provider":"openai",)"
          R"("usage":{"input_tokens":100,"output_tokens":20,"cached_input_tokens":0},)"
          R"("cost":27000000,"outcome":"ok"})"
          "\n"
          R"({"at_ms":1794312000005,"user":"","scopes":["project:acme"],)"
          R"("model":"openai-gpt-4o-mini","provider":"openai","usage":{},)"
          R"("cost":10000000000,"outcome":"cancelled"})"
          "\n"));
  CHECK(store.get("ledger/records/2026-10-31.jsonl").value()->find("\"cost\"") ==
        std::string::npos);

  Ledger reloaded(&store);
  REQUIRE(reloaded.load().ok());
  // By day, then in the order recorded.
  CHECK(reloaded.records() == std::vector<UsageRecord>{unknown, first, second});
  CHECK(reloaded.budget("project:acme") == std::optional<Picodollars>(100 * cent));
  CHECK(reloaded.budget("user:alice") == std::optional<Picodollars>(25 * cent));
  CHECK_FALSE(reloaded.budget("key:k1"));
  CHECK(reloaded.spent("project:acme", Period::Month, nov10_120000) == 27'000'000 + 1 * cent);
  CHECK_FALSE(reloaded.reserve({"user:alice"}, 25 * cent, nov10_120000).ok());

  // Loading again replaces rather than adds.
  REQUIRE(reloaded.load().ok());
  CHECK(reloaded.records().size() == 3);
  // A new record rewrites only its own day's file.
  const std::string october = *store.get("ledger/records/2026-10-31.jsonl").value();
  REQUIRE(reloaded.record(charge(nov10_120000 + 9, {"project:acme"}, 1)).ok());
  CHECK(*store.get("ledger/records/2026-10-31.jsonl").value() == october);
  Ledger third(&store);
  REQUIRE(third.load().ok());
  CHECK(third.records().size() == 4);
}

TEST_CASE("A day's file holds each of its records once, however other days interleave",
          "[ledger][persistence]") {
  // Records append to the day's encoded text; a record of another day, or a load, starts the
  // encoding again from the ledger's records.
  MemoryStore store;
  Ledger ledger(&store);
  REQUIRE(ledger.load().ok());
  std::vector<UsageRecord> november;
  for (int i = 0; i < 20; ++i) {
    november.push_back(charge(nov10_120000 + i, {"project:acme"}, i));
    REQUIRE(ledger.record(november.back()).ok());
    if (i % 6 == 0)
      REQUIRE(ledger.record(charge(oct31_235959_999 - i, {"project:acme"}, 1)).ok());
    if (i == 10)
      REQUIRE(ledger.load().ok());
  }
  const std::string text = *store.get("ledger/records/2026-11-10.jsonl").value();
  CHECK(std::count(text.begin(), text.end(), '\n') == 20);
  Ledger reloaded(&store);
  REQUIRE(reloaded.load().ok());
  REQUIRE(reloaded.records().size() == 24);
  const std::vector<UsageRecord> tail(reloaded.records().begin() + 4, reloaded.records().end());
  CHECK(tail == november);
}

TEST_CASE("A settled call is persisted like a recorded one", "[ledger][persistence]") {
  MemoryStore store;
  Ledger ledger(&store);
  auto reservation = ledger.reserve({"project:acme"}, 5 * cent, nov10_120000);
  REQUIRE(reservation.ok());
  CHECK(store.list("ledger/records/").value().empty()); // a reservation is not stored
  REQUIRE(
      ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 4 * cent)).ok());
  Ledger reloaded(&store);
  REQUIRE(reloaded.load().ok());
  REQUIRE(reloaded.records().size() == 1);
  CHECK(reloaded.records()[0].cost == std::optional<Picodollars>(4 * cent));
}

TEST_CASE("A corrupt day file is an error naming it, and the ledger stays as it was",
          "[ledger][persistence]") {
  const std::string good =
      R"({"at_ms":1794312000000,"user":"alice","scopes":["project:acme"],"model":"m",)"
      R"("provider":"openai","usage":{"input_tokens":1},"cost":5,"outcome":"ok"})";
  struct Case {
    const char *why;
    std::string file;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"truncated line", "2026-11-10", good + "\n" + good.substr(0, good.size() - 10) + "\n"},
      {"not JSON", "2026-11-10", "hello\n"},
      {"not an object", "2026-11-10", "[1,2]\n"},
      {"no at_ms", "2026-11-10", R"({"provider":"openai"})"},
      {"no provider", "2026-11-10", R"({"at_ms":1794312000000})"},
      {"unknown provider", "2026-11-10", R"({"at_ms":1794312000000,"provider":"acme"})"},
      {"cost as text", "2026-11-10", R"({"at_ms":1794312000000,"provider":"openai","cost":"5"})"},
      {"fractional cost", "2026-11-10",
       R"({"at_ms":1794312000000,"provider":"openai","cost":5.5})"},
      {"negative cost", "2026-11-10", R"({"at_ms":1794312000000,"provider":"openai","cost":-5})"},
      {"scope not text", "2026-11-10",
       R"({"at_ms":1794312000000,"provider":"openai","scopes":[1]})"},
      {"repeated scope", "2026-11-10",
       R"({"at_ms":1794312000000,"provider":"openai","scopes":["a","a"]})"},
      {"raw key scope", "2026-11-10",
       R"({"at_ms":1794312000000,"provider":"openai","scopes":["key:sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa"]})"},
      {"record of another day", "2026-11-11", good + "\n"},
      {"not a date", "2026-02-30", good + "\n"},
      {"usage count as text", "2026-11-10",
       R"({"at_ms":1794312000000,"provider":"openai","usage":{"input_tokens":"1"}})"},
      {"day overflow", "2026-11-10",
       R"({"at_ms":1794312000000,"provider":"openai","scopes":["a"],"cost":9223372036854775807})"
       "\n"
       R"({"at_ms":1794312000000,"provider":"openai","scopes":["a"],"cost":1})"},
  };
  for (const Case &bad : cases) {
    CAPTURE(bad.why);
    MemoryStore store;
    Ledger ledger(&store);
    REQUIRE(ledger.record(charge(nov01_000000, {"project:acme"}, 7)).ok());
    REQUIRE(ledger.set_budget("project:acme", 100).ok());
    const std::string key = "ledger/records/" + bad.file + ".jsonl";
    REQUIRE(store.put(key, bad.text).ok());
    auto loaded = ledger.load();
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::BadResponse);
    CHECK(loaded.error().message.find(key) != std::string::npos);
    CHECK(loaded.error().message.find("sk-proj") == std::string::npos);
    CHECK(ledger.records().size() == 1);
    CHECK(ledger.spent("project:acme", Period::Month, nov01_000000) == 7);
  }

  MemoryStore store;
  REQUIRE(store.put("ledger/records/2026-11-10.jsonl", good + "\n\n" + good + "\nnope\n").ok());
  auto loaded = Ledger(&store).load();
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message.rfind("ledger/records/2026-11-10.jsonl line 4: ", 0) == 0);

  for (const char *budgets :
       {"", "{", "[]", R"({"version":2,"budgets":{}})", R"({"version":1,"budgets":{"a":"1"}})",
        R"({"version":1,"budgets":{"a":-1}})", R"({"version":1,"budgets":{"":1}})",
        R"({"version":1,"budgets":[]})"}) {
    CAPTURE(budgets);
    MemoryStore budget_store;
    REQUIRE(budget_store.put("ledger/budgets.json", budgets).ok());
    auto read = Ledger(&budget_store).load();
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().message.rfind("ledger/budgets.json: ", 0) == 0);
  }
}

TEST_CASE("Loading ignores unknown members and files that are not day files",
          "[ledger][persistence]") {
  MemoryStore store;
  REQUIRE(store
              .put("ledger/records/2026-11-10.jsonl",
                   R"({"at_ms":1794312000000,"provider":"anthropic","cost":5,"region":"eu",)"
                   R"("usage":{"input_tokens":3,"audio_tokens":9},"scopes":["p"],"v":[{}]})")
              .ok());
  REQUIRE(store.put("ledger/records/readme.txt", "not a day").ok());
  REQUIRE(store.put("ledger/records/old/2020-01-01.jsonl", "not read").ok());
  REQUIRE(store.put("ledger/budgets.json", R"({"version":1,"budgets":{"p":10},"currency":"USD"})")
              .ok());
  Ledger ledger(&store);
  REQUIRE(ledger.load().ok());
  REQUIRE(ledger.records().size() == 1);
  CHECK(ledger.records()[0].provider == Provider::Anthropic);
  CHECK(ledger.records()[0].usage.input_tokens == std::optional<std::int64_t>(3));
  CHECK(ledger.records()[0].cost == std::optional<Picodollars>(5));
  CHECK(ledger.records()[0].user.empty());
  CHECK(ledger.budget("p") == std::optional<Picodollars>(10));
}

TEST_CASE("A record whose storage fails still counts, and is written with the next one",
          "[ledger][persistence]") {
  FailingStore store;
  Ledger ledger(&store);
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  store.fail = true;
  auto failed = ledger.record(charge(nov10_120000, {"project:acme"}, 60 * cent));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "disk full");
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000) == 60 * cent);
  CHECK_FALSE(ledger.reserve({"project:acme"}, 50 * cent, nov10_120000).ok());
  // A budget change that cannot be stored is not made.
  CHECK_FALSE(ledger.set_budget("project:acme", 1000 * cent).ok());
  CHECK(ledger.budget("project:acme") == std::optional<Picodollars>(100 * cent));

  store.fail = false;
  REQUIRE(ledger.record(charge(nov10_120000 + 1, {"project:acme"}, 1 * cent)).ok());
  Ledger reloaded(&store);
  REQUIRE(reloaded.load().ok());
  CHECK(reloaded.records().size() == 2);
  CHECK(reloaded.spent("project:acme", Period::Month, nov10_120000) == 61 * cent);
}

TEST_CASE("Raw API keys are refused as scopes, and never repeated in the error", "[ledger][keys]") {
  // Fakes of the shapes of real keys.
  const std::string openai = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const std::string anthropic = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const std::string google = "AIzaSyAbCdEfGhIjKlMnOpQrStUvWxYz01234567";
  Ledger ledger;
  for (const std::string &scope :
       {"key:" + openai, "key:" + anthropic, "key:" + google, openai, "project:acme:" + google}) {
    auto reserved = ledger.reserve({"project:acme", scope}, 1, nov10_120000);
    REQUIRE_FALSE(reserved.ok());
    CHECK(reserved.error().code == ErrorCode::InvalidArgument);
    CHECK(reserved.error().message.find("raw API key") != std::string::npos);
    CHECK(reserved.error().message.find(scope) == std::string::npos);
    CHECK(reserved.error().message.find("AbCdEf") == std::string::npos);

    auto recorded = ledger.record(charge(nov10_120000, {scope}, 1));
    REQUIRE_FALSE(recorded.ok());
    CHECK(recorded.error().code == ErrorCode::InvalidArgument);
    CHECK(recorded.error().message.find("AbCdEf") == std::string::npos);

    auto budget = ledger.set_budget(scope, 1);
    REQUIRE_FALSE(budget.ok());
    CHECK(budget.error().message.find("AbCdEf") == std::string::npos);
  }
  CHECK(ledger.records().empty());
  // Ids and hashes of keys are what scopes are for; short look-alikes are ids too.
  for (const char *scope : {"key:k1", "key:3f2a9c0e", "user:sk-8", "user:skyler", "key:AIza"})
    CHECK(ledger.reserve({scope}, 1, nov10_120000).ok());
}

TEST_CASE("The ledger refuses invalid records, scopes and amounts", "[ledger][validation]") {
  Ledger ledger;
  auto refused = [&](UsageRecord record) {
    auto result = ledger.record(std::move(record));
    return !result.ok() && result.error().code == ErrorCode::InvalidArgument;
  };
  CHECK(refused(charge(-1, {"p"}, 1)));
  CHECK(refused(charge(253'402'300'800'000, {"p"}, 1))); // year 10000
  CHECK(ledger.record(charge(253'402'300'799'999, {"p"}, 1)).ok());
  CHECK(refused(charge(nov10_120000, {"p"}, -1)));
  CHECK(refused(charge(nov10_120000, {"p", "q", "p"}, 1)));
  CHECK(refused(charge(nov10_120000, {""}, 1)));
  CHECK(refused(charge(nov10_120000, {std::string(max_scope_bytes + 1, 's')}, 1)));
  CHECK(ledger.record(charge(nov10_120000, {std::string(max_scope_bytes, 's')}, 1)).ok());
  CHECK(refused(charge(nov10_120000, {"bad\xff"}, 1)));
  CHECK(refused(charge(nov10_120000, {"p"}, 1, "user\xc3")));
  UsageRecord bad_provider = charge(nov10_120000, {"p"}, 1);
  bad_provider.provider = static_cast<Provider>(200);
  CHECK(refused(bad_provider));
  CHECK(ledger.records().size() == 2);

  CHECK(ledger.reserve({"p"}, -1, nov10_120000).error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.reserve({"p", "p"}, 1, nov10_120000).error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.set_budget("p", -1).error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.set_budget("", 1).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("Money never overflows: sums that cannot be exact are refused or stop at the maximum",
          "[ledger][money]") {
  constexpr Picodollars max = INT64_MAX;
  Ledger ledger;
  REQUIRE(ledger.record(charge(nov10_120000, {"p"}, max)).ok());
  // The same day cannot hold one more picodollar in "p"...
  CHECK(ledger.record(charge(nov10_120000, {"p"}, 1)).error().code == ErrorCode::InvalidArgument);
  // ...but another day can, and the month's spending stops at the maximum.
  REQUIRE(ledger.record(charge(nov10_120000 + ms_per_day, {"p"}, max)).ok());
  CHECK(ledger.spent("p", Period::Month, nov10_120000) == max);
  CHECK(ledger.totals(GroupBy::Scope, 0, jan01_003000)[0].second.cost == max);
  REQUIRE(ledger.set_budget("p", max).ok());
  CHECK(ledger.reserve({"p"}, 0, nov10_120000).ok()); // spent == limit: a free call fits
  CHECK(ledger.reserve({"p"}, 1, nov10_120000).error().code == ErrorCode::BudgetExceeded);

  // Reservations that together would not fit an int64 are refused.
  REQUIRE(ledger.reserve({"q"}, max, nov10_120000).ok());
  CHECK(ledger.reserve({"q"}, 1, nov10_120000).error().code == ErrorCode::InvalidArgument);

  UsageRecord tokens = charge(nov10_120000, {"t"}, 0);
  tokens.usage.input_tokens = max;
  REQUIRE(ledger.record(tokens).ok());
  REQUIRE(ledger.record(tokens).ok());
  auto totals = ledger.totals(GroupBy::Scope, 0, jan01_003000);
  REQUIRE(totals.size() == 2);
  CHECK(totals[1].first == "t");
  CHECK(totals[1].second.input_tokens == max);
}
