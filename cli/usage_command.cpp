// llmux usage and llmux budget: the usage ledger's totals, and the monthly budgets it enforces.

#include "commands.hpp"
#include "local_database.hpp"
#include "settings.hpp"
#include "terminal_text.hpp"

#include <llmux/ledger.hpp>
#include <llmux/llmux.hpp>
#include <llmux/native/environment.hpp>
#include <llmux/native/sqlite_ledger_store.hpp>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>

namespace llmux::cli {
namespace {

// "2026-11-25" as the Unix milliseconds of its start (UTC).
std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (text[i] < '0' || text[i] > '9')
        return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day)
    return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(*year),
                            std::chrono::month(static_cast<unsigned>(*month)),
                            std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok())
    return std::nullopt;
  return duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
}

std::optional<GroupBy> parse_group(std::string_view text) {
  if (text == "day")
    return GroupBy::Day;
  if (text == "week")
    return GroupBy::Week;
  if (text == "month")
    return GroupBy::Month;
  if (text == "model")
    return GroupBy::Model;
  if (text == "provider")
    return GroupBy::Provider;
  if (text == "user")
    return GroupBy::User;
  if (text == "scope")
    return GroupBy::Scope;
  return std::nullopt;
}

// The ledger in the data directory's database, with what it lives in (the ledger borrows
// them).
struct OpenLedger {
  std::unique_ptr<native::Database> database;
  std::unique_ptr<native::SqliteLedgerStore> store;
  std::unique_ptr<Ledger> ledger;
};

// The user's ledger; or nothing after saying why.
std::optional<OpenLedger> open_ledger_or_report() {
  const auto settings = load_settings_or_report();
  if (!settings)
    return std::nullopt;
  const std::filesystem::path data = native::data_directory(*settings);
  if (data.empty()) {
    std::cerr << "llmux: no data directory: set LLMUX_HOME or HOME\n";
    return std::nullopt;
  }
  OpenLedger open;
  open.database = open_database_or_report(data);
  if (!open.database)
    return std::nullopt;
  open.store = std::make_unique<native::SqliteLedgerStore>(*open.database);
  open.ledger = std::make_unique<Ledger>(*open.store);
  return open;
}

// Says what a ledger read failed with; returns the exit status for it.
int report(const Error &error) {
  std::cerr << "llmux: " << to_string(error.code) << ": " << error.message << '\n';
  return 1;
}

std::string cost_text(const Totals &totals) {
  std::string text = format_usd(totals.cost);
  if (totals.requests_without_cost > 0)
    text += " + " + std::to_string(totals.requests_without_cost) + " unpriced";
  return text;
}

// A JSON string literal of `text` (UTF-8 passes through; quotes, backslashes and control
// characters are escaped).
std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[(c >> 4) & 0xf];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string totals_json(const std::string &key, const Totals &totals) {
  return "{\"key\":" + json_quote(key) + ",\"requests\":" + std::to_string(totals.requests) +
         ",\"input_tokens\":" + std::to_string(totals.input_tokens) +
         ",\"output_tokens\":" + std::to_string(totals.output_tokens) +
         ",\"cached_input_tokens\":" + std::to_string(totals.cached_input_tokens) +
         ",\"reasoning_tokens\":" + std::to_string(totals.reasoning_tokens) +
         ",\"cost_usd\":" + json_quote(format_usd(totals.cost)) +
         ",\"cost_picodollars\":" + std::to_string(totals.cost) +
         ",\"requests_without_cost\":" + std::to_string(totals.requests_without_cost) + "}";
}

struct UsageOptions {
  GroupBy by = GroupBy::Model;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = std::numeric_limits<std::int64_t>::max();
  std::string user;
  bool as_json = false;
};

int print_usage(const UsageOptions &options) {
  const GroupBy by = options.by;
  const std::int64_t from_ms = options.from_ms;
  const std::int64_t to_ms = options.to_ms;
  const std::string &user = options.user;
  const bool as_json = options.as_json;
  auto open = open_ledger_or_report();
  if (!open)
    return 1;
  Ledger *ledger = open->ledger.get();
  const auto groups = ledger->totals(by, from_ms, to_ms, user);
  if (!groups.ok())
    return report(groups.error());
  const auto users = ledger->totals(GroupBy::User, from_ms, to_ms, user);
  if (!users.ok())
    return report(users.error());
  Totals all;
  for (const auto &[key, totals] : users.value()) {
    all.requests += totals.requests;
    all.input_tokens += totals.input_tokens;
    all.output_tokens += totals.output_tokens;
    all.cached_input_tokens += totals.cached_input_tokens;
    all.reasoning_tokens += totals.reasoning_tokens;
    all.cost = add_money(all.cost, totals.cost).value_or(std::numeric_limits<Picodollars>::max());
    all.requests_without_cost += totals.requests_without_cost;
  }
  if (as_json) {
    std::string rows;
    for (const auto &[key, totals] : groups.value()) {
      if (!rows.empty())
        rows += ',';
      rows += totals_json(key, totals);
    }
    std::cout << "{\"groups\":[" << rows << "],\"total\":" << totals_json("total", all) << "}\n";
    return 0;
  }
  std::cout << std::left << std::setw(40) << "GROUP" << std::right << std::setw(9) << "CALLS"
            << std::setw(12) << "INPUT" << std::setw(12) << "OUTPUT"
            << "  COST\n";
  auto row = [](const std::string &key, const Totals &totals) {
    // A key is a user name, a scope or a model id from the ledger: one cell, one line.
    std::cout << std::left << std::setw(40) << (key.empty() ? "(none)" : escaped_field(key))
              << std::right << std::setw(9) << totals.requests << std::setw(12)
              << totals.input_tokens << std::setw(12) << totals.output_tokens << "  "
              << cost_text(totals) << '\n';
  };
  for (const auto &[key, totals] : groups.value())
    row(key, totals);
  row("total", all);
  return 0;
}

