#include "support/fixtures.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace llmux::testing {

std::string fixtures_dir() {
  if (const char *dir = std::getenv("LLMUX_FIXTURES_DIR"))
    return dir;
  return LLMUX_SOURCE_DIR "/tests/fixtures";
}

std::string read_fixture(const std::string &relative_path) {
  std::string path = fixtures_dir() + "/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read fixture " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

const nlohmann::json &expected_json() {
  static const nlohmann::json parsed = nlohmann::json::parse(read_fixture("expected.json"));
  return parsed;
}

std::vector<Fixture> all_fixtures() {
  std::vector<Fixture> fixtures;
  for (const auto &[path, expected] : expected_json().at("fixtures").items()) {
    Fixture fixture;
    fixture.path = path;
    fixture.provider_name = expected.at("provider").get<std::string>();
    fixture.provider = provider_from_name(fixture.provider_name);
    fixture.stream = expected.at("streaming").get<bool>();
    fixture.head.status = expected.at("http_status").get<int>();
    fixture.head.received_at_ms = fixture_now_ms;
    if (auto headers = expected.find("response_headers"); headers != expected.end())
      for (const auto &[name, value] : headers->items())
        fixture.head.headers.push_back({name, value.get<std::string>()});
    fixture.expected = expected;
    fixture.bytes = read_fixture(path);
    fixtures.push_back(std::move(fixture));
  }
  return fixtures;
}

} // namespace llmux::testing
