#pragma once
// Moments and records for the ledger's tests (ledger_contract.hpp, ledger_transfer_test.cpp).
// The including file includes <llmux/ledger.hpp> first.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ledger_contract {

using namespace llmux;

constexpr std::int64_t one_day_ms = 86'400'000;

// One cent in picodollars.
constexpr Picodollars cent = 10'000'000'000;

// Moments, in Unix ms (UTC).
constexpr std::int64_t oct31_235959_999 = 1793491199999; // 2026-10-31T23:59:59.999Z, Saturday
constexpr std::int64_t nov01_000000 = 1793491200000;     // 2026-11-01T00:00:00Z, Sunday
constexpr std::int64_t nov10_120000 = 1794312000000;     // 2026-11-10T12:00:00Z
constexpr std::int64_t nov29_235959_999 = 1795996799999; // 2026-11-29T23:59:59.999Z, Sunday
constexpr std::int64_t nov30_000000 = 1795996800000;     // 2026-11-30T00:00:00Z, Monday
constexpr std::int64_t dec31_230000 = 1798758000000;     // 2026-12-31T23:00:00Z, Thursday
constexpr std::int64_t jan01_003000 = 1798763400000;     // 2027-01-01T00:30:00Z, Friday

inline UsageRecord charge(std::int64_t at_ms, std::vector<std::string> scopes,
                   std::optional<Picodollars> cost, std::string user = "alice",
                   std::string model = "openai-gpt-4o-mini") {
  UsageRecord record;
  record.at_ms = at_ms;
  record.user = std::move(user);
  record.scopes = std::move(scopes);
  record.model = std::move(model);
  record.provider = Provider::OpenAi;
  record.usage.input_tokens = 100;
  record.usage.output_tokens = 20;
  record.cost = cost;
  record.outcome = "ok";
  return record;
}

} // namespace ledger_contract
