// Ledger::export_records and import_records: a ledger's records as one JSON document, moved
// between machines and browsers (the browser chat's export file holds it). Each record is
// written as the day files write it (usage_record_codec), so there is one stored form.

#include <llmux/ledger.hpp>
#include <llmux/money.hpp>

#include "json/json.hpp"
#include "json/json_writer.hpp"
#include "ledger/calendar.hpp"
#include "ledger/record_validation.hpp"
#include "ledger/usage_record_codec.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace llmux {
namespace {

constexpr std::string_view transfer_format = "llmux-ledger";
constexpr std::int64_t transfer_version = 1;

Error refused(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                    "not a ledger export: " + std::move(message));
}

// The records a document holds, every one checked; an error names the first bad one.
Result<std::vector<UsageRecord>> read_document(std::string_view document) {
  auto parsed = json::parse(document);
  if (!parsed.ok())
    return refused(parsed.error().message);
  const json::Value &root = parsed.value();
  const json::Value *format = root.is_object() ? root.find("format") : nullptr;
  if (!format || !format->is_string() || format->as_string() != transfer_format)
    return refused("its \"format\" is not \"llmux-ledger\"");
  const json::Value *version = root.find("version");
  if (!version || !version->is_integer() || version->as_integer() != transfer_version)
    return refused("its \"version\" is not 1");
  const json::Value *items = root.find("records");
  if (!items || !items->is_array())
    return refused("it has no \"records\" array");
  std::vector<UsageRecord> records;
  records.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto record = record_from_json(items->items()[i]);
    if (!record.ok())
      return refused("record " + std::to_string(i) + ": " + record.error().message);
    if (auto problem = record_problem(record.value(), RecordSource::Caller))
      return refused("record " + std::to_string(i) + ": " + *problem);
    records.push_back(std::move(record).value());
  }
  return records;
}

// Whether every scope's spending on every day stays exact (an int64) with `adding` on top of
// `held`: the ledger refuses a record that would overflow it, and a document must be refused
// before its first record is added, not half-way.
// (Sums by scope, then by day: the map type the key-value ledger store keeps its sums in, one
// instantiation in the Wasm module.)
bool day_sums_fit(const std::vector<UsageRecord> &held, const std::vector<UsageRecord> &adding) {
  std::map<std::string, std::map<std::int64_t, Picodollars>, std::less<>> spent;
  for (const auto *records : {&held, &adding})
    for (const UsageRecord &record : *records) {
      if (!record.cost)
        continue;
      for (const std::string &scope : record.scopes) {
        Picodollars &sum = spent[scope][day_of(record.at_ms)];
        auto added = add_money(sum, *record.cost);
        if (!added)
          return false;
        sum = *added;
      }
    }
  return true;
}

} // namespace

Result<std::string> Ledger::export_records(std::int64_t from_ms, std::int64_t to_ms) const {
  auto all = records();
  if (!all.ok())
    return std::move(all).error();
  std::string document;
  json::ObjectWriter object(document);
  object.member("format", transfer_format);
  object.member("version", transfer_version);
  json::ArrayWriter items = object.array("records");
  for (const UsageRecord &record : all.value())
    if (record.at_ms >= from_ms && record.at_ms < to_ms)
      write_record(record, items.next());
  items.close();
  object.close();
  return document;
}

Result<ImportedRecords> Ledger::import_records(std::string_view document) {
  auto incoming = read_document(document);
  if (!incoming.ok())
    return std::move(incoming).error();
  auto held = records();
  if (!held.ok())
    return std::move(held).error();
  // The ledger's records by time, each usable once: an incoming record that matches one
  // already held uses it up, so a document's repeats beyond the ledger's are added. Found
  // through (time, index) pairs sorted, a match's index then set to `used`: pairs of this
  // type are sorted elsewhere in the core, where sorting the records themselves (a
  // stable_sort, an equal_range and a vector<bool>) cost the Wasm module 1 KB gzipped.
  const std::vector<UsageRecord> held_records = std::move(held).value();
  constexpr std::size_t used = static_cast<std::size_t>(-1);
  // at_ms as an unsigned key of the same order: its sign bit flipped.
  auto time_key = [](std::int64_t at_ms) {
    return static_cast<std::uint64_t>(at_ms) ^ (std::uint64_t{1} << 63);
  };
  std::vector<std::pair<std::uint64_t, std::size_t>> by_time;
  by_time.reserve(held_records.size());
  for (std::size_t i = 0; i < held_records.size(); ++i)
    by_time.emplace_back(time_key(held_records[i].at_ms), i);
  std::sort(by_time.begin(), by_time.end());
  ImportedRecords result;
  std::vector<UsageRecord> adding;
  for (UsageRecord &record : incoming.value()) {
    const std::uint64_t key = time_key(record.at_ms);
    auto at = std::lower_bound(by_time.begin(), by_time.end(), std::pair{key, std::size_t{0}});
    while (at != by_time.end() && at->first == key &&
           (at->second == used || !(held_records[at->second] == record)))
      ++at;
    if (at != by_time.end() && at->first == key) {
      at->second = used;
      ++result.already_held;
    } else {
      adding.push_back(std::move(record));
    }
  }
  if (!day_sums_fit(held_records, adding))
    return refused("its costs would take a scope's spending on a day past what an int64 holds");
  for (UsageRecord &record : adding) {
    auto added = this->record(std::move(record));
    if (!added.ok())
      return std::move(added).error();
    ++result.added;
  }
  return result;
}

} // namespace llmux
