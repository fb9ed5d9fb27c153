// The built-in catalog, user models, money and exact cost.

#include <llmux/llmux.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace llmux;

namespace {

// Dollars per million tokens, written as the catalog writes them, in picodollars per token.
Picodollars per_million(const char *dollars) {
  return *parse_price_per_million(dollars);
}

Usage usage(std::int64_t input, std::int64_t output) {
  Usage out;
  out.input_tokens = input;
  out.output_tokens = output;
  return out;
}

} // namespace

TEST_CASE("The catalog has current templates for Gemini, Cohere, Mistral and xAI", "[catalog]") {
  Catalog catalog = Catalog::builtin();
  std::map<Provider, int> count;
  for (const ModelTemplate &model : catalog.models())
    ++count[model.provider];
  CHECK(count[Provider::Gemini] == 4);
  CHECK(count[Provider::Cohere] == 5);
  CHECK(count[Provider::Mistral] == 5);
  CHECK(count[Provider::Xai] == 4);
  // The seed document's 29 rows (tests/core/seed_parity_test.cpp), gpt-4-turbo (a name it uses
  // outside its tables) and these 18.
  CHECK(catalog.models().size() == 48);

  const ModelTemplate *pro = catalog.find("gemini-2.5-pro");
  REQUIRE((pro && pro->prices));
  CHECK(pro->prices->long_context_above_input_tokens == 200000);
  CHECK(pro->prices->long_context.input == per_million("2.50"));
  CHECK(pro->features == ModelFeatures{true, true, true, true, true});
  const ModelTemplate *r7b = catalog.find("cohere-command-r7b");
  REQUIRE((r7b && r7b->prices));
  CHECK(r7b->prices->base.input == 37500); // $0.0375 per million: 37,500 picodollars a token
  const ModelTemplate *sonnet = catalog.find("anthropic-claude-3-5-sonnet-20241022");
  REQUIRE((sonnet && sonnet->prices));
  CHECK(sonnet->prices->base.cached_input == per_million("0.30"));
  CHECK(sonnet->prices->base.cache_write == per_million("3.75"));
}

TEST_CASE("Every template is complete and ids are unique", "[catalog]") {
  Catalog catalog = Catalog::builtin();
  std::set<std::string> ids;
  for (const ModelTemplate &model : catalog.models()) {
    INFO(model.id);
    CHECK(ids.insert(model.id).second);
    CHECK_FALSE(model.display_name.empty());
    CHECK(model.context_tokens > 0);
    CHECK(model.max_output_tokens > 0);
    CHECK(model.max_output_tokens <= model.context_tokens);
    CHECK(model.features.streaming);
    // Without a default base URL or an upstream name, the template must say who supplies it.
    bool needs_base =
        provider_info(model.provider).default_base_url.empty() && model.base_url.empty();
    if (needs_base || model.upstream_model.empty())
      CHECK_FALSE(model.required_settings.empty());
  }
}

TEST_CASE("The catalog writes itself in the format it reads", "[catalog]") {
  Catalog catalog = Catalog::builtin();
  Catalog again;
  auto added = again.add_json(catalog.to_json());
  REQUIRE(added.ok());
  REQUIRE(again.models().size() == catalog.models().size());
  for (std::size_t i = 0; i < catalog.models().size(); ++i) {
    const ModelTemplate &a = catalog.models()[i];
    const ModelTemplate &b = again.models()[i];
    INFO(a.id);
    CHECK(a.id == b.id);
    CHECK(a.display_name == b.display_name);
    CHECK(a.provider == b.provider);
    CHECK(a.upstream_model == b.upstream_model);
    CHECK(a.base_url == b.base_url);
    CHECK(a.deployment == b.deployment);
    CHECK(a.context_tokens == b.context_tokens);
    CHECK(a.max_output_tokens == b.max_output_tokens);
    CHECK(a.prices == b.prices);
    CHECK(a.features == b.features);
    CHECK(a.required_settings == b.required_settings);
    CHECK(a.aliases == b.aliases);
    CHECK(a.served_as == b.served_as);
  }
}

TEST_CASE("Users add models at run time and replace templates by id", "[catalog]") {
  Catalog catalog = Catalog::builtin();
  const std::size_t before = catalog.models().size();
  auto added = catalog.add_json(R"({"models": [
    {"id": "my-finetune", "provider": "vllm", "model": "/ckpt/step-900", "base_url": "http://127.0.0.1:8011/v1",
     "context": 8192, "max_output": 1024, "prices": {"input": "0.000001", "output": 0}, "features": ["streaming"]},
    {"id": "openai-gpt-4o-mini", "provider": "openai", "model": "gpt-4o-mini", "context": 128000,
     "max_output": 16384, "prices": {"input": 0.10, "output": 0.40}, "features": ["streaming", "tools"]}]})");
  REQUIRE(added.ok());
  CHECK(added.value() == 2);
  CHECK(catalog.models().size() == before + 1);
  const ModelTemplate *mine = catalog.find("my-finetune");
  REQUIRE(mine);
  CHECK(mine->user_defined);
  CHECK(mine->prices->base.input == 1); // one picodollar a token
  const ModelTemplate *replaced = catalog.find("openai-gpt-4o-mini");
  REQUIRE(replaced);
  CHECK(replaced->user_defined);
  CHECK(replaced->prices->base.input == per_million("0.10"));
}

