#pragma once
/// The exact cost of a response, from its usage and its model's prices.

#include <llmux/catalog.hpp>
#include <llmux/money.hpp>
#include <llmux/usage.hpp>

#include <optional>

namespace llmux {

/// What a response cost, by kind of token, in picodollars. `total` is their sum.
struct Cost {
  Picodollars input = 0;        ///< uncached input
  Picodollars cached_input = 0; ///< input read from the prompt cache
  Picodollars cache_write = 0;  ///< input written to the prompt cache
  Picodollars output = 0;       ///< output, reasoning included
  Picodollars total = 0;

  friend bool operator==(const Cost &, const Cost &) = default;
};

/// The cost of `usage`, reported by `provider`, at `prices`. Each token is charged once, as
/// the provider bills it: cached input at the cached price and not again as input (whether
/// or not the provider counts it in input_tokens), cache writes at the cache-write price,
/// reasoning as output (whether or not the provider counts it in output_tokens), billed
/// units instead of processed tokens where the provider reports them (Cohere), and the long
/// context prices when the prompt is above their threshold. Nothing when the usage lacks an
/// input or output count, or the cost does not fit (over nine million dollars).
std::optional<Cost> cost_of(const Usage &usage, Provider provider, const ModelPrices &prices);

/// The same at the model's prices; nothing when the model has none.
std::optional<Cost> cost_of(const Usage &usage, const ModelTemplate &model);

/// a + b, kind by kind; nothing when a sum does not fit.
std::optional<Cost> add_costs(const Cost &a, const Cost &b) noexcept;

} // namespace llmux
