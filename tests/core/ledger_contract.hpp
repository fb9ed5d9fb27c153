#pragma once
// The Ledger's rules, whatever store keeps its records: reservations and nested budgets,
// periods, totals, the refusal of raw keys and control characters, exact money. Included by
// tests/core/ledger_test.cpp (the key-value store in memory) and by
// tests/native/sqlite_ledger_store_test.cpp (SQLite), each with its own fixtures:
//
//   #define LLMUX_LEDGER_FIXTURES MemoryLedger   // one or more fixture types, each with a
//   #include "ledger_contract.hpp"               // fresh `Ledger ledger` and property_seeds,
//                                                // how many seeds the property tests run
// The including file includes Catch2 and <llmux/ledger.hpp> first.

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ledger_records.hpp"

#ifndef LLMUX_LEDGER_FIXTURES
#error "define LLMUX_LEDGER_FIXTURES before including ledger_contract.hpp"
#endif

namespace ledger_contract {

using namespace llmux;


TEMPLATE_TEST_CASE("A reservation holds its estimate against every scope until it settles", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000).value() == 30 * cent);
  CHECK(ledger.spent("key:k1", Period::Month, nov10_120000).value() == 30 * cent);
  CHECK(ledger.reserve(scopes, 30 * cent, nov10_120000).ok());
  CHECK_FALSE(ledger.reserve(scopes, 1, nov10_120000).ok());
}

TEMPLATE_TEST_CASE("budget_exceeded names the scope, its limit, spent, reserved and the estimate", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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

TEMPLATE_TEST_CASE("Nested budgets refuse a call when any scope would go over, reserving nothing", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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
  CHECK_FALSE(ledger.budget("project:acme").value());
  CHECK(ledger.reserve({"key:k1"}, 920 * cent, nov10_120000).ok());
  CHECK_FALSE(ledger.reserve({"key:k1"}, 1, nov10_120000).ok());
}

TEMPLATE_TEST_CASE("Released reservations free their estimate, unknown ones change nothing", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  auto held = ledger.reserve({"project:acme"}, 100 * cent, nov10_120000);
  REQUIRE(held.ok());
  CHECK_FALSE(ledger.reserve({"project:acme"}, 1, nov10_120000).ok());
  ledger.release(held.value());
  ledger.release(held.value()); // twice: harmless
  ledger.release(Reservation{12345});
  CHECK(ledger.reserve({"project:acme"}, 100 * cent, nov10_120000).ok());
  CHECK(ledger.records().value().empty());

  auto settled_after_release =
      ledger.settle(held.value(), charge(nov10_120000, {"project:acme"}, 1 * cent));
  REQUIRE_FALSE(settled_after_release.ok());
  CHECK(settled_after_release.error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.records().value().empty());
}

TEMPLATE_TEST_CASE("Settling twice charges once", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  auto reservation = ledger.reserve({"project:acme"}, 10 * cent, nov10_120000);
  REQUIRE(reservation.ok());
  REQUIRE(
      ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 8 * cent)).ok());
  CHECK(ledger.settle(reservation.value(), charge(nov10_120000, {"project:acme"}, 8 * cent))
            .error()
            .code == ErrorCode::InvalidArgument);
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000).value() == 8 * cent);
  CHECK(ledger.records().value().size() == 1);
}

