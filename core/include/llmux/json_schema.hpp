#pragma once
/// JSON Schema validation of tool arguments: a schema compiles once, then checks any number of
/// instances and says where and why each one fails, in words a model can act on.
///
/// Keywords (draft 2020-12, and draft-07 where they differ; see core/src/schema/compile.cpp):
/// type, enum, const; minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf;
/// minLength, maxLength (in code points), pattern; properties, patternProperties,
/// additionalProperties, required, propertyNames, minProperties, maxProperties,
/// dependentRequired, dependentSchemas, dependencies; prefixItems, items, additionalItems,
/// minItems, maxItems, uniqueItems, contains, minContains, maxContains; allOf, anyOf, oneOf,
/// not, if/then/else; $ref within the document ("#", "#/$defs/x", "#/definitions/x", JSON
/// Pointer escapes and percent-encoding); the boolean schemas true and false. Other keywords
/// (format, title, description, default, ...) are annotations and are ignored.
///
/// The dialect is read from the root's "$schema": a draft-04, -06 or -07 URI makes "$ref"
/// override its sibling keywords, as those drafts say; anything else (or none) is 2020-12,
/// where they apply alongside it. Not supported, and a compile error saying so: $ref to other
/// documents or by $id/$anchor, and patterns using lookaround or backreferences (the pattern
/// engine is linear-time: core/src/schema/regex.hpp). Not supported and ignored, as unknown
/// keywords are: $dynamicRef, unevaluatedProperties, unevaluatedItems.

#include <llmux/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmux {

/// One way an instance fails its schema.
struct SchemaViolation {
  /// Where, as a JSON Pointer into the instance: "" is the whole value, "/items/2/name" the
  /// member "name" of the third item of "items".
  std::string instance_path;
  /// The keyword that failed ("type", "required", "pattern", ...); "false" for the schema
  /// false; "json" when the instance is not JSON; "limit" when validation gave up (below).
  std::string keyword;
  /// What is wrong, in one line: `expected integer, got string`,
  /// `missing required property "city"`, `"Paris " does not match pattern ^[A-Z][a-z]+$`.
  std::string message;

  friend bool operator==(const SchemaViolation &, const SchemaViolation &) = default;
};

/// How many violations validate reports unless told otherwise.
inline constexpr std::size_t default_max_schema_violations = 16;

/// Work units one validation may spend (one per schema applied to a value, per regex state
/// visited, per value compared). Some 10-100 ns each: a few hundred milliseconds at most.
/// Tool arguments of a few kilobytes take thousands; only a hostile schema and instance
/// (alternatives nested along a deep instance, a huge pattern against a long string) get
/// near. Past it, validation stops with the single violation {"", "limit", ...}.
inline constexpr std::uint64_t max_schema_validation_work = 1ULL << 24;

/// Deepest nesting of schemas applied while validating (each property, item, $ref or
/// combinator is a level): 4 per level of the deepest instance json::parse accepts.
/// Past it, validation stops with the single violation {"", "limit", ...}.
inline constexpr int max_schema_evaluation_depth = 1024;

class JsonSchema;
namespace schema {
struct CompiledSchema;
/// The compiled form inside `schema` (null for a default-constructed one): for the core's own
/// validation of values it has already parsed (core/src/schema/validate.hpp).
const CompiledSchema *compiled_schema_of(const JsonSchema &schema) noexcept;
} // namespace schema

/// A compiled JSON Schema. Immutable: copies share the compiled form (cheap), and validating
/// from several threads at once is safe.
class JsonSchema {
public:
  /// The schema `true`: every instance is valid.
  JsonSchema() noexcept = default;

  /// Compiles a schema (JSON text). Fails with invalid_argument (origin Caller) when the text
  /// is not JSON, is not a schema (a keyword of the wrong type, "minLength": -1, "type":
  /// "text"), holds a malformed or unsupported pattern or one past the regex size limit, or a
  /// $ref that does not resolve or that loops back to itself without descending into the
  /// instance ({"$ref": "#"} at the root). The message says where in the schema.
  static Result<JsonSchema> compile(std::string_view schema_json);

  /// The violations of `instance_json`, in the order met (instance order, keyword order);
  /// empty when it is valid. At most `max_violations` (0 counts as 1: an invalid instance
  /// always gets one). A text that is not JSON is the one violation {"", "json", parser's
  /// message}. A value of the wrong type gets only its "type" violation from that schema.
  std::vector<SchemaViolation>
  validate(std::string_view instance_json,
           std::size_t max_violations = default_max_schema_violations) const;

private:
  explicit JsonSchema(std::shared_ptr<const schema::CompiledSchema> compiled) noexcept
      : compiled_(std::move(compiled)) {}
  friend const schema::CompiledSchema *schema::compiled_schema_of(const JsonSchema &) noexcept;

  std::shared_ptr<const schema::CompiledSchema> compiled_;
};

/// The violations as one line for a model or a log: each `path: message` (the path left out
/// for the whole value), joined by "; ". `missing required property "city"; /units: "k" is not
/// one of: "c", "f"`. A control character in a path (a member name holding a newline) prints
/// as \u00XX, as it does in messages, so the line stays one line. Empty for no violations.
std::string describe(const std::vector<SchemaViolation> &violations);

} // namespace llmux
