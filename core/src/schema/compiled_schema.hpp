#pragma once
// The compiled form of a JSON Schema: every schema object of the document that validation can
// reach, read once into a SchemaNode whose keywords are typed fields, with each subschema
// and each $ref target a NodeId into one vector. A $ref is a link to its target's node, so
// validation never looks anything up by pointer, and recursive schemas are cycles of ids.

#include <llmux/result.hpp>

#include "schema/regex.hpp"
#include "json/json.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmux::schema {

using NodeId = std::uint32_t;

/// The JSON types of "type", one bit each.
enum TypeBits : std::uint8_t {
  type_null = 1 << 0,
  type_boolean = 1 << 1,
  type_object = 1 << 2,
  type_array = 1 << 3,
  type_number = 1 << 4,
  type_string = 1 << 5,
  type_integer = 1 << 6,
};

/// A compiled "pattern": the regex and its source, for messages.
struct Pattern {
  Regex regex;
  std::string source;
};

/// One schema of the document. Plain data; an absent keyword is an empty field.
struct SchemaNode {
  enum class Kind : std::uint8_t { True, False, Object };
  Kind kind = Kind::True;
  /// The schema's JSON in CompiledSchema::document (its location, for messages, is found
  /// from it).
  const json::Value *schema = nullptr;
  /// Whether any keyword about objects is present: validation skips objects otherwise.
  bool has_object_keywords = false;

  std::optional<NodeId> ref;
  /// TypeBits; 0 when there is no "type".
  std::uint8_t types = 0;
  /// Array values of "enum", and "const": pointers into CompiledSchema::document.
  const json::Value *enum_values = nullptr;
  const json::Value *const_value = nullptr;

  // Numbers: pointers into the document, so that comparisons are exact whatever the number's
  // representation.
  const json::Value *minimum = nullptr;
  const json::Value *maximum = nullptr;
  const json::Value *exclusive_minimum = nullptr;
  const json::Value *exclusive_maximum = nullptr;
  const json::Value *multiple_of = nullptr;

  // Strings. Lengths count code points.
  std::optional<std::uint64_t> min_length;
  std::optional<std::uint64_t> max_length;
  std::optional<Pattern> pattern;

  // Arrays.
  /// "prefixItems" (2020-12), or "items" given as an array (draft-07).
  std::vector<NodeId> prefix_items;
  /// The schema of the items after prefix_items: "items" (a schema) or, after an array
  /// "items", "additionalItems".
  std::optional<NodeId> rest_items;
  /// The keyword rest_items came from, for messages.
  std::string_view rest_items_keyword = "items";
  std::optional<std::uint64_t> min_items;
  std::optional<std::uint64_t> max_items;
  bool unique_items = false;
  std::optional<NodeId> contains;
  std::optional<std::uint64_t> min_contains;
  std::optional<std::uint64_t> max_contains;

  // Objects.
  /// "properties", sorted by name (a name given twice counts once, its last schema).
  std::vector<std::pair<std::string, NodeId>> properties;
  std::vector<std::pair<Pattern, NodeId>> pattern_properties;
  std::optional<NodeId> additional_properties;
  std::vector<std::string> required;
  std::optional<NodeId> property_names;
  std::optional<std::uint64_t> min_properties;
  std::optional<std::uint64_t> max_properties;
  /// "dependentRequired" and the array form of "dependencies": when `name` is present, the
  /// `required` must be.
  struct DependentRequired {
    std::string name;
    std::vector<std::string> required;
    std::string_view keyword; ///< which of the two keywords said so, for messages
  };
  std::vector<DependentRequired> dependent_required;
  /// "dependentSchemas" and the schema form of "dependencies".
  std::vector<std::pair<std::string, NodeId>> dependent_schemas;

  // Combinators.
  std::vector<NodeId> all_of;
  std::vector<NodeId> any_of;
  std::vector<NodeId> one_of;
  std::optional<NodeId> not_schema;
  std::optional<NodeId> if_schema;
  std::optional<NodeId> then_schema;
  std::optional<NodeId> else_schema;
};

/// A whole compiled schema. Held by a shared_ptr: nodes point into `document`, which must not
/// move.
struct CompiledSchema {
  json::Value document;
  std::vector<SchemaNode> nodes;
  NodeId root = 0;
};

/// Total size of the regex programs of one schema (see max_regex_program_size): a schema of
/// a megabyte of `\d{1,1000}` patterns would otherwise compile to gigabytes.
inline constexpr std::size_t max_schema_program_size = 200'000;

/// Compiles a schema (JSON text); see JsonSchema::compile for the errors.
Result<std::shared_ptr<const CompiledSchema>> compile_schema(std::string_view schema_json);

} // namespace llmux::schema
