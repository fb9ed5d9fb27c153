#pragma once
// Access to the recorded provider fixtures and their expected results, for tests and
// benchmarks. Throws (tests are built with exceptions) when a file is missing.

#include <llmux/llmux.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace llmux::testing {

/// The fixture folder (tests/fixtures, or LLMUX_FIXTURES_DIR from the environment).
std::string fixtures_dir();

/// The bytes of a file under the fixture folder.
std::string read_fixture(const std::string &relative_path);

/// expected.json, parsed.
const nlohmann::json &expected_json();

struct Fixture {
  std::string path;                 ///< "openai/chat-stream-text.sse"
  std::string provider_name;        ///< as expected.json names it ("azure-openai")
  std::optional<Provider> provider; ///< null when llmux has no adapter for it yet
  bool stream = false;
  HttpResponseHead head;   ///< status and recorded headers, received at a fixed time
  nlohmann::json expected; ///< its entry in expected.json
  std::string bytes;
};

/// Every fixture in expected.json, in file order.
std::vector<Fixture> all_fixtures();

/// The fixed "now" the fixtures are decoded at: 2025-08-08T15:40:00Z.
inline constexpr std::int64_t fixture_now_ms = 1754667600000;

} // namespace llmux::testing
