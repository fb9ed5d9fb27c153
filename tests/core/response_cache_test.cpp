// The response cache: SHA-256, the canonical cache key, the stored form of a response, and
// the cache itself (expiry, eviction, an index rebuilt from the store).

#include <llmux/response_cache.hpp>

#include "cache/cache_key.hpp"
#include "cache/canonical_json.hpp"
#include "cache/response_codec.hpp"
#include "cache/sha256.hpp"
#include "json/json.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>

using namespace llmux;

namespace {

ChatRequest simple_request() {
  ChatRequest request;
  request.model = "gpt-4o-mini";
  request.messages.push_back(Message::user("Hi"));
  return request;
}

ChatResponse simple_response(std::string text) {
  ChatResponse response;
  response.id = "chatcmpl-1";
  response.model = "gpt-4o-mini";
  response.text = std::move(text);
  response.finish_reason = FinishReason::Stop;
  response.finish_reason_raw = "stop";
  response.usage.input_tokens = 8;
  response.usage.output_tokens = 2;
  return response;
}

// A store that counts its calls and can be told to fail.
class CountingStore final : public KeyValueStore {
public:
  Result<std::optional<std::string>> get(std::string_view key) override {
    ++gets;
    if (fail)
      return failure();
    return inner.get(key);
  }
  Result<void> put(std::string_view key, std::string_view value) override {
    if (fail)
      return failure();
    return inner.put(key, value);
  }
  Result<Removed> remove(std::string_view key) override { return inner.remove(key); }
  Result<std::vector<std::string>> list(std::string_view prefix) override {
    ++lists;
    if (fail)
      return failure();
    return inner.list(prefix);
  }
  static Error failure() {
    return make_error(ErrorCode::Storage, ErrorOrigin::Session, "disk on fire");
  }

  MemoryStore inner;
  int gets = 0;
  int lists = 0;
  bool fail = false;
};

// Where the cache keeps the entry of `key`.
std::string store_key_of(const std::string &key) {
  return "cache/" + key.substr(0, 2) + "/" + key + ".json";
}

// A key of the cache's shape for test number `n`.
std::string key_number(int n) {
  return sha256_hex("key " + std::to_string(n));
}

} // namespace

