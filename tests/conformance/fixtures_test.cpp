// Conformance: every recorded provider response decodes to what expected.json says, and to
// the same events and result however its bytes are split.

#include "support/fixtures.hpp"

#include "cache/sha256.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

namespace {

using llmux::testing::Fixture;
using nlohmann::json;

// The fixtures' providers that llmux decodes today, and how many fixtures they have. A
// provider added to llmux must be added here, so that no fixture is skipped silently.
const std::map<std::string, std::size_t> covered_providers = {
    {"openai", 11},     {"azure-openai", 1}, {"anthropic", 10}, {"mistral", 3},
    {"huggingface", 3}, {"vllm", 5},         {"openrouter", 3}, {"ollama", 4},
    {"gemini", 7},      {"cohere", 4},       {"xai", 4},        {"runpod", 2},
};

std::vector<Fixture> covered_fixtures() {
  std::vector<Fixture> covered;
  for (Fixture &fixture : llmux::testing::all_fixtures())
    if (covered_providers.count(fixture.provider_name))
      covered.push_back(std::move(fixture));
  return covered;
}

// What a body fed in the given chunks decodes to: its events, then its result.
struct Decoded {
  std::vector<llmux::StreamEvent> events;
  llmux::DecodedResponse result;
  friend bool operator==(const Decoded &, const Decoded &) = default;
};

Decoded decode_in_chunks(const Fixture &fixture, const std::vector<std::size_t> &cuts) {
  llmux::ResponseDecoder decoder(*fixture.provider, fixture.stream, fixture.head);
  Decoded decoded;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    decoder.feed(std::string_view(fixture.bytes).substr(at, cut - at), decoded.events);
    at = cut;
  }
  decoder.feed(std::string_view(fixture.bytes).substr(at), decoded.events);
  decoded.result = decoder.finish(decoded.events);
  return decoded;
}

// One JSON text per line, so that a failure shows a readable difference.
std::string log_of(const Decoded &decoded) {
  std::string log;
  for (const llmux::StreamEvent &event : decoded.events)
    log += llmux::to_json(event) + "\n";
  return log + llmux::to_json(decoded.result) + "\n";
}

void check_same(const Decoded &split, const Decoded &whole) {
  if (split == whole)
    return;
  CHECK(log_of(split) == log_of(whole));
  CHECK(split == whole); // equal logs but unequal values: a field the log leaves out
}

json or_null_string(const json &value) {
  if (value.is_null())
    return nullptr;
  if (value.is_string())
    return value;
  return value.dump(); // numeric provider codes are reported as their text
}

// expected.json names usage counts as the providers do; llmux has one name for each.
json expected_usage(const json &usage) {
  if (usage.is_null())
    return nullptr;
  static const std::map<std::string, std::string> renamed = {
      {"cache_read_input_tokens", "cached_input_tokens"},
      {"cache_creation_input_tokens", "cache_write_input_tokens"},
  };
  json out = json::object();
  for (const auto &[key, value] : usage.items()) {
    auto found = renamed.find(key);
    out[found == renamed.end() ? key : found->second] = value;
  }
  return out;
}

// The provenance categories of MANIFEST.md ("built" marks fixtures built here from the
// providers' documented shapes, not recorded).
const std::set<std::string> provenances = {"real-raw",      "real-reframed", "real-reserialized",
                                           "reconstructed", "composite",     "trimmed",
                                           "built"};

// Gemini writes a retry delay as a duration of seconds: "34.4s".
std::int64_t duration_ms(const std::string &text) {
  REQUIRE(text.size() > 1);
  REQUIRE(text.back() == 's');
  const std::size_t point = text.find('.');
  const std::string whole = text.substr(0, std::min(point, text.size() - 1));
  std::string fraction = point == std::string::npos ? "" : text.substr(point + 1, text.size() - point - 2);
  fraction = (fraction + "000").substr(0, 3);
  return std::stoll(whole) * 1000 + std::stoll(fraction);
}

void check_tool_call(const json &ours, const json &expected) {
  for (const auto &[field, want] : expected.items()) {
    INFO("tool call field " << field);
    if (field == "id" || field == "name" || field == "arguments" || field == "arguments_raw")
      CHECK(ours.at(field) == want);
    else
      FAIL_CHECK("expected.json has a tool call field no test compares: " << field);
  }
}