TEMPLATE_TEST_CASE("A settle with an invalid record keeps the reservation", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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

TEMPLATE_TEST_CASE("A call that costs more than its estimate is charged in full", "[ledger][budget]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000).value() == 120 * cent);
  // Over the limit, nothing more is admitted, not even a free call.
  CHECK_FALSE(ledger.reserve({"project:acme"}, 0, nov10_120000).ok());
}

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
void run_schedule(Ledger &ledger, const Schedule &schedule) {
  CAPTURE(schedule.seed, schedule.max_in_flight, schedule.max_error);
  const std::map<std::string, Picodollars> limits = {
      {"key:k1", 1000 * cent},    {"project:acme", 600 * cent}, {"project:beta", 500 * cent},
      {"user:alice", 250 * cent}, {"user:bob", 300 * cent},     {"user:carol", 200 * cent},
      {"user:dave", 400 * cent},
  };
  const std::vector<std::string> users = {"alice", "bob", "carol", "dave"};
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
    REQUIRE(ledger.spent(scope, Period::Month, nov10_120000).value() == spent[scope]);
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

TEMPLATE_TEST_CASE("Calls one after another overspend a nested budget by at most one estimate error",
                   "[ledger][budget][property]", LLMUX_LEDGER_FIXTURES) {
  for (std::uint64_t seed = 1; seed <= TestType::property_seeds; ++seed) {
    TestType fixture;
    run_schedule(fixture.ledger, {seed, 1, 3 * cent, false});
  }
}

TEMPLATE_TEST_CASE("Interleaved calls overspend only by the errors of calls admitted together",
                   "[ledger][budget][property]", LLMUX_LEDGER_FIXTURES) {
  for (std::uint64_t seed = 1; seed <= TestType::property_seeds; ++seed) {
    TestType fixture;
    run_schedule(fixture.ledger, {seed, 2 + seed % 7, 3 * cent, false});
  }
}

TEMPLATE_TEST_CASE("Interleaved calls whose estimates are upper bounds never overspend",
                   "[ledger][budget][property]", LLMUX_LEDGER_FIXTURES) {
  for (std::uint64_t seed = 1; seed <= TestType::property_seeds; ++seed) {
    TestType fixture;
    run_schedule(fixture.ledger, {seed, 2 + seed % 7, 5 * cent, true});
  }
}

TEMPLATE_TEST_CASE("A record on Oct 31 23:59 UTC does not count in November", "[ledger][period]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  REQUIRE(ledger.set_budget("project:acme", 100 * cent).ok());
  REQUIRE(ledger.record(charge(oct31_235959_999, {"project:acme"}, 90 * cent)).ok());
  REQUIRE(ledger.record(charge(nov01_000000, {"project:acme"}, 5 * cent)).ok());
  CHECK(ledger.spent("project:acme", Period::Month, oct31_235959_999).value() == 90 * cent);
  CHECK(ledger.spent("project:acme", Period::Month, nov01_000000).value() == 5 * cent);
  CHECK(ledger.spent("project:acme", Period::Day, oct31_235959_999).value() == 90 * cent);
  CHECK(ledger.spent("project:acme", Period::Day, nov01_000000).value() == 5 * cent);
  // Saturday and Sunday of one ISO week, across the month.
  CHECK(ledger.spent("project:acme", Period::Week, nov01_000000).value() == 95 * cent);
  // On Oct 31 the budget is nearly spent; a millisecond later, a new month.
  CHECK_FALSE(ledger.reserve({"project:acme"}, 20 * cent, oct31_235959_999).ok());
  CHECK(ledger.reserve({"project:acme"}, 95 * cent, nov01_000000).ok());
}

TEMPLATE_TEST_CASE("Totals group by UTC day, ISO week and month at their boundaries", "[ledger][period]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  REQUIRE(ledger.record(charge(oct31_235959_999, {"s"}, 1 * cent)).ok());
  REQUIRE(ledger.record(charge(nov01_000000, {"s"}, 2 * cent)).ok());
  REQUIRE(ledger.record(charge(nov29_235959_999, {"s"}, 4 * cent)).ok());
  REQUIRE(ledger.record(charge(nov30_000000, {"s"}, 8 * cent)).ok());
  REQUIRE(ledger.record(charge(dec31_230000, {"s"}, 16 * cent)).ok());
  REQUIRE(ledger.record(charge(jan01_003000, {"s"}, 32 * cent)).ok());
  auto costs = [&](GroupBy by) {
    std::vector<std::pair<std::string, Picodollars>> out;
    auto groups = ledger.totals(by, 0, jan01_003000 + 1);
    REQUIRE(groups.ok());
    for (const auto &[key, totals] : groups.value())
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
  auto november = ledger.totals(GroupBy::Month, nov01_000000, nov30_000000).value();
  REQUIRE(november.size() == 1);
  CHECK(november[0].second.cost == 6 * cent);
  CHECK(november[0].second.requests == 2);
  CHECK(ledger.totals(GroupBy::Day, nov01_000000, nov01_000000).value().empty());
  CHECK(ledger.totals(GroupBy::Day, nov30_000000, nov01_000000).value().empty());
}

TEMPLATE_TEST_CASE("Totals group by user, model, provider and scope, and filter by user", "[ledger][totals]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  UsageRecord claude =
      charge(nov10_120000, {"key:k1", "user:bob"}, 10 * cent, "bob", "anthropic-claude-haiku-4.5");
  claude.provider = Provider::Anthropic;
  claude.usage.cached_input_tokens = 50;
  claude.usage.reasoning_tokens = 7;
  REQUIRE(ledger.record(claude).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 1, {"key:k1", "user:alice"}, 3 * cent)).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 2, {"key:k1", "user:alice"}, 4 * cent)).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 3, {}, 1 * cent, "")).ok());

  auto by_user = ledger.totals(GroupBy::User, 0, jan01_003000).value();
  REQUIRE(by_user.size() == 3);
  CHECK(by_user[0].first == "");
  CHECK(by_user[1].first == "alice");
  CHECK(by_user[1].second == Totals{2, 200, 40, 0, 0, 7 * cent, 0});
  CHECK(by_user[2].first == "bob");
  CHECK(by_user[2].second == Totals{1, 100, 20, 50, 7, 10 * cent, 0});

  auto by_model = ledger.totals(GroupBy::Model, 0, jan01_003000).value();
  REQUIRE(by_model.size() == 2);
  CHECK(by_model[0].first == "anthropic-claude-haiku-4.5");
  CHECK(by_model[1].first == "openai-gpt-4o-mini");
  CHECK(by_model[1].second.requests == 3);

  auto by_provider = ledger.totals(GroupBy::Provider, 0, jan01_003000).value();
  REQUIRE(by_provider.size() == 2);
  CHECK(by_provider[0].first == "anthropic");
  CHECK(by_provider[1].first == "openai");

  // A record counts in each of its scopes; one without scopes in none.
  auto by_scope = ledger.totals(GroupBy::Scope, 0, jan01_003000).value();
  REQUIRE(by_scope.size() == 3);
  CHECK(by_scope[0].first == "key:k1");
  CHECK(by_scope[0].second.cost == 17 * cent);
  CHECK(by_scope[1].first == "user:alice");
  CHECK(by_scope[2].first == "user:bob");

  auto alice_only = ledger.totals(GroupBy::Model, 0, jan01_003000, "alice").value();
  REQUIRE(alice_only.size() == 1);
  CHECK(alice_only[0].second.requests == 2);
}

