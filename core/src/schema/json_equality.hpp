#pragma once
// JSON values as JSON Schema's enum, const and uniqueItems compare them: numbers by value
// (1 == 1.0), objects as sets of members in any order, a duplicated key reading as its last
// occurrence (as json::Value::find and JavaScript's JSON.parse do).

#include "schema/work_budget.hpp"
#include "json/json.hpp"

#include <cstdint>
#include <vector>

namespace llmux::schema {

/// Whether `a` and `b` are equal JSON values. Spends a unit of `budget` per value visited;
/// false once the budget is exhausted (the caller checks it).
bool json_equal(const json::Value &a, const json::Value &b, WorkBudget &budget);

/// A hash consistent with json_equal: equal values hash equal. Spends like json_equal.
std::uint64_t json_hash(const json::Value &value, WorkBudget &budget);

/// The members of an object that count, the last occurrence of each key, in the order they
/// appear. Pointers into `object`.
std::vector<const json::Member *> distinct_members(const json::Value &object);

/// The same members sorted by key, for lookups with key_less.
std::vector<const json::Member *> sorted_distinct_members(const json::Value &object);

/// Puts the members of one object back in the order they appear: members live in one vector,
/// so their addresses are that order. Every sort of members (this, sorted_distinct_members)
/// passes std::sort a plain function pointer, so the module holds one copy of the sort's code
/// rather than one per comparator (about 1 KB of Wasm each).
void sort_by_position(std::vector<const json::Member *> &members);

/// Orders members by key (bytewise), for std::lower_bound over sorted_distinct_members.
inline bool key_less(const json::Member *member, std::string_view key) noexcept {
  return member->key < key;
}

} // namespace llmux::schema
