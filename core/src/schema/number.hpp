#pragma once
// Numbers as JSON Schema compares them: by mathematical value, whatever their representation
// in json::Value (an exact std::int64_t or a double). 1 equals 1.0, and 2^53 + 1 is greater
// than the double 2^53 although converting it to a double would make them equal.

#include "json/json.hpp"

namespace llmux::schema {

/// -1, 0 or 1 as `a` is less than, equal to or greater than `b`, exactly. Preconditions: both
/// are numbers, neither is NaN (json::parse never makes one).
int compare_numbers(const json::Value &a, const json::Value &b) noexcept;

/// Whether `value` (a number) is an integer in JSON Schema's sense: finite with a zero
/// fraction (1.0 and 1e300 are integers; the infinity that 1e400 reads as is not).
bool is_integral(const json::Value &value) noexcept;

/// Whether `value` is an integer multiple of `divisor` (a finite number > 0). Decided in
/// decimal, on the shortest decimal that reads back as each double, so that 0.0075 is a
/// multiple of 0.0001 as a person expects (the binary doubles say otherwise); integers that
/// fit std::int64_t are exact. A non-finite value is no multiple of anything.
bool is_multiple_of(const json::Value &value, const json::Value &divisor) noexcept;

} // namespace llmux::schema
