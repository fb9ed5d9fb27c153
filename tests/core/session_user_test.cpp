// The one meaning of SessionConfig::user: the ledger's end user, and the budget scope
// "user:<id>" charged with every call made for them, whatever budget_scopes says. The CLI's
// --user and the package's `user` both set it, so a budget on user:eve holds in both.

#include <llmux/session.hpp>

#include "support/failing_store.hpp"
#include "support/scripted_host.hpp"

#include <catch2/catch.hpp>

using namespace llmux;
using namespace llmux::testing;

namespace {

SessionConfig config_for_user(Ledger &ledger, std::string user, std::vector<std::string> scopes) {
  static const Catalog catalog = Catalog::builtin();
  static const Settings settings = {{"OPENAI_API_KEY", "sk-test-openai"},
                                    {"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}};
  auto resolved = resolve_model(catalog, "openai-gpt-4o-mini", settings);
  REQUIRE(resolved.ok());
  SessionConfig config;
  config.models.push_back(std::move(resolved).value());
  config.request.messages.push_back(Message::user("Hi"));
  config.request.max_tokens = 100;
  config.ledger = &ledger;
  config.user = std::move(user);
  config.budget_scopes = std::move(scopes);
  return config;
}

} // namespace

TEST_CASE("user_scope is user: and the id", "[session][user]") {
  CHECK(user_scope("eve") == "user:eve");
}

TEST_CASE("A call for a user is charged to user:ID after the scopes given", "[session][user]") {
  Ledger ledger;
  ScriptedHost host(config_for_user(ledger, "eve", {"project:acme"}));
  host.replies.push_back(openai_json("hello", {}, 400, 100));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  REQUIRE(ledger.records().value().size() == 1);
  CHECK(ledger.records().value()[0].user == "eve");
  CHECK(ledger.records().value()[0].scopes == std::vector<std::string>{"project:acme", "user:eve"});
}

TEST_CASE("A budget on user:ID holds for a call that names only the user", "[session][user]") {
  Ledger ledger;
  REQUIRE(ledger.set_budget("user:eve", 1'000'000).ok()); // $0.000001
  ScriptedHost host(config_for_user(ledger, "eve", {}));
  auto last = host.run();
  REQUIRE(last.kind == SessionAction::Kind::Fail);
  CHECK(last.error.code == ErrorCode::BudgetExceeded);
  CHECK(host.sent.empty());
}

TEST_CASE("user:ID given in the scopes as well is charged once", "[session][user]") {
  Ledger ledger;
  ScriptedHost host(config_for_user(ledger, "eve", {"user:eve", "project:acme"}));
  host.replies.push_back(openai_json("hello", {}, 400, 100));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  REQUIRE(ledger.records().value().size() == 1);
  CHECK(ledger.records().value()[0].scopes == std::vector<std::string>{"user:eve", "project:acme"});
}

TEST_CASE("A call for no user is charged to the scopes given only", "[session][user]") {
  Ledger ledger;
  ScriptedHost host(config_for_user(ledger, "", {"project:acme"}));
  host.replies.push_back(openai_json("hello", {}, 400, 100));
  REQUIRE(host.run().kind == SessionAction::Kind::Done);
  CHECK(ledger.records().value()[0].scopes == std::vector<std::string>{"project:acme"});
}

TEST_CASE("A call whose usage the ledger cannot store says so in its result", "[session][ledger]") {
  FailingStore store;
  Ledger ledger(&store);
  REQUIRE(ledger.set_budget("user:eve", 20'000'000'000).ok()); // $0.02
  store.fail = true;
  ScriptedHost host(config_for_user(ledger, "eve", {}));
  host.replies.push_back(openai_json("hello", {}, 400, 100));
  REQUIRE(host.run().kind == SessionAction::Kind::Done); // the answer was paid for: kept
  const auto &warnings = host.session.result().usage.warnings;
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "the ledger did not store this call's usage (storage): disk full");
  // Counted in memory all the same, once, and written with the next record that can be.
  CHECK(ledger.records().value().size() == 1);
}
