// llmux chat: one conversation turn through the session, over real HTTP, with the built-in
// tools, the usage ledger and (when asked) the response cache.

#include "commands.hpp"
#include "settings.hpp"

#include <llmux/builtin_tools.hpp>
#include <llmux/ledger.hpp>
#include <llmux/llmux.hpp>
#include <llmux/response_cache.hpp>
#include <llmux/routing_table.hpp>
#include <llmux/session.hpp>
#include <llmux/native/environment.hpp>
#include <llmux/native/file_store.hpp>
#include <llmux/native/http_client.hpp>
#include <llmux/native/session_runner.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace llmux::cli {
namespace {

native::CancelFlag *interrupt_flag = nullptr;

extern "C" void on_interrupt(int) {
  if (interrupt_flag)
    interrupt_flag->cancel();
  // A second Ctrl-C ends the process the usual way.
  std::signal(SIGINT, SIG_DFL);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos)
      comma = text.size();
    if (comma > start)
      items.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

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
  line += ", " + std::to_string(result.model_calls) + (result.model_calls == 1 ? " call" : " calls");
  if (result.tool_rounds > 0)
    line += ", " + std::to_string(result.tool_rounds) + " tool round" +
            (result.tool_rounds == 1 ? "" : "s");
  if (result.from_cache)
    line += ", from the cache";
  return line;
}

} // namespace