void check_error(const json &ours, const json &expected) {
  REQUIRE(ours.is_object());
  // These two have a meaning when absent: not in a stream, no parameter named.
  CHECK(ours.at("in_stream") == expected.value("in_stream", false));
  CHECK(ours.at("param") == or_null_string(expected.value("param", json())));
  for (const auto &[field, want] : expected.items()) {
    INFO("error field " << field);
    if (field == "status" || field == "type" || field == "message" || field == "request_id")
      CHECK(ours.at(field) == want);
    else if (field == "code")
      CHECK(ours.at("provider_code") == or_null_string(want));
    else if (field == "retry_delay")
      CHECK(ours.at("retry_after_ms") == duration_ms(want.get<std::string>()));
    else if (field != "in_stream" && field != "param") // compared above
      FAIL_CHECK("expected.json has an error field no test compares: " << field);
  }
}

// The reference parse's counts of expected.json "framing", against llmux's own framers: its
// SSE decoder (as the adapters run it, and with unterminated events dispatched) and its
// NDJSON decoder.
void check_framing(const Fixture &fixture, const json &framing) {
  std::vector<llmux::SseEvent> events;
  llmux::SseDecoder sse;
  sse.feed(fixture.bytes, events);
  sse.finish(events);
  std::vector<llmux::SseEvent> lenient_events;
  llmux::SseOptions lenient;
  lenient.dispatch_unterminated_event = true;
  llmux::SseDecoder lenient_sse(lenient);
  lenient_sse.feed(fixture.bytes, lenient_events);
  lenient_sse.finish(lenient_events);
  for (const auto &[field, want] : framing.items()) {
    INFO("framing field " << field);
    if (field == "sse_events") {
      CHECK(events.size() == want.get<std::size_t>());
    } else if (field == "unterminated_last_event") {
      CHECK((lenient_events.size() > events.size()) == want.get<bool>());
    } else if (field == "json_chunks") {
      CHECK(std::count_if(events.begin(), events.end(), [](const llmux::SseEvent &event) {
              return json::accept(event.data);
            }) == want.get<std::ptrdiff_t>());
    } else if (field == "comment_lines") {
      CHECK(sse.comment_lines() == want.get<std::size_t>());
    } else if (field == "done_sentinel") {
      CHECK(std::any_of(events.begin(), events.end(), [](const llmux::SseEvent &event) {
              return event.data == "[DONE]";
            }) == want.get<bool>());
    } else if (field == "event_types") {
      std::set<std::string> types;
      for (const llmux::SseEvent &event : events)
        types.insert(event.type);
      CHECK(json(types) == want);
    } else if (field == "ping_events") {
      CHECK(std::count_if(events.begin(), events.end(), [](const llmux::SseEvent &event) {
              return event.type == "ping";
            }) == want.get<std::ptrdiff_t>());
    } else if (field == "event_field_mismatch") {
      // Events whose `event:` line is not the "type" of their data.
      CHECK(std::count_if(events.begin(), events.end(), [](const llmux::SseEvent &event) {
              const json data = json::parse(event.data, nullptr, false);
              return !data.is_object() || data.value("type", "") != event.type;
            }) == want.get<std::ptrdiff_t>());
    } else if (field == "crlf_framing") {
      CHECK((fixture.bytes.find("\r\n") != std::string::npos) == want.get<bool>());
    } else if (field == "ndjson_lines") {
      std::vector<std::string> lines;
      llmux::NdjsonDecoder ndjson;
      ndjson.feed(fixture.bytes, lines);
      ndjson.finish(lines);
      CHECK(lines.size() == want.get<std::size_t>());
    } else if (field == "ends_with_newline") {
      CHECK((!fixture.bytes.empty() && fixture.bytes.back() == '\n') == want.get<bool>());
    } else {
      FAIL_CHECK("expected.json has a framing field no test compares: " << field);
    }
  }
}

