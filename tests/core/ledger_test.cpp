// The usage ledger kept in memory and persisted in a KeyValueStore (what Ledger(KeyValueStore*)
// and the Wasm build use): the calendar of its periods, the day files it persists to, torn
// lines; and, through ledger_contract.hpp, the rules every ledger store must keep.

#include <llmux/ledger.hpp>

#include "ledger/calendar.hpp"
#include "support/failing_store.hpp"

#include <catch2/catch.hpp>

namespace {

// A ledger in memory with nothing persisted, for the rules every store keeps.
struct MemoryLedger {
  static constexpr std::uint64_t property_seeds = 20;
  llmux::Ledger ledger;
};

} // namespace

#define LLMUX_LEDGER_FIXTURES MemoryLedger
#include "ledger_contract.hpp"

using namespace llmux;
using namespace ledger_contract;

using llmux::testing::FailingStore;

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
  CHECK(reloaded.records().value() == std::vector<UsageRecord>{unknown, first, second});
  CHECK(reloaded.budget("project:acme").value() == std::optional<Picodollars>(100 * cent));
  CHECK(reloaded.budget("user:alice").value() == std::optional<Picodollars>(25 * cent));
  CHECK_FALSE(reloaded.budget("key:k1").value());
  CHECK(reloaded.spent("project:acme", Period::Month, nov10_120000).value() == 27'000'000 + 1 * cent);
  CHECK_FALSE(reloaded.reserve({"user:alice"}, 25 * cent, nov10_120000).ok());

  // Loading again replaces rather than adds.
  REQUIRE(reloaded.load().ok());
  CHECK(reloaded.records().value().size() == 3);
  // A new record rewrites only its own day's file.
  const std::string october = *store.get("ledger/records/2026-10-31.jsonl").value();
  REQUIRE(reloaded.record(charge(nov10_120000 + 9, {"project:acme"}, 1)).ok());
  CHECK(*store.get("ledger/records/2026-10-31.jsonl").value() == october);
  Ledger third(&store);
  REQUIRE(third.load().ok());
  CHECK(third.records().value().size() == 4);
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
  const std::vector<UsageRecord> records = reloaded.records().value();
  REQUIRE(records.size() == 24);
  const std::vector<UsageRecord> tail(records.begin() + 4, records.end());
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
  REQUIRE(reloaded.records().value().size() == 1);
  CHECK(reloaded.records().value()[0].cost == std::optional<Picodollars>(4 * cent));
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
    CHECK(ledger.records().value().size() == 1);
    CHECK(ledger.spent("project:acme", Period::Month, nov01_000000).value() == 7);
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
  REQUIRE(ledger.records().value().size() == 1);
  CHECK(ledger.records().value()[0].provider == Provider::Anthropic);
  CHECK(ledger.records().value()[0].usage.input_tokens == std::optional<std::int64_t>(3));
  CHECK(ledger.records().value()[0].cost == std::optional<Picodollars>(5));
  CHECK(ledger.records().value()[0].user.empty());
  CHECK(ledger.budget("p").value() == std::optional<Picodollars>(10));
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
  CHECK(ledger.spent("project:acme", Period::Month, nov10_120000).value() == 60 * cent);
  CHECK_FALSE(ledger.reserve({"project:acme"}, 50 * cent, nov10_120000).ok());
  // A budget change that cannot be stored is not made.
  CHECK_FALSE(ledger.set_budget("project:acme", 1000 * cent).ok());
  CHECK(ledger.budget("project:acme").value() == std::optional<Picodollars>(100 * cent));

  store.fail = false;
  REQUIRE(ledger.record(charge(nov10_120000 + 1, {"project:acme"}, 1 * cent)).ok());
  Ledger reloaded(&store);
  REQUIRE(reloaded.load().ok());
  CHECK(reloaded.records().value().size() == 2);
  CHECK(reloaded.spent("project:acme", Period::Month, nov10_120000).value() == 61 * cent);
}

TEST_CASE("A torn last line is skipped and reported, and the day's next record drops it",
          "[ledger][persistence][torn]") {
  const std::string key = "ledger/records/2026-11-10.jsonl";
  const std::string good =
      R"({"at_ms":1794312000000,"user":"alice","scopes":["project:acme"],"model":"m",)"
      R"("provider":"openai","usage":{"input_tokens":1},"cost":5,"outcome":"ok"})";
  struct Case {
    const char *why;
    std::string tail;
  };
  // What a crash mid-append or a file cut short leaves after the last whole line.
  const std::vector<Case> cases = {
      {"cut inside the record", good.substr(0, 40)},
      {"cut after its first byte", "{"},
      {"zeros from a lost write", std::string(16, '\0')},
  };
  for (const Case &torn : cases) {
    CAPTURE(torn.why);
    MemoryStore store;
    REQUIRE(store.put(key, good + "\n" + torn.tail).ok());
    Ledger ledger(&store);
    auto loaded = ledger.load();
    REQUIRE(loaded.ok());
    CHECK(loaded.value() == std::vector<TornLine>{{key, 2, torn.tail.size()}});
    REQUIRE(ledger.records().value().size() == 1);
    CHECK(ledger.spent("project:acme", Period::Day, nov10_120000).value() == 5);
    // The day's next record writes the day whole again, without the torn bytes.
    REQUIRE(ledger.record(charge(nov10_120000 + 1, {"project:acme"}, 7)).ok());
    const std::string text = *store.get(key).value();
    CHECK(text.rfind(good + "\n{", 0) == 0);
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);
    auto reloaded = Ledger(&store).load();
    REQUIRE(reloaded.ok());
    CHECK(reloaded.value().empty());
  }
}

TEST_CASE("Only the last line can be torn: damage before it still refuses the ledger",
          "[ledger][persistence][torn]") {
  // A crash can only cut what was being appended, which ends the file. A cut line followed by
  // others, or one whose newline was written, is damage of another kind that may hide records.
  const std::string key = "ledger/records/2026-11-10.jsonl";
  const std::string good =
      R"({"at_ms":1794312000000,"user":"alice","scopes":["project:acme"],"model":"m",)"
      R"("provider":"openai","usage":{"input_tokens":1},"cost":5,"outcome":"ok"})";
  for (const std::string &text :
       {good.substr(0, 40) + "\n" + good + "\n", good + "\n" + good.substr(0, 40) + "\n",
        good.substr(0, 40) + "\n" + good.substr(0, 30)}) {
    CAPTURE(text);
    MemoryStore store;
    REQUIRE(store.put(key, text).ok());
    auto loaded = Ledger(&store).load();
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::BadResponse);
    CHECK(loaded.error().message.rfind(key + " line ", 0) == 0);
  }
}
