// Keys out of what providers say: whole, masked, or in pieces.

#include <llmux/llmux.hpp>

#include "support/scripted_host.hpp"

#include <catch2/catch.hpp>

using namespace llmux;
using namespace llmux::testing;

namespace {

constexpr const char *key = "sk-proj-Zq81mB7xKp2Lw9sT0aVc4nYd";

SecretScrubber scrubber_of(std::initializer_list<const char *> secrets) {
  SecretScrubber scrubber;
  for (const char *secret : secrets)
    scrubber.add(secret);
  return scrubber;
}

} // namespace

TEST_CASE("A key is scrubbed whole, masked, and in pieces", "[secrets]") {
  const SecretScrubber scrubber = scrubber_of({key});
  // Whole, wherever it stands.
  CHECK(scrubber.scrub(std::string("Incorrect API key provided: ") + key + ".") ==
        "Incorrect API key provided: [redacted].");
  CHECK(scrubber.scrub(std::string("{\"key\":\"") + key + "\"}") == "{\"key\":\"[redacted]\"}");
  CHECK(scrubber.scrub(std::string("https://x/?k=") + key + "&a=1") == "https://x/?k=[redacted]&a=1");
  // OpenAI's own masking keeps the prefix and the last four: both are the key's.
  CHECK(scrubber.scrub("Incorrect API key provided: sk-proj-************************4nYd. You "
                       "can find your API key at https://platform.openai.com/account/api-keys.") ==
        "Incorrect API key provided: [redacted]. You can find your API key at "
        "https://platform.openai.com/account/api-keys.");
  CHECK(scrubber.scrub("key ending ****4nYd rejected") == "key ending [redacted] rejected");
  // Eight bytes of it, anywhere in a word.
  CHECK(scrubber.scrub("token=Kp2Lw9sT0 was refused") == "[redacted] was refused");
  // Nothing else is touched.
  CHECK(scrubber.scrub("Rate limit reached for gpt-4o-mini in organization org-abc on tokens "
                       "per min (TPM): Limit 200000, Used 199000.") ==
        "Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min (TPM): "
        "Limit 200000, Used 199000.");
  CHECK(scrubber.scrub("") == "");
}

TEST_CASE("Several keys, keys inside keys, and keys too short to scrub", "[secrets]") {
  const SecretScrubber scrubber = scrubber_of({"abcdefgh", "abcdefgh-longer-key-1234", "k"});
  CHECK(scrubber.scrub("abcdefgh-longer-key-1234 and abcdefgh") == "[redacted] and [redacted]");
  // A one-byte "key" is not a secret worth hiding every "k" for.
  CHECK(scrubber.scrub("keep looking") == "keep looking");
  CHECK(SecretScrubber().scrub("sk-anything") == "sk-anything");
  CHECK(scrubber_of({"short"}).empty());
}

TEST_CASE("A secret that is not UTF-8 takes the characters it matches inside with it",
          "[secrets]") {
  // Found by the secret_scrubber fuzz target: a secret starting with the second byte of "é"
  // left the first one alone, and the message was no longer UTF-8.
  const SecretScrubber scrubber = scrubber_of({"\xa9 \xe2\x98\x83 -"});
  const std::string out = scrubber.scrub("pr\xc3\xa9 \xe2\x98\x83 -pwhile");
  CHECK(out == "pr[redacted]pwhile");
  CHECK(is_valid_utf8(out));
}

TEST_CASE("Every text of an error a provider filled is scrubbed", "[secrets]") {
  const SecretScrubber scrubber = scrubber_of({key});
  Error error;
  error.message = std::string("bad key ") + key;
  error.hint = std::string("check ") + key;
  error.provider_code = key;
  error.param = key;
  error.provider_type = key;
  error.request_id = key;
  scrubber.scrub(error);
  CHECK(error.message == "bad key [redacted]");
  CHECK(error.hint == "check [redacted]");
  for (const std::string *text :
       {&error.provider_code, &error.param, &error.provider_type, &error.request_id})
    CHECK(*text == "[redacted]");
}

TEST_CASE("A session's errors, events and fallbacks never carry the chain's keys", "[secrets][session]") {
  static const Catalog catalog = Catalog::builtin();
  const Settings settings = {{"OPENAI_API_KEY", key},
                             {"ANTHROPIC_API_KEY", "sk-ant-api03-PLq9Zr7mXw2Tn5Kc8Vb1"},
                             {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                             {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9"}};
  SessionConfig config;
  for (const char *name : {"claude-3-5-sonnet-20241022", "gpt-4o-mini"})
    config.models.push_back(resolve_model(catalog, name, settings).value());
  config.request.messages.push_back(Message::user("Hi"));
  ScriptedHost host(std::move(config));
  // Anthropic echoes its key whole; OpenAI masks its own, and a network error quotes a URL.
  host.replies.push_back(json_reply(R"({"type":"error","error":{"type":"authentication_error",
    "message":"invalid x-api-key sk-ant-api03-PLq9Zr7mXw2Tn5Kc8Vb1"}})", 401));
  host.replies.push_back(json_reply(std::string(R"({"error":{"message":"Incorrect API key provided: )") +
                                        "sk-proj-********************4nYd" +
                                        R"(.","type":"invalid_request_error","code":"invalid_api_key"}})",
                                    401));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  std::string everything = last.error.message + last.error.hint;
  for (const ModelAttempt &tried : host.session.result().models_tried)
    if (tried.error)
      everything += tried.error->message;
  for (const SessionEvent &event : host.events)
    everything += event.error.message;
  CHECK(everything.find("PLq9Zr7m") == std::string::npos);
  CHECK(everything.find("4nYd") == std::string::npos);
  CHECK(everything.find("sk-") == std::string::npos);
  CHECK(last.error.message == "Incorrect API key provided: [redacted].");
}
