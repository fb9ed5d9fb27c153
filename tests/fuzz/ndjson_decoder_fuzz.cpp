// NdjsonDecoder: any split of the same bytes gives the same lines and the same error; lines
// are non-blank, valid UTF-8, free of LF, within the limit.
//
// Input: [limit][split plan][body]; limit bits 0-2 choose max_line_bytes from a table of
// small limits (and the default).

#include "fuzz_support.hpp"

#include <llmux/ndjson_decoder.hpp>

#include <cstdio>

namespace {

using llmux::fuzz::escaped;

struct Run {
  std::vector<std::string> lines;
  std::optional<llmux::Error> error;
};

Run decode(std::size_t max_line_bytes, std::string_view body,
           const std::vector<std::size_t> &cuts) {
  llmux::NdjsonDecoder decoder(max_line_bytes);
  Run run;
  llmux::fuzz::feed_pieces(body, cuts,
                           [&](std::string_view piece) { decoder.feed(piece, run.lines); });
  decoder.finish(run.lines);
  run.error = decoder.error();
  return run;
}

void print(const char *name, const Run &run) {
  std::fprintf(stderr, "%s: %zu lines, error: %s\n", name, run.lines.size(),
               run.error ? run.error->message.c_str() : "(none)");
  for (const std::string &line : run.lines)
    std::fprintf(stderr, "  \"%s\"\n", escaped(line).c_str());
}

constexpr std::size_t max_line_bytes_choices[] = {std::size_t{16} << 20, 1, 2, 3, 8, 32, 200, 4096};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input in(data, size);
  const std::size_t max_line_bytes = max_line_bytes_choices[in.byte() & 7];
  const llmux::fuzz::SplitPlan plan = llmux::fuzz::SplitPlan::read(in);
  const std::string_view body = in.rest();

  const std::vector<std::size_t> cuts = plan.cuts(body.size());
  const Run whole = decode(max_line_bytes, body, {});
  const Run split = decode(max_line_bytes, body, cuts);
  const bool same = whole.lines == split.lines && whole.error == split.error;
  if (!same) {
    std::fprintf(stderr, "max_line_bytes %zu; cuts:", max_line_bytes);
    for (std::size_t cut : cuts)
      std::fprintf(stderr, " %zu", cut);
    std::fprintf(stderr, "\n");
    print("whole", whole);
    print("split", split);
  }
  LLMUX_FUZZ_CHECK(same);

  for (const std::string &line : whole.lines) {
    LLMUX_FUZZ_CHECK(!line.empty());
    LLMUX_FUZZ_CHECK(line.find_first_not_of(" \t") != std::string::npos);
    LLMUX_FUZZ_CHECK(line.find('\n') == std::string::npos);
    LLMUX_FUZZ_CHECK(line.size() <= max_line_bytes);
    LLMUX_FUZZ_CHECK(llmux::fuzz::valid_utf8(line));
  }
  if (whole.error)
    LLMUX_FUZZ_CHECK(whole.error->code == llmux::ErrorCode::BadResponse);
  return 0;
}