TEMPLATE_TEST_CASE("Records of unknown cost count apart, never as zero", "[ledger][totals]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  REQUIRE(ledger.set_budget("project:acme", 10 * cent).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, std::nullopt)).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, 3 * cent)).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, 0)).ok());
  auto totals = ledger.totals(GroupBy::Scope, 0, jan01_003000).value();
  REQUIRE(totals.size() == 1);
  CHECK(totals[0].second.requests == 3);
  CHECK(totals[0].second.requests_without_cost == 1);
  CHECK(totals[0].second.cost == 3 * cent);
  CHECK(totals[0].second.input_tokens == 300);
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000).value() == 3 * cent);
  CHECK_FALSE(ledger.records().value()[0].cost);
}

TEMPLATE_TEST_CASE("Raw API keys are refused as scopes, and never repeated in the error",
                   "[ledger][keys]", LLMUX_LEDGER_FIXTURES) {
  // Fakes of the shapes of real keys.
  const std::string openai = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const std::string anthropic = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const std::string google = "AIzaSyAbCdEfGhIjKlMnOpQrStUvWxYz01234567";
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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
  CHECK(ledger.records().value().empty());
  // Ids and hashes of keys are what scopes are for; short look-alikes are ids too.
  for (const char *scope : {"key:k1", "key:3f2a9c0e", "user:sk-8", "user:skyler", "key:AIza"})
    CHECK(ledger.reserve({scope}, 1, nov10_120000).ok());
}

