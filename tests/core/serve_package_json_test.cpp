// The serve module's bridge to the package's JSON (serve.hpp, package_json.cpp): a parsed
// request's call JSON is what api::parse_call reads back to the same request, and the
// package's results and stream events, as api_json.hpp writes them, read back to the response
// and events the writers take.

#include <llmux/api_json.hpp>
#include <llmux/serve.hpp>
#include <llmux/session.hpp>

#include <catch2/catch.hpp>

using namespace llmux;

TEST_CASE("A parsed request's call JSON reads back through parse_call", "[serve][api]") {
  auto parsed = parse_openai_chat_request(R"({
    "model": "gpt-4o", "stream": true, "user": "u1", "temperature": 0.5, "top_p": 0.5,
    "max_tokens": 99, "stop": ["X"], "reasoning_effort": "low", "parallel_tool_calls": false,
    "presence_penalty": 1,
    "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "hi"},
      {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
      {"role": "tool", "tool_call_id": "c1", "content": "ok"}],
    "tools": [{"type": "function", "function": {"name": "f", "description": "d", "parameters": {"type": "object"}}}],
    "tool_choice": {"type": "function", "function": {"name": "f"}},
    "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object"}}}
  })");
  REQUIRE(parsed.ok());
  const ChatRequest &request = parsed.value().request;
  auto call = api::parse_call(call_json(request));
  if (!call.ok())
    FAIL(call.error().message);
  const ChatRequest &back = call.value().request;
  CHECK(call.value().models == std::vector<std::string>{"gpt-4o"});
  CHECK(api::messages_json(back.messages) == api::messages_json(request.messages));
  CHECK(back.stream);
  CHECK(call.value().user == "u1");
  CHECK(back.temperature == 0.5);
  CHECK(back.top_p == 0.5);
  CHECK(back.max_tokens == 99);
  CHECK(back.stop == request.stop);
  CHECK(back.reasoning_effort == "low");
  CHECK(back.parallel_tool_calls == false);
  CHECK(back.extra_body == R"({"presence_penalty":1})");
  REQUIRE(back.tools.size() == 1);
  CHECK_FALSE(back.tools[0].has_handler); // the gateway's caller runs them
  CHECK(back.tools[0].parameters == R"({"type":"object"})");
  CHECK(back.tool_choice->mode == ToolChoice::Mode::Named);
  CHECK(back.response_format.type == ResponseFormat::Type::JsonSchema);
  CHECK(back.response_format.name == "r");
  CHECK_FALSE(back.response_format.strict);
}

TEST_CASE("The package's result JSON reads back to the response", "[serve][api]") {
  SessionResult result;
  ChatResponse &response = result.response;
  response.id = "resp_9";
  response.text = "Done.";
  response.reasoning = "Thought.";
  response.reasoning_blocks = {Reasoning{"Thought.", "sig", ""}};
  response.tool_calls = {ToolCall{"c1", "f", R"({"a":1})"}, ToolCall{"c2", "g", "not json"}};
  response.finish_reason = FinishReason::ToolCalls;
  response.finish_reason_raw = "tool_use";
  result.usage.input_tokens = 10;
  result.usage.output_tokens = 4;
  result.usage.cached_input_tokens = 2;
  result.model = "anthropic-claude-sonnet-4.5";
  result.messages = {Message::user("hi"), response.to_message()};
  auto back = parse_result_json(api::result_json(result));
  if (!back.ok())
    FAIL(back.error().message);
  ChatResponse expected = response;
  expected.model = result.model;
  expected.usage = result.usage;
  CHECK(back.value() == expected);
  // Written from the session's result directly, the same bytes as from its JSON.
  const ResponseIdentity identity{"m", "id", 1};
  CHECK(write_openai_chat_completion(result, identity) ==
        write_openai_chat_completion(back.value(), identity));
  // A tool call whose arguments are not JSON cannot be a tool_use block: refused both ways.
  auto direct = write_anthropic_message(result, identity);
  auto via_json = write_anthropic_message(back.value(), identity);
  REQUIRE_FALSE(direct.ok());
  REQUIRE_FALSE(via_json.ok());
  CHECK(direct.error().message == via_json.error().message);
  CHECK_FALSE(parse_result_json(R"({"text":5})").ok());
  CHECK_FALSE(parse_result_json(R"({"finishReason":"bored"})").ok());
}

TEST_CASE("The package's stream events read back to the session's events", "[serve][api]") {
  Usage usage;
  usage.input_tokens = 3;
  const std::vector<StreamEvent> stream = {
      StreamEvent::text_delta("a"),
      StreamEvent::reasoning_delta(1, "r"),
      StreamEvent::reasoning_signature(1, "s"),
      StreamEvent::redacted_reasoning(2, "d"),
      StreamEvent::refusal_delta("no"),
      StreamEvent::tool_plan_delta("plan"),
      StreamEvent::tool_call_start(0, "c1", "f"),
      StreamEvent::tool_call_delta(0, "{"),
      StreamEvent::tool_call_end(0, "c1", "f", "{}"),
      StreamEvent::usage_report(usage),
      StreamEvent::finish(FinishReason::Length, "max_tokens"),
  };
  std::vector<SessionEvent> events;
  SessionEvent round;
  round.kind = SessionEvent::Kind::RoundStarted;
  round.round = 1;
  events.push_back(round);
  for (const StreamEvent &event : stream) {
    SessionEvent wrapped;
    wrapped.kind = SessionEvent::Kind::Stream;
    wrapped.stream = event;
    events.push_back(wrapped);
  }
  std::string text = "[";
  api::append_events(events, text);
  text.back() = ']';
  auto back = parse_stream_events_json(text);
  if (!back.ok())
    FAIL(back.error().message);
  CHECK(back.value() == stream);
  CHECK_FALSE(parse_stream_events_json("{}").ok());
  CHECK_FALSE(parse_stream_events_json(R"([{"type":"finish","finishReason":"bored"}])").ok());
}

TEST_CASE("The package's error JSON reads back and anything else is internal", "[serve][api]") {
  Error error = make_error(ErrorCode::RateLimited, ErrorOrigin::Provider, "slow down");
  error.param = "model";
  error.http_status = 429;
  std::string text;
  api::write_error(error, text);
  Error back = parse_error_json(text);
  CHECK(back.code == ErrorCode::RateLimited);
  CHECK(back.message == "slow down");
  CHECK(back.param == "model");
  CHECK(back.http_status == 429);
  CHECK(parse_error_json("nonsense").code == ErrorCode::Internal);
  CHECK(parse_error_json(R"({"code":"made_up"})").code == ErrorCode::Internal);
}
