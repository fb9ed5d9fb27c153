// The official JSON Schema Test Suite (github.com/json-schema-org/JSON-Schema-Test-Suite, as
// Debian's json-schema-test-suite package installs it) against JsonSchema. The package holds
// drafts 3 to 7; draft 7 is run, for every keyword llmux implements. Each schema is compiled
// with "$schema" set to draft-07 (the suite's files leave it out and llmux defaults to
// 2020-12, which differs in what "$ref" does to its siblings). nlohmann/json only reads the
// files; validation is the core's.

#include <llmux/json_schema.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string suite_dir = LLMUX_JSON_SCHEMA_SUITE_DIR "/tests/draft7/";

// The files run: one per implemented keyword, plus the optional ones about numbers.
const std::vector<std::string> suite_files = {
    "additionalItems.json",
    "additionalProperties.json",
    "allOf.json",
    "anyOf.json",
    "boolean_schema.json",
    "const.json",
    "contains.json",
    "default.json",
    "definitions.json",
    "dependencies.json",
    "enum.json",
    "exclusiveMaximum.json",
    "exclusiveMinimum.json",
    "if-then-else.json",
    "items.json",
    "maxItems.json",
    "maxLength.json",
    "maxProperties.json",
    "maximum.json",
    "minItems.json",
    "minLength.json",
    "minProperties.json",
    "minimum.json",
    "multipleOf.json",
    "not.json",
    "oneOf.json",
    "pattern.json",
    "patternProperties.json",
    "properties.json",
    "propertyNames.json",
    "ref.json",
    "refRemote.json",
    "required.json",
    "type.json",
    "uniqueItems.json",
    "optional/bignum.json",
    "optional/zeroTerminatedFloats.json",
};

// Cases left out, each for a reason that puts it out of scope. An empty test description
// skips the whole group. Every entry must name a case that exists (checked below), so the
// list cannot outlive the suite it was written against.
struct Skip {
  std::string file;
  std::string group;
  std::string test;
};
const std::vector<Skip> skips = {
    // $ref to another document: llmux resolves only references within the schema.
    {"definitions.json", "valid definition", ""},
    {"definitions.json", "invalid definition", ""},
    {"ref.json", "remote ref, containing refs itself", ""},
    {"refRemote.json", "remote ref", ""},
    {"refRemote.json", "fragment within remote ref", ""},
    {"refRemote.json", "ref within remote ref", ""},
    {"refRemote.json", "base URI change", ""},
    {"refRemote.json", "base URI change - change folder", ""},
    {"refRemote.json", "base URI change - change folder in subschema", ""},
    {"refRemote.json", "root ref in remote ref", ""},
    // $ref resolved against an "$id" of a subschema (base URI changes).
    {"ref.json", "Recursive references between schemas", ""},
};

std::string read_file(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    FAIL("cannot read " << path << " (install the Debian package json-schema-test-suite)");
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

bool skipped(const std::string &file, const std::string &group, const std::string &test,
             std::vector<int> &uses) {
  for (std::size_t i = 0; i < skips.size(); ++i) {
    const Skip &skip = skips[i];
    if (skip.file == file && skip.group == group && (skip.test.empty() || skip.test == test)) {
      ++uses[i];
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("The JSON Schema Test Suite (draft 7) passes but for its listed skips",
          "[json_schema][suite]") {
  std::vector<int> uses(skips.size(), 0);
  int run = 0, skipped_count = 0;
  for (const std::string &file : suite_files) {
    const nlohmann::json groups = nlohmann::json::parse(read_file(suite_dir + file));
    for (const nlohmann::json &group : groups) {
      const std::string group_name = group.at("description");
      nlohmann::json schema = group.at("schema");
      if (schema.is_object() && !schema.contains("$schema"))
        schema["$schema"] = "http://json-schema.org/draft-07/schema#";
      std::vector<const nlohmann::json *> tests;
      for (const nlohmann::json &test : group.at("tests")) {
        if (skipped(file, group_name, test.at("description"), uses))
          ++skipped_count;
        else
          tests.push_back(&test);
      }
      if (tests.empty())
        continue;
      auto compiled = llmux::JsonSchema::compile(schema.dump());
      INFO(file << ": " << group_name << "\nschema: " << schema.dump());
      REQUIRE(compiled.ok());
      for (const nlohmann::json *test : tests) {
        const std::string data = test->at("data").dump();
        const bool expected = test->at("valid");
        const auto violations = compiled.value().validate(data);
        INFO("test: " << test->at("description").get<std::string>() << "\ndata: " << data
                      << "\nviolations: " << llmux::describe(violations));
        CHECK(violations.empty() == expected);
        ++run;
      }
    }
  }
  for (std::size_t i = 0; i < skips.size(); ++i) {
    INFO("skip entry that names no case: " << skips[i].file << " / " << skips[i].group << " / "
                                           << skips[i].test);
    CHECK(uses[i] > 0);
  }
  std::cout << "JSON Schema Test Suite (draft 7): " << run << " cases run, " << skipped_count
            << " skipped\n";
  // Debian's package (2.0.0) has 433 cases in these files: 412 run, 21 skipped. A newer one
  // may have more.
  CHECK(run >= 412);
  CHECK(skipped_count < run / 10);
}
