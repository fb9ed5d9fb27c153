// llmux chat: one conversation turn through the session, over real HTTP, with the built-in
// tools, the usage ledger and (when asked) the response cache.

#include "commands.hpp"
#include "interrupt.hpp"
#include "local_database.hpp"
#include "settings.hpp"
#include "terminal_text.hpp"

#include <llmux/builtin_tools.hpp>
#include <llmux/client.hpp>
#include <llmux/ledger.hpp>
#include <llmux/llmux.hpp>
#include <llmux/native/environment.hpp>
#include <llmux/native/http_client.hpp>
#include <llmux/native/session_runner.hpp>
#include <llmux/native/sqlite_key_value_store.hpp>
#include <llmux/native/sqlite_ledger_store.hpp>
#include <llmux/response_cache.hpp>
#include <llmux/routing_table.hpp>
#include <llmux/session.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace llmux::cli {
namespace {

std::string count_text(const std::optional<std::int64_t> &count) {
  return count ? std::to_string(*count) : std::string("?");
}

// The one line that ends a chat: who answered, the tokens, the cost, the rounds.
std::string summary_line(const SessionResult &result) {
  std::string line = "[" + (result.model.empty() ? std::string("no model") : result.model) + "] " +
                     count_text(result.usage.input_tokens) + " input + " +
                     count_text(result.usage.output_tokens) + " output tokens";
  if (result.usage.reasoning_tokens.value_or(0) > 0)
    line += " (" + std::to_string(*result.usage.reasoning_tokens) + " reasoning)";
  line += ", cost " + (result.cost ? format_usd(result.cost->total) : std::string("unknown"));
  line +=
      ", " + std::to_string(result.model_calls) + (result.model_calls == 1 ? " call" : " calls");
  if (result.tool_rounds > 0)
    line += ", " + std::to_string(result.tool_rounds) + " tool round" +
            (result.tool_rounds == 1 ? "" : "s");
  if (result.from_cache)
    line += ", from the cache";
  return line;
}

struct ChatOptions {
  std::optional<std::string> model_name;
  std::optional<std::string> task;
  std::vector<std::string> fallbacks;
  std::vector<std::string> tool_names;
  std::vector<std::string> words;
  std::string user;
  std::optional<std::int64_t> cache_ttl_s;
  bool stream = false;
  bool no_ledger = false;
  std::optional<std::string> system;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<std::int64_t> max_rounds;
  // Seconds; unset: the core's defaults (limits.hpp).
  std::optional<double> timeout_s;
  std::optional<double> idle_timeout_s;
  std::optional<double> response_timeout_s;
};

std::int64_t milliseconds(double seconds) {
  return std::llround(seconds * 1000);
}

int chat(const CLI::App &command, const ChatOptions &options) {
  // The call as the flags describe it: the model, then the fallbacks (after the task's route
  // with --task; no -m is the model the settings name).
  CallSpec call;
  if (options.task)
    call.task = *options.task;
  else
    call.models.push_back(options.model_name.value_or(""));
  for (const std::string &list : options.fallbacks)
    for (std::string &name : split_list(list))
      call.models.push_back(std::move(name));
  std::vector<std::string> tool_names;
  for (const std::string &list : options.tool_names)
    for (std::string &name : split_list(list))
      tool_names.push_back(std::move(name));
  std::string prompt;
  for (const std::string &word : options.words)
    prompt += (prompt.empty() ? "" : " ") + word;
  const bool use_ledger = !options.no_ledger;
  if (options.system)
    call.request.system = *options.system;
  call.request.max_tokens = options.max_tokens;
  call.request.temperature = options.temperature;
  if (options.max_rounds)
    call.max_rounds = static_cast<int>(*options.max_rounds);
  if (options.timeout_s)
    call.timeout_ms = milliseconds(*options.timeout_s);
  if (options.cache_ttl_s)
    call.cache_ttl_ms = *options.cache_ttl_s * 1000;

  const auto settings = load_settings_or_report();
  if (!settings)
    return 1;
  auto catalog = native::load_catalog(*settings);
  if (!catalog.ok()) {
    std::cerr << "llmux: " << catalog.error().message << '\n';
    return 1;
  }
  // One line each: a provider's message cannot start a line that looks like llmux's own.
  auto report = [](const Error &error) {
    std::cerr << "llmux: " << to_string(error.code) << ": " << escaped_field(error.message) << '\n';
    if (!error.hint.empty())
      std::cerr << "llmux: " << escaped_field(error.hint) << '\n';
  };
  RoutingTable routes;
  Client client;
  client.catalog = std::move(catalog).value();
  client.settings = *settings;
  if (options.task) {
    // The routing table names the chain for the task: its first model, then its fallbacks.
    const std::filesystem::path path = native::routes_path(*settings);
    auto text = native::read_routes(*settings);
    if (!text.ok()) {
      std::cerr << "llmux: " << text.error().message << '\n';
      return 1;
    }
    if (!text.value()) {
      std::cerr << "llmux: --task needs a routing table in "
                << (path.empty() ? "LLMUX_ROUTES_FILE" : path.string()) << '\n';
      return 1;
    }
    if (auto loaded = routes.load_json(*text.value()); !loaded.ok()) {
      std::cerr << "llmux: " << path.string() << ": " << loaded.error().message << '\n';
      return 1;
    }
    client.routes = &routes;
  }
  auto chain = client.chain(call);
  if (!chain.ok()) {
    report(chain.error());
    return 1;
  }
  if (auto missing = missing_settings(chain.value())) {
    std::cerr << "llmux: "
              << describe(*missing, "set in the environment or ~/.config/llmux/settings") << '\n';
    return 1;
  }
  // The first model's settings default the stream flag (OPENAI_STREAM=true).
  call.request.stream = options.stream || chain.value().front().stream.value_or(false);
  const bool streamed = call.request.stream;
  for (const std::string &name : tool_names) {
    const Tool *tool = find_builtin_tool(name);
    if (!tool) {
      std::string known;
      for (const Tool &builtin : builtin_tools())
        known += (known.empty() ? "" : ", ") + builtin.name;
      return usage_error(command, "unknown tool " + name + "; the tools are " + known);
    }
    call.request.tools.push_back(*tool);
  }
  call.request.messages.push_back(Message::user(prompt));

  // The ledger and the cache live in the data directory's database, shared with every other
  // llmux process: a budget holds across all of them.
  std::unique_ptr<native::Database> database;
  std::unique_ptr<native::SqliteLedgerStore> ledger_store;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<native::SqliteKeyValueStore> store;
  std::unique_ptr<ResponseCache> cache;
  const std::filesystem::path data = native::data_directory(*settings);
  if ((use_ledger || options.cache_ttl_s) && !data.empty()) {
    database = open_database_or_report(data);
    if (!database)
      return 1;
    store = std::make_unique<native::SqliteKeyValueStore>(*database);
    if (use_ledger) {
      ledger_store = std::make_unique<native::SqliteLedgerStore>(*database);
      ledger = std::make_unique<Ledger>(*ledger_store);
      client.ledger = ledger.get();
      // Charged to user:ID (session.hpp).
      client.user = options.user.empty() ? std::string("local") : options.user;
    }
    if (call.cache_ttl_ms && *call.cache_ttl_ms > 0) {
      cache = std::make_unique<ResponseCache>(store.get());
      client.cache = cache.get();
    }
  }
  SessionConfig config = client.session_config(std::move(call), std::move(chain).value(),
                                               static_cast<std::uint64_t>(native::now_ms()));

  native::CancelFlag interrupted;
  std::optional<InterruptScope> interrupt_scope(std::in_place, interrupted);

  native::HttpClientOptions limits;
  if (options.idle_timeout_s)
    limits.idle_timeout_ms = milliseconds(*options.idle_timeout_s);
  if (options.response_timeout_s)
    limits.response_timeout_ms = milliseconds(*options.response_timeout_s);
  native::HttpClient http_client(limits);
  native::SessionRunOptions run;
  run.client = &http_client;
  run.cancel = &interrupted;
  run.run_tools = native::run_in_parallel([](const ToolRun &tool_run) {
    auto output = run_builtin_tool(tool_run.call.name, tool_run.call.arguments, native::now_ms());
    if (!output.ok())
      return ToolOutput{tool_run.call.id, false, output.error().message, std::nullopt};
    return ToolOutput{tool_run.call.id, true, std::move(output).value(), std::nullopt};
  });
  bool printed_text = false;
  run.on_event = [&](const SessionEvent &event) {
    switch (event.kind) {
      case SessionEvent::Kind::Stream:
        if (event.stream.type == StreamEventType::TextDelta && streamed) {
          std::cout << event.stream.text << std::flush;
          printed_text = true;
        }
        break;
      case SessionEvent::Kind::ToolResult:
        if (printed_text) {
          std::cout << '\n';
          printed_text = false;
        }
        std::cerr << "[tool " << escaped_field(event.tool.name) << "] "
                  << escaped_field(event.tool.arguments) << " -> "
                  << escaped_field(event.tool.ok ? event.tool.result : "error: " + event.tool.error)
                  << '\n';
        break;
      case SessionEvent::Kind::Retrying:
        std::cerr << "[retry] " << event.model << ": " << to_string(event.error.code)
                  << ", attempt " << event.attempt << '\n';
        break;
      case SessionEvent::Kind::FallingBack:
        std::cerr << "[fallback] " << to_string(event.error.code) << "; trying " << event.model
                  << '\n';
        break;
      default:
        break;
    }
  };
  Session session(std::move(config));
  const SessionResult &result = native::run_session(session, run);
  interrupt_scope.reset();

  // Without --stream the answer is printed whole; a failed stream already printed its part.
  if (!printed_text && !result.response.text.empty() && !streamed) {
    std::cout << result.response.text;
    printed_text = true;
  }
  if (printed_text)
    std::cout << '\n';
  std::cout << std::flush;
  if (result.error)
    report(*result.error);
  for (const std::string &warning : result.usage.warnings)
    std::cerr << "llmux: warning: " << warning << '\n';
  // The last line says what the call cost; a call that never reached a model cost nothing
  // and its error line says why.
  if (result.model_calls > 0 || !result.usage.empty())
    std::cerr << summary_line(result) << '\n';
  return result.error ? 1 : 0;
}

} // namespace