int chat_command(Arguments args) {
  std::optional<std::string> model_name;
  std::optional<std::string> task;
  std::vector<std::string> fallbacks;
  std::vector<std::string> tool_names;
  std::string prompt;
  std::string user;
  std::optional<std::int64_t> cache_ttl_s;
  bool stream = false;
  bool use_ledger = true;
  SessionConfig config;
  while (auto arg = args.next()) {
    if (*arg == "-m" || *arg == "--model") {
      auto value = args.value();
      if (!value)
        return usage_error("-m needs a model");
      model_name = std::string(*value);
    } else if (*arg == "--task") {
      auto value = args.value();
      if (!value || value->empty())
        return usage_error("--task needs a task kind (simple, coding, ...)");
      task = std::string(*value);
    } else if (*arg == "--fallback") {
      auto value = args.value();
      if (!value)
        return usage_error("--fallback needs models, comma-separated");
      for (std::string &name : split_list(*value))
        fallbacks.push_back(std::move(name));
    } else if (*arg == "--stream") {
      stream = true;
    } else if (*arg == "--tools") {
      auto value = args.value();
      if (!value)
        return usage_error("--tools needs tool names, comma-separated");
      tool_names = split_list(*value);
    } else if (*arg == "--system") {
      auto value = args.value();
      if (!value)
        return usage_error("--system needs a text");
      config.request.system = std::string(*value);
    } else if (*arg == "--max-tokens") {
      auto value = args.value();
      auto count = value ? parse_count(*value) : std::nullopt;
      if (!count)
        return usage_error("--max-tokens needs a number");
      config.request.max_tokens = *count;
    } else if (*arg == "--max-rounds") {
      auto value = args.value();
      auto count = value ? parse_count(*value) : std::nullopt;
      if (!count || *count > 100)
        return usage_error("--max-rounds needs a number up to 100");
      config.max_rounds = static_cast<int>(*count);
    } else if (*arg == "--temperature") {
      auto value = args.value();
      char *end = nullptr;
      const std::string text(value.value_or(""));
      const double temperature = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0')
        return usage_error("--temperature needs a number");
      config.request.temperature = temperature;
    } else if (*arg == "--user") {
      auto value = args.value();
      if (!value || value->empty())
        return usage_error("--user needs an id");
      user = std::string(*value);
    } else if (*arg == "--cache-ttl") {
      auto value = args.value();
      cache_ttl_s = value ? parse_count(*value) : std::nullopt;
      if (!cache_ttl_s)
        return usage_error("--cache-ttl needs a number of seconds");
    } else if (*arg == "--no-ledger") {
      use_ledger = false;
    } else if (!arg->empty() && arg->front() == '-') {
      return usage_error("unknown argument to chat: " + std::string(*arg));
    } else {
      if (!prompt.empty())
        prompt += ' ';
      prompt += *arg;
    }
  }
  if (prompt.empty())
    return usage_error("chat needs a prompt");
  if (task && model_name)
    return usage_error("--task chooses the models: leave -m out");

  const auto settings = load_settings_or_report();
  if (!settings)
    return 1;
  auto catalog = native::load_catalog(*settings);
  if (!catalog.ok()) {
    std::cerr << "llmux: " << catalog.error().message << '\n';
    return 1;
  }
  auto report = [](const Error &error) {
    std::cerr << "llmux: " << to_string(error.code) << ": " << error.message << '\n';
    if (!error.hint.empty())
      std::cerr << "llmux: " << error.hint << '\n';
  };
  if (task) {
    // The routing table names the chain for the task: its first model, then its fallbacks.
    const std::filesystem::path path = native::routes_path(*settings);
    std::ifstream in(path, std::ios::binary);
    if (path.empty() || !in) {
      std::cerr << "llmux: --task needs a routing table in " << (path.empty() ? "LLMUX_ROUTES_FILE" : path.string())
                << '\n';
      return 1;
    }
    std::ostringstream text;
    text << in.rdbuf();
    RoutingTable routes;
    if (auto loaded = routes.load_json(text.str()); !loaded.ok()) {
      std::cerr << "llmux: " << path.string() << ": " << loaded.error().message << '\n';
      return 1;
    }
    auto chain = routes.route(*task);
    if (!chain.ok()) {
      report(chain.error());
      return 1;
    }
    model_name = chain.value().front();
    fallbacks.insert(fallbacks.begin(), chain.value().begin() + 1, chain.value().end());
  }
  auto resolved = model_name ? resolve_model(catalog.value(), *model_name, *settings)
                             : resolve_from_settings(catalog.value(), *settings);
  if (!resolved.ok()) {
    report(resolved.error());
    return 1;
  }
  config.models.push_back(std::move(resolved).value());
  for (const std::string &name : fallbacks) {
    auto fallback = resolve_model(catalog.value(), name, *settings);
    if (!fallback.ok()) {
      report(fallback.error());
      return 1;
    }
    config.models.push_back(std::move(fallback).value());
  }
  for (const ResolvedModel &model : config.models) {
    if (!model.ready()) {
      std::string missing;
      for (const std::string &setting : model.missing_settings)
        missing += (missing.empty() ? "" : ", ") + setting;
      std::cerr << "llmux: " << model.model.id << " needs " << missing
                << " (set in the environment or ~/.config/llmux/settings)\n";
      return 1;
    }
  }
  // The first model's settings default the stream flag (OPENAI_STREAM=true).
  config.request.stream = stream || config.models.front().stream.value_or(false);
  const bool streamed = config.request.stream;
  for (const std::string &name : tool_names) {
    const Tool *tool = find_builtin_tool(name);
    if (!tool) {
      std::string known;
      for (const Tool &builtin : builtin_tools())
        known += (known.empty() ? "" : ", ") + builtin.name;
      return usage_error("unknown tool " + name + "; the tools are " + known);
    }
    config.request.tools.push_back(*tool);
  }
  config.request.messages.push_back(Message::user(prompt));
  config.random_seed = static_cast<std::uint64_t>(native::now_ms());

  // The ledger and the cache live in the data directory, in files that survive a crash.
  std::unique_ptr<native::FileStore> store;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<ResponseCache> cache;
  const std::filesystem::path data = native::data_directory(*settings);
  if ((use_ledger || cache_ttl_s) && !data.empty()) {
    store = std::make_unique<native::FileStore>(data);
    if (use_ledger) {
      ledger = std::make_unique<Ledger>(store.get());
      if (auto loaded = ledger->load(); !loaded.ok()) {
        report(loaded.error());
        return 1;
      }
      config.ledger = ledger.get();
      config.user = user.empty() ? std::string("local") : user;
      config.budget_scopes = {"user:" + config.user};
    }
    if (cache_ttl_s && *cache_ttl_s > 0) {
      cache = std::make_unique<ResponseCache>(store.get());
      config.cache = cache.get();
      config.cache_ttl_ms = *cache_ttl_s * 1000;
    }
  }

  native::CancelFlag interrupted;
  interrupt_flag = &interrupted;
  std::signal(SIGINT, on_interrupt);

  native::HttpClient client;
  native::SessionRunOptions run;
  run.client = &client;
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
        std::cerr << "[tool " << event.tool.name << "] " << event.tool.arguments << " -> "
                  << (event.tool.ok ? event.tool.result : "error: " + event.tool.error) << '\n';
        break;
      case SessionEvent::Kind::Retrying:
        std::cerr << "[retry] " << event.model << ": " << to_string(event.error.code) << ", attempt "
                  << event.attempt << '\n';
        break;
      case SessionEvent::Kind::FallingBack:
        std::cerr << "[fallback] " << to_string(event.error.code) << "; trying " << event.model << '\n';
        break;
      default:
        break;
    }
  };
  Session session(std::move(config));
  const SessionResult &result = native::run_session(session, run);
  interrupt_flag = nullptr;
  std::signal(SIGINT, SIG_DFL);

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
  // The last line says what the call cost; a call that never reached a model cost nothing
  // and its error line says why.
  if (result.model_calls > 0 || !result.usage.empty())
    std::cerr << summary_line(result) << '\n';
  return result.error ? 1 : 0;
}

} // namespace llmux::cli