TEST_CASE("A bad catalog document adds nothing and says what is wrong", "[catalog]") {
  Catalog catalog = Catalog::builtin();
  const std::size_t before = catalog.models().size();
  auto fails = [&](std::string_view text) {
    auto added = catalog.add_json(text);
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == ErrorCode::InvalidArgument);
    CHECK(catalog.models().size() == before);
    return added.error().message;
  };
  const std::string good =
      R"("provider": "openai", "model": "m", "context": 100, "max_output": 10)";
  CHECK(fails("{").find("the catalog is not JSON") == 0);
  CHECK(fails(R"({"models": [{"id": "ok", )" + good + R"(}, {"provider": "openai"}]})") ==
        "model: every model needs an id");
  CHECK(fails(R"({"id": "x", "provider": "nope", "context": 1, "max_output": 1})") ==
        "model \"x\": unknown provider \"nope\"");
  CHECK(fails(R"({"id": "x", )" + good + R"(, "prices": {"input": 0.0000001, "output": 1}})") ==
        "model \"x\": prices.input must be dollars per million tokens with at most six decimals");
  CHECK(fails(R"({"id": "x", )" + good + R"(, "prices": {"input": 1}})") ==
        "model \"x\": prices need an input and an output price");
  CHECK(fails(R"({"id": "x", "provider": "openai", "context": 10, "max_output": 100})") ==
        "model \"x\": max_output cannot exceed context");
  CHECK(fails(R"({"id": "x", "provider": "openai", "context": 0, "max_output": 0})") ==
        "model \"x\": context must be a positive number of tokens");
  CHECK(fails(R"({"id": "x", )" + good + R"(, "features": ["telepathy"]})") ==
        "model \"x\": unknown feature \"telepathy\" (streaming, tools, vision, json, reasoning)");
  CHECK(fails(R"({"id": "x", )" + good + R"(, "aliases": "y"})") ==
        "model \"x\": aliases must be an array of names");
  CHECK(fails(R"({"id": "x", )" + good + R"(, "served_as": [""]})") ==
        "model \"x\": served_as must list names");
  CHECK(catalog.find("ok") == nullptr); // the good model before the bad one was not added
}

