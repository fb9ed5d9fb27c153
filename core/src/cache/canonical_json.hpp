#pragma once
// Canonical JSON: one text per value, for hashing. Object members sorted bytewise by key (of
// a duplicated key only the last, as JSON.parse reads it), numbers in their shortest form that
// reads back as the same double, no whitespace. Not meant to be parsed back: a string that is
// not valid UTF-8 is written as {"invalid_utf8_hex":"..."} so that no two values share a text
// (the ordinary writer would turn every invalid byte into the same U+FFFD).

#include "json/json.hpp"

#include <string>

namespace llmux {

/// Appends the canonical text of `value` to `out`.
void write_canonical_json(const json::Value &value, std::string &out);

} // namespace llmux
