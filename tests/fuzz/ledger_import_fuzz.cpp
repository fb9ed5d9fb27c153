// A ledger transfer document's bytes through Ledger::import_records: any bytes import or are
// refused with invalid_argument, never a crash or an overflow, and a refused document adds
// nothing. What imports keeps the promises: every record of the document is added once into an
// empty ledger, the ledger's export imports back as nothing new, and into a fresh ledger as
// the same records.
//
// Input: the document's bytes ({"format":"llmux-ledger","version":1,"records":[...]}).

#include "fuzz_support.hpp"

#include <llmux/ledger.hpp>

#include <limits>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view document(reinterpret_cast<const char *>(data), size);
  llmux::Ledger ledger;
  auto imported = ledger.import_records(document);
  if (!imported.ok()) {
    LLMUX_FUZZ_CHECK(imported.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(ledger.records().value().empty());
    return 0;
  }
  const std::vector<llmux::UsageRecord> records = ledger.records().value();
  LLMUX_FUZZ_CHECK(imported.value().already_held == 0);
  LLMUX_FUZZ_CHECK(imported.value().added == records.size());

  const std::string exported =
      ledger.export_records(std::numeric_limits<std::int64_t>::min(),
                            std::numeric_limits<std::int64_t>::max())
          .value();
  auto again = ledger.import_records(exported);
  LLMUX_FUZZ_CHECK(again.ok());
  LLMUX_FUZZ_CHECK(again.value().added == 0 && again.value().already_held == records.size());

  llmux::Ledger fresh;
  LLMUX_FUZZ_CHECK(fresh.import_records(exported).ok());
  LLMUX_FUZZ_CHECK(fresh.records().value() == records);
  return 0;
}
