// Planning a call (client.hpp): the chain from a task's route, the call's models, the
// client's, or the settings'; readiness; the session's config with the client's and the
// core's defaults.

#include <llmux/llmux.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace llmux;

namespace {

const Settings keys = {{"OPENAI_API_KEY", "sk-test"}, {"ANTHROPIC_API_KEY", "sk-ant-test"}};

// The catalog ids of a chain, in order.
std::vector<std::string> ids(const std::vector<ResolvedModel> &chain) {
  std::vector<std::string> out;
  for (const ResolvedModel &model : chain)
    out.push_back(model.model.id);
  return out;
}

std::vector<std::string> chain_of(const Client &client, const CallSpec &call) {
  auto chain = client.chain(call);
  if (!chain.ok())
    FAIL("no chain: " << chain.error().message);
  return ids(chain.value());
}

RoutingTable routes(std::string_view json) {
  RoutingTable table;
  REQUIRE(table.load_json(json).ok());
  return table;
}

CallSpec call_of(std::vector<std::string> models, std::string task = "") {
  CallSpec call;
  call.models = std::move(models);
  call.task = std::move(task);
  call.request.messages.push_back(Message::user("Hi"));
  return call;
}

SessionConfig planned(const Client &client, CallSpec call, std::uint64_t seed = 7) {
  auto config = client.plan(std::move(call), seed);
  if (!config.ok())
    FAIL("not planned: " << config.error().message);
  return std::move(config).value();
}

} // namespace

TEST_CASE("A task's chain is its route, then the call's models", "[client]") {
  RoutingTable table = routes(R"({"default": "simple", "routes": {
      "simple": ["gpt-4o-mini"], "coding": ["claude-3-5-sonnet-20241022", "openai-gpt-4-turbo"]}})");
  Client client;
  client.settings = keys;
  client.routes = &table;
  CHECK(chain_of(client, call_of({}, "coding")) ==
        std::vector<std::string>{"anthropic-claude-3-5-sonnet-20241022", "openai-gpt-4-turbo"});
  // The CLI's --fallback after --task.
  CHECK(chain_of(client, call_of({"llama3.1:8b"}, "coding")) ==
        std::vector<std::string>{"anthropic-claude-3-5-sonnet-20241022", "openai-gpt-4-turbo",
                                 "ollama-llama3.1-8b"});
  // A kind the table lacks takes its default route.
  CHECK(chain_of(client, call_of({}, "poetry")) == std::vector<std::string>{"openai-gpt-4o-mini"});

  table = routes(R"({"routes": {"coding": ["gpt-4o"]}})");
  auto unknown = client.chain(call_of({}, "poetry"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::InvalidArgument);
  CHECK(unknown.error().message.find("coding") != std::string::npos); // names the kinds

  client.routes = nullptr;
  client.routes_hint = "createClient's routes";
  auto without = client.chain(call_of({}, "coding"));
  REQUIRE_FALSE(without.ok());
  CHECK(without.error().code == ErrorCode::InvalidArgument);
  CHECK(without.error().message == "task \"coding\" needs a routing table (createClient's routes)");
}

TEST_CASE("A call that names no model takes the client's chain, else the settings' model",
          "[client]") {
  Client client;
  client.settings = keys;
  client.models = {"gpt-4o-mini", "llama3.1:8b"};
  CHECK(chain_of(client, call_of({})) ==
        std::vector<std::string>{"openai-gpt-4o-mini", "ollama-llama3.1-8b"});
  CHECK(chain_of(client, call_of({"openai-gpt-4-turbo"})) ==
        std::vector<std::string>{"openai-gpt-4-turbo"});

  client.models.clear();
  client.settings["LLM_PROVIDER"] = "ollama";
  client.settings["OLLAMA_MODEL"] = "llama3.1:8b";
  CHECK(chain_of(client, call_of({})) == std::vector<std::string>{"ollama-llama3.1-8b"});
  // An empty name in a chain is the settings' model too (the CLI without -m, with --fallback).
  CHECK(chain_of(client, call_of({"", "openai-gpt-4-turbo"})) ==
        std::vector<std::string>{"ollama-llama3.1-8b", "openai-gpt-4-turbo"});

  client.settings.erase("LLM_PROVIDER");
  auto none = client.chain(call_of({}));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::InvalidArgument);

  auto unknown = client.chain(call_of({"gpt-4o-mini", "no-such-model-anywhere"}));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::UnknownModel);
}

