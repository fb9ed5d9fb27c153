// Ledger::export_records and import_records: a ledger moved to another ledger through one
// document, imported twice without counting twice, and documents that are not ours (or hold
// one bad record) refused whole.

#include <llmux/ledger.hpp>

#include "ledger_records.hpp"

#include <limits>

#include <catch2/catch.hpp>

using namespace llmux;
using namespace ledger_contract;

namespace {

// Three records over two days (one with no known cost), a fourth later.
void fill(Ledger &ledger) {
  REQUIRE(ledger.record(charge(oct31_235959_999, {"project:acme"}, std::nullopt, "bob")).ok());
  REQUIRE(ledger.record(charge(nov10_120000, {"key:k1", "project:acme", "user:alice"}, 27'000'000)).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 5, {"project:acme"}, 1 * cent, "")).ok());
  REQUIRE(ledger.record(charge(nov10_120000 + 86'400'000, {"project:acme"}, 2 * cent)).ok());
}

} // namespace

TEST_CASE("A ledger's records move to another ledger through an export", "[ledger][transfer]") {
  Ledger source;
  fill(source);
  auto all = source.export_records(0, std::numeric_limits<std::int64_t>::max());
  REQUIRE(all.ok());
  CHECK(all.value().rfind(R"({"format":"llmux-ledger","version":1,"records":[)", 0) == 0);

  Ledger target;
  auto imported = target.import_records(all.value());
  REQUIRE(imported.ok());
  CHECK(imported.value().added == 4);
  CHECK(imported.value().already_held == 0);
  CHECK(target.records().value() == source.records().value());
  CHECK(target.spent("project:acme", Period::Month, nov10_120000).value() ==
        source.spent("project:acme", Period::Month, nov10_120000).value());

  // Again: nothing new.
  imported = target.import_records(all.value());
  REQUIRE(imported.ok());
  CHECK(imported.value().added == 0);
  CHECK(imported.value().already_held == 4);
  CHECK(target.records().value().size() == 4);
}

TEST_CASE("An export holds the records of its time range only", "[ledger][transfer]") {
  Ledger source;
  fill(source);
  auto november10 = source.export_records(nov10_120000, nov10_120000 + 6);
  REQUIRE(november10.ok());
  Ledger target;
  REQUIRE(target.import_records(november10.value()).value().added == 2);
  const std::vector<UsageRecord> records = target.records().value();
  for (const UsageRecord &record : records)
    CHECK((record.at_ms == nov10_120000 || record.at_ms == nov10_120000 + 5));
}

TEST_CASE("Two calls alike at the same millisecond stay two, and a partial overlap adds the rest",
          "[ledger][transfer]") {
  Ledger source;
  const UsageRecord twin = charge(nov10_120000, {"project:acme"}, 3 * cent, "eve");
  REQUIRE(source.record(twin).ok());
  REQUIRE(source.record(twin).ok());
  const std::string document = source.export_records(0, nov10_120000 + 1).value();

  Ledger target;
  REQUIRE(target.record(twin).ok()); // one of the two is here already
  auto imported = target.import_records(document);
  REQUIRE(imported.ok());
  CHECK(imported.value().added == 1);
  CHECK(imported.value().already_held == 1);
  CHECK(target.spent("project:acme", Period::Day, nov10_120000).value() == 6 * cent);
}

TEST_CASE("A document that is not a ledger export, or holds one bad record, adds nothing",
          "[ledger][transfer]") {
  Ledger source;
  fill(source);
  const std::string good = source.export_records(0, std::numeric_limits<std::int64_t>::max()).value();
  const std::string bad_record = R"({"format":"llmux-ledger","version":1,"records":[)"
                                 R"({"at_ms":1794312000000,"provider":"openai","model":"m","outcome":"ok","cost":5},)"
                                 R"({"at_ms":1794312000000,"provider":"openai","model":"m","outcome":"ok","cost":-5}]})";
  const std::string cases[] = {
      "",
      "null",
      "[]",
      R"({"format":"llmux-chat-export","version":1,"records":[]})",
      R"({"format":"llmux-ledger","version":2,"records":[]})",
      R"({"format":"llmux-ledger","version":1})",
      R"({"format":"llmux-ledger","version":1,"records":{}})",
      R"({"format":"llmux-ledger","version":1,"records":[{"at_ms":"soon"}]})",
      R"({"format":"llmux-ledger","version":1,"records":[{"at_ms":1,"provider":"nowhere"}]})",
      R"({"format":"llmux-ledger","version":1,"records":[{"at_ms":1794312000000,"provider":"openai","scopes":["sk-proj-ABCDEFGHIJKLMNOPQRSTUV"]}]})",
      R"({"format":"llmux-ledger","version":1,"records":[{"at_ms":1794312000000,"provider":"openai","user":"a\u001b[2Jb"}]})",
      bad_record,
      // Each cost fits, their sum on one day in one scope does not.
      R"({"format":"llmux-ledger","version":1,"records":[)"
      R"({"at_ms":1794312000000,"provider":"openai","scopes":["project:acme"],"cost":9000000000000000000},)"
      R"({"at_ms":1794312000001,"provider":"openai","scopes":["project:acme"],"cost":9000000000000000000}]})",
  };
  Ledger target;
  for (const std::string &document : cases) {
    INFO(document);
    auto imported = target.import_records(document);
    REQUIRE_FALSE(imported.ok());
    CHECK(imported.error().code == ErrorCode::InvalidArgument);
    CHECK(imported.error().message.rfind("not a ledger export: ", 0) == 0);
    CHECK(target.records().value().empty());
  }
  // Every truncation of a good export is refused too, and adds nothing.
  for (std::size_t length = 0; length < good.size(); ++length) {
    INFO(length);
    REQUIRE_FALSE(target.import_records(std::string_view(good).substr(0, length)).ok());
  }
  CHECK(target.records().value().empty());
  CHECK(target.import_records(good).value().added == 4);
}
