#include <llmux/cost.hpp>

namespace llmux {
namespace {

// tokens × price, or nothing on overflow.
std::optional<Picodollars> charge(std::int64_t tokens, Picodollars price) noexcept {
  Picodollars cost;
  if (tokens < 0 || __builtin_mul_overflow(tokens, price, &cost))
    return std::nullopt;
  return cost;
}

} // namespace

std::optional<Cost> cost_of(const Usage &usage, Provider provider, const ModelPrices &prices) {
  const ProviderInfo &info = provider_info(provider);
  for (const auto &count : {usage.input_tokens, usage.output_tokens, usage.cached_input_tokens,
                            usage.cache_write_input_tokens, usage.reasoning_tokens,
                            usage.billed_input_tokens, usage.billed_output_tokens})
    if (count && *count < 0)
      return std::nullopt; // a count no provider reports truthfully
  const bool billed = usage.billed_input_tokens || usage.billed_output_tokens;
  if (!billed && (!usage.input_tokens || !usage.output_tokens))
    return std::nullopt;

  const std::int64_t cached = usage.cached_input_tokens.value_or(0);
  const std::int64_t written = usage.cache_write_input_tokens.value_or(0);
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cached_charged = 0;
  std::int64_t written_charged = 0;
  if (billed) {
    // Cohere bills its billed_units, which already leave out what it does not charge for.
    input = usage.billed_input_tokens.value_or(0);
    output = usage.billed_output_tokens.value_or(0);
  } else {
    input = *usage.input_tokens;
    if (info.input_includes_cached)
      input -= cached;
    // A provider that reports more cached tokens than input tokens: charge none twice.
    if (input < 0)
      input = 0;
    cached_charged = cached;
    written_charged = written;
    output = *usage.output_tokens;
    if (!info.output_includes_reasoning)
      output += usage.reasoning_tokens.value_or(0);
  }

  const std::int64_t prompt = input + cached_charged + written_charged;
  const TokenPrices &tier =
      prices.long_context_above_input_tokens && prompt > *prices.long_context_above_input_tokens
          ? prices.long_context
          : prices.base;

  Cost cost;
  auto in = charge(input, tier.input);
  auto read = charge(cached_charged, tier.cached_input.value_or(tier.input));
  auto write = charge(written_charged, tier.cache_write.value_or(tier.input));
  auto out = charge(output, tier.output);
  if (!in || !read || !write || !out)
    return std::nullopt;
  cost.input = *in;
  cost.cached_input = *read;
  cost.cache_write = *write;
  cost.output = *out;
  auto total = add_money(cost.input, cost.cached_input);
  total = total ? add_money(*total, cost.cache_write) : std::nullopt;
  total = total ? add_money(*total, cost.output) : std::nullopt;
  if (!total)
    return std::nullopt;
  cost.total = *total;
  return cost;
}

std::optional<Cost> cost_of(const Usage &usage, const ModelTemplate &model) {
  if (!model.prices)
    return std::nullopt;
  return cost_of(usage, model.provider, *model.prices);
}

std::optional<Cost> add_costs(const Cost &a, const Cost &b) noexcept {
  auto input = add_money(a.input, b.input);
  auto cached_input = add_money(a.cached_input, b.cached_input);
  auto cache_write = add_money(a.cache_write, b.cache_write);
  auto output = add_money(a.output, b.output);
  auto total = add_money(a.total, b.total);
  if (!input || !cached_input || !cache_write || !output || !total)
    return std::nullopt;
  return Cost{*input, *cached_input, *cache_write, *output, *total};
}

} // namespace llmux
