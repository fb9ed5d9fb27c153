// Ledger::export_records and import_records: a ledger's records as one JSON document, moved
// between machines and browsers (the browser chat's export file holds it). Each record is
// written as the day files write it (usage_record_codec), so there is one stored form.

#include <llmux/ledger.hpp>

#include "json/json.hpp"
#include "ledger/record_validation.hpp"
#include "ledger/usage_record_codec.hpp"

#include <algorithm>
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

bool earlier(const UsageRecord &a, const UsageRecord &b) {
  return a.at_ms < b.at_ms;
}

} // namespace

Result<std::string> Ledger::export_records(std::int64_t from_ms, std::int64_t to_ms) const {
  auto all = records();
  if (!all.ok())
    return std::move(all).error();
  json::Value items = json::Value::array();
  for (const UsageRecord &record : all.value())
    if (record.at_ms >= from_ms && record.at_ms < to_ms)
      items.push_back(record_to_json(record));
  return json::dump(json::Value::object(
      {{"format", transfer_format}, {"version", transfer_version}, {"records", std::move(items)}}));
}

Result<ImportedRecords> Ledger::import_records(std::string_view document) {
  auto incoming = read_document(document);
  if (!incoming.ok())
    return std::move(incoming).error();
  auto held = records();
  if (!held.ok())
    return std::move(held).error();
  // The ledger's records by time, each usable once: an incoming record that matches one
  // already held uses it up, so a document's repeats beyond the ledger's are added.
  std::vector<UsageRecord> unmatched = std::move(held).value();
  std::stable_sort(unmatched.begin(), unmatched.end(), earlier);
  std::vector<bool> used(unmatched.size(), false);
  ImportedRecords result;
  for (UsageRecord &record : incoming.value()) {
    auto [first, last] = std::equal_range(unmatched.begin(), unmatched.end(), record, earlier);
    auto match = std::find_if(first, last, [&](const UsageRecord &candidate) {
      return !used[static_cast<std::size_t>(&candidate - unmatched.data())] && candidate == record;
    });
    if (match != last) {
      used[static_cast<std::size_t>(match - unmatched.begin())] = true;
      ++result.already_held;
      continue;
    }
    auto added = this->record(std::move(record));
    if (!added.ok())
      return std::move(added).error();
    ++result.added;
  }
  return result;
}

} // namespace llmux
