#include "schema/json_equality.hpp"

#include "schema/number.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace llmux::schema {
namespace {

// splitmix64's finaliser: spreads every input bit over the output.
std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t hash_bytes(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xCBF29CE484222325ULL; // FNV-1a
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
  return mix(hash);
}

using MemberLess = bool (*)(const json::Member *, const json::Member *);

bool position_less(const json::Member *a, const json::Member *b) noexcept {
  return std::less<const json::Member *>()(a, b);
}

// By key, equal keys in document order (what a stable sort by key gives, without the code
// of a second sort algorithm).
bool key_then_position_less(const json::Member *a, const json::Member *b) noexcept {
  const int order = a->key.compare(b->key);
  return order < 0 || (order == 0 && position_less(a, b));
}

} // namespace

void sort_by_position(std::vector<const json::Member *> &members) {
  std::sort(members.begin(), members.end(), MemberLess(position_less));
}

std::vector<const json::Member *> sorted_distinct_members(const json::Value &object) {
  std::vector<const json::Member *> members;
  members.reserve(object.size());
  for (const json::Member &member : object.members())
    members.push_back(&member);
  // Equal keys stay in document order, so the last of each run is the last occurrence.
  std::sort(members.begin(), members.end(), MemberLess(key_then_position_less));
  std::vector<const json::Member *> distinct;
  distinct.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i)
    if (i + 1 == members.size() || members[i]->key != members[i + 1]->key)
      distinct.push_back(members[i]);
  return distinct;
}

std::vector<const json::Member *> distinct_members(const json::Value &object) {
  std::vector<const json::Member *> members = sorted_distinct_members(object);
  sort_by_position(members);
  return members;
}

bool json_equal(const json::Value &a, const json::Value &b, WorkBudget &budget) {
  if (!budget.spend() || a.type() != b.type())
    return false;
  switch (a.type()) {
    case json::Type::Null:
      return true;
    case json::Type::Bool:
      return a.as_bool() == b.as_bool();
    case json::Type::Number:
      return compare_numbers(a, b) == 0;
    case json::Type::String:
      return a.as_string() == b.as_string();
    case json::Type::Array: {
      if (a.size() != b.size())
        return false;
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!json_equal(a.items()[i], b.items()[i], budget))
          return false;
      return true;
    }
    case json::Type::Object: {
      if (!budget.spend(a.size() + b.size()))
        return false;
      const auto left = sorted_distinct_members(a);
      const auto right = sorted_distinct_members(b);
      if (left.size() != right.size())
        return false;
      for (std::size_t i = 0; i < left.size(); ++i)
        if (left[i]->key != right[i]->key || !json_equal(left[i]->value, right[i]->value, budget))
          return false;
      return true;
    }
  }
  return false;
}

std::uint64_t json_hash(const json::Value &value, WorkBudget &budget) {
  if (!budget.spend())
    return 0;
  const auto type = static_cast<std::uint64_t>(value.type());
  switch (value.type()) {
    case json::Type::Null:
      return mix(type);
    case json::Type::Bool:
      return mix(type * 2 + (value.as_bool() ? 1 : 0));
    case json::Type::Number: {
      // Equal numbers have the same representation: a number is an exact std::int64_t
      // whenever it is an integer in that range (json::Value's invariant), else a double
      // (never -0.0: that is the integer 0).
      if (value.is_integer())
        return mix(static_cast<std::uint64_t>(value.as_integer()) ^ 0x5151);
      const double number = value.as_double();
      std::uint64_t bits;
      std::memcpy(&bits, &number, sizeof bits);
      return mix(bits);
    }
    case json::Type::String:
      return hash_bytes(value.as_string());
    case json::Type::Array: {
      std::uint64_t hash = mix(type + value.size());
      for (const json::Value &item : value.items())
        hash = mix(hash ^ json_hash(item, budget));
      return hash;
    }
    case json::Type::Object: {
      if (!budget.spend(value.size()))
        return 0;
      std::uint64_t hash = mix(type);
      for (const json::Member *member : sorted_distinct_members(value))
        hash = mix(hash ^ hash_bytes(member->key) ^ mix(json_hash(member->value, budget)));
      return hash;
    }
  }
  return 0;
}

} // namespace llmux::schema