TEST_CASE("SHA-256 gives the NIST test vectors", "[cache][sha256]") {
  // FIPS 180-2 appendix B and the NIST example values.
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnop"
                   "qklmnopqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundary: 55 bytes fit one block, 56 need two.
  CHECK(sha256_hex(std::string(55, 'a')) ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST_CASE("SHA-256 gives the same digest for any split of the message", "[cache][sha256]") {
  std::string message;
  for (int i = 0; i < 300; ++i)
    message.push_back(static_cast<char>((i * 37) & 0xFF));
  const std::string whole = sha256_hex(message);
  for (std::size_t piece = 1; piece <= 130; ++piece) {
    Sha256 hash;
    for (std::size_t at = 0; at < message.size(); at += piece)
      hash.update(std::string_view(message).substr(at, piece));
    CAPTURE(piece);
    CHECK(to_hex(hash.digest()) == whole);
  }
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    Sha256 hash;
    std::size_t at = 0;
    while (at < message.size()) {
      std::size_t piece = random() % 80; // empty updates included
      hash.update(std::string_view(message).substr(at, piece));
      at += piece;
    }
    CHECK(to_hex(hash.digest()) == whole);
  }
  // The million 'a's fed in uneven pieces.
  Sha256 hash;
  std::string chunk(997, 'a');
  std::size_t left = 1'000'000;
  while (left > 0) {
    std::size_t piece = std::min(left, chunk.size());
    hash.update(std::string_view(chunk).substr(0, piece));
    left -= piece;
  }
  CHECK(to_hex(hash.digest()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("The cache key's text is versioned canonical JSON with sorted keys", "[cache][key]") {
  ChatRequest request = simple_request();
  request.temperature = 0.7;
  request.max_tokens = 100;
  Endpoint endpoint;
  endpoint.api_key = "sk-test-secret-never-in-the-key-0000000000";
  CHECK(cache_key_text(request, endpoint) ==
        "llmux-cache-key-v1\n"
        R"({"api_version":"","base_url":"https://api.openai.com/v1","deployment":"",)"
        R"("extra_body":"","headers":[],"max_tokens":100,)"
        R"("messages":[{"content":[{"kind":"text","text":"Hi"}],"role":"user"}],)"
        R"("model":"gpt-4o-mini","parallel_tool_calls":null,"provider":"openai",)"
        R"("reasoning_budget_tokens":null,"reasoning_effort":"",)"
        R"("response_format":{"type":"text"},"stop":[],"system":"","temperature":0.7,)"
        R"("tool_choice":null,"tools":[],"top_p":null})");
  CHECK(cache_key(request, endpoint) == sha256_hex(cache_key_text(request, endpoint)));
  CHECK(cache_key(request, endpoint).size() == 64);
}

TEST_CASE("The cache key writes numbers in their shortest round-trip form", "[cache][key]") {
  Endpoint endpoint;
  auto text_with = [&](double temperature) {
    ChatRequest request = simple_request();
    request.temperature = temperature;
    return cache_key_text(request, endpoint);
  };
  CHECK(text_with(0.1).find("\"temperature\":0.1,") != std::string::npos);
  CHECK(text_with(1.0).find("\"temperature\":1,") != std::string::npos);
  CHECK(text_with(0.30000000000000004).find("\"temperature\":0.30000000000000004,") !=
        std::string::npos);
  CHECK(text_with(1e-7).find("\"temperature\":1e-07,") != std::string::npos);
  CHECK(text_with(0.1) != text_with(0.10000000000000002));
}

TEST_CASE("Canonical JSON writes each double in the fewest %g digits that read back",
          "[cache][key][format_double]") {
  auto parsed = json::parse("[0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, "
                            "1.7976931348623157e308, 0.30000000000000004, 100, 1e15, 1e16, 1.5, "
                            "-2.5e-5, -0.0, 9.9999999999999995e-5, 999999999999999.9, "
                            "123456789012345.6, 1.00000762939453125, 8.45e-104, 0.7, 2.5e-7]");
  REQUIRE(parsed.ok());
  std::string text;
  write_canonical_json(parsed.value(), text);
  CHECK(text == "[0.1,1e+21,1e-07,1.2345678901234568e+20,5e-324,1.7976931348623157e+308,"
                "0.30000000000000004,100,1000000000000000,10000000000000000,1.5,-2.5e-05,0,"
                "9.999999999999999e-05,999999999999999.9,123456789012345.6,1.0000076293945312,"
                "8.45e-104,0.7,2.5e-07]");
}

TEST_CASE("The cache key ignores the API key, the user and stream", "[cache][key]") {
  ChatRequest request = simple_request();
  Endpoint endpoint;
  const std::string base = cache_key(request, endpoint);

  Endpoint keyed = endpoint;
  keyed.api_key = "sk-another-secret-0000000000000000000000";
  CHECK(cache_key(request, keyed) == base);
  CHECK(cache_key_text(request, keyed).find("secret") == std::string::npos);

  ChatRequest streamed = request;
  streamed.stream = true;
  CHECK(cache_key(streamed, endpoint) == base);

  ChatRequest named = request;
  named.user = "alice";
  CHECK(cache_key(named, endpoint) == base);

  // Credential headers stay out too, whatever their case; other headers count.
  Endpoint with_auth = endpoint;
  with_auth.extra_headers = {{"Authorization", "Bearer sk-secret-000000000000000000"},
                             {"X-Api-Key", "secret"},
                             {"Cookie", "session=1"}};
  CHECK(cache_key(request, with_auth) == base);
  Endpoint with_beta = endpoint;
  with_beta.extra_headers = {{"anthropic-beta", "output-128k-2025-02-19"}};
  CHECK(cache_key(request, with_beta) != base);

  // An empty base URL is the provider's default; a trailing slash changes nothing.
  Endpoint explicit_url = endpoint;
  explicit_url.base_url = "https://api.openai.com/v1/";
  CHECK(cache_key(request, explicit_url) == base);
}

TEST_CASE("The cache key changes with everything that changes the answer", "[cache][key]") {
  const ChatRequest request = simple_request();
  const Endpoint endpoint;
  const std::string base = cache_key(request, endpoint);

  std::vector<std::pair<const char *, std::function<void(ChatRequest &, Endpoint &)>>> changes = {
      {"provider", [](ChatRequest &, Endpoint &e) { e.provider = Provider::Anthropic; }},
      {"base_url", [](ChatRequest &, Endpoint &e) { e.base_url = "http://localhost:8000/v1"; }},
      {"deployment", [](ChatRequest &, Endpoint &e) { e.deployment = "prod"; }},
      {"api_version", [](ChatRequest &, Endpoint &e) { e.api_version = "2024-10-21"; }},
      {"model", [](ChatRequest &r, Endpoint &) { r.model = "gpt-4o"; }},
      {"system", [](ChatRequest &r, Endpoint &) { r.system = "Be brief."; }},
      {"message text", [](ChatRequest &r, Endpoint &) { r.messages[0] = Message::user("Hi!"); }},
      {"role", [](ChatRequest &r, Endpoint &) { r.messages[0].role = Role::System; }},
      {"another message",
       [](ChatRequest &r, Endpoint &) { r.messages.push_back(Message::assistant("Hello")); }},
      {"image url",
       [](ChatRequest &r, Endpoint &) {
         r.messages[0].content.push_back(ContentPart::make_image_url("https://x/a.png"));
       }},
      {"image data",
       [](ChatRequest &r, Endpoint &) {
         r.messages[0].content.push_back(ContentPart::make_image_base64("image/png", "AAAA"));
       }},
      {"tool call",
       [](ChatRequest &r, Endpoint &) {
         r.messages.push_back(Message::assistant(""));
         r.messages.back().content = {
             ContentPart::make_tool_call({"call_1", "get_weather", R"({"city":"Paris"})"})};
       }},
      {"tool call signature",
       [](ChatRequest &r, Endpoint &) {
         ToolCall call{"call_1", "get_weather", "{}"};
         call.signature = "sig";
         r.messages[0].content.push_back(ContentPart::make_tool_call(call));
       }},
      {"tool result",
       [](ChatRequest &r, Endpoint &) { r.messages.push_back(Message::tool("c", "20C")); }},
      {"tool result error",
       [](ChatRequest &r, Endpoint &) { r.messages.push_back(Message::tool("c", "20C", true)); }},
      {"reasoning",
       [](ChatRequest &r, Endpoint &) {
         r.messages[0].content.push_back(ContentPart::make_reasoning({"think", "sig", ""}));
       }},
      {"tool plan",
       [](ChatRequest &r, Endpoint &) {
         r.messages[0].content.push_back(ContentPart::make_tool_plan("plan"));
       }},
      {"tools",
       [](ChatRequest &r, Endpoint &) {
         r.tools.push_back({"get_weather", "Weather", "{}"});
       }},
      {"tool_choice", [](ChatRequest &r, Endpoint &) { r.tool_choice = ToolChoice{}; }},
      {"tool_choice named",
       [](ChatRequest &r, Endpoint &) {
         r.tool_choice = ToolChoice{ToolChoice::Mode::Named, "get_weather"};
       }},
      {"parallel_tool_calls", [](ChatRequest &r, Endpoint &) { r.parallel_tool_calls = false; }},
      {"temperature", [](ChatRequest &r, Endpoint &) { r.temperature = 0.0; }},
      {"top_p", [](ChatRequest &r, Endpoint &) { r.top_p = 0.9; }},
      {"max_tokens", [](ChatRequest &r, Endpoint &) { r.max_tokens = 10; }},
      {"stop", [](ChatRequest &r, Endpoint &) { r.stop = {"\n"}; }},
      {"response_format",
       [](ChatRequest &r, Endpoint &) {
         r.response_format.type = ResponseFormat::Type::JsonObject;
       }},
      {"response_format schema",
       [](ChatRequest &r, Endpoint &) {
         r.response_format.type = ResponseFormat::Type::JsonSchema;
         r.response_format.schema = R"({"type":"object"})";
       }},
      {"reasoning_effort", [](ChatRequest &r, Endpoint &) { r.reasoning_effort = "low"; }},
      {"reasoning_budget_tokens",
       [](ChatRequest &r, Endpoint &) { r.reasoning_budget_tokens = 1024; }},
      {"extra_body", [](ChatRequest &r, Endpoint &) { r.extra_body = R"({"top_k":5})"; }},
  };
  std::set<std::string> keys{base};
  for (auto &[name, change] : changes) {
    ChatRequest changed_request = request;
    Endpoint changed_endpoint = endpoint;
    change(changed_request, changed_endpoint);
    CAPTURE(name);
    CHECK(keys.insert(cache_key(changed_request, changed_endpoint)).second);
  }
}

TEST_CASE("The cache key tells apart strings that differ only in invalid UTF-8", "[cache][key]") {
  Endpoint endpoint;
  ChatRequest a = simple_request(), b = simple_request();
  a.messages[0] = Message::user("x\xff");
  b.messages[0] = Message::user("x\xfe");
  CHECK(cache_key(a, endpoint) != cache_key(b, endpoint));
  // Nor does an invalid string read as the object it is escaped to.
  ChatRequest c = simple_request();
  c.system = "\xff";
  ChatRequest d = simple_request();
  d.system = R"({"invalid_utf8_hex":"ff"})";
  CHECK(cache_key(c, endpoint) != cache_key(d, endpoint));
}

TEST_CASE("Fields of a part that its kind does not use leave the key alone", "[cache][key]") {
  Endpoint endpoint;
  ChatRequest request = simple_request();
  ChatRequest stale = request;
  stale.messages[0].content[0].image.url = "https://left/over.png";
  stale.messages[0].content[0].tool_call.name = "left_over";
  CHECK(cache_key(stale, endpoint) == cache_key(request, endpoint));
}

namespace {

// Text drawn from pieces that exercise JSON escaping and UTF-8.
std::string random_text(std::mt19937 &random) {
  static const char *pieces[] = {"",        "a",    "Hello",        " ",
                                 "\"",      "\\",   "\n",           "\t",
                                 "\x01",    "\x7f", "caf\xc3\xa9",  "\xf0\x9f\x98\x80",
                                 "<think>", "{}",   "\xe2\x80\xa8", "null",
                                 "0"};
  std::string out;
  int count = static_cast<int>(random() % 6);
  for (int i = 0; i < count; ++i)
    out += pieces[random() % (sizeof pieces / sizeof *pieces)];
  return out;
}

std::optional<std::int64_t> random_count(std::mt19937 &random) {
  switch (random() % 4) {
    case 0:
      return std::nullopt;
    case 1:
      return 0;
    case 2:
      return static_cast<std::int64_t>(random() % 100000);
    default:
      return random() % 2 ? INT64_MAX : INT64_MIN;
  }
}

ChatResponse random_response(std::mt19937 &random) {
  ChatResponse response;
  response.id = random_text(random);
  response.model = random_text(random);
  response.text = random_text(random);
  response.reasoning = random_text(random);
  for (int i = static_cast<int>(random() % 3); i > 0; --i)
    response.reasoning_blocks.push_back(
        {random_text(random), random_text(random), random_text(random)});
  response.refusal = random_text(random);
  response.tool_plan = random_text(random);
  for (int i = static_cast<int>(random() % 4); i > 0; --i) {
    ToolCall call{random_text(random), random_text(random), random_text(random)};
    call.signature = random_text(random);
    call.generated_id = random() % 2;
    response.tool_calls.push_back(call);
  }
  response.finish_reason = static_cast<FinishReason>(random() % 6);
  response.finish_reason_raw = random_text(random);
  response.usage.input_tokens = random_count(random);
  response.usage.output_tokens = random_count(random);
  response.usage.total_tokens = random_count(random);
  response.usage.cached_input_tokens = random_count(random);
  response.usage.cache_write_input_tokens = random_count(random);
  response.usage.reasoning_tokens = random_count(random);
  response.usage.billed_input_tokens = random_count(random);
  response.usage.billed_output_tokens = random_count(random);
  return response;
}

} // namespace

TEST_CASE("A stored response reads back exactly, every field", "[cache][codec]") {
  ChatResponse full;
  full.id = "msg_01";
  full.model = "claude-sonnet-4-5";
  full.text = "It is 20\xc2\xb0"
              "C.";
  full.reasoning = "Look it up.";
  full.reasoning_blocks = {{"Look it up.", "EqQBCgIYAhIM", ""}, {"", "", "ErUBCkYIBB"}};
  full.refusal = "no";
  full.tool_plan = "I will call the tool.";
  ToolCall call{"toolu_1", "get_weather", R"({"city": "Paris"})"};
  call.signature = "CiQB";
  ToolCall generated{"gemini-call-0", "get_time", ""};
  generated.generated_id = true;
  full.tool_calls = {call, generated};
  full.finish_reason = FinishReason::ToolCalls;
  full.finish_reason_raw = "tool_use";
  full.usage.input_tokens = 100;
  full.usage.output_tokens = 20;
  full.usage.total_tokens = 120;
  full.usage.cached_input_tokens = 0;
  full.usage.cache_write_input_tokens = 50;
  full.usage.reasoning_tokens = 7;
  full.usage.billed_input_tokens = 90;
  full.usage.billed_output_tokens = 19;

  auto encoded = encode_cache_entry({1000, 2000, full});
  REQUIRE(encoded.ok());
  auto decoded = decode_cache_entry(encoded.value());
  REQUIRE(decoded.ok());
  CHECK(decoded.value().stored_at_ms == 1000);
  CHECK(decoded.value().expires_at_ms == 2000);
  CHECK(decoded.value().response == full);
  // "Not reported" stays apart from zero.
  CHECK(decoded.value().response.usage.cached_input_tokens == std::optional<std::int64_t>(0));
  CHECK(decode_cache_entry(encode_cache_entry({0, 1, ChatResponse{}}).value()).value().response ==
        ChatResponse{});

  std::mt19937 random(20261125);
  for (int i = 0; i < 2000; ++i) {
    ChatResponse response = random_response(random);
    auto entry = encode_cache_entry({i, i + 1, response});
    REQUIRE(entry.ok());
    auto back = decode_cache_entry(entry.value());
    REQUIRE(back.ok());
    CHECK(back.value().response == response);
  }
}

TEST_CASE("A response with invalid UTF-8 is refused, not cached changed", "[cache][codec]") {
  ChatResponse response = simple_response("bad \xff byte");
  auto encoded = encode_cache_entry({0, 1, response});
  REQUIRE_FALSE(encoded.ok());
  CHECK(encoded.error().code == ErrorCode::InvalidArgument);
  CHECK(encoded.error().message.find("text") != std::string::npos);

  response = simple_response("fine");
  response.tool_calls.push_back({"id", "name", "{\"a\":\"\xc3\"}"});
  REQUIRE_FALSE(encode_cache_entry({0, 1, response}).ok());
}

TEST_CASE("Hostile stored bytes decode to an error", "[cache][codec]") {
  const std::string good = encode_cache_entry({5, 10, simple_response("Hello")}).value();
  // Every truncation of a good entry fails (only the whole closes the outer object).
  for (std::size_t size = 0; size < good.size(); ++size) {
    CAPTURE(size);
    CHECK_FALSE(decode_cache_entry(good.substr(0, size)).ok());
  }
  const char *hostile[] = {
      "",
      "null",
      "[]",
      "\"entry\"",
      "{}",
      R"({"version":2,"stored_at_ms":1,"expires_at_ms":2,"response":{}})",
      R"({"version":1,"stored_at_ms":1,"response":{}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2})",
      R"({"version":1,"stored_at_ms":"1","expires_at_ms":2,"response":{}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2.5,"response":{}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":1e300,"response":{}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":[]})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"text":5}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"tool_calls":{}}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"tool_calls":[1]}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"tool_calls":[{"generated_id":"yes"}]}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"reasoning_blocks":["x"]}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"finish_reason":"done"}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"finish_reason":7}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"usage":{"input_tokens":"8"}}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"usage":{"input_tokens":1e19}}})",
      R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"response":{"usage":[]}})",
      "{\"version\":1,\"stored_at_ms\":1,\"expires_at_ms\":2,\"response\":{\"text\":\"\xff\"}}",
  };
  for (const char *bytes : hostile) {
    CAPTURE(bytes);
    auto decoded = decode_cache_entry(bytes);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == ErrorCode::BadResponse);
  }
  CHECK_FALSE(decode_cache_entry(std::string(100000, '[')).ok());
}

TEST_CASE("Stored entries ignore members they do not know", "[cache][codec]") {
  auto decoded =
      decode_cache_entry(R"({"version":1,"stored_at_ms":1,"expires_at_ms":2,"future":[1,2],)"
                         R"("response":{"text":"Hi","finish_reason":"stop","audio":{"id":"a"},)"
                         R"("usage":{"input_tokens":3,"image_tokens":4}}})");
  REQUIRE(decoded.ok());
  CHECK(decoded.value().response.text == "Hi");
  CHECK(decoded.value().response.finish_reason == FinishReason::Stop);
  CHECK(decoded.value().response.usage.input_tokens == std::optional<std::int64_t>(3));
  CHECK_FALSE(decoded.value().response.usage.output_tokens);
}

TEST_CASE("The cache serves an answer until it expires, then removes it", "[cache]") {
  MemoryStore store;
  ResponseCache cache(&store);
  const std::string key = cache_key(simple_request(), Endpoint{});
  CHECK_FALSE(cache.get(key, 0));
  REQUIRE(cache.put(key, simple_response("Hello"), 1000, 500).value() == Cached::Yes);
  CHECK(store.list("").value() == std::vector<std::string>{store_key_of(key)});

  auto hit = cache.get(key, 1499);
  REQUIRE(hit);
  CHECK(*hit == simple_response("Hello"));
  CHECK_FALSE(cache.get(key, 1500)); // expires_at_ms is the first moment it is not served
  CHECK(store.list("").value().empty());
  CHECK_FALSE(cache.get(key, 1000)); // removed, not just hidden
}

TEST_CASE("The cache replaces an entry of the same key", "[cache]") {
  MemoryStore store;
  ResponseCache cache(&store);
  const std::string key = key_number(1);
  REQUIRE(cache.put(key, simple_response("old"), 0, 100).ok());
  REQUIRE(cache.put(key, simple_response("new"), 10, 100).ok());
  CHECK(cache.get(key, 50)->text == "new");
  CHECK(cache.get(key, 109)->text == "new");
  CHECK(store.list("cache/").value().size() == 1);
}

TEST_CASE("The cache evicts the oldest entries beyond max_entries", "[cache]") {
  MemoryStore store;
  ResponseCache cache(&store, 3);
  for (int i = 0; i < 5; ++i)
    REQUIRE(cache.put(key_number(i), simple_response(std::to_string(i)), 100, 1000).ok());
  CHECK(store.list("cache/").value().size() == 3);
  CHECK_FALSE(cache.get(key_number(0), 200));
  CHECK_FALSE(cache.get(key_number(1), 200));
  for (int i = 2; i < 5; ++i)
    CHECK(cache.get(key_number(i), 200)->text == std::to_string(i));

  // Re-putting an entry makes it the newest.
  REQUIRE(cache.put(key_number(2), simple_response("2 again"), 300, 1000).ok());
  REQUIRE(cache.put(key_number(5), simple_response("5"), 300, 1000).ok());
  CHECK_FALSE(cache.get(key_number(3), 400));
  CHECK(cache.get(key_number(2), 400)->text == "2 again");
  CHECK(cache.get(key_number(4), 400));
  CHECK(cache.get(key_number(5), 400));
}

TEST_CASE("A new cache finds the store's entries and evicts them oldest first", "[cache]") {
  CountingStore store;
  {
    ResponseCache first(&store, 10);
    REQUIRE(first.put(key_number(1), simple_response("one"), 300, 1000).ok());
    REQUIRE(first.put(key_number(2), simple_response("two"), 100, 1000).ok());
    REQUIRE(first.put(key_number(3), simple_response("three"), 200, 1000).ok());
    REQUIRE(first.put(key_number(4), simple_response("expired"), 0, 50).ok());
    REQUIRE(store.inner.put("cache/zz/not-ours.json", "x").ok());
    REQUIRE(store.inner.put(store_key_of(key_number(5)), "corrupt").ok());
  }
  ResponseCache second(&store, 2);
  const int lists_before = store.lists;
  // The index is built lazily: a get does not list the store.
  CHECK(second.get(key_number(1), 400)->text == "one");
  CHECK(store.lists == lists_before);
  REQUIRE(second.put(key_number(6), simple_response("six"), 400, 1000).ok());
  CHECK(store.lists == lists_before + 1);
  // Indexing removed the expired and the corrupt entry, and eviction the two oldest (stored
  // at 100 and 200), leaving the entry stored at 300 and the new one.
  std::vector<std::string> expected = {store_key_of(key_number(1)), store_key_of(key_number(6)),
                                       "cache/zz/not-ours.json"};
  std::sort(expected.begin(), expected.end());
  CHECK(store.inner.list("cache/").value() == expected);
  CHECK(second.get(key_number(1), 400)->text == "one");
  CHECK_FALSE(second.get(key_number(2), 400));
  CHECK_FALSE(second.get(key_number(3), 400));
  CHECK(second.get(key_number(6), 400)->text == "six");
  CHECK(store.inner.get("cache/zz/not-ours.json").value() == std::optional<std::string>("x"));
}

TEST_CASE("An unreadable entry is a miss and is removed", "[cache]") {
  MemoryStore store;
  ResponseCache cache(&store);
  const std::string key = key_number(9);
  const std::string store_key = store_key_of(key);
  for (const char *bytes : {"", "{", "{\"version\":1}", "[1,2]", "\xff\xfe"}) {
    REQUIRE(store.put(store_key, bytes).ok());
    CHECK_FALSE(cache.get(key, 0));
    CHECK_FALSE(store.get(store_key).value());
  }
}

TEST_CASE("The cache refuses bad keys and lifetimes, and reports storage errors", "[cache]") {
  CountingStore store;
  ResponseCache cache(&store);
  for (const char *key : {"", "abc", "../../etc/passwd",
                          "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}) {
    CAPTURE(key);
    CHECK(cache.put(key, simple_response("x"), 0, 10).error().code == ErrorCode::InvalidArgument);
    CHECK_FALSE(cache.get(key, 0));
  }
  CHECK(cache.put(key_number(1), simple_response("x"), 0, 0).error().code ==
        ErrorCode::InvalidArgument);
  CHECK(cache.put(key_number(1), simple_response("x"), 0, -5).error().code ==
        ErrorCode::InvalidArgument);
  // A lifetime past the end of time saturates instead of overflowing.
  REQUIRE(cache.put(key_number(1), simple_response("x"), 10, INT64_MAX).ok());
  CHECK(cache.get(key_number(1), INT64_MAX - 1));

  store.fail = true;
  auto failed = cache.put(key_number(2), simple_response("x"), 0, 10);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "disk on fire");
  CHECK_FALSE(cache.get(key_number(1), 20)); // a storage error is a miss
  store.fail = false;
  CHECK(cache.get(key_number(1), 20)); // and leaves the entry alone
}

TEST_CASE("A cache without a store or without room stores nothing", "[cache]") {
  ResponseCache none(nullptr);
  auto put = none.put(key_number(1), simple_response("x"), 0, 10);
  REQUIRE(put.ok());
  CHECK(put.value() == Cached::No);
  CHECK_FALSE(none.get(key_number(1), 0));
  none.clear();

  MemoryStore store;
  ResponseCache empty(&store, 0);
  auto nothing = empty.put(key_number(1), simple_response("x"), 0, 10);
  REQUIRE(nothing.ok());
  CHECK(nothing.value() == Cached::No);
  CHECK(store.list("").value().empty());
}

TEST_CASE("Clearing the cache removes its entries and nothing else", "[cache]") {
  MemoryStore store;
  REQUIRE(store.put("ledger/budgets.json", "{}").ok());
  REQUIRE(store.put("cache/notes.txt", "mine").ok());
  ResponseCache cache(&store);
  for (int i = 0; i < 4; ++i)
    REQUIRE(cache.put(key_number(i), simple_response("x"), 0, 10).ok());
  cache.clear();
  CHECK(store.list("").value() ==
        std::vector<std::string>{"cache/notes.txt", "ledger/budgets.json"});
  for (int i = 0; i < 4; ++i)
    CHECK_FALSE(cache.get(key_number(i), 1));
  REQUIRE(cache.put(key_number(7), simple_response("after"), 0, 10).ok());
  CHECK(cache.get(key_number(7), 1)->text == "after");
}

TEST_CASE("A cache entry is stored as this exact text", "[response-cache]") {
  ChatResponse response = simple_response("Hi \"there\"");
  response.reasoning_blocks.push_back({"thought", "sig", ""});
  response.tool_calls.push_back({"call_1", "weather", R"({"city":"Paris"})", "", true});
  auto encoded = encode_cache_entry({1000, 2000, response});
  REQUIRE(encoded.ok());
  CHECK(encoded.value() ==
        R"({"version":1,"stored_at_ms":1000,"expires_at_ms":2000,"response":{"id":"chatcmpl-1",)"
        R"("model":"gpt-4o-mini","text":"Hi \"there\"","reasoning":"","reasoning_blocks":)"
        R"([{"text":"thought","signature":"sig","redacted_data":""}],"refusal":"","tool_plan":"",)"
        R"("tool_calls":[{"id":"call_1","name":"weather","arguments":"{\"city\":\"Paris\"}",)"
        R"("signature":"","generated_id":true}],"finish_reason":"stop","finish_reason_raw":"stop",)"
        R"("usage":{"input_tokens":8,"output_tokens":2}}})");
}
