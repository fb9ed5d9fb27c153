#pragma once
// Validation of values the core has already parsed. The public API (llmux/json_schema.hpp)
// takes JSON text only, because json::Value is private to the core; the session, which
// parses a tool call's arguments anyway, validates the parsed value through this header
// rather than parse it twice.

#include <llmux/json_schema.hpp>

#include "schema/compiled_schema.hpp"
#include "json/json.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::schema {

/// The violations of `instance` against `schema`, as JsonSchema::validate reports them for
/// text (that function parses, then calls this).
std::vector<SchemaViolation> validate(const JsonSchema &schema, const json::Value &instance,
                                      std::size_t max_violations = default_max_schema_violations);

/// The same against a compiled schema.
std::vector<SchemaViolation> validate(const CompiledSchema &schema, const json::Value &instance,
                                      std::size_t max_violations);

/// `text` with its control characters written \u00XX, so that what quotes a pattern or a
/// path stays on one line.
std::string printable(std::string_view text);

} // namespace llmux::schema
