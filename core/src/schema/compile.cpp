// Compiling a schema: reading each keyword once, checking it is well-formed, and linking
// every $ref to the node of its target.
//
// The compiler walks the document from the root through the keywords that hold subschemas,
// making one SchemaNode per schema it meets, keyed by the address of its JSON in the
// document, so that a schema is compiled once however many paths lead to it. $refs are not
// followed during the walk but queued, and resolved after it: a target already compiled is
// linked, any other (a schema in "$defs", or anywhere else in the document) is compiled then,
// which may queue more. So the recursion follows only the document's nesting (at most
// json::max_depth), never a chain of references, and a recursive schema becomes a cycle of
// node ids.
//
// A cycle that never descends into the instance ({"$ref": "#"} at the root, or two $defs
// referring to each other through allOf) would apply schemas to the same value forever: it is
// found after linking, as a cycle among the edges that keep the instance (in-place
// applicators: $ref, allOf, anyOf, oneOf, not, if/then/else, dependentSchemas), and is a
// compile error. Every other cycle passes through properties, items or the like, so each
// turn of it goes one level deeper into the instance, which is finite.

#include "schema/compiled_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>

#include "schema/json_equality.hpp"
#include "schema/number.hpp"

namespace llmux::schema {
namespace {

// A reference token of a JSON Pointer, escaped: '~' as "~0", '/' as "~1" (RFC 6901).
std::string escape_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out.push_back(c);
  }
  return out;
}

// Appends the reference token `token` to the JSON Pointer `location`.
void append_token(std::string &location, std::string_view token) {
  location.push_back('/');
  location += escape_token(token);
}