// Compares every field of the fixture's expected.json entry: the decoded result (`ours`, the
// JSON of llmux::to_json) and the file itself. A field this does not know fails the test, so
// that no expectation is written down and then left unchecked.
void check_fixture(const Fixture &fixture, const json &ours) {
  const json &expected = fixture.expected;
  // Present only when non-empty: absent means llmux must have none either.
  CHECK(ours.value("refusal", "") == expected.value("refusal", ""));
  CHECK(ours.value("tool_plan", "") == expected.value("tool_plan", ""));
  for (const auto &[field, want] : expected.items()) {
    INFO("expected.json field " << field);
    if (field == "text" || field == "reasoning" || field == "finish_reason") {
      CHECK(ours.at(field) == want);
    } else if (field == "refusal" || field == "tool_plan") {
      // Compared above, with their absence.
    } else if (field == "usage") {
      CHECK(ours.at("usage") == expected_usage(want));
    } else if (field == "tool_calls") {
      const json &calls = ours.at("tool_calls");
      REQUIRE(calls.size() == want.size());
      for (std::size_t i = 0; i < calls.size(); ++i) {
        INFO("tool call " << i);
        check_tool_call(calls[i], want[i]);
      }
    } else if (field == "error") {
      if (want.is_null())
        CHECK(ours.at("error").is_null());
      else
        check_error(ours.at("error"), want);
    } else if (field == "provider" || field == "streaming" || field == "http_status" ||
               field == "response_headers") {
      // What the fixture is decoded with: support/fixtures.cpp reads them into its head.
    } else if (field == "sha256") {
      CHECK(llmux::sha256_hex(fixture.bytes) == want.get<std::string>());
    } else if (field == "bytes") {
      CHECK(fixture.bytes.size() == want.get<std::size_t>());
    } else if (field == "format") {
      CHECK(fixture.path.substr(fixture.path.rfind('.') + 1) == want.get<std::string>());
      CHECK(fixture.stream == (want != "json"));
    } else if (field == "framing") {
      check_framing(fixture, want);
    } else if (field == "provenance") {
      CHECK(provenances.count(want.get<std::string>()) == 1);
    } else if (field == "endpoint") {
      // For people: the request the response answered, as prose.
      CHECK_FALSE(want.get<std::string>().empty());
    } else {
      FAIL_CHECK("expected.json has a field no test compares: " << field);
    }
  }
}

} // namespace