TEMPLATE_TEST_CASE("The ledger refuses invalid records, scopes and amounts", "[ledger][validation]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
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
  CHECK(ledger.records().value().size() == 2);

  CHECK(ledger.reserve({"p"}, -1, nov10_120000).error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.reserve({"p", "p"}, 1, nov10_120000).error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.set_budget("p", -1).error().code == ErrorCode::InvalidArgument);
  CHECK(ledger.set_budget("", 1).error().code == ErrorCode::InvalidArgument);
}

TEMPLATE_TEST_CASE("Control characters in users and scopes are refused: no forged usage rows",
                   "[ledger][validation]", LLMUX_LEDGER_FIXTURES) {
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  // A newline would print as a row of its own in `llmux usage`; ESC and the C1 CSI (U+009B)
  // start terminal escape sequences; DEL and NUL are no part of a name either.
  for (const std::string &bad : {std::string("eve\nmallory   1   $0"), std::string("eve\r"),
                                 std::string("eve\x1b[2J"), std::string("eve\xc2\x9b" "2J"),
                                 std::string("eve\x7f"), std::string("eve\0x", 5)}) {
    CAPTURE(bad);
    auto reserved = ledger.reserve({"user:" + bad}, 1, nov10_120000);
    REQUIRE_FALSE(reserved.ok());
    CHECK(reserved.error().code == ErrorCode::InvalidArgument);
    CHECK(reserved.error().message.find("control character") != std::string::npos);
    CHECK(ledger.record(charge(nov10_120000, {"user:" + bad}, 1)).error().code ==
          ErrorCode::InvalidArgument);
    CHECK(ledger.record(charge(nov10_120000, {"user:eve"}, 1, bad)).error().code ==
          ErrorCode::InvalidArgument);
    CHECK(ledger.set_budget("user:" + bad, 1).error().code == ErrorCode::InvalidArgument);
    auto held = ledger.reserve({"user:eve"}, 1, nov10_120000);
    REQUIRE(held.ok());
    CHECK(ledger.settle(held.value(), charge(nov10_120000, {"user:eve"}, 1, bad)).error().code ==
          ErrorCode::InvalidArgument);
    ledger.release(held.value());
  }
  CHECK(ledger.records().value().empty());
  // Text beyond ASCII is not control: accents, CJK, U+00A0 (after the C1 range), emoji.
  for (const char *fine : {"user:zo\xc3\xab", "user:\xe7\x8e\x8b", "user:a\xc2\xa0" "b",
                           "user:\xf0\x9f\x98\x80"})
    CHECK(ledger.record(charge(nov10_120000, {fine}, 1, std::string(fine).substr(5))).ok());
  CHECK(ledger.records().value().size() == 4);
}

TEMPLATE_TEST_CASE("Money never overflows: sums that cannot be exact are refused or stop at the maximum",
                   "[ledger][money]", LLMUX_LEDGER_FIXTURES) {
  constexpr Picodollars max = INT64_MAX;
  TestType fixture;
  Ledger &ledger = fixture.ledger;
  REQUIRE(ledger.record(charge(nov10_120000, {"p"}, max)).ok());
  // The same day cannot hold one more picodollar in "p"...
  CHECK(ledger.record(charge(nov10_120000, {"p"}, 1)).error().code == ErrorCode::InvalidArgument);
  // ...but another day can, and the month's spending stops at the maximum.
  REQUIRE(ledger.record(charge(nov10_120000 + one_day_ms, {"p"}, max)).ok());
  CHECK(ledger.spent("p", Period::Month, nov10_120000).value() == max);
  CHECK(ledger.totals(GroupBy::Scope, 0, jan01_003000).value()[0].second.cost == max);
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
  auto totals = ledger.totals(GroupBy::Scope, 0, jan01_003000).value();
  REQUIRE(totals.size() == 2);
  CHECK(totals[1].first == "t");
  CHECK(totals[1].second.input_tokens == max);
}
} // namespace ledger_contract
