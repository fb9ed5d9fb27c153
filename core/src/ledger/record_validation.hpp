#pragma once
// What the ledger accepts: scopes, users and records, checked before anything is reserved,
// recorded or stored. Private to the core; shared by the Ledger (what callers hand it) and the
// key-value ledger store (what it reads back from storage).

#include <llmux/ledger.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// Where a scope or a record comes from: a caller of the Ledger now, or storage written by an
/// earlier llmux.
enum class RecordSource : std::uint8_t { Caller, Storage };

/// What is wrong with `scope`, or nothing. Never quotes the scope when it may be a key.
std::optional<std::string> scope_problem(std::string_view scope, RecordSource source);

/// What is wrong with a list of scopes (each as scope_problem, and none repeated), or nothing.
std::optional<std::string> scopes_problem(const std::vector<std::string> &scopes,
                                          RecordSource source);

/// What is wrong with `record` (its date, cost, provider, strings and scopes), or nothing.
std::optional<std::string> record_problem(const UsageRecord &record, RecordSource source);

} // namespace llmux