TEST_CASE("A chain with a model missing settings is refused, naming them", "[client]") {
  Client client;
  client.settings = {{"ANTHROPIC_API_KEY", "sk-ant-test"}};
  client.settings_hint = "give it in createClient's settings";
  auto refused = client.plan(call_of({"claude-3-5-sonnet-20241022", "azure-gpt-4o"}), 1);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::InvalidArgument);
  CHECK(refused.error().origin == ErrorOrigin::Caller);
  CHECK(refused.error().message == "azure-gpt-4o needs AZURE_OPENAI_ENDPOINT, "
                                   "AZURE_OPENAI_API_KEY (give it in createClient's settings)");

  auto chain = client.chain(call_of({"gpt-4o-mini", "azure-gpt-4o"}));
  REQUIRE(chain.ok()); // resolving does not ask for readiness
  const auto missing = missing_settings(chain.value());
  REQUIRE(missing);
  CHECK(missing->model == "openai-gpt-4o-mini"); // the first model not ready
  CHECK(missing->settings == std::vector<std::string>{"OPENAI_API_KEY"});
  CHECK(describe(*missing, "set in the environment or ~/.config/llmux/settings") ==
        "openai-gpt-4o-mini needs OPENAI_API_KEY (set in the environment or "
        "~/.config/llmux/settings)");
  CHECK(describe(*missing, "") == "openai-gpt-4o-mini needs OPENAI_API_KEY");

  CHECK_FALSE(missing_settings(client.chain(call_of({"claude-3-5-sonnet-20241022"})).value()));
}

TEST_CASE("A call uses the client's ledger, and its cache when it gives a time to live",
          "[client]") {
  MemoryStore store;
  Ledger ledger(&store);
  ResponseCache cache(&store);
  Client client;
  client.settings = keys;
  client.ledger = &ledger;
  client.cache = &cache;
  client.user = "eve";
  client.budget_scopes = {"project:acme"};

  SessionConfig plain = planned(client, call_of({"gpt-4o-mini"}));
  CHECK(plain.ledger == &ledger);
  CHECK(plain.cache == nullptr);
  CHECK(plain.cache_ttl_ms == 0);
  CHECK(plain.user == "eve");
  CHECK(plain.budget_scopes == std::vector<std::string>{"project:acme"});

  CallSpec cached = call_of({"gpt-4o-mini"});
  cached.cache_ttl_ms = 60'000;
  cached.user = "bob";
  cached.budget_scopes = std::vector<std::string>{"key:k1"};
  SessionConfig with_cache = planned(client, cached);
  CHECK(with_cache.cache == &cache);
  CHECK(with_cache.cache_ttl_ms == 60'000);
  CHECK(with_cache.user == "bob");
  CHECK(with_cache.budget_scopes == std::vector<std::string>{"key:k1"});

  cached.cache_ttl_ms = 0; // off
  CHECK(planned(client, cached).cache == nullptr);
  client.cache = nullptr; // a driver without a cache (the CLI without a data directory)
  cached.cache_ttl_ms = 60'000;
  CHECK(planned(client, cached).cache == nullptr);
}

TEST_CASE("A call's unset values take the client's, then the core's defaults", "[client]") {
  Client client;
  client.settings = keys;
  SessionConfig bare = planned(client, call_of({"gpt-4o-mini"}), 42);
  CHECK(bare.max_rounds == default_max_rounds);
  CHECK(default_max_rounds == 3);
  CHECK(bare.timeout_ms == default_timeout_ms);
  CHECK(bare.retry.max_retries == RetryPolicy{}.max_retries);
  CHECK(bare.validate_tool_arguments);
  CHECK(bare.overflow == Overflow::Refuse);
  CHECK(bare.random_seed == 42);
  CHECK(bare.ledger == nullptr);
  CHECK(bare.request.messages.size() == 1);

  client.retry.max_retries = 5;
  CHECK(planned(client, call_of({"gpt-4o-mini"})).retry.max_retries == 5);

  CallSpec call = call_of({"gpt-4o-mini"});
  call.max_rounds = 0;
  call.timeout_ms = 1'000;
  call.seed = 9;
  call.validate_tool_arguments = false;
  call.overflow = Overflow::TrimOldestTurns;
  RetryPolicy none;
  none.max_retries = 0;
  call.retry = none;
  SessionConfig set = planned(client, call, 42);
  CHECK(set.max_rounds == 0);
  CHECK(set.timeout_ms == 1'000);
  CHECK(set.random_seed == 9);
  CHECK_FALSE(set.validate_tool_arguments);
  CHECK(set.overflow == Overflow::TrimOldestTurns);
  CHECK(set.retry.max_retries == 0);
}

TEST_CASE("A client in a web page has Anthropic's adapter add the browser header", "[client]") {
  auto header_of = [](const Client &client) {
    auto model = client.resolve("claude-3-5-sonnet-20241022");
    REQUIRE(model.ok());
    ChatRequest request;
    request.model = model.value().model.upstream_model;
    request.messages.push_back(Message::user("Hi"));
    auto http = make_adapter(model.value().endpoint.provider)
                    ->build_request(request, model.value().endpoint);
    REQUIRE(http.ok());
    std::string value = "(none)";
    for (const Header &header : http.value().headers)
      if (header.name == "anthropic-dangerous-direct-browser-access")
        value = header.value;
    return value;
  };
  Client client;
  client.settings = keys;
  CHECK(header_of(client) == "(none)");
  client.from_browser_page = true;
  CHECK(header_of(client) == "true");
  // Every model of a planned chain carries it.
  for (const ResolvedModel &model :
       planned(client, call_of({"claude-3-5-sonnet-20241022", "gpt-4o-mini"})).models)
    CHECK(model.endpoint.from_browser_page);
}
