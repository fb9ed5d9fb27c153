#pragma once
// The ledger's stored forms: a usage record as one JSON line of a day file, and the budgets
// file. Private to the core. Decoding takes untrusted bytes (a disk, IndexedDB): it ignores
// members it does not know (a newer llmux may add some) and fails on a member of the wrong
// type, so that money is never read as something else.

#include <llmux/ledger.hpp>

#include "json/json.hpp"

#include <map>
#include <string>
#include <string_view>

namespace llmux {

/// The version written in the budgets file; another version is an error.
inline constexpr std::int64_t budgets_file_version = 1;

/// Appends `record` as a JSON object: at_ms, user, scopes, model, provider (its name), usage
/// (the counts it has), cost (only when known), outcome. Precondition: its strings are valid
/// UTF-8 (the ledger checks), so that the text reads back exactly.
void write_record(const UsageRecord &record, std::string &out);

/// The record `value` holds. bad_response when it is not an object, lacks at_ms or the
/// provider, names an unknown provider, or has a member of the wrong type.
Result<UsageRecord> record_from_json(const json::Value &value);

/// The budgets file's text.
std::string encode_budgets(const std::map<std::string, Picodollars, std::less<>> &budgets);

/// The budgets a budgets file holds. bad_response when it does not parse, is of another
/// version, or a limit is not an integer.
Result<std::map<std::string, Picodollars, std::less<>>> decode_budgets(std::string_view text);

} // namespace llmux
