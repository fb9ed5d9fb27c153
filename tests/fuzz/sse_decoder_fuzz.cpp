// SseDecoder: any split of the same bytes gives the same events, the same error state, the
// same retry and comment count; events are well-formed.
//
// Input: [options][split plan][body]
//   options bit 0: reject_invalid_utf8, bit 1: dispatch_unterminated_event,
//   bits 2-4: max_event_bytes, from a table of small limits (and the default) so that the
//   overflow paths are reached by inputs of fuzzer size.

#include "fuzz_support.hpp"

#include <llmux/sse_decoder.hpp>

#include <cstdio>

namespace {

using llmux::fuzz::escaped;

struct Run {
  std::vector<llmux::SseEvent> events;
  std::optional<llmux::Error> error;
  std::optional<std::int64_t> retry_ms;
  std::size_t comment_lines = 0;
};

Run decode(const llmux::SseOptions &options, std::string_view body,
           const std::vector<std::size_t> &cuts) {
  llmux::SseDecoder decoder(options);
  Run run;
  llmux::fuzz::feed_pieces(body, cuts,
                           [&](std::string_view piece) { decoder.feed(piece, run.events); });
  decoder.finish(run.events);
  run.error = decoder.error();
  run.retry_ms = decoder.retry_ms();
  run.comment_lines = decoder.comment_lines();
  return run;
}

bool same_events(const std::vector<llmux::SseEvent> &a, const std::vector<llmux::SseEvent> &b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].type != b[i].type || a[i].data != b[i].data || a[i].id != b[i].id)
      return false;
  return true;
}

void print(const char *name, const Run &run) {
  std::fprintf(stderr, "%s: %zu events, error: %s, retry: %lld, comments: %zu\n", name,
               run.events.size(), run.error ? run.error->message.c_str() : "(none)",
               run.retry_ms ? static_cast<long long>(*run.retry_ms) : -1LL, run.comment_lines);
  for (const llmux::SseEvent &event : run.events)
    std::fprintf(stderr, "  event type=\"%s\" id=\"%s\" data=\"%s\"\n", escaped(event.type).c_str(),
                 escaped(event.id).c_str(), escaped(event.data).c_str());
}

constexpr std::size_t max_event_bytes_choices[] = {
    llmux::SseOptions{}.max_event_bytes, 1, 2, 5, 16, 64, 300, 4096};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input in(data, size);
  const std::uint8_t option_bits = in.byte();
  const llmux::fuzz::SplitPlan plan = llmux::fuzz::SplitPlan::read(in);
  const std::string_view body = in.rest();

  llmux::SseOptions options;
  options.reject_invalid_utf8 = option_bits & 1;
  options.dispatch_unterminated_event = option_bits & 2;
  options.max_event_bytes = max_event_bytes_choices[(option_bits >> 2) & 7];

  const std::vector<std::size_t> cuts = plan.cuts(body.size());
  const Run whole = decode(options, body, {});
  const Run split = decode(options, body, cuts);

  const bool same = same_events(whole.events, split.events) && whole.error == split.error &&
                    whole.retry_ms == split.retry_ms && whole.comment_lines == split.comment_lines;
  if (!same) {
    std::fprintf(stderr, "max_event_bytes %zu, reject_invalid_utf8 %d, unterminated %d; cuts:",
                 options.max_event_bytes, options.reject_invalid_utf8,
                 options.dispatch_unterminated_event);
    for (std::size_t cut : cuts)
      std::fprintf(stderr, " %zu", cut);
    std::fprintf(stderr, "\n");
    print("whole", whole);
    print("split", split);
  }
  LLMUX_FUZZ_CHECK(same);

  for (const llmux::SseEvent &event : whole.events) {
    LLMUX_FUZZ_CHECK(!event.type.empty());
    // Invalid UTF-8 is either replaced or rejected: what comes out is always valid.
    LLMUX_FUZZ_CHECK(llmux::fuzz::valid_utf8(event.type));
    LLMUX_FUZZ_CHECK(llmux::fuzz::valid_utf8(event.data));
    LLMUX_FUZZ_CHECK(llmux::fuzz::valid_utf8(event.id));
    LLMUX_FUZZ_CHECK(event.id.find('\0') == std::string::npos);
    LLMUX_FUZZ_CHECK(event.data.size() <= options.max_event_bytes);
  }
  if (whole.error)
    LLMUX_FUZZ_CHECK(whole.error->code == llmux::ErrorCode::BadResponse);
  if (whole.retry_ms)
    LLMUX_FUZZ_CHECK(*whole.retry_ms >= 0);
  return 0;
}
