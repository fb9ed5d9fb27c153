// llmux: the command-line face of the core. Performs I/O (stdin, stdout, the environment,
// the clock, the user's model file) and leaves every decision to the core. The arguments are
// parsed by CLI11: every command and sub-command answers --help, and a mistake in them is one
// line on stderr and exit status 2.

#include "commands.hpp"
#include "terminal_text.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#ifndef LLMUX_VERSION
#error "the build passes LLMUX_VERSION, the CMake project's version"
#endif

namespace llmux::cli {
namespace {

constexpr const char *overview = R"(llmux: one LLM client for every provider.

Chat with any model (OpenAI, Anthropic, Gemini, Cohere, Mistral, xAI, OpenRouter, Hugging Face,
Azure OpenAI, Ollama, vLLM, RunPod, any OpenAI-compatible server) with tools, fallbacks, a
usage ledger and budgets; deploy models on vLLM, Ollama or RunPod; inspect requests and
responses.
)";

constexpr const char *settings_footer =
    R"(Settings come from the environment, or from the settings file (LLMUX_SETTINGS_FILE, else
~/.config/llmux/settings: KEY=VALUE lines), never from arguments, which every user of the
machine can read: API keys (OPENAI_API_KEY, ANTHROPIC_API_KEY, RUNPOD_API_KEY, ...), base
URLs (OPENAI_BASE_URL, ...), LLM_PROVIDER and its _MODEL. Your models: LLMUX_MODELS_FILE,
else ~/.config/llmux/models.json. Data (ledger, cache, deployments): LLMUX_HOME, else
~/.local/share/llmux.

Run 'llmux COMMAND --help' for a command's flags.)";

// The unexpected argument to name in an error: a flag if there is one (its value may be a
// key the user typed by mistake, which is never echoed), else the first word.
std::string first_unexpected(const std::vector<std::string> &extras) {
  for (const std::string &extra : extras)
    if (extra.size() > 1 && extra.front() == '-' && extra != "--")
      return extra;
  return extras.empty() ? std::string() : extras.front();
}

// The deepest subcommand the parse reached: the one whose arguments were wrong.
const CLI::App &innermost(const CLI::App &app) {
  for (const CLI::App *sub : app.get_subcommands())
    if (sub->parsed())
      return innermost(*sub);
  return app;
}

// Help and --version print to stdout and succeed; a parse error is one line (naming the
// command) and where to read its flags, with exit status 2.
int report(const CLI::App &app, const CLI::ParseError &error) {
  if (error.get_exit_code() == 0) {
    app.exit(error);
    return 0;
  }
  const CLI::App &command = innermost(app);
  // A word or flag nobody takes is the mistake to name, even where CLI11 complained first
  // that something required is missing.
  if (const std::vector<std::string> extras = command.remaining(); !extras.empty()) {
    const std::string extra = first_unexpected(extras);
    if (&command == &app && extra.front() != '-')
      return usage_error(command, "unknown command: " + extra);
    std::string message = "unknown argument: " + extra;
    if (extra.find("key") != std::string::npos)
      message += " (keys come only from the environment or the settings file)";
    return usage_error(command, message);
  }
  // A command that only groups others (llmux, llmux deploy) names them.
  if (dynamic_cast<const CLI::RequiredError *>(&error) && command.get_subcommands().empty() &&
      !command.get_subcommands({}).empty()) {
    std::string names;
    for (const CLI::App *sub : command.get_subcommands({}))
      names += (names.empty() ? "" : ", ") + sub->get_name();
    return usage_error(command, "needs a command: " + names);
  }
  return usage_error(command, error.what());
}

} // namespace
} // namespace llmux::cli

int main(int argc, char **argv) {
  using namespace llmux::cli;
  const ProtectedTerminal terminal; // nothing printed can drive the terminal (terminal_text.hpp)
  CLI::App app(overview, "llmux");
  set_footer(app, settings_footer);
  app.set_version_flag("--version", std::string("llmux ") + LLMUX_VERSION,
                       "Print llmux's version and exit");
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);

  std::vector<std::string> args(argv + 1, argv + argc);
  // `llmux help [COMMAND...]` is `llmux [COMMAND...] --help`.
  if (!args.empty() && args.front() == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  }

  // `llmux deploy vllm|runpod ... -- ARGS`: what follows "--" is vLLM's own, kept from CLI11
  // (which would read its flags as llmux's).
  std::vector<std::string> server_args;
  if (args.size() >= 2 && args[0] == "deploy" && (args[1] == "vllm" || args[1] == "runpod"))
    if (auto mark = std::find(args.begin(), args.end(), "--"); mark != args.end()) {
      server_args.assign(mark + 1, args.end());
      args.erase(mark, args.end());
    }

  Commands commands;
  add_chat_command(app, commands);
  add_usage_command(app, commands);
  add_budget_command(app, commands);
  add_deploy_commands(app, commands, server_args);
  add_discover_command(app, commands);
  add_decode_command(app, commands);
  add_request_command(app, commands);
  add_models_command(app, commands);
  add_resolve_command(app, commands);
  add_cost_command(app, commands);
  add_tokens_command(app, commands);
  add_providers_command(app, commands);

  // CLI11 parses a vector from its back.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError &error) {
    return report(app, error);
  }
  for (const Command &command : commands)
    if (command.app->parsed())
      return command.run();
  return usage_error(app, "a command is needed");
}
