// A ledger day file's bytes through Ledger::load: any bytes load or fail with bad_response
// naming the file, never a crash or an overflow (UBSan stops on signed overflow), and a
// failed load leaves the ledger empty. What loads keeps the ledger's promises: every record
// is of the file's day; a scope's spending that day is the exact sum of its records' known
// costs; totals count every record once; at most the last line is skipped as torn; and the
// day's next record writes a day file that loads back to the same records plus that one.
//
// Input: the bytes of ledger/records/2026-11-25.jsonl.

#include "fuzz_support.hpp"

#include "ledger/calendar.hpp"

#include <llmux/ledger.hpp>

#include <map>

namespace {

constexpr std::string_view day_file = "ledger/records/2026-11-25.jsonl";
constexpr std::int64_t day_start_ms = 1795564800000; // 2026-11-25T00:00:00Z

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char *>(data), size);
  llmux::MemoryStore store;
  LLMUX_FUZZ_CHECK(store.put(day_file, bytes).ok());
  llmux::Ledger ledger(&store);
  auto loaded = ledger.load();
  if (!loaded.ok()) {
    LLMUX_FUZZ_CHECK(loaded.error().code == llmux::ErrorCode::BadResponse);
    LLMUX_FUZZ_CHECK(loaded.error().message.find(day_file) != std::string::npos);
    LLMUX_FUZZ_CHECK(ledger.records().value().empty());
    return 0;
  }
  // Only the last line can be torn, and it has no newline after it.
  LLMUX_FUZZ_CHECK(loaded.value().size() <= 1);
  for (const llmux::TornLine &torn : loaded.value()) {
    LLMUX_FUZZ_CHECK(torn.file == day_file);
    LLMUX_FUZZ_CHECK(torn.bytes > 0 && bytes.size() >= torn.bytes);
    LLMUX_FUZZ_CHECK(bytes.substr(bytes.size() - torn.bytes).find('\n') == std::string_view::npos);
  }

  const std::vector<llmux::UsageRecord> records = ledger.records().value();
  std::map<std::string, llmux::Picodollars> spent;
  for (const llmux::UsageRecord &record : records) {
    LLMUX_FUZZ_CHECK(llmux::day_of(record.at_ms) == llmux::day_of(day_start_ms));
    if (record.cost) {
      LLMUX_FUZZ_CHECK(*record.cost >= 0);
      for (const std::string &scope : record.scopes) {
        auto sum = llmux::add_money(spent[scope], *record.cost);
        LLMUX_FUZZ_CHECK(sum.has_value()); // load refuses a day that does not fit
        spent[scope] = *sum;
      }
    }
  }
  for (const auto &[scope, sum] : spent)
    LLMUX_FUZZ_CHECK(ledger.spent(scope, llmux::Period::Day, day_start_ms).value() == sum);

  auto by_day =
      ledger.totals(llmux::GroupBy::Day, day_start_ms, day_start_ms + llmux::ms_per_day).value();
  LLMUX_FUZZ_CHECK(by_day.size() == (records.empty() ? 0u : 1u));
  if (!by_day.empty()) {
    LLMUX_FUZZ_CHECK(by_day[0].first == "2026-11-25");
    LLMUX_FUZZ_CHECK(by_day[0].second.requests == static_cast<std::int64_t>(records.size()));
  }

  // One more record of the day writes the day file whole again: it reads back as it was,
  // torn line dropped, plus that record.
  llmux::UsageRecord last;
  last.at_ms = day_start_ms;
  last.model = "m";
  last.outcome = "ok";
  LLMUX_FUZZ_CHECK(ledger.record(last).ok());
  llmux::Ledger reloaded(&store);
  auto reread = reloaded.load();
  LLMUX_FUZZ_CHECK(reread.ok() && reread.value().empty());
  std::vector<llmux::UsageRecord> expected = records;
  expected.push_back(last);
  LLMUX_FUZZ_CHECK(reloaded.records().value() == expected);
  return 0;
}