// The "$schema" URIs of the drafts in which "$ref" overrides its siblings (04, 06, 07), in
// http and https, with and without the empty fragment.
bool names_draft7_or_older(const json::Value &root) {
  const json::Value *dialect = root.find("$schema");
  if (!dialect || !dialect->is_string())
    return false;
  std::string_view uri = dialect->as_string();
  return uri.find("json-schema.org/draft-04/") != std::string_view::npos ||
         uri.find("json-schema.org/draft-06/") != std::string_view::npos ||
         uri.find("json-schema.org/draft-07/") != std::string_view::npos;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

class SchemaCompiler {
public:
  explicit SchemaCompiler(CompiledSchema &out)
      : out_(out), draft7_(names_draft7_or_older(out.document)) {
    // A $ref may name the root by its "$id" ("http://example.com/root.json#/$defs/a"):
    // that prefix is the document itself. Other URIs are other documents.
    if (const json::Value *id = out.document.find("$id"); id && id->is_string()) {
      root_id_ = id->as_string();
      root_id_ = root_id_.substr(0, root_id_.find('#'));
    }
  }

  Result<NodeId> run() {
    NodeId root;
    if (!compile(out_.document, root) || !link_refs() || !check_in_place_cycles())
      return std::move(*error_);
    return root;
  }

private:
  // Extends location_ by one reference token for its lifetime. The location is kept as one
  // path, not stored per node: a node's location costs as much as its depth, and a wide
  // schema under a long key would make that quadratic.
  class Enter {
  public:
    Enter(std::string &location, std::string_view token)
        : location_(location), mark_(location.size()) {
      append_token(location_, token);
    }
    ~Enter() { location_.resize(mark_); }
    Enter(const Enter &) = delete;
    Enter &operator=(const Enter &) = delete;

  private:
    std::string &location_;
    std::size_t mark_;
  };

  // Fails at the current location.
  bool fail(std::string message) {
    std::string text = "invalid schema";
    if (!location_.empty())
      text += " at " + location_;
    error_ = make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, text + ": " + message);
    return false;
  }

  // Fails at the member `token` of the current location.
  bool fail_at(std::string_view token, std::string message) {
    Enter here(location_, token);
    return fail(std::move(message));
  }

  // The node of the schema `value` (at location_), compiled once: nodes are keyed by their
  // JSON's address in the document, which no other value shares.
  bool compile(const json::Value &value, NodeId &out) {
    if (auto found = node_at_.find(&value); found != node_at_.end()) {
      out = found->second;
      return true;
    }
    if (!value.is_bool() && !value.is_object())
      return fail("expected a schema (an object or a boolean), got " +
                  std::string(json::type_name(value)));
    const auto id = static_cast<NodeId>(out_.nodes.size());
    out_.nodes.emplace_back();
    node_at_.emplace(&value, id);
    out = id;
    SchemaNode node;
    node.schema = &value;
    if (value.is_bool()) {
      node.kind = value.as_bool() ? SchemaNode::Kind::True : SchemaNode::Kind::False;
    } else {
      node.kind = SchemaNode::Kind::Object;
      if (!read_keywords(value, id, node))
        return false;
    }
    // By index: compiling the subschemas grew the vector.
    out_.nodes[id] = std::move(node);
    return true;
  }

  bool read_keywords(const json::Value &schema, NodeId id, SchemaNode &node) {
    if (const json::Value *ref = schema.find("$ref")) {
      if (!ref->is_string())
        return fail_at("$ref", "expected a string");
      pending_refs_.push_back({id, ref});
      if (draft7_) // "All other properties in a "$ref" object MUST be ignored." (draft-07 8.3)
        return true;
    }
    return read_type(schema, node) && read_values(schema, node) && read_numbers(schema, node) &&
           read_strings(schema, node) && read_arrays(schema, node) && read_objects(schema, node) &&
           read_combinators(schema, node);
  }

  // --- Readers of keyword values -------------------------------------------------------------

  // A subschema under `keyword`, if present.
  bool subschema(const json::Value &schema, std::string_view keyword, std::optional<NodeId> &out) {
    const json::Value *value = schema.find(keyword);
    if (!value)
      return true;
    Enter here(location_, keyword);
    NodeId id;
    if (!compile(*value, id))
      return false;
    out = id;
    return true;
  }

  // An array of subschemas under `keyword`, if present.
  bool subschema_list(const json::Value &schema, std::string_view keyword, bool non_empty,
                      std::vector<NodeId> &out) {
    const json::Value *value = schema.find(keyword);
    if (!value)
      return true;
    Enter list(location_, keyword);
    if (!value->is_array() || (non_empty && value->empty()))
      return fail(non_empty ? "expected a non-empty array of schemas"
                            : "expected an array of schemas");
    for (std::size_t i = 0; i < value->size(); ++i) {
      Enter item(location_, std::to_string(i));
      NodeId id;
      if (!compile(value->items()[i], id))
        return false;
      out.push_back(id);
    }
    return true;
  }

  // An object of subschemas under `keyword` ("properties"), sorted by name.
  bool subschema_map(const json::Value &schema, std::string_view keyword,
                     std::vector<std::pair<std::string, NodeId>> &out) {
    const json::Value *value = schema.find(keyword);
    if (!value)
      return true;
    Enter map(location_, keyword);
    if (!value->is_object())
      return fail("expected an object of schemas");
    for (const json::Member *member : sorted_distinct_members(*value)) {
      Enter entry(location_, member->key);
      NodeId id;
      if (!compile(member->value, id))
        return false;
      out.emplace_back(member->key, id);
    }
    return true;
  }

  // A non-negative integer (1.0 counts: draft 2020-12 allows a zero fraction). Counts past
  // 2^64 saturate: no instance can reach them anyway.
  bool count(const json::Value &schema, std::string_view keyword,
             std::optional<std::uint64_t> &out) {
    const json::Value *value = schema.find(keyword);
    if (!value)
      return true;
    if (!value->is_number() || !is_integral(*value) || value->as_double() < 0)
      return fail_at(keyword, "expected a non-negative integer");
    if (value->is_integer())
      out = static_cast<std::uint64_t>(value->as_integer());
    else if (value->as_double() >= 18446744073709551616.0)
      out = UINT64_MAX;
    else
      out = static_cast<std::uint64_t>(value->as_double());
    return true;
  }

  bool number(const json::Value &schema, std::string_view keyword, const json::Value *&out) {
    const json::Value *value = schema.find(keyword);
    if (!value)
      return true;
    if (!value->is_number())
      return fail_at(keyword, "expected a number");
    out = value;
    return true;
  }

  // An array of strings, at the current location.
  bool string_list(const json::Value &value, std::vector<std::string> &out) {
    if (!value.is_array())
      return fail("expected an array of strings");
    for (const json::Value &item : value.items()) {
      if (!item.is_string())
        return fail("expected an array of strings");
      out.push_back(item.as_string());
    }
    return true;
  }

  // A pattern, at the current location.
  bool pattern(std::string_view source, std::optional<Pattern> &out) {
    auto regex = Regex::compile(source);
    if (!regex.ok())
      return fail(regex.error().message);
    if (regex.value().program_size() > program_size_left_)
      return fail("the schema's patterns compile to more than " +
                  std::to_string(max_schema_program_size) + " instructions in all");
    program_size_left_ -= regex.value().program_size();
    out = Pattern{std::move(regex).value(), std::string(source)};
    return true;
  }

  // --- Keywords, by the type of instance they constrain -----------------------------------

  bool read_type(const json::Value &schema, SchemaNode &node) {
    const json::Value *type = schema.find("type");
    if (!type)
      return true;
    Enter here(location_, "type");
    auto add = [&](const json::Value &name) {
      static constexpr std::pair<std::string_view, std::uint8_t> names[] = {
          {"null", type_null},      {"boolean", type_boolean}, {"object", type_object},
          {"array", type_array},    {"number", type_number},   {"string", type_string},
          {"integer", type_integer}};
      for (const auto &[text, bit] : names) {
        if (name.is_string() && name.as_string() == text) {
          node.types |= bit;
          return true;
        }
      }
      return fail("expected null, boolean, object, array, number, string or integer, or an "
                  "array of them");
    };
    if (!type->is_array())
      return add(*type);
    for (const json::Value &name : type->items())
      if (!add(name))
        return false;
    if (type->empty())
      return fail("expected at least one type");
    return true;
  }

  bool read_values(const json::Value &schema, SchemaNode &node) {
    if (const json::Value *values = schema.find("enum")) {
      if (!values->is_array())
        return fail_at("enum", "expected an array");
      node.enum_values = values;
    }
    node.const_value = schema.find("const");
    return true;
  }

  bool read_numbers(const json::Value &schema, SchemaNode &node) {
    if (!number(schema, "minimum", node.minimum) || !number(schema, "maximum", node.maximum) ||
        !number(schema, "multipleOf", node.multiple_of))
      return false;
    if (node.multiple_of &&
        (node.multiple_of->as_double() <= 0 || !std::isfinite(node.multiple_of->as_double())))
      return fail_at("multipleOf", "expected a number greater than 0");
    // Leniency: draft-04 (and OpenAPI 3.0, which tool schemas are often converted from) wrote
    // "exclusiveMinimum": true to make "minimum" exclusive. Read that way rather than
    // rejected; false leaves "minimum" inclusive.
    for (bool lower : {true, false}) {
      std::string_view keyword = lower ? "exclusiveMinimum" : "exclusiveMaximum";
      const json::Value *&bound = lower ? node.minimum : node.maximum;
      const json::Value *&exclusive = lower ? node.exclusive_minimum : node.exclusive_maximum;
      const json::Value *value = schema.find(keyword);
      if (value && value->is_bool()) {
        if (value->as_bool()) {
          exclusive = bound;
          bound = nullptr;
        }
      } else if (!number(schema, keyword, exclusive)) {
        return false;
      }
    }
    return true;
  }

  bool read_strings(const json::Value &schema, SchemaNode &node) {
    if (!count(schema, "minLength", node.min_length) ||
        !count(schema, "maxLength", node.max_length))
      return false;
    if (const json::Value *source = schema.find("pattern")) {
      Enter here(location_, "pattern");
      if (!source->is_string())
        return fail("expected a string");
      if (!pattern(source->as_string(), node.pattern))
        return false;
    }
    return true;
  }

  bool read_arrays(const json::Value &schema, SchemaNode &node) {
    const json::Value *items = schema.find("items");
    if (!draft7_ && schema.find("prefixItems")) {
      if (!subschema_list(schema, "prefixItems", false, node.prefix_items))
        return false;
      if (items && items->is_array())
        return fail_at("items",
                       "expected a schema (with prefixItems, items is the schema of the rest)");
      if (!subschema(schema, "items", node.rest_items))
        return false;
    } else if (items && items->is_array()) {
      // The draft-07 tuple form, also read in 2020-12 schemas (where an array is otherwise
      // invalid) since its meaning is plain: the rest is "additionalItems".
      if (!subschema_list(schema, "items", false, node.prefix_items) ||
          !subschema(schema, "additionalItems", node.rest_items))
        return false;
      node.rest_items_keyword = "additionalItems";
    } else if (!subschema(schema, "items", node.rest_items)) {
      return false;
    }
    if (const json::Value *unique = schema.find("uniqueItems")) {
      if (!unique->is_bool())
        return fail_at("uniqueItems", "expected a boolean");
      node.unique_items = unique->as_bool();
    }
    if (!count(schema, "minItems", node.min_items) || !count(schema, "maxItems", node.max_items) ||
        !subschema(schema, "contains", node.contains) ||
        !count(schema, "minContains", node.min_contains) ||
        !count(schema, "maxContains", node.max_contains))
      return false;
    if (node.contains && !node.min_contains)
      node.min_contains = 1;
    return true;
  }

  bool read_objects(const json::Value &schema, SchemaNode &node) {
    if (!subschema_map(schema, "properties", node.properties))
      return false;
    if (const json::Value *patterns = schema.find("patternProperties")) {
      Enter map(location_, "patternProperties");
      if (!patterns->is_object())
        return fail("expected an object of schemas");
      for (const json::Member *member : distinct_members(*patterns)) {
        Enter entry(location_, member->key);
        std::optional<Pattern> compiled;
        NodeId id;
        if (!pattern(member->key, compiled) || !compile(member->value, id))
          return false;
        node.pattern_properties.emplace_back(std::move(*compiled), id);
      }
    }
    if (!subschema(schema, "additionalProperties", node.additional_properties) ||
        !subschema(schema, "propertyNames", node.property_names) ||
        !count(schema, "minProperties", node.min_properties) ||
        !count(schema, "maxProperties", node.max_properties))
      return false;
    if (const json::Value *required = schema.find("required")) {
      Enter here(location_, "required");
      if (!string_list(*required, node.required))
        return false;
    }
    if (const json::Value *dependent = schema.find("dependentRequired")) {
      Enter map(location_, "dependentRequired");
      if (!dependent->is_object())
        return fail("expected an object of arrays of strings");
      for (const json::Member *member : distinct_members(*dependent)) {
        Enter entry(location_, member->key);
        std::vector<std::string> names;
        if (!string_list(member->value, names))
          return false;
        node.dependent_required.push_back({member->key, std::move(names), "dependentRequired"});
      }
    }
    if (!subschema_map(schema, "dependentSchemas", node.dependent_schemas))
      return false;
    // draft-07's "dependencies" holds both forms; read in either dialect, its meaning being
    // unambiguous.
    if (const json::Value *dependencies = schema.find("dependencies")) {
      Enter map(location_, "dependencies");
      if (!dependencies->is_object())
        return fail("expected an object");
      for (const json::Member *member : distinct_members(*dependencies)) {
        Enter entry(location_, member->key);
        if (member->value.is_array()) {
          std::vector<std::string> names;
          if (!string_list(member->value, names))
            return false;
          node.dependent_required.push_back({member->key, std::move(names), "dependencies"});
        } else {
          NodeId id;
          if (!compile(member->value, id))
            return false;
          node.dependent_schemas.emplace_back(member->key, id);
        }
      }
    }
    node.has_object_keywords = !node.properties.empty() || !node.pattern_properties.empty() ||
                               node.additional_properties || !node.required.empty() ||
                               node.property_names || node.min_properties || node.max_properties ||
                               !node.dependent_required.empty() || !node.dependent_schemas.empty();
    return true;
  }

  bool read_combinators(const json::Value &schema, SchemaNode &node) {
    return subschema_list(schema, "allOf", true, node.all_of) &&
           subschema_list(schema, "anyOf", true, node.any_of) &&
           subschema_list(schema, "oneOf", true, node.one_of) &&
           subschema(schema, "not", node.not_schema) && subschema(schema, "if", node.if_schema) &&
           subschema(schema, "then", node.then_schema) &&
           subschema(schema, "else", node.else_schema);
  }

  // --- $ref -------------------------------------------------------------------------------

  struct PendingRef {
    NodeId node;
    const json::Value *ref; // the "$ref" string in the document
  };

  bool link_refs() {
    // By index: compiling a target may queue more references.
    for (std::size_t i = 0; i < pending_refs_.size(); ++i) {
      const PendingRef pending = pending_refs_[i];
      const json::Value *target = nullptr;
      std::string problem;
      if (!resolve(pending.ref->as_string(), target, location_, problem)) {
        location_ = location_of(pending.ref);
        return fail(std::move(problem));
      }
      NodeId id;
      if (!compile(*target, id)) // location_ is the target's: errors inside it say so
        return false;
      out_.nodes[pending.node].ref = id;
    }
    return true;
  }

  // The value a reference names, and its location as a JSON Pointer; else what is wrong.
  bool resolve(const std::string &ref, const json::Value *&out, std::string &out_location,
               std::string &problem) {
    std::string_view text = ref;
    if (!root_id_.empty() && text.substr(0, root_id_.size()) == root_id_ &&
        (text.size() == root_id_.size() || text[root_id_.size()] == '#'))
      text.remove_prefix(root_id_.size());
    if (text.empty())
      text = "#";
    const std::string quoted = "\"" + ref + "\"";
    if (text.front() != '#') {
      problem = quoted + " names another document; only references within the schema "
                         "(\"#...\") are supported";
      return false;
    }
    std::string fragment; // percent-decoded (RFC 3986: the fragment is URI-encoded)
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] != '%') {
        fragment.push_back(text[i]);
        continue;
      }
      const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
      if (low < 0) {
        problem = quoted + " has an invalid percent-encoding";
        return false;
      }
      fragment.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
    if (!fragment.empty() && fragment.front() != '/') {
      problem = quoted + " is a plain-name fragment ($anchor), which is not supported; use a "
                         "JSON Pointer (\"#/$defs/name\")";
      return false;
    }
    out = &out_.document;
    out_location.clear();
    std::size_t at = 0;
    while (at < fragment.size()) {
      const std::size_t end = std::min(fragment.find('/', at + 1), fragment.size());
      std::string token;
      for (std::size_t i = at + 1; i < end; ++i) {
        if (fragment[i] != '~') {
          token.push_back(fragment[i]);
        } else if (i + 1 < end && (fragment[i + 1] == '0' || fragment[i + 1] == '1')) {
          token.push_back(fragment[++i] == '0' ? '~' : '/');
        } else {
          problem = quoted + " has an invalid JSON Pointer escape";
          return false;
        }
      }
      at = end;
      const json::Value *next = nullptr;
      if (out->is_object()) {
        next = out->find(token);
      } else if (out->is_array()) {
        // An index: digits without a leading zero (RFC 6901), short enough not to overflow.
        const bool is_index =
            !token.empty() && token.size() <= 9 && (token == "0" || token.front() != '0') &&
            std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
        std::size_t index = 0;
        for (char c : is_index ? token : std::string())
          index = index * 10 + static_cast<std::size_t>(c - '0');
        if (is_index && index < out->size())
          next = &out->items()[index];
      }
      append_token(out_location, token);
      if (!next) {
        problem = quoted + " does not resolve: nothing at " + out_location;
        return false;
      }
      out = next;
    }
    return true;
  }

  // --- Locations, for error messages ------------------------------------------------------

  // Appends the location of `wanted` within `value` to `path`; false when it is not there.
  static bool find_location(const json::Value &value, const json::Value *wanted,
                            std::string &path) {
    if (&value == wanted)
      return true;
    const std::size_t mark = path.size();
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        append_token(path, std::to_string(i));
        if (find_location(value.items()[i], wanted, path))
          return true;
        path.resize(mark);
      }
    } else if (value.is_object()) {
      for (const json::Member &member : value.members()) {
        append_token(path, member.key);
        if (find_location(member.value, wanted, path))
          return true;
        path.resize(mark);
      }
    }
    return false;
  }

  // Where a value of the document is, as a JSON Pointer. Walks the document: for messages.
  std::string location_of(const json::Value *wanted) const {
    std::string path;
    find_location(out_.document, wanted, path);
    return path;
  }

  // --- Cycles that never descend into the instance -----------------------------------------

  static std::vector<NodeId> in_place_edges(const SchemaNode &node) {
    std::vector<NodeId> edges;
    for (const std::optional<NodeId> &edge :
         {node.ref, node.not_schema, node.if_schema, node.then_schema, node.else_schema})
      if (edge)
        edges.push_back(*edge);
    for (const std::vector<NodeId> *list : {&node.all_of, &node.any_of, &node.one_of})
      edges.insert(edges.end(), list->begin(), list->end());
    for (const auto &[name, id] : node.dependent_schemas)
      edges.push_back(id);
    return edges;
  }

  // Depth-first, with an explicit stack: a chain of thousands of $defs must not recurse.
  bool check_in_place_cycles() {
    enum class Mark : std::uint8_t { Unvisited, OnPath, Done };
    std::vector<Mark> marks(out_.nodes.size(), Mark::Unvisited);
    struct Frame {
      NodeId node;
      std::vector<NodeId> edges;
      std::size_t next = 0;
    };
    std::vector<Frame> path;
    for (NodeId start = 0; start < out_.nodes.size(); ++start) {
      if (marks[start] != Mark::Unvisited)
        continue;
      marks[start] = Mark::OnPath;
      path.push_back({start, in_place_edges(out_.nodes[start])});
      while (!path.empty()) {
        Frame &frame = path.back();
        if (frame.next == frame.edges.size()) {
          marks[frame.node] = Mark::Done;
          path.pop_back();
          continue;
        }
        const NodeId target = frame.edges[frame.next++];
        if (marks[target] == Mark::OnPath) {
          std::vector<NodeId> cycle;
          for (const Frame &on_path : path)
            if (!cycle.empty() || on_path.node == target)
              cycle.push_back(on_path.node);
          return report_cycle(cycle);
        }
        if (marks[target] == Mark::Unvisited) {
          marks[target] = Mark::OnPath;
          path.push_back({target, in_place_edges(out_.nodes[target])});
        }
      }
    }
    return true;
  }

  // "#/$defs/a -> #/$defs/b -> #/$defs/a": the first few schemas of the cycle, back to its
  // first.
  bool report_cycle(const std::vector<NodeId> &cycle) {
    constexpr std::size_t max_shown = 8;
    std::string text;
    for (std::size_t i = 0; i < cycle.size() && i < max_shown; ++i) {
      text += "#";
      text += location_of(out_.nodes[cycle[i]].schema);
      text += " -> ";
    }
    if (cycle.size() > max_shown)
      text += "\u2026 -> ";
    location_ = location_of(out_.nodes[cycle.front()].schema);
    return fail("the schemas " + text + "#" + location_ +
                " apply to the same value in a cycle that never ends");
  }

  CompiledSchema &out_;
  const bool draft7_;
  std::string root_id_;
  // The JSON Pointer of what is being compiled (see Enter).
  std::string location_;
  // A map rather than an unordered_map: hashing brings std::__next_prime and the rehash code
  // into the Wasm module (2 KB), and a schema has few enough nodes for a tree.
  std::map<const json::Value *, NodeId> node_at_;
  std::vector<PendingRef> pending_refs_;
  std::size_t program_size_left_ = max_schema_program_size;
  std::optional<Error> error_;
};

} // namespace

Result<std::shared_ptr<const CompiledSchema>> compile_schema(std::string_view schema_json) {
  auto document = json::parse(schema_json);
  if (!document.ok())
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "invalid schema: " + document.error().message);
  auto compiled = std::make_shared<CompiledSchema>();
  compiled->document = std::move(document).value();
  auto root = SchemaCompiler(*compiled).run();
  if (!root.ok())
    return std::move(root).error();
  compiled->root = root.value();
  return std::shared_ptr<const CompiledSchema>(std::move(compiled));
}

} // namespace llmux::schema
