// Validation: applying a compiled schema to a value and saying what is wrong where.
//
// evaluate() applies one schema node to one value and records what fails in a Sink, a list
// with a limit; it is valid when it recorded nothing. Keywords that apply subschemas to
// parts of the value (properties, items, allOf, $ref, then) recurse into the same sink, with
// the instance path extended; keywords that only need a yes or no from a subschema (anyOf,
// oneOf, not, if, contains) evaluate it into a Quiet sink of limit 1, which stops at the
// first violation and builds no message. Only when an anyOf or oneOf fails where the caller
// will read it are its alternatives evaluated again, briefly, to say how each one failed
// ("matches no alternative of anyOf (#0: expected string, got integer / #1: ...)"): so the
// work of an explained failure is about twice that of a quiet one, at any nesting.
//
// Two bounds keep a hostile schema and value from hanging or overflowing the stack: every
// evaluation, regex state and comparison spends from one WorkBudget, and the nesting of
// evaluations is limited (max_schema_validation_work, max_schema_evaluation_depth). Past
// either, validation stops and reports only that: anything it found before may be the
// product of an answer cut short.

#include "schema/validate.hpp"

#include <llmux/utf8.hpp>

#include "schema/json_equality.hpp"
#include "schema/number.hpp"

#include <algorithm>
#include <cmath>

