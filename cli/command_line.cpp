#include "command_line.hpp"

#include <charconv>
#include <cmath>
#include <iostream>

namespace llmux::cli {

std::string command_path(const CLI::App &command) {
  std::string path = command.get_name();
  for (const CLI::App *parent = command.get_parent(); parent; parent = parent->get_parent())
    path = parent->get_name() + " " + path;
  return path;
}

int usage_error(const CLI::App &command, std::string_view message) {
  const std::string path = command_path(command);
  std::cerr << path << ": " << message << "\nRun '" << path << " --help' for its flags.\n";
  return usage_status;
}

void set_footer(CLI::App &command, std::string_view text) {
  // The width of the flags' lines in a terminal of 100 columns.
  constexpr std::size_t width = 96;
  std::string wrapped;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    std::size_t column = 0;
    std::size_t at = 0;
    while (at < line.size()) {
      std::size_t space = line.find(' ', at);
      if (space == std::string_view::npos)
        space = line.size();
      const std::string_view word = line.substr(at, space - at);
      if (column > 0 && column + 1 + word.size() > width) {
        wrapped += '\n';
        column = 0;
      } else if (column > 0) {
        wrapped += ' ';
        ++column;
      }
      wrapped += word;
      column += word.size();
      at = space + 1;
    }
    wrapped += '\n';
    start = end + 1;
  }
  command.footer(wrapped);
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  // 18 digits always fit in an int64.
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

CLI::Option *add_count_option(CLI::App &command, const std::string &name,
                              std::function<void(std::int64_t)> store, const std::string &help,
                              std::string_view what, std::int64_t min, std::int64_t max) {
  std::string expected = "expected " + std::string(what);
  if (max != std::numeric_limits<std::int64_t>::max())
    expected += " from " + std::to_string(min) + " to " + std::to_string(max);
  else if (min > 0)
    expected += " (" + std::to_string(min) + " or more)";
  auto check = [min, max, expected](const std::string &text) -> std::string {
    auto count = parse_count(text);
    if (!count || *count < min || *count > max)
      return expected + ", not \"" + text + "\"";
    return {};
  };
  return command
      .add_option_function<std::string>(
          name, [store = std::move(store)](const std::string &text) { store(*parse_count(text)); },
          help)
      ->check(CLI::Validator(check, "", "count"))
      ->type_name("N");
}

namespace {

std::optional<double> parse_number(const std::string &text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

// The shortest text that reads back as `value` ("2", "0.7").
std::string shortest_text(double value) {
  char text[32];
  const auto written = std::to_chars(text, text + sizeof text, value);
  return std::string(text, written.ptr);
}

} // namespace

CLI::Option *add_number_option(CLI::App &command, const std::string &name,
                               std::optional<double> &into, const std::string &help, double min,
                               double max) {
  auto check = [min, max](const std::string &text) -> std::string {
    const auto number = parse_number(text);
    if (number && std::isfinite(*number) && *number >= min && *number <= max)
      return "";
    return "expected a number from " + shortest_text(min) + " to " + shortest_text(max) +
           ", not \"" + text + "\"";
  };
  return command
      .add_option_function<std::string>(
          name, [&into](const std::string &text) { into = parse_number(text); }, help)
      ->check(CLI::Validator(check, "", "number"))
      ->type_name("X");
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

} // namespace llmux::cli