void add_chat_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<ChatOptions>();
  CLI::App *command = parent.add_subcommand(
      "chat", "Ask a model, run the tools it calls, and print its answer and what it cost");
  set_footer(
      *command,
      "MODEL is a catalog id (llmux models), provider/model, or a name resolved by its prefix "
      "(claude..., gpt..., gemini..., name:tag for Ollama, a model you deployed); without -m, the "
      "settings' LLM_PROVIDER and its _MODEL. Keys come from the environment or the settings file "
      "(OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), never from arguments. Failed calls are retried "
      "(with the provider's Retry-After), then the --fallback models are tried in order.\n\n"
      "The answer goes to stdout; tool calls, retries and a last line with the tokens and the "
      "exact cost go to stderr. Usage is recorded in the ledger (LLMUX_HOME, else "
      "~/.local/share/llmux) under user:ID, whose monthly budget (llmux budget) applies. "
      "--task KIND takes the model chain from your routing table (LLMUX_ROUTES_FILE, else "
      "~/.config/llmux/routes.json: {\"default\": \"simple\", \"routes\": {\"simple\": [...], "
      "...}}).\n\n"
      "Time limits: the call ends after --timeout, retries and tool rounds included (no retry "
      "starts that could only start after it); each request ends after --idle-timeout without a "
      "byte from the server (and may be retried), and each response after --response-timeout "
      "from its first byte. A call that runs out of time fails with `timeout`, its spending "
      "recorded. Answers are held to 32 MiB (error bodies 1 MiB, streams 64 MiB).\n\n"
      "Example: llmux chat -m gpt-4o-mini --tools calculator --stream 'What is 17*23?'");
  CLI::Option *model =
      command->add_option("-m,--model", options->model_name, "The model (see below)")
          ->type_name("MODEL");
  command
      ->add_option("--task", options->task,
                   "Take the models from the routing table's route for KIND")
      ->type_name("KIND")
      ->check(CLI::Validator(
          [](const std::string &kind) -> std::string {
            return kind.empty() ? "expected a task kind (simple, coding, ...)" : "";
          },
          "", "kind"))
      ->excludes(model);
  command
      ->add_option("--fallback", options->fallbacks,
                   "Models to try in turn if MODEL fails (comma-separated)")
      ->type_name("M2,M3")
      ->allow_extra_args(false);
  command->add_flag("--stream", options->stream,
                    "Print the answer as it arrives (also OPENAI_STREAM=true and the like)");
  std::string tools;
  for (const Tool &builtin : builtin_tools())
    tools += (tools.empty() ? "" : ", ") + builtin.name;
  command
      ->add_option("--tools", options->tool_names,
                   "Built-in tools the model may call, comma-separated: " + tools)
      ->type_name("T1,T2")
      ->allow_extra_args(false)
      ->take_last();
  command->add_option("--system", options->system, "A system prompt")->type_name("TEXT");
  add_count_option(*command, "--max-tokens", options->max_tokens, "The answer's token limit",
                   "a number of tokens", 1);
  add_number_option(*command, "--temperature", options->temperature,
                    "Sampling temperature (0 to 2; Anthropic and Cohere take 0 to 1)", 0,
                    max_temperature);
  add_count_option(*command, "--max-rounds", options->max_rounds,
                   "Model calls with tool results at most (default " +
                       std::to_string(default_max_rounds) + ")",
                   "a number of rounds", 0, 100);
  command
      ->add_option("--user", options->user,
                   "Record the usage under user:ID (default local) and apply its budget")
      ->type_name("ID")
      ->check(CLI::Validator(
          [](const std::string &id) -> std::string { return id.empty() ? "expected an id" : ""; },
          "", "id"));
  add_count_option(*command, "--cache-ttl", options->cache_ttl_s,
                   "Answer a repeated question from the response cache for this long (0: off)",
                   "a number of seconds");
  command->add_flag("--no-ledger", options->no_ledger,
                    "Do not record this call's usage (nor apply budgets)");
  // From a millisecond to a week: longer than any model call, and far from overflowing the
  // milliseconds the core counts in.
  auto add_seconds = [&](const std::string &name, std::optional<double> &into,
                         const std::string &help, std::int64_t default_ms) {
    add_number_option(*command, name, into,
                      help + " (default " + std::to_string(default_ms / 1000) + ")", 0.001,
                      7 * 24 * 3600)
        ->type_name("S");
  };
  add_seconds("--timeout", options->timeout_s,
              "End the call after S seconds, retries and tool rounds included", default_timeout_ms);
  add_seconds("--idle-timeout", options->idle_timeout_s,
              "End a request after S seconds without a byte from the server",
              default_idle_timeout_ms);
  add_seconds("--response-timeout", options->response_timeout_s,
              "End a response S seconds after its first byte", default_response_timeout_ms);
  command->add_option("prompt", options->words, "The prompt (its words are joined with spaces)")
      ->required()
      ->type_name("PROMPT");
  commands.push_back({command, [command, options] { return chat(*command, *options); }});
}

} // namespace llmux::cli