// The repository's fixtures are the shared set plus fixtures built here from documented
// shapes: every shared file is in the copy byte for byte, except the two indexes, which the
// built fixtures extend (MANIFEST.md by a section at its end, expected.json by entries whose
// provenance is "built"); no shared entry changes.
TEST_CASE("fixture copy matches the shared set", "[conformance]") {
  namespace fs = std::filesystem;
  fs::path shared = fs::path(LLMUX_SOURCE_DIR) / ".." / "shared" / "fixtures";
  if (!fs::exists(shared)) {
    WARN("no shared fixture set beside the checkout; nothing to compare");
    return;
  }
  auto read = [](const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::size_t files = 0;
  for (const auto &entry : fs::recursive_directory_iterator(shared)) {
    if (!entry.is_regular_file())
      continue;
    std::string relative = fs::relative(entry.path(), shared).generic_string();
    INFO(relative);
    const std::string bytes = read(entry.path());
    const std::string ours = llmux::testing::read_fixture(relative);
    if (relative == "MANIFEST.md") {
      CHECK(ours.compare(0, bytes.size(), bytes) == 0);
    } else if (relative == "expected.json") {
      const json theirs = json::parse(bytes);
      const json &mine = llmux::testing::expected_json();
      const std::string manifest = llmux::testing::read_fixture("MANIFEST.md");
      for (const auto &[key, value] : theirs.at("conventions").items())
        CHECK(mine.at("conventions").at(key) == value);
      for (const auto &[path, value] : theirs.at("fixtures").items())
        CHECK(mine.at("fixtures").at(path) == value);
      for (const auto &[path, value] : mine.at("fixtures").items())
        if (!theirs.at("fixtures").contains(path)) {
          INFO(path);
          CHECK(value.at("provenance") == "built");
          CHECK(manifest.find("`" + path + "`") != std::string::npos); // listed there
        }
    } else {
      CHECK(ours == bytes);
    }
    ++files;
  }
  CHECK(files > 50);
}

TEST_CASE("every covered fixture decodes to what expected.json says", "[conformance]") {
  std::map<std::string, std::size_t> seen;
  for (const Fixture &fixture : covered_fixtures()) {
    INFO(fixture.path);
    REQUIRE(fixture.provider.has_value());
    ++seen[fixture.provider_name];
    llmux::DecodedResponse result =
        llmux::decode(*fixture.provider, fixture.stream, fixture.head, fixture.bytes);
    check_fixture(fixture, json::parse(llmux::to_json(result)));
  }
  CHECK(seen == covered_providers);
}

// The head with only the headers the core reads (what the Wasm driver hands over).
llmux::HttpResponseHead with_read_headers(const llmux::HttpResponseHead &head) {
  llmux::HttpResponseHead kept{head.status, {}, head.received_at_ms};
  for (const llmux::Header &header : head.headers)
    for (std::string_view name : llmux::response_header_names())
      if (llmux::equals_ignore_case(header.name, name))
        kept.headers.push_back(header);
  return kept;
}

TEST_CASE("a response decodes the same with only the headers the core reads",
          "[conformance]") {
  for (const Fixture &fixture : covered_fixtures()) {
    INFO(fixture.path);
    CHECK(llmux::to_json(llmux::decode(*fixture.provider, fixture.stream, fixture.head,
                                       fixture.bytes)) ==
          llmux::to_json(llmux::decode(*fixture.provider, fixture.stream,
                                       with_read_headers(fixture.head), fixture.bytes)));
  }
  // Error bodies of every provider under heads with one header each of those the providers
  // document for rate limits, retries and request ids (and some they add), so that a header
  // the core starts reading without listing it shows here even if no fixture carries it.
  const std::vector<llmux::Header> documented = {
      {"Retry-After", "7"}, {"Retry-After", "Fri, 08 Aug 2025 15:41:00 GMT"},
      {"retry-after-ms", "6500"}, {"x-ratelimit-limit-requests", "500"},
      {"x-ratelimit-reset-requests", "1m30s"}, {"x-ratelimit-reset-tokens", "12s"},
      {"x-ratelimit-reset", "1754667660000"}, {"x-ratelimit-reset", "30"},
      {"anthropic-ratelimit-requests-remaining", "0"},
      {"anthropic-ratelimit-requests-reset", "2025-08-08T15:41:00Z"},
      {"anthropic-ratelimit-tokens-reset", "2025-08-08T15:41:00Z"}, {"x-ratelimit-remaining", "0"},
      {"ratelimit-reset", "30"}, {"X-Request-ID", "req_1"}, {"request-id", "req_2"},
      {"apim-request-id", "req_3"}, {"cf-ray", "8a1b2c3d"}, {"openai-processing-ms", "12"},
      {"x-goog-request-id", "g_1"}, {"x-amzn-requestid", "a_1"}, {"Content-Type", "text/html"}};
  const std::string error_body = R"({"error":{"message":"slow down","type":"rate_limit"}})";
  using llmux::Provider;
  for (Provider provider :
       {Provider::OpenAi, Provider::AzureOpenAi, Provider::Vllm, Provider::RunPod, Provider::Local,
        Provider::HuggingFace, Provider::Mistral, Provider::Xai, Provider::OpenRouter,
        Provider::Anthropic, Provider::Ollama, Provider::Gemini, Provider::Cohere}) {
    for (const llmux::Header &header : documented) {
      for (int status : {429, 503}) {
        INFO(llmux::provider_info(provider).name << " " << status << " " << header.name);
        const llmux::HttpResponseHead head{status, {header}, llmux::testing::fixture_now_ms};
        CHECK(llmux::to_json(llmux::decode(provider, false, head, error_body)) ==
              llmux::to_json(llmux::decode(provider, false, with_read_headers(head), error_body)));
      }
    }
  }
  // The session asks the head whether a 2xx body is a stream (a JSON answer to a streamed
  // request is not).
  for (std::string_view type :
       {"application/json", "Application/JSON; charset=utf-8", "text/event-stream",
        "application/x-ndjson"}) {
    INFO(type);
    const llmux::HttpResponseHead head{200, {{"Content-Type", std::string(type)}}, 0};
    for (Provider provider : {Provider::OpenAi, Provider::Anthropic, Provider::Ollama}) {
      const auto adapter = llmux::make_adapter(provider);
      CHECK(adapter->is_stream(head) == adapter->is_stream(with_read_headers(head)));
    }
  }
  // The OpenAI pair: a reset counts only while its remaining count is 0.
  const llmux::HttpResponseHead pair{
      429,
      {{"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "12s"}},
      llmux::testing::fixture_now_ms};
  const std::string with_pair = llmux::to_json(llmux::decode(Provider::OpenAi, false, pair, error_body));
  CHECK(with_pair.find("\"retry_after_ms\":12000") != std::string::npos);
  CHECK(with_pair ==
        llmux::to_json(llmux::decode(Provider::OpenAi, false, with_read_headers(pair), error_body)));
}

TEST_CASE("error fixtures get their stable codes", "[conformance]") {
  const std::map<std::string, std::string> codes = {
      {"openai/error-400-unsupported-parameter.json", "invalid_request"},
      {"openai/error-401-invalid-api-key.json", "auth_failed"},
      {"openai/error-400-context-length-exceeded.json", "context_length_exceeded"},
      {"anthropic/error-429-rate-limit.json", "rate_limited"},
      {"anthropic/error-400-invalid-request.json", "invalid_request"},
      {"anthropic/error-529-overloaded.json", "overloaded"},
      {"anthropic/messages-stream-error-overloaded.sse", "overloaded"},
      {"vllm/error-400-auto-tool-choice.json", "tool_choice_unsupported"},
      {"vllm/error-400-auto-tool-choice-legacy.json", "tool_choice_unsupported"},
      {"openrouter/error-429-rate-limit.json", "rate_limited"},
      {"openrouter/chat-stream-midstream-error.sse", "invalid_request"},
      {"ollama/error-400-model-does-not-support-tools.json", "invalid_request"},
      {"gemini/error-403-permission-denied.json", "permission_denied"},
      {"gemini/error-429-resource-exhausted.json", "rate_limited"},
      {"xai/error-400-invalid-api-key.json", "auth_failed"},
  };
  std::size_t checked = 0;
  for (const Fixture &fixture : covered_fixtures()) {
    if (fixture.expected.at("error").is_null())
      continue;
    INFO(fixture.path);
    REQUIRE(codes.count(fixture.path) == 1);
    json ours = json::parse(llmux::to_json(
        llmux::decode(*fixture.provider, fixture.stream, fixture.head, fixture.bytes)));
    CHECK(ours.at("error").at("code") == codes.at(fixture.path));
    ++checked;
  }
  CHECK(checked == codes.size());
}

TEST_CASE("retry hints in the error fixtures become retry_after_ms", "[conformance]") {
  for (const Fixture &fixture : covered_fixtures()) {
    if (fixture.path != "openrouter/error-429-rate-limit.json")
      continue;
    llmux::DecodedResponse result =
        llmux::decode(*fixture.provider, fixture.stream, fixture.head, fixture.bytes);
    REQUIRE(result.error);
    // x-ratelimit-reset: 1754667660000 (epoch ms), received at 1754667600000.
    CHECK(result.error->retry_after_ms == 60000);
    return;
  }
  FAIL("openrouter/error-429-rate-limit.json is missing");
}

TEST_CASE("a fixture split at any byte decodes to the same events", "[conformance][split]") {
  for (const Fixture &fixture : covered_fixtures()) {
    INFO(fixture.path);
    const Decoded whole = decode_in_chunks(fixture, {});
    std::size_t same = 0;
    for (std::size_t cut = 1; cut < fixture.bytes.size(); ++cut) {
      Decoded split = decode_in_chunks(fixture, {cut});
      if (!(split == whole)) {
        INFO("split at byte " << cut);
        check_same(split, whole);
        break;
      }
      ++same;
    }
    CHECK(same == fixture.bytes.size() - 1);
  }
}

TEST_CASE("a fixture fed in any chunk size or random pieces decodes to the same events",
          "[conformance][split]") {
  std::mt19937 random(20261125);
  for (const Fixture &fixture : covered_fixtures()) {
    INFO(fixture.path);
    const Decoded whole = decode_in_chunks(fixture, {});
    const std::size_t size = fixture.bytes.size();
    for (std::size_t chunk : {1, 2, 3, 5, 7, 13, 64, 1000}) {
      std::vector<std::size_t> cuts;
      for (std::size_t at = chunk; at < size; at += chunk)
        cuts.push_back(at);
      INFO("chunks of " << chunk);
      check_same(decode_in_chunks(fixture, cuts), whole);
    }
    for (int round = 0; round < 50; ++round) {
      std::uniform_int_distribution<std::size_t> pieces(2, 40);
      std::uniform_int_distribution<std::size_t> position(1, size > 1 ? size - 1 : 1);
      std::vector<std::size_t> cuts;
      for (std::size_t i = pieces(random); i > 0 && size > 1; --i)
        cuts.push_back(position(random));
      std::sort(cuts.begin(), cuts.end());
      cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
      INFO("random round " << round);
      check_same(decode_in_chunks(fixture, cuts), whole);
    }
    SUCCEED("chunk sizes and random splits agree for " << fixture.path);
  }
}
