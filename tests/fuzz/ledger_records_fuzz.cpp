// A ledger day file's bytes through Ledger::load: any bytes load or fail with bad_response
// naming the file, never a crash or an overflow (UBSan stops on signed overflow), and a
// failed load leaves the ledger empty. What loads keeps the ledger's promises: every record
// is of the file's day; a scope's spending that day is the exact sum of its records' known
// costs; totals count every record once; and recording the records again into a new ledger
// writes a day file that loads back to the same records.
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
    LLMUX_FUZZ_CHECK(ledger.records().empty());
    return 0;
  }

  std::map<std::string, llmux::Picodollars> spent;
  for (const llmux::UsageRecord &record : ledger.records()) {
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
    LLMUX_FUZZ_CHECK(ledger.spent(scope, llmux::Period::Day, day_start_ms) == sum);

  auto by_day = ledger.totals(llmux::GroupBy::Day, day_start_ms, day_start_ms + llmux::ms_per_day);
  LLMUX_FUZZ_CHECK(by_day.size() == (ledger.records().empty() ? 0u : 1u));
  if (!by_day.empty()) {
    LLMUX_FUZZ_CHECK(by_day[0].first == "2026-11-25");
    LLMUX_FUZZ_CHECK(by_day[0].second.requests ==
                     static_cast<std::int64_t>(ledger.records().size()));
  }

  llmux::MemoryStore copy_store;
  llmux::Ledger copy(&copy_store);
  for (const llmux::UsageRecord &record : ledger.records())
    LLMUX_FUZZ_CHECK(copy.record(record).ok());
  llmux::Ledger reloaded(&copy_store);
  LLMUX_FUZZ_CHECK(reloaded.load().ok());
  LLMUX_FUZZ_CHECK(reloaded.records() == ledger.records());
  return 0;
}
