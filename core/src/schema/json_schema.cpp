#include <llmux/json_schema.hpp>

#include "schema/compiled_schema.hpp"
#include "schema/validate.hpp"
#include "json/json.hpp"

namespace llmux {

const schema::CompiledSchema *schema::compiled_schema_of(const JsonSchema &schema) noexcept {
  return schema.compiled_.get();
}

Result<JsonSchema> JsonSchema::compile(std::string_view schema_json) {
  auto compiled = schema::compile_schema(schema_json);
  if (!compiled.ok())
    return std::move(compiled).error();
  return JsonSchema(std::move(compiled).value());
}

std::vector<SchemaViolation> JsonSchema::validate(std::string_view instance_json,
                                                  std::size_t max_violations) const {
  auto instance = json::parse(instance_json);
  if (!instance.ok())
    return {{"", "json", instance.error().message}};
  return schema::validate(*this, instance.value(), max_violations);
}

std::string describe(const std::vector<SchemaViolation> &violations) {
  std::string out;
  for (const SchemaViolation &violation : violations) {
    if (!out.empty())
      out += "; ";
    if (!violation.instance_path.empty()) {
      out += schema::printable(violation.instance_path);
      out += ": ";
    }
    out += violation.message;
  }
  return out;
}

} // namespace llmux
