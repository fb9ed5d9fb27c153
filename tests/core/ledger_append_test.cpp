// The key-value ledger's day files grow by appends: a record hands the store its own line,
// not its whole day again, whatever the day holds; the bytes are those a rewrite would give;
// a file that ends in a torn or unterminated line, or whose append failed, is written whole
// once and appended to after that.

#include <llmux/ledger.hpp>

#include "support/counting_store.hpp"
#include "support/failing_store.hpp"

#include <catch2/catch.hpp>

#include "ledger_records.hpp"

#include <algorithm>
#include <string>

using namespace llmux;
using namespace ledger_contract;
using llmux::testing::CountingStore;
using llmux::testing::FailingStore;

namespace {

const std::string day_key = "ledger/records/2026-11-10.jsonl";

std::string day_file(KeyValueStore &store) {
  return store.get(day_key).value().value_or("");
}

std::size_t lines_in(const std::string &text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("A day's records are appended to its file: one put for the day, one append a record",
          "[ledger][persistence][append]") {
  CountingStore store;
  Ledger ledger(&store);
  REQUIRE(ledger.load().ok());
  for (int i = 0; i < 500; ++i)
    REQUIRE(ledger.record(charge(nov10_120000 + i, {"project:acme"}, 1 * cent)).ok());
  CHECK(store.puts == 1);
  CHECK(store.appends == 499);
  CHECK(lines_in(day_file(store)) == 500);
  // Through settle too, and on another day: that day's first record is its one put.
  auto reservation = ledger.reserve({"project:acme"}, 1 * cent, nov10_120000);
  REQUIRE(reservation.ok());
  REQUIRE(ledger.settle(reservation.value(), charge(nov10_120000 + 500, {"project:acme"}, 1)).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + one_day_ms, {"project:acme"}, 1)).ok());
  CHECK(store.puts == 2);
  CHECK(store.appends == 500);

  Ledger reloaded(&store);
  auto loaded = reloaded.load();
  REQUIRE(loaded.ok());
  CHECK(loaded.value().empty());
  CHECK(reloaded.records().value() == ledger.records().value());
}

TEST_CASE("Appended day files hold the bytes a store without append gets whole",
          "[ledger][persistence][append]") {
  // FailingStore has no append of its own: KeyValueStore's default reads and puts back.
  CountingStore appended;
  FailingStore rewritten;
  Ledger by_append(&appended);
  Ledger by_put(&rewritten);
  for (int i = 0; i < 20; ++i) {
    auto record = charge(nov10_120000 + i, {"project:acme", "user:alice"}, i * cent);
    REQUIRE(by_append.record(record).ok());
    REQUIRE(by_put.record(record).ok());
  }
  CHECK(appended.appends == 19);
  CHECK(day_file(appended) == day_file(rewritten));
  CHECK(lines_in(day_file(appended)) == 20);
}

TEST_CASE("After a reload, a whole day file is appended to and a torn or unterminated one "
          "is written whole once",
          "[ledger][persistence][append][torn]") {
  CountingStore store;
  {
    Ledger ledger(&store);
    for (int i = 0; i < 3; ++i)
      REQUIRE(ledger.record(charge(nov10_120000 + i, {"project:acme"}, 1)).ok());
  }
  const std::string three = day_file(store);
  REQUIRE(lines_in(three) == 3);

  SECTION("a whole file: the next record is appended") {
    Ledger ledger(&store);
    REQUIRE(ledger.load().ok());
    const std::size_t puts = store.puts;
    REQUIRE(ledger.record(charge(nov10_120000 + 3, {"project:acme"}, 1)).ok());
    CHECK(store.puts == puts);
    CHECK(day_file(store).rfind(three, 0) == 0);
    CHECK(lines_in(day_file(store)) == 4);
  }
  SECTION("a torn last line: the next record writes the day whole, then appends") {
    REQUIRE(store.inner.put(day_key, three + "{\"at_ms\":179").ok());
    Ledger ledger(&store);
    REQUIRE(ledger.load().value().size() == 1);
    const std::size_t puts = store.puts;
    REQUIRE(ledger.record(charge(nov10_120000 + 3, {"project:acme"}, 1)).ok());
    REQUIRE(ledger.record(charge(nov10_120000 + 4, {"project:acme"}, 1)).ok());
    CHECK(store.puts == puts + 1);
    CHECK(day_file(store).rfind(three + "{\"at_ms\":1794312000003", 0) == 0);
    CHECK(lines_in(day_file(store)) == 5);
    CHECK(Ledger(&store).load().value().empty());
  }
  SECTION("a last line without its newline: written whole, not glued to the next") {
    REQUIRE(store.inner.put(day_key, three.substr(0, three.size() - 1)).ok());
    Ledger ledger(&store);
    REQUIRE(ledger.load().value().empty());
    REQUIRE(ledger.records().value().size() == 3);
    REQUIRE(ledger.record(charge(nov10_120000 + 3, {"project:acme"}, 1)).ok());
    CHECK(lines_in(day_file(store)) == 4);
    Ledger reloaded(&store);
    REQUIRE(reloaded.load().value().empty());
    CHECK(reloaded.records().value().size() == 4);
  }
}

TEST_CASE("An append that failed halfway is followed by the day written whole",
          "[ledger][persistence][append]") {
  CountingStore store;
  Ledger ledger(&store);
  REQUIRE(ledger.record(charge(nov10_120000, {"project:acme"}, 1 * cent)).ok());
  store.cut_appends = true;
  auto failed = ledger.record(charge(nov10_120000 + 1, {"project:acme"}, 2 * cent));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::Storage);
  // The record still counts, and the file now ends in half a line.
  CHECK(ledger.spent("project:acme", Period::Day, nov10_120000).value() == 3 * cent);
  CHECK(day_file(store).back() != '\n');
  store.cut_appends = false;
  const std::size_t puts = store.puts;
  REQUIRE(ledger.record(charge(nov10_120000 + 2, {"project:acme"}, 4 * cent)).ok());
  CHECK(store.puts == puts + 1);
  REQUIRE(ledger.record(charge(nov10_120000 + 3, {"project:acme"}, 8 * cent)).ok());
  CHECK(store.puts == puts + 1);
  Ledger reloaded(&store);
  auto loaded = reloaded.load();
  REQUIRE(loaded.ok());
  CHECK(loaded.value().empty());
  CHECK(reloaded.records().value().size() == 4);
  CHECK(reloaded.spent("project:acme", Period::Day, nov10_120000).value() == 15 * cent);
}

TEST_CASE("Imported records are appended to their days", "[ledger][persistence][append]") {
  Ledger source;
  for (int i = 0; i < 200; ++i)
    REQUIRE(source.record(charge(nov10_120000 + i * one_day_ms / 100, {"project:acme"}, 1)).ok());
  auto document = source.export_records(0, jan01_003000);
  REQUIRE(document.ok());
  CountingStore store;
  Ledger ledger(&store);
  auto imported = ledger.import_records(document.value());
  REQUIRE(imported.ok());
  CHECK(imported.value().added == 200);
  CHECK(store.puts == 3); // one per day: the records span Nov 10 12:00 to Nov 12 11:45
  CHECK(store.appends == 197);
}