namespace llmux::schema {
namespace {

// Values in messages are cut to this many bytes: enough to recognise, short enough that a
// megabyte argument does not come back to the model whole.
constexpr std::size_t max_rendered_bytes = 64;
// And one alternative's story in an anyOf or oneOf message to this many.
constexpr std::size_t max_alternative_bytes = 200;

std::string cut(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes)
    return text;
  text.resize(complete_utf8_prefix(std::string_view(text).substr(0, max_bytes)));
  return text + "\u2026";
}

std::string quoted(std::string_view text) {
  std::string out;
  json::write_string(text, out);
  return out;
}

// A value as it reads in a message: JSON, cut short.
std::string render(const json::Value &value) {
  if (value.is_string()) {
    const std::string &text = value.as_string();
    if (text.size() <= max_rendered_bytes)
      return quoted(text);
    return quoted(std::string(text.substr(0, complete_utf8_prefix(std::string_view(text).substr(
                                                 0, max_rendered_bytes)))) +
                  "\u2026");
  }
  if (value.is_number() && !value.is_integer() && !std::isfinite(value.as_double()))
    return value.as_double() > 0 ? "Infinity" : "-Infinity"; // 1e400; dump would say null
  return cut(json::dump(value), max_rendered_bytes);
}

std::string_view type_of(const json::Value &value) {
  switch (value.type()) {
    case json::Type::Null:
      return "null";
    case json::Type::Bool:
      return "boolean";
    case json::Type::Number:
      return is_integral(value) ? "integer" : "number";
    case json::Type::String:
      return "string";
    case json::Type::Array:
      return "array";
    case json::Type::Object:
      return "object";
  }
  return "unknown";
}

bool has_type(std::uint8_t types, const json::Value &value) {
  switch (value.type()) {
    case json::Type::Null:
      return types & type_null;
    case json::Type::Bool:
      return types & type_boolean;
    case json::Type::Number:
      return (types & type_number) || ((types & type_integer) && is_integral(value));
    case json::Type::String:
      return types & type_string;
    case json::Type::Array:
      return types & type_array;
    case json::Type::Object:
      return types & type_object;
  }
  return false;
}

// "string", "string or null", "object, array or null".
std::string types_text(std::uint8_t types) {
  static constexpr std::pair<std::uint8_t, std::string_view> order[] = {
      {type_object, "object"},   {type_array, "array"},   {type_string, "string"},
      {type_integer, "integer"}, {type_number, "number"}, {type_boolean, "boolean"},
      {type_null, "null"}};
  std::vector<std::string_view> names;
  for (const auto &[bit, name] : order)
    if (types & bit)
      names.push_back(name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// "1 item", "3 items".
std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text)
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

class Validator {
public:
  explicit Validator(const CompiledSchema &schema)
      : schema_(schema), budget_(max_schema_validation_work) {}

  std::vector<SchemaViolation> run(const json::Value &instance, std::size_t max_violations) {
    std::vector<SchemaViolation> violations;
    Sink sink{&violations, std::max<std::size_t>(max_violations, 1), Detail::Full};
    evaluate(schema_.root, instance, sink);
    if (budget_.exhausted())
      stop_ = Stop::Work;
    switch (stop_) {
      case Stop::None:
        return violations;
      case Stop::Work:
        return {{"", "limit",
                 "validation gave up after " + std::to_string(max_schema_validation_work) +
                     " steps: the schema is too costly to check against this value"}};
      case Stop::Depth:
        return {{"", "limit",
                 "validation gave up: schemas nest deeper than " +
                     std::to_string(max_schema_evaluation_depth) + " levels for this value"}};
    }
    return violations;
  }

private:
  // How much a sink wants to hear. Messages cost string building, and an anyOf that explains
  // its alternatives costs evaluating them twice; only the violations that reach the caller
  // need either, so what only decides yes or no runs Quiet.
  enum class Detail : std::uint8_t {
    Full,  ///< messages; anyOf and oneOf say how each alternative failed
    Brief, ///< messages; anyOf and oneOf only say that none matched
    Quiet, ///< counts only
  };

  struct Sink {
    std::vector<SchemaViolation> *out; // null when Quiet
    std::size_t limit;
    Detail detail;
    std::size_t count = 0;
    bool full() const noexcept { return count >= limit; }
  };

  enum class Stop : std::uint8_t { None, Work, Depth };

  bool done(const Sink &sink) const noexcept { return stop_ != Stop::None || sink.full(); }

  // Records a violation at the current path; `message` is called only if the sink keeps text.
  template <class Message> void report(Sink &sink, std::string_view keyword, Message &&message) {
    if (sink.full())
      return;
    ++sink.count;
    if (sink.out)
      sink.out->push_back({path_, std::string(keyword), message()});
  }

  void spend(std::uint64_t units) {
    if (!budget_.spend(units))
      stop_ = Stop::Work;
  }

  // Extends the instance path by one member name or index; resize(mark) takes it back.
  std::size_t enter_member(std::string_view key) {
    const std::size_t mark = path_.size();
    path_.push_back('/');
    for (char c : key) {
      if (c == '~')
        path_ += "~0";
      else if (c == '/')
        path_ += "~1";
      else
        path_.push_back(c);
    }
    return mark;
  }
  std::size_t enter_item(std::size_t index) {
    const std::size_t mark = path_.size();
    path_.push_back('/');
    path_ += std::to_string(index);
    return mark;
  }

  // Applies node `id` to `value`; true when it recorded no violation (and nothing stopped).
  bool evaluate(NodeId id, const json::Value &value, Sink &sink) {
    if (done(sink))
      return false;
    spend(1);
    if (depth_ >= max_schema_evaluation_depth)
      stop_ = Stop::Depth;
    if (stop_ != Stop::None)
      return false;
    const std::size_t before = sink.count;
    const SchemaNode &node = schema_.nodes[id];
    ++depth_;
    switch (node.kind) {
      case SchemaNode::Kind::True:
        break;
      case SchemaNode::Kind::False:
        report(sink, "false", [] { return "no value is allowed here"; });
        break;
      case SchemaNode::Kind::Object:
        evaluate_keywords(node, value, sink);
        break;
    }
    --depth_;
    return stop_ == Stop::None && sink.count == before;
  }

  // Yes or no from a subschema.
  bool passes(NodeId id, const json::Value &value) {
    Sink quiet{nullptr, 1, Detail::Quiet};
    return evaluate(id, value, quiet);
  }

  // The first violation of a subschema that fails, said briefly (into `first`, emptied
  // first); true when it passes.
  bool passes_or_says_why(NodeId id, const json::Value &value,
                          std::vector<SchemaViolation> &first) {
    first.clear();
    Sink brief{&first, 1, Detail::Brief};
    return evaluate(id, value, brief);
  }

  void evaluate_keywords(const SchemaNode &node, const json::Value &value, Sink &sink) {
    if (node.ref) {
      evaluate(*node.ref, value, sink);
      if (done(sink))
        return;
    }
    if (node.types != 0 && !has_type(node.types, value)) {
      // The other keywords' complaints about a value of the wrong type are noise.
      report(sink, "type", [&] {
        return "expected " + types_text(node.types) + ", got " + std::string(type_of(value));
      });
      return;
    }
    if (node.enum_values)
      check_enum(node, value, sink);
    if (node.const_value) {
      const bool equal = json_equal(value, *node.const_value, budget_);
      if (budget_.exhausted())
        stop_ = Stop::Work;
      else if (!equal)
        report(sink, "const",
               [&] { return "expected " + render(*node.const_value) + ", got " + render(value); });
    }
    switch (value.type()) {
      case json::Type::Number:
        check_number(node, value, sink);
        break;
      case json::Type::String:
        check_string(node, value, sink);
        break;
      case json::Type::Array:
        check_array(node, value, sink);
        break;
      case json::Type::Object:
        check_object(node, value, sink);
        break;
      default:
        break;
    }
    if (!done(sink))
      check_combinators(node, value, sink);
  }

  void check_enum(const SchemaNode &node, const json::Value &value, Sink &sink) {
    for (const json::Value &candidate : node.enum_values->items()) {
      if (json_equal(value, candidate, budget_))
        return;
      if (budget_.exhausted()) {
        stop_ = Stop::Work;
        return;
      }
    }
    report(sink, "enum", [&] {
      // The allowed values, as many as fit in a line.
      std::string allowed;
      for (const json::Value &candidate : node.enum_values->items()) {
        std::string next = (allowed.empty() ? "" : ", ") + render(candidate);
        if (allowed.size() + next.size() > 2 * max_alternative_bytes) {
          allowed += ", \u2026";
          break;
        }
        allowed += next;
      }
      return render(value) + " is not one of: " + allowed;
    });
  }

  void check_number(const SchemaNode &node, const json::Value &value, Sink &sink) {
    const auto bound = [&](const json::Value *limit, std::string_view keyword,
                           std::string_view expected, auto fails) {
      if (limit && fails(compare_numbers(value, *limit)))
        report(sink, keyword, [&] {
          return "expected " + std::string(expected) + " " + render(*limit) + ", got " +
                 render(value);
        });
    };
    bound(node.minimum, "minimum", "at least", [](int order) { return order < 0; });
    bound(node.maximum, "maximum", "at most", [](int order) { return order > 0; });
    bound(node.exclusive_minimum, "exclusiveMinimum", "more than",
          [](int order) { return order <= 0; });
    bound(node.exclusive_maximum, "exclusiveMaximum", "less than",
          [](int order) { return order >= 0; });
    if (node.multiple_of && !is_multiple_of(value, *node.multiple_of))
      report(sink, "multipleOf", [&] {
        return "expected a multiple of " + render(*node.multiple_of) + ", got " + render(value);
      });
  }

  void check_string(const SchemaNode &node, const json::Value &value, Sink &sink) {
    const std::string &text = value.as_string();
    if (node.min_length || node.max_length) {
      spend(1 + text.size() / 64);
      const std::size_t length = code_points(text);
      if (node.min_length && length < *node.min_length)
        report(sink, "minLength", [&] {
          return "expected at least " + counted(*node.min_length, "character", "characters") +
                 ", got " + std::to_string(length);
        });
      if (node.max_length && length > *node.max_length)
        report(sink, "maxLength", [&] {
          return "expected at most " + counted(*node.max_length, "character", "characters") +
                 ", got " + std::to_string(length);
        });
    }
    if (node.pattern && !done(sink)) {
      const std::optional<bool> found = node.pattern->regex.search(text, budget_);
      if (!found)
        stop_ = Stop::Work;
      else if (!*found)
        report(sink, "pattern", [&] {
          return render(value) + " does not match pattern " + printable(node.pattern->source);
        });
    }
  }

  // The first pair of equal items (the one whose second item comes first), if any.
  std::optional<std::pair<std::size_t, std::size_t>>
  find_equal_items(const std::vector<json::Value> &items) {
    std::optional<std::pair<std::size_t, std::size_t>> best;
    auto consider = [&](std::size_t i, std::size_t j) {
      if (!best || j < best->second || (j == best->second && i < best->first))
        best = std::pair{i, j};
    };
    // Items grouped by hash: only items of equal hash can be equal, so the comparisons are
    // few unless a hostile array collides on purpose (which the budget then ends).
    std::vector<std::pair<std::uint64_t, std::size_t>> hashes;
    hashes.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
      hashes.emplace_back(json_hash(items[i], budget_), i);
    if (budget_.exhausted())
      return std::nullopt;
    std::sort(hashes.begin(), hashes.end());
    for (std::size_t start = 0; start < hashes.size();) {
      std::size_t end = start + 1;
      while (end < hashes.size() && hashes[end].first == hashes[start].first)
        ++end;
      // Within a run, indices ascend: the first j with an equal earlier item is the run's best.
      for (std::size_t b = start + 1; b < end; ++b) {
        bool found = false;
        for (std::size_t a = start; a < b && !found; ++a) {
          if (json_equal(items[hashes[a].second], items[hashes[b].second], budget_)) {
            consider(hashes[a].second, hashes[b].second);
            found = true;
          }
          if (budget_.exhausted())
            return std::nullopt;
        }
        if (found)
          break;
      }
      start = end;
    }
    return best;
  }

  void check_array(const SchemaNode &node, const json::Value &value, Sink &sink) {
    const std::vector<json::Value> &items = value.items();
    const std::size_t size = items.size();
    if (node.min_items && size < *node.min_items)
      report(sink, "minItems", [&] {
        return "expected at least " + counted(*node.min_items, "item", "items") + ", got " +
               std::to_string(size);
      });
    if (node.max_items && size > *node.max_items)
      report(sink, "maxItems", [&] {
        return "expected at most " + counted(*node.max_items, "item", "items") + ", got " +
               std::to_string(size);
      });
    if (node.unique_items && size > 1 && !done(sink)) {
      const auto equal = find_equal_items(items);
      if (budget_.exhausted()) {
        stop_ = Stop::Work;
        return;
      }
      if (equal)
        report(sink, "uniqueItems", [&] {
          return "expected unique items, but items " + std::to_string(equal->first) + " and " +
                 std::to_string(equal->second) + " are equal";
        });
    }
    const std::size_t prefix = std::min(size, node.prefix_items.size());
    for (std::size_t i = 0; i < prefix && !done(sink); ++i) {
      const std::size_t mark = enter_item(i);
      evaluate(node.prefix_items[i], items[i], sink);
      path_.resize(mark);
    }
    if (node.rest_items && size > node.prefix_items.size() && !done(sink)) {
      if (schema_.nodes[*node.rest_items].kind == SchemaNode::Kind::False) {
        // Said as a count: "no value is allowed here" at each extra item says less.
        report(sink, node.rest_items_keyword, [&] {
          return "expected at most " + counted(node.prefix_items.size(), "item", "items") +
                 ", got " + std::to_string(size);
        });
      } else {
        for (std::size_t i = node.prefix_items.size(); i < size && !done(sink); ++i) {
          const std::size_t mark = enter_item(i);
          evaluate(*node.rest_items, items[i], sink);
          path_.resize(mark);
        }
      }
    }
    if (node.contains && !done(sink))
      check_contains(node, items, sink);
  }

  void check_contains(const SchemaNode &node, const std::vector<json::Value> &items, Sink &sink) {
    const std::uint64_t min = node.min_contains.value_or(1);
    std::uint64_t matches = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const bool match = passes(*node.contains, items[i]);
      if (stop_ != Stop::None)
        return;
      matches += match;
      if (matches >= min && (!node.max_contains || matches > *node.max_contains))
        break; // the answer cannot change
    }
    if (matches < min)
      report(sink, min != 1 ? "minContains" : "contains", [&] {
        return "expected at least " + counted(min, "item", "items") +
               " matching \"contains\", got " + std::to_string(matches);
      });
    else if (node.max_contains && matches > *node.max_contains)
      report(sink, "maxContains", [&] {
        return "expected at most " + counted(*node.max_contains, "item", "items") +
               " matching \"contains\", got more";
      });
  }

  void check_object(const SchemaNode &node, const json::Value &value, Sink &sink) {
    if (!node.has_object_keywords)
      return;
    const std::vector<const json::Member *> sorted = sorted_distinct_members(value);
    spend(1 + sorted.size());
    const auto has = [&](std::string_view key) {
      auto found = std::lower_bound(sorted.begin(), sorted.end(), key, key_less);
      return found != sorted.end() && (*found)->key == key;
    };
    if (node.min_properties && sorted.size() < *node.min_properties)
      report(sink, "minProperties", [&] {
        return "expected at least " + counted(*node.min_properties, "property", "properties") +
               ", got " + std::to_string(sorted.size());
      });
    if (node.max_properties && sorted.size() > *node.max_properties)
      report(sink, "maxProperties", [&] {
        return "expected at most " + counted(*node.max_properties, "property", "properties") +
               ", got " + std::to_string(sorted.size());
      });
    for (const std::string &name : node.required)
      if (!has(name))
        report(sink, "required", [&] { return "missing required property " + quoted(name); });
    for (const SchemaNode::DependentRequired &dependent : node.dependent_required) {
      if (!has(dependent.name))
        continue;
      for (const std::string &other : dependent.required)
        if (!has(other))
          report(sink, dependent.keyword, [&] {
            return "missing property " + quoted(other) + ", required when " +
                   quoted(dependent.name) + " is present";
          });
    }
    for (const auto &[name, id] : node.dependent_schemas) {
      if (has(name))
        evaluate(id, value, sink);
      if (done(sink))
        return;
    }
    if (node.properties.empty() && node.pattern_properties.empty() && !node.additional_properties &&
        !node.property_names)
      return;
    // Member by member in the order they were written, so that violations read in that order.
    std::vector<const json::Member *> members = sorted;
    sort_by_position(members);
    for (const json::Member *member : members) {
      if (done(sink))
        return;
      check_member(node, *member, sink);
    }
  }

  void check_member(const SchemaNode &node, const json::Member &member, Sink &sink) {
    const std::size_t mark = enter_member(member.key);
    bool matched = false;
    auto property = std::lower_bound(node.properties.begin(), node.properties.end(), member.key,
                                     [](const std::pair<std::string, NodeId> &entry,
                                        std::string_view key) { return entry.first < key; });
    if (property != node.properties.end() && property->first == member.key) {
      matched = true;
      evaluate(property->second, member.value, sink);
    }
    for (const auto &[pattern, id] : node.pattern_properties) {
      if (done(sink))
        break;
      const std::optional<bool> found = pattern.regex.search(member.key, budget_);
      if (!found) {
        stop_ = Stop::Work;
        break;
      }
      if (*found) {
        matched = true;
        evaluate(id, member.value, sink);
      }
    }
    if (!matched && node.additional_properties && !done(sink)) {
      if (schema_.nodes[*node.additional_properties].kind == SchemaNode::Kind::False) {
        path_.resize(mark); // said of the object, like "missing required property"
        report(sink, "additionalProperties",
               [&] { return "unexpected property " + quoted(member.key); });
      } else {
        evaluate(*node.additional_properties, member.value, sink);
      }
    }
    path_.resize(mark);
    if (node.property_names && !done(sink)) {
      const json::Value name(member.key);
      if (sink.detail == Detail::Quiet) {
        if (!passes(*node.property_names, name) && stop_ == Stop::None)
          report(sink, "propertyNames", [] { return std::string(); });
      } else {
        std::vector<SchemaViolation> first;
        if (!passes_or_says_why(*node.property_names, name, first) && stop_ == Stop::None)
          report(sink, "propertyNames",
                 [&] { return "invalid property name: " + first.front().message; });
      }
    }
  }

  // " (#0: expected string, got integer / #1 at /id: ...)": how each of the alternatives
  // (all failed) fails, each evaluated again, briefly. Empty unless the sink wants it (Full).
  std::string explain(const Sink &sink, const std::vector<NodeId> &alternatives,
                      const json::Value &value) {
    if (sink.detail != Detail::Full)
      return "";
    std::string out;
    std::vector<SchemaViolation> first;
    for (std::size_t index = 0; index < alternatives.size(); ++index) {
      if (passes_or_says_why(alternatives[index], value, first) || stop_ != Stop::None)
        return "";
      std::string text = "#";
      text += std::to_string(index);
      const std::string relative = first.front().instance_path.substr(path_.size());
      if (!relative.empty())
        text += " at " + relative;
      text += ": " + first.front().message;
      out += (out.empty() ? " (" : " / ") + cut(std::move(text), max_alternative_bytes);
    }
    return out + ")";
  }

  void check_combinators(const SchemaNode &node, const json::Value &value, Sink &sink) {
    for (NodeId id : node.all_of) {
      evaluate(id, value, sink);
      if (done(sink))
        return;
    }
    if (!node.any_of.empty()) {
      bool matched = false;
      for (std::size_t i = 0; i < node.any_of.size() && !matched; ++i) {
        matched = passes(node.any_of[i], value);
        if (stop_ != Stop::None)
          return;
      }
      if (!matched) {
        const std::string why = explain(sink, node.any_of, value);
        if (stop_ != Stop::None)
          return;
        report(sink, "anyOf", [&] { return "matches no alternative of anyOf" + why; });
      }
    }
    if (!node.one_of.empty() && !done(sink)) {
      std::size_t matched[2];
      std::size_t matches = 0;
      for (std::size_t i = 0; i < node.one_of.size() && matches < 2; ++i) {
        if (passes(node.one_of[i], value))
          matched[matches++] = i;
        if (stop_ != Stop::None)
          return;
      }
      if (matches == 0) {
        const std::string why = explain(sink, node.one_of, value);
        if (stop_ != Stop::None)
          return;
        report(sink, "oneOf", [&] { return "matches no alternative of oneOf" + why; });
      } else if (matches > 1) {
        report(sink, "oneOf", [&] {
          return "matches alternatives #" + std::to_string(matched[0]) + " and #" +
                 std::to_string(matched[1]) + " of oneOf, expected exactly one";
        });
      }
    }
    if (node.not_schema && !done(sink)) {
      if (passes(*node.not_schema, value))
        report(sink, "not", [] { return "must not match the schema in \"not\""; });
    }
    if (node.if_schema && (node.then_schema || node.else_schema) && !done(sink)) {
      const bool condition = passes(*node.if_schema, value);
      if (stop_ != Stop::None)
        return;
      if (condition && node.then_schema)
        evaluate(*node.then_schema, value, sink);
      else if (!condition && node.else_schema)
        evaluate(*node.else_schema, value, sink);
    }
  }

  const CompiledSchema &schema_;
  WorkBudget budget_;
  Stop stop_ = Stop::None;
  int depth_ = 0;
  std::string path_;
};

} // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7F) {
      out.push_back(c);
      continue;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 0xF]);
  }
  return out;
}

std::vector<SchemaViolation> validate(const CompiledSchema &schema, const json::Value &instance,
                                      std::size_t max_violations) {
  return Validator(schema).run(instance, max_violations);
}

std::vector<SchemaViolation> validate(const JsonSchema &schema, const json::Value &instance,
                                      std::size_t max_violations) {
  const CompiledSchema *compiled = compiled_schema_of(schema);
  if (!compiled)
    return {};
  return validate(*compiled, instance, max_violations);
}

} // namespace llmux::schema