TEST_CASE("Prices parse exactly and money formats every significant decimal", "[cost]") {
  CHECK(parse_price_per_million("0.15") == 150000);
  CHECK(parse_price_per_million("0.0375") == 37500);
  CHECK(parse_price_per_million("15") == 15000000);
  CHECK(parse_price_per_million("0.000001") == 1);
  CHECK(parse_price_per_million("1.2500000") == 1250000);
  CHECK_FALSE(parse_price_per_million("0.0000001"));
  CHECK_FALSE(parse_price_per_million("-1"));
  CHECK_FALSE(parse_price_per_million("1e3"));
  CHECK_FALSE(parse_price_per_million(".5"));
  CHECK(format_usd(450'000'000) == "$0.00045");
  CHECK(format_usd(0) == "$0");
  CHECK(format_usd(12 * picodollars_per_dollar) == "$12");
  CHECK(format_usd(-500'000'000'000) == "-$0.5");
  CHECK(format_usd(1) == "$0.000000000001");
  CHECK(format_usd(INT64_MIN) == "-$9223372.036854775808");
  CHECK_FALSE(add_money(INT64_MAX, 1));
}

TEST_CASE("1,000 input and 500 output tokens on gpt-4o-mini cost exactly $0.00045", "[cost]") {
  Catalog catalog = Catalog::builtin();
  auto cost = cost_of(usage(1000, 500), *catalog.find("openai-gpt-4o-mini"));
  REQUIRE(cost);
  CHECK(cost->input == 150'000'000);
  CHECK(cost->output == 300'000'000);
  CHECK(cost->total == 450'000'000);
  CHECK(format_usd(cost->total) == "$0.00045");
}

TEST_CASE("Costs summed over a million requests do not drift", "[cost]") {
  // In floating point, adding $0.00045 a million times is not $450.
  Catalog catalog = Catalog::builtin();
  const ModelTemplate &mini = *catalog.find("openai-gpt-4o-mini");
  Cost sum;
  for (int i = 0; i < 1'000'000; ++i) {
    auto one = cost_of(usage(1000, 500), mini);
    auto added = one ? add_costs(sum, *one) : std::nullopt;
    if (!added)
      FAIL("cost " << i << " was unknown");
    sum = *added;
  }
  CHECK(sum.total == 450 * picodollars_per_dollar);
  CHECK(format_usd(sum.total) == "$450");
}

TEST_CASE("Each provider's usage is charged once per token, as it bills", "[cost]") {
  ModelPrices prices;
  prices.base = {per_million("1"), per_million("4"), per_million("0.10"), per_million("1.25")};
  Usage u = usage(1000, 200);
  u.cached_input_tokens = 600;
  u.cache_write_input_tokens = 100;
  u.reasoning_tokens = 50;

  // OpenAI: prompt_tokens include the cached ones; reasoning is inside completion_tokens.
  auto openai = cost_of(u, Provider::OpenAi, prices);
  REQUIRE(openai);
  CHECK(openai->input == 400 * per_million("1"));
  CHECK(openai->cached_input == 600 * per_million("0.10"));
  CHECK(openai->cache_write == 100 * per_million("1.25"));
  CHECK(openai->output == 200 * per_million("4"));

  // Anthropic: input_tokens leave out cache reads and writes.
  auto anthropic = cost_of(u, Provider::Anthropic, prices);
  REQUIRE(anthropic);
  CHECK(anthropic->input == 1000 * per_million("1"));
  CHECK(anthropic->cached_input == 600 * per_million("0.10"));
  CHECK(anthropic->output == 200 * per_million("4"));

  // Gemini and xAI report reasoning apart from output and bill it as output.
  for (Provider provider : {Provider::Gemini, Provider::Xai}) {
    auto reasoning = cost_of(u, provider, prices);
    REQUIRE(reasoning);
    CHECK(reasoning->output == 250 * per_million("4"));
  }

  // Cohere bills its billed units.
  Usage cohere = usage(507, 10);
  cohere.billed_input_tokens = 12;
  cohere.billed_output_tokens = 7;
  cohere.cached_input_tokens = 448;
  auto billed = cost_of(cohere, Provider::Cohere, prices);
  REQUIRE(billed);
  CHECK(billed->total == 12 * per_million("1") + 7 * per_million("4"));

  // Without a cached price, cached tokens cost what input costs.
  ModelPrices plain;
  plain.base = {per_million("2"), per_million("8"), std::nullopt, std::nullopt};
  CHECK(cost_of(u, Provider::OpenAi, plain)->total ==
        1100 * per_million("2") + 200 * per_million("8"));
}

TEST_CASE("Long prompts switch to the long-context prices", "[cost]") {
  Catalog catalog = Catalog::builtin();
  const ModelTemplate &pro = *catalog.find("gemini-2.5-pro");
  CHECK(cost_of(usage(200000, 1000), pro)->total ==
        200000 * per_million("1.25") + 1000 * per_million("10"));
  CHECK(cost_of(usage(200001, 1000), pro)->total ==
        200001 * per_million("2.50") + 1000 * per_million("15"));
}

TEST_CASE("A cost is unknown without prices or counts, and never wraps around", "[cost]") {
  Catalog catalog = Catalog::builtin();
  CHECK_FALSE(cost_of(usage(10, 10), *catalog.find("huggingface-gpt2")));
  Usage no_output;
  no_output.input_tokens = 10;
  CHECK_FALSE(cost_of(no_output, *catalog.find("openai-gpt-4o-mini")));
  CHECK_FALSE(cost_of(usage(INT64_MAX / 2, 1), *catalog.find("openai-gpt-4o-mini")));
  CHECK_FALSE(cost_of(usage(-5, 1), *catalog.find("openai-gpt-4o-mini")));
}

TEST_CASE("Streamed and whole responses of the same usage cost the same", "[cost]") {
  Catalog catalog = Catalog::builtin();
  const ModelTemplate &sonnet = *catalog.find("anthropic-claude-3-5-sonnet-20241022");
  HttpResponseHead head;
  DecodedResponse streamed =
      decode(Provider::Anthropic, true, head,
             "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
             "{\"input_tokens\":40,\"output_tokens\":1,\"cache_read_input_tokens\":900,"
             "\"cache_creation_input_tokens\":60}}}\n\n"
             "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
             "\"end_turn\"},\"usage\":{\"output_tokens\":75}}\n\n"
             "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  DecodedResponse whole =
      decode(Provider::Anthropic, false, head,
             R"({"type":"message","content":[],"stop_reason":"end_turn","usage":{"input_tokens":40,
        "output_tokens":75,"cache_read_input_tokens":900,"cache_creation_input_tokens":60}})");
  REQUIRE_FALSE(streamed.error);
  REQUIRE_FALSE(whole.error);
  auto a = cost_of(streamed.response.usage, sonnet);
  auto b = cost_of(whole.response.usage, sonnet);
  REQUIRE((a && b));
  CHECK(*a == *b);
  CHECK(a->total == 40 * per_million("3") + 900 * per_million("0.30") + 60 * per_million("3.75") +
                        75 * per_million("15"));
}