struct BudgetOptions {
  std::string scope;
  std::optional<std::string> amount;
};

int budget(const CLI::App &command, const BudgetOptions &options) {
  const std::string &scope = options.scope;
  const std::optional<std::string> &given = options.amount;
  std::optional<std::string_view> amount;
  if (given)
    amount = *given;
  auto open = open_ledger_or_report();
  if (!open)
    return 1;
  Ledger *ledger = open->ledger.get();
  if (amount) {
    std::optional<Picodollars> limit;
    if (*amount != "none") {
      // Dollars with up to six decimals, as prices are written: "5", "12.50".
      auto micro = parse_price_per_million(amount->front() == '$' ? amount->substr(1) : *amount);
      if (!micro || *micro > std::numeric_limits<Picodollars>::max() / 1'000'000)
        return usage_error(command, "a budget is an amount of dollars (\"5\", \"12.50\") or none");
      limit = *micro * 1'000'000;
    }
    if (auto set = ledger->set_budget(scope, limit); !set.ok())
      return report(set.error());
  }
  const std::int64_t now = native::now_ms();
  const auto spent_now = ledger->spent(scope, Period::Month, now);
  if (!spent_now.ok())
    return report(spent_now.error());
  const auto budget_now = ledger->budget(scope);
  if (!budget_now.ok())
    return report(budget_now.error());
  const Picodollars spent = spent_now.value();
  const std::optional<Picodollars> limit = budget_now.value();
  std::cout << scope << ": " << (limit ? format_usd(*limit) + " a month" : std::string("no budget"))
            << ", " << format_usd(spent) << " spent this month";
  if (limit)
    std::cout << ", " << format_usd(*limit > spent ? *limit - spent : 0) << " left";
  std::cout << '\n';
  return 0;
}

} // namespace

void add_usage_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<UsageOptions>();
  CLI::App *command = parent.add_subcommand(
      "usage", "The usage ledger's totals: calls, tokens and exact cost per group");
  set_footer(*command, "llmux chat records every call in the ledger (LLMUX_HOME, else "
                       "~/.local/share/llmux). Costs are exact; calls to models without prices are "
                       "counted as unpriced, never as free.\n\n"
                       "Example: llmux usage --by day --since 2026-11-01 --user alice");
  command
      ->add_option_function<std::string>(
          "--by", [options](const std::string &text) { options->by = *parse_group(text); },
          "Group by day, week, month, model (the default), provider, user or scope")
      ->type_name("GROUP")
      ->check(CLI::Validator(
          [](const std::string &text) -> std::string {
            return parse_group(text)
                       ? ""
                       : "expected day, week, month, model, provider, user or scope, not \"" +
                             text + "\"";
          },
          "", "group"));
  auto date = [](const std::string &text) -> std::string {
    return parse_date(text) ? "" : "expected a date, YYYY-MM-DD, not \"" + text + "\"";
  };
  command
      ->add_option_function<std::string>(
          "--since", [options](const std::string &text) { options->from_ms = *parse_date(text); },
          "From this day on (UTC)")
      ->type_name("YYYY-MM-DD")
      ->check(CLI::Validator(date, "", "date"));
  command
      ->add_option_function<std::string>(
          "--until",
          // --until includes its day.
          [options](const std::string &text) { options->to_ms = *parse_date(text) + 86'400'000; },
          "Up to and including this day (UTC)")
      ->type_name("YYYY-MM-DD")
      ->check(CLI::Validator(date, "", "date"));
  command->add_option("--user", options->user, "Only this user's calls (chat --user ID)")
      ->type_name("ID");
  command->add_flag("--json", options->as_json, "Print the groups and the total as JSON");
  commands.push_back({command, [options] { return print_usage(*options); }});
}

void add_budget_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<BudgetOptions>();
  CLI::App *command =
      parent.add_subcommand("budget", "Show, set or remove a scope's monthly budget");
  set_footer(*command,
             "A scope is user:ID (llmux chat --user ID spends from it) or project:NAME. llmux "
             "chat refuses a call that could overspend the budget, before sending it.\n\n"
             "Show:     llmux budget user:alice\n"
             "Set:      llmux budget user:alice 12.50  ($12.50 a month)\n"
             "Remove:   llmux budget user:alice none");
  command->add_option("scope", options->scope, "user:ID or project:NAME")
      ->required()
      ->type_name("SCOPE");
  command
      ->add_option("amount", options->amount,
                   "Dollars a month (\"5\", \"12.50\"), or none to remove it")
      ->type_name("DOLLARS|none");
  commands.push_back({command, [command, options] { return budget(*command, *options); }});
}

} // namespace llmux::cli
