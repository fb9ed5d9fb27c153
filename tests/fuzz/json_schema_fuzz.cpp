// JsonSchema::compile and validate on any bytes. For any schema text and instance text:
//   - compiling never aborts; a failure is invalid_argument from the caller, with a message;
//   - validating never aborts or hangs (the work budget and depth bound hold under the
//     fuzzer's -timeout), and reports between 1 and max_violations violations, or none;
//   - each violation has a keyword and a message, a path that is "" or starts with '/', and
//     valid UTF-8 throughout (values in messages are cut on character boundaries);
//   - the result is deterministic, and with a smaller max_violations it is a prefix of the
//     larger one (unless validation gave up: then it is the single "limit" violation);
//   - an instance that is not JSON is exactly the one violation with keyword "json";
//   - the pattern engine, given the schema text as a pattern, compiles or fails cleanly, and
//     a search spends at most its budget.
//
// Input: [max_violations byte] schema 0x00 instance. Without a 0x00 the instance is the schema
// text itself (a schema validating itself reaches many keywords with odd values).

#include "fuzz_support.hpp"

#include <llmux/json_schema.hpp>

#include "schema/regex.hpp"
#include "json/json.hpp"

#include <cstring>

namespace {

using llmux::SchemaViolation;

void check_violations(const std::vector<SchemaViolation> &violations, std::size_t max) {
  LLMUX_FUZZ_CHECK(violations.size() <= std::max<std::size_t>(max, 1));
  for (const SchemaViolation &violation : violations) {
    LLMUX_FUZZ_CHECK(!violation.keyword.empty());
    LLMUX_FUZZ_CHECK(!violation.message.empty());
    LLMUX_FUZZ_CHECK(violation.instance_path.empty() || violation.instance_path.front() == '/');
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(violation.instance_path));
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(violation.message));
  }
}

bool gave_up(const std::vector<SchemaViolation> &violations) {
  return violations.size() == 1 && violations[0].keyword == "limit";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input input(data, size);
  const std::size_t max_violations = input.byte() % 20;
  const std::string_view rest = input.rest();
  const std::size_t separator = rest.find('\0');
  const std::string_view schema_text = rest.substr(0, separator);
  const std::string_view instance_text =
      separator == std::string_view::npos ? schema_text : rest.substr(separator + 1);

  // The pattern engine alone, on the schema text as a pattern, with a small budget.
  {
    auto regex = llmux::schema::Regex::compile(schema_text);
    if (regex.ok()) {
      LLMUX_FUZZ_CHECK(regex.value().program_size() <= llmux::schema::max_regex_program_size);
      llmux::schema::WorkBudget budget(100'000);
      (void)regex.value().search(instance_text, budget);
    } else {
      LLMUX_FUZZ_CHECK(regex.error().code == llmux::ErrorCode::InvalidArgument);
    }
  }

  auto schema = llmux::JsonSchema::compile(schema_text);
  if (!schema.ok()) {
    LLMUX_FUZZ_CHECK(schema.error().code == llmux::ErrorCode::InvalidArgument);
    LLMUX_FUZZ_CHECK(schema.error().origin == llmux::ErrorOrigin::Caller);
    LLMUX_FUZZ_CHECK(!schema.error().message.empty());
    return 0;
  }

  const auto violations = schema.value().validate(instance_text, max_violations);
  check_violations(violations, max_violations);
  if (!llmux::json::parse(instance_text).ok()) {
    LLMUX_FUZZ_CHECK(violations.size() == 1 && violations[0].keyword == "json");
    return 0;
  }
  const auto more = schema.value().validate(instance_text, max_violations + 3);
  check_violations(more, max_violations + 3);
  if (!gave_up(violations) && !gave_up(more)) {
    LLMUX_FUZZ_CHECK(violations.empty() == more.empty());
    LLMUX_FUZZ_CHECK(violations.size() <= more.size());
    LLMUX_FUZZ_CHECK(std::equal(violations.begin(), violations.end(), more.begin()));
  }
  LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(llmux::describe(more)));
  return 0;
}
