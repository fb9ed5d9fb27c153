#pragma once
// The checks the streamed-response targets share: a 200 stream decoded through
// llmux::ResponseDecoder whole and in pieces gives the same events and result, and the events
// keep the promises stream_event.hpp makes.
//
// Input: [split plan][body]

#include "fuzz_support.hpp"

#include <llmux/decode.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>

namespace llmux::fuzz {

struct StreamRun {
  std::vector<StreamEvent> events;
  DecodedResponse result;
};

inline StreamRun decode_stream(Provider provider, std::string_view body,
                               const std::vector<std::size_t> &cuts) {
  HttpResponseHead head;
  head.status = 200;
  ResponseDecoder decoder(provider, /*stream=*/true, head);
  StreamRun run;
  feed_pieces(body, cuts, [&](std::string_view piece) { decoder.feed(piece, run.events); });
  run.result = decoder.finish(run.events);
  return run;
}

inline void print_run(const char *name, const StreamRun &run) {
  std::fprintf(stderr, "%s:\n", name);
  for (const StreamEvent &event : run.events)
    std::fprintf(stderr, "  %s\n", escaped(to_json(event), 400).c_str());
  std::fprintf(stderr, "  result %s\n", escaped(to_json(run.result), 400).c_str());
}

inline bool is_tool_event(const StreamEvent &event) {
  return event.type == StreamEventType::ToolCallStart ||
         event.type == StreamEventType::ToolCallDelta || event.type == StreamEventType::ToolCallEnd;
}

// What stream_event.hpp and adapter.hpp promise about one run.
inline void check_stream_promises(const StreamRun &run) {
  std::size_t errors = 0;
  std::map<std::size_t, int> call_state; // 1: started, 2: ended
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const StreamEvent &event = run.events[i];
    // "Error: the stream failed; nothing follows".
    LLMUX_FUZZ_CHECK(errors == 0);
    switch (event.type) {
      case StreamEventType::TextDelta:
      case StreamEventType::ReasoningDelta:
      case StreamEventType::RefusalDelta:
      case StreamEventType::ToolPlanDelta:
      case StreamEventType::ReasoningSignature:
      case StreamEventType::RedactedReasoning:
      case StreamEventType::Finish:
        // Text comes from JSON strings, which the parser checked to be UTF-8.
        LLMUX_FUZZ_CHECK(valid_utf8(event.text));
        break;
      case StreamEventType::ToolCallStart:
        LLMUX_FUZZ_CHECK(call_state[event.index] == 0);
        call_state[event.index] = 1;
        break;
      case StreamEventType::ToolCallDelta:
        LLMUX_FUZZ_CHECK(call_state[event.index] == 1);
        LLMUX_FUZZ_CHECK(valid_utf8(event.text));
        break;
      case StreamEventType::ToolCallEnd:
        LLMUX_FUZZ_CHECK(call_state[event.index] == 1);
        call_state[event.index] = 2;
        break;
      case StreamEventType::Usage:
        LLMUX_FUZZ_CHECK(!event.usage.empty());
        break;
      case StreamEventType::Error:
        ++errors;
        LLMUX_FUZZ_CHECK(valid_utf8(event.error));
        break;
    }
    if (is_tool_event(event)) {
      LLMUX_FUZZ_CHECK(valid_utf8(event.id));
      LLMUX_FUZZ_CHECK(valid_utf8(event.name));
    }
  }
  // The result's error is the stream's Error event, and there is one only if there was one.
  LLMUX_FUZZ_CHECK(run.result.error.has_value() == (errors == 1));
  if (errors == 1)
    LLMUX_FUZZ_CHECK(*run.result.error == run.events.back().error);

  // The result holds each ended call as its ToolCallEnd described it, at its index.
  const std::vector<ToolCall> &calls = run.result.response.tool_calls;
  for (const StreamEvent &event : run.events) {
    if (event.type != StreamEventType::ToolCallEnd)
      continue;
    LLMUX_FUZZ_CHECK(event.index < calls.size());
    LLMUX_FUZZ_CHECK(calls[event.index].id == event.id);
    LLMUX_FUZZ_CHECK(calls[event.index].name == event.name);
    LLMUX_FUZZ_CHECK(calls[event.index].arguments == event.text);
  }

  // The CLI's and the Wasm module's JSON forms never abort and are JSON.
  for (const StreamEvent &event : run.events)
    LLMUX_FUZZ_CHECK(nlohmann::json::accept(to_json(event)));
  LLMUX_FUZZ_CHECK(nlohmann::json::accept(to_json(run.result)));
}

inline int fuzz_stream(Provider provider, const std::uint8_t *data, std::size_t size) {
  Input in(data, size);
  const SplitPlan plan = SplitPlan::read(in);
  const std::string_view body = in.rest();
  const std::vector<std::size_t> cuts = plan.cuts(body.size());

  const StreamRun whole = decode_stream(provider, body, {});
  const StreamRun split = decode_stream(provider, body, cuts);
  const bool same = whole.events == split.events && whole.result == split.result;
  if (!same) {
    std::fprintf(stderr, "cuts:");
    for (std::size_t cut : cuts)
      std::fprintf(stderr, " %zu", cut);
    std::fprintf(stderr, "\n");
    print_run("whole", whole);
    print_run("split", split);
  }
  LLMUX_FUZZ_CHECK(same);
  check_stream_promises(whole);
  return 0;
}

} // namespace llmux::fuzz
