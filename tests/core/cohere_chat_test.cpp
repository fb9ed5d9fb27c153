// The Cohere v2 chat adapter: requests, and decoding beyond what the fixtures cover.

#include "support/requests.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace llmux;
using nlohmann::json;

namespace {

using testing::endpoint_for;

HttpRequest build(const ChatRequest &request, Endpoint endpoint = {}) {
  return testing::build(Provider::Cohere, request, std::move(endpoint));
}

ChatRequest hello() {
  return testing::hello("command-a-03-2025");
}

// The error build_request returns for `request`; fails the test when it builds.
Error refusal(const ChatRequest &request) {
  auto http =
      make_adapter(Provider::Cohere)->build_request(request, endpoint_for(Provider::Cohere));
  if (http.ok())
    FAIL("build_request accepted the request: " << http.value().body);
  return http.error();
}

std::string event(const json &data) {
  return "event: " + data.at("type").get<std::string>() + "\ndata: " + data.dump() + "\n\n";
}

std::string event(const char *data) {
  return event(json::parse(data));
}

const std::string message_start = event(
    R"({"id":"m1","type":"message-start","delta":{"message":{"role":"assistant","content":[],
        "tool_plan":"","tool_calls":[],"citations":[]}}})");

std::string message_end(std::string_view finish_reason) {
  return event(json{{"type", "message-end"},
                    {"delta",
                     {{"finish_reason", finish_reason},
                      {"usage",
                       {{"billed_units", {{"input_tokens", 3}, {"output_tokens", 4}}},
                        {"tokens", {{"input_tokens", 30}, {"output_tokens", 4}}}}}}}});
}

std::string text_delta(std::string_view text, int index = 0) {
  return event(json{{"type", "content-delta"},
                    {"index", index},
                    {"delta", {{"message", {{"content", {{"text", text}}}}}}}});
}

std::string tool_call_start(int index, std::string_view id, std::string_view name,
                            std::string_view arguments = "") {
  return event(json{{"type", "tool-call-start"},
                    {"index", index},
                    {"delta",
                     {{"message",
                       {{"tool_calls",
                         {{"id", id},
                          {"type", "function"},
                          {"function", {{"name", name}, {"arguments", arguments}}}}}}}}}});
}

std::string tool_call_delta(int index, std::string_view arguments) {
  return event(
      json{{"type", "tool-call-delta"},
           {"index", index},
           {"delta", {{"message", {{"tool_calls", {{"function", {{"arguments", arguments}}}}}}}}}});
}

std::string tool_call_end(int index) {
  return event(json{{"type", "tool-call-end"}, {"index", index}});
}

std::vector<StreamEvent> stream_events(std::string_view bytes) {
  auto decoder = make_adapter(Provider::Cohere)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(bytes, events);
  decoder->finish(events);
  return events;
}

DecodedResponse decode_stream(std::string_view bytes) {
  return decode(Provider::Cohere, true, HttpResponseHead{}, bytes);
}

DecodedResponse decode_whole(std::string_view bytes, int status = 200,
                             std::vector<Header> headers = {}) {
  HttpResponseHead head;
  head.status = status;
  head.headers = std::move(headers);
  return decode(Provider::Cohere, false, head, bytes);
}

Usage usage_of(std::int64_t input, std::int64_t output, std::int64_t billed_input,
               std::int64_t billed_output) {
  Usage usage;
  usage.input_tokens = input;
  usage.output_tokens = output;
  usage.billed_input_tokens = billed_input;
  usage.billed_output_tokens = billed_output;
  return usage;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Requests

TEST_CASE("Cohere request carries the model, system prompt, messages and parameters",
          "[cohere][request]") {
  ChatRequest request = hello();
  request.system = "Be brief.";
  request.messages.insert(request.messages.begin(), Message::system("Answer in French."));
  request.messages.push_back(Message::assistant("Bonjour."));
  request.messages.push_back(Message::user("Again?"));
  request.temperature = 0.3;
  request.top_p = 0.9;
  request.max_tokens = 200;
  request.stop = {"END"};
  request.user = "user-42"; // Cohere has no end-user field
  Endpoint endpoint;
  endpoint.api_key = "co-test-key";
  HttpRequest http = build(request, endpoint);
  CHECK(http.method == "POST");
  CHECK(http.url == "https://api.cohere.com/v2/chat");
  CHECK(http.header("authorization") == "Bearer co-test-key");
  CHECK(http.header("content-type") == "application/json");
  CHECK(http.header("accept") == "application/json");
  CHECK_FALSE(http.stream);
  CHECK(json::parse(http.body) == json::parse(R"({
    "model": "command-a-03-2025",
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "system", "content": "Answer in French."},
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": "Bonjour."},
      {"role": "user", "content": "Again?"}],
    "temperature": 0.3, "p": 0.9, "max_tokens": 200, "stop_sequences": ["END"]})"));
}

TEST_CASE("Cohere base URLs work with and without the version segment", "[cohere][request]") {
  Endpoint endpoint;
  for (std::string base : {"http://127.0.0.1:9000", "http://127.0.0.1:9000/",
                           "http://127.0.0.1:9000/v2", "http://127.0.0.1:9000/v2/"}) {
    endpoint.base_url = base;
    CHECK(build(hello(), endpoint).url == "http://127.0.0.1:9000/v2/chat");
  }
}

TEST_CASE("Cohere streaming request asks for SSE and merges extra_body last", "[cohere][request]") {
  ChatRequest request = hello();
  request.stream = true;
  request.extra_body = R"({"safety_mode": "STRICT", "stream": true, "k": 40})";
  HttpRequest http = build(request);
  CHECK(http.stream);
  CHECK(http.header("accept") == "text/event-stream");
  CHECK(json::parse(http.body) == json::parse(R"({
    "model": "command-a-03-2025", "messages": [{"role": "user", "content": "Hi"}],
    "stream": true, "safety_mode": "STRICT", "k": 40})"));
}

TEST_CASE("Cohere request replays a tool round trip: plan, calls and results",
          "[cohere][request][tools]") {
  ChatRequest request = hello();
  request.tools.push_back(
      {"weather", "Weather now", R"({"type":"object","properties":{"city":{"type":"string"}}})"});
  request.tools.push_back({"time", "", ""});
  request.tool_choice = ToolChoice{ToolChoice::Mode::Required, ""};
  request.parallel_tool_calls = true; // Cohere's behaviour anyway
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_tool_plan("I will look up the weather."));
  assistant.content.push_back(
      ContentPart::make_tool_call({"weather_1", "weather", R"({"city":"Paris"})"}));
  assistant.content.push_back(ContentPart::make_tool_call({"time_2", "time", ""}));
  request.messages.push_back(assistant);
  request.messages.push_back(Message::tool("weather_1", "18C"));
  request.messages.push_back(Message::tool("time_2", "clock unavailable", true));
  request.messages.push_back(Message::user("Thanks"));
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "model": "command-a-03-2025",
    "messages": [
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "tool_plan": "I will look up the weather.", "tool_calls": [
        {"id": "weather_1", "type": "function",
         "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}},
        {"id": "time_2", "type": "function", "function": {"name": "time", "arguments": "{}"}}]},
      {"role": "tool", "tool_call_id": "weather_1", "content": [{"type": "text", "text": "18C"}]},
      {"role": "tool", "tool_call_id": "time_2",
       "content": [{"type": "text", "text": "clock unavailable"}]},
      {"role": "user", "content": "Thanks"}],
    "tools": [
      {"type": "function", "function": {"name": "weather", "description": "Weather now",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
      {"type": "function", "function": {"name": "time",
        "parameters": {"type": "object", "properties": {}}}}],
    "tool_choice": "REQUIRED"})"));

  request.tool_choice = ToolChoice{ToolChoice::Mode::None, ""};
  CHECK(json::parse(build(request).body).at("tool_choice") == "NONE");
  request.tool_choice = ToolChoice{ToolChoice::Mode::Auto, ""};
  CHECK_FALSE(json::parse(build(request).body).contains("tool_choice"));
  request.tools.clear(); // no tools: nothing to choose from, nothing to say
  request.tool_choice = ToolChoice{ToolChoice::Mode::None, ""};
  request.parallel_tool_calls = false;
  json without_tools = json::parse(build(request).body);
  CHECK_FALSE(without_tools.contains("tools"));
  CHECK_FALSE(without_tools.contains("tool_choice"));
}

TEST_CASE("Cohere response turned into the next request keeps its plan, thinking and calls",
          "[cohere][request][tools]") {
  std::string bytes =
      message_start +
      event(
          R"({"type":"content-start","index":0,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}})") +
      event(
          R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"Need the weather."}}}})") +
      event(R"({"type":"content-end","index":0})") +
      event(R"({"type":"tool-plan-delta","delta":{"message":{"tool_plan":"Calling weather."}}})") +
      tool_call_start(0, "weather_x1", "weather") + tool_call_delta(0, R"({"city": "Oslo"})") +
      tool_call_end(0) + message_end("TOOL_CALL");
  DecodedResponse decoded = decode_stream(bytes);
  REQUIRE_FALSE(decoded.error);
  ChatRequest request = hello();
  request.tools.push_back({"weather", "", ""});
  request.messages.push_back(decoded.response.to_message());
  request.messages.push_back(Message::tool("weather_x1", R"({"temperature": -3})"));
  json messages = json::parse(build(request).body).at("messages");
  CHECK(messages == json::parse(R"([
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": [{"type": "thinking", "thinking": "Need the weather."}],
     "tool_plan": "Calling weather.",
     "tool_calls": [{"id": "weather_x1", "type": "function",
       "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]},
    {"role": "tool", "tool_call_id": "weather_x1",
     "content": [{"type": "text", "text": "{\"temperature\": -3}"}]}])"));
}

TEST_CASE("Cohere request sends images as image_url parts", "[cohere][request]") {
  ChatRequest request = hello();
  Message user;
  user.role = Role::User;
  user.content.push_back(ContentPart::make_text("What is in these?"));
  user.content.push_back(ContentPart::make_image_url("https://example.com/cat.png"));
  user.content.push_back(ContentPart::make_image_base64("image/png", "iVBORw0KGgo="));
  request.messages = {user};
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "model": "command-a-03-2025",
    "messages": [{"role": "user", "content": [
      {"type": "text", "text": "What is in these?"},
      {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}]})"));
}

TEST_CASE("Cohere request asks for JSON mode and JSON schemas", "[cohere][request]") {
  ChatRequest request = hello();
  request.response_format.type = ResponseFormat::Type::JsonObject;
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "model": "command-a-03-2025", "messages": [{"role": "user", "content": "Hi"}],
    "response_format": {"type": "json_object"}})"));

  request.response_format.type = ResponseFormat::Type::JsonSchema;
  request.response_format.name = "person";
  request.response_format.schema =
      R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})";
  CHECK(json::parse(build(request).body).at("response_format") == json::parse(R"({
    "type": "json_object",
    "json_schema": {"type": "object", "properties": {"name": {"type": "string"}},
                    "required": ["name"]}})"));

  request.response_format.schema = "[]";
  Error error = refusal(request);
  CHECK(error.code == ErrorCode::InvalidArgument);
  CHECK(error.message == "response_format schema must be a JSON Schema object");
}

TEST_CASE("Cohere request turns on thinking with a budget and sends thinking back",
          "[cohere][request][reasoning]") {
  ChatRequest request = hello();
  request.reasoning_budget_tokens = 1024;
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_reasoning({"2 + 2 is 4.", "", ""}));
  assistant.content.push_back(ContentPart::make_reasoning({"", "", "ENCRYPTED-ELSEWHERE"}));
  assistant.content.push_back(ContentPart::make_text("4"));
  assistant.content.push_back(ContentPart::make_tool_plan("a plan without calls"));
  request.messages.push_back(assistant);
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "model": "command-a-03-2025",
    "messages": [
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "2 + 2 is 4."}, {"type": "text", "text": "4"}]}],
    "thinking": {"type": "enabled", "token_budget": 1024}})"));
}

TEST_CASE("Cohere request refuses what Cohere cannot express", "[cohere][request]") {
  ChatRequest with_tool = hello();
  with_tool.tools.push_back({"weather", "", ""});

  ChatRequest named = with_tool;
  named.tool_choice = ToolChoice{ToolChoice::Mode::Named, "weather"};
  Error error = refusal(named);
  CHECK(error.code == ErrorCode::Unsupported);
  CHECK(error.origin == ErrorOrigin::Caller);
  CHECK(error.message == "Cohere cannot be told which tool to call (its tool_choice is only "
                         "REQUIRED or NONE); send only that tool with tool_choice required");

  ChatRequest serial = with_tool;
  serial.parallel_tool_calls = false;
  CHECK(refusal(serial).message == "Cohere cannot turn off parallel tool calls");

  ChatRequest json_and_tools = with_tool;
  json_and_tools.response_format.type = ResponseFormat::Type::JsonObject;
  CHECK(refusal(json_and_tools).message ==
        "Cohere does not support response_format together with tools");

  ChatRequest effort = hello();
  effort.reasoning_effort = "low";
  CHECK(refusal(effort).code == ErrorCode::Unsupported);

  ChatRequest required = hello();
  required.tool_choice = ToolChoice{ToolChoice::Mode::Required, ""};
  error = refusal(required);
  CHECK(error.code == ErrorCode::InvalidArgument);
  CHECK(error.message == "tool_choice requires a tool but the request has none");

  auto invalid = [](ChatRequest bad) {
    Error refused = refusal(bad);
    CHECK(refused.code == ErrorCode::InvalidArgument);
    return refused.message;
  };
  ChatRequest bad = hello();
  bad.model.clear();
  CHECK(invalid(bad) == "the request names no model");
  bad = hello();
  bad.tools.push_back({"", "", ""});
  CHECK(invalid(bad) == "a tool has no name");
  bad = hello();
  bad.tools.push_back({"f", "", "{not json"});
  CHECK(invalid(bad).find("tool \"f\": parameters are not JSON") == 0);
  bad = hello();
  bad.messages.push_back(Message::assistant("x"));
  bad.messages.back().content.push_back(ContentPart::make_image_url("https://x/y.png"));
  CHECK(invalid(bad) == "images are only allowed in user messages");
  bad = hello();
  bad.messages[0].content.push_back(ContentPart::make_tool_call({"c", "f", "{}"}));
  CHECK(invalid(bad) == "tool calls are only allowed in assistant messages");
  bad = hello();
  bad.messages.push_back(Message::tool("c", "result"));
  bad.messages.back().content.push_back(ContentPart::make_text("and a remark"));
  CHECK(invalid(bad) == "a tool message carries tool results only");
  bad = hello();
  bad.extra_body = "[1]";
  CHECK(invalid(bad) == "extra_body must be a JSON object");
}

// ---------------------------------------------------------------------------------------
// Streams

TEST_CASE("Cohere stream ends a tool call at tool-call-end only", "[cohere][stream][tools]") {
  // The arguments parse as JSON after the first delta; the call is still open.
  std::string head =
      message_start + tool_call_start(0, "get_1", "get", "{\"a\": 1}") + tool_call_delta(0, " ");
  auto decoder = make_adapter(Provider::Cohere)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(head, events);
  for (const StreamEvent &e : events)
    CHECK(e.type != StreamEventType::ToolCallEnd);
  decoder->feed(tool_call_end(0) + message_end("TOOL_CALL") + "data: [DONE]\n\n", events);
  decoder->finish(events);
  std::vector<StreamEvent> expected = {
      StreamEvent::tool_call_start(0, "get_1", "get"),
      StreamEvent::tool_call_delta(0, "{\"a\": 1}"),
      StreamEvent::tool_call_delta(0, " "),
      StreamEvent::tool_call_end(0, "get_1", "get", "{\"a\": 1} "),
      StreamEvent::usage_report(usage_of(30, 4, 3, 4)),
      StreamEvent::finish(FinishReason::ToolCalls, "TOOL_CALL"),
  };
  CHECK(events == expected);
}

TEST_CASE("Cohere stream numbers parallel calls in order and leaves unended calls open",
          "[cohere][stream][tools]") {
  std::string bytes =
      message_start +
      event(R"({"type":"tool-plan-delta","delta":{"message":{"tool_plan":"Two calls."}}})") +
      tool_call_start(5, "b_1", "b") + tool_call_start(2, "a_1", "a") + tool_call_delta(2, "{}") +
      tool_call_delta(5, "{\"x\"") + tool_call_end(2) +
      tool_call_end(2) + // repeated: the first end stands
      tool_call_delta(5, ":") + message_end("MAX_TOKENS");
  std::vector<StreamEvent> expected = {
      StreamEvent::tool_plan_delta("Two calls."),
      StreamEvent::tool_call_start(0, "b_1", "b"),
      StreamEvent::tool_call_start(1, "a_1", "a"),
      StreamEvent::tool_call_delta(1, "{}"),
      StreamEvent::tool_call_delta(0, "{\"x\""),
      StreamEvent::tool_call_end(1, "a_1", "a", "{}"),
      StreamEvent::tool_call_delta(0, ":"),
      StreamEvent::usage_report(usage_of(30, 4, 3, 4)),
      StreamEvent::finish(FinishReason::Length, "MAX_TOKENS"),
  };
  CHECK(stream_events(bytes) == expected);
  DecodedResponse result = decode_stream(bytes);
  CHECK_FALSE(result.error);
  CHECK(result.response.tool_plan == "Two calls.");
  CHECK(result.response.tool_calls ==
        std::vector<ToolCall>{{"b_1", "b", "{\"x\":"}, {"a_1", "a", "{}"}});
}

TEST_CASE("Cohere stream keeps thinking apart from text", "[cohere][stream][reasoning]") {
  std::string bytes =
      message_start +
      event(
          R"({"type":"content-start","index":0,"delta":{"message":{"content":{"type":"thinking","thinking":"Step"}}}})") +
      event(
          R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":" one."}}}})") +
      event(R"({"type":"content-end","index":0})") +
      event(
          R"({"type":"content-start","index":1,"delta":{"message":{"content":{"type":"text","text":""}}}})") +
      text_delta("Done", 1) + text_delta(".", 1) + event(R"({"type":"content-end","index":1})") +
      message_end("COMPLETE");
  std::vector<StreamEvent> expected = {
      StreamEvent::reasoning_delta(0, "Step"),
      StreamEvent::reasoning_delta(0, " one."),
      StreamEvent::text_delta("Done"),
      StreamEvent::text_delta("."),
      StreamEvent::usage_report(usage_of(30, 4, 3, 4)),
      StreamEvent::finish(FinishReason::Stop, "COMPLETE"),
  };
  CHECK(stream_events(bytes) == expected);
  DecodedResponse result = decode_stream(bytes);
  CHECK(result.response.reasoning == "Step one.");
  CHECK(result.response.reasoning_blocks == std::vector<Reasoning>{{"Step one.", "", ""}});
  CHECK(result.response.text == "Done.");
}

TEST_CASE("Cohere usage reports tokens, billed units and cached tokens apart",
          "[cohere][stream][whole][usage]") {
  std::string bytes = message_start + text_delta("x") +
                      event(R"({"type":"message-end","delta":{"finish_reason":"STOP_SEQUENCE",
                "usage":{"billed_units":{"input_tokens":5,"output_tokens":2,"search_units":1},
                         "cached_tokens":0}}})");
  DecodedResponse streamed = decode_stream(bytes);
  REQUIRE_FALSE(streamed.error);
  Usage billed;
  billed.billed_input_tokens = 5;
  billed.billed_output_tokens = 2;
  billed.cached_input_tokens = 0; // reported, and zero: not the same as absent
  CHECK(streamed.response.usage == billed);
  CHECK(streamed.response.finish_reason == FinishReason::Stop);

  DecodedResponse whole =
      decode_whole(R"({"id":"r1","finish_reason":"COMPLETE","message":{"role":"assistant",
        "content":[{"type":"text","text":"Hi"}]},
        "usage":{"tokens":{"input_tokens":12.0,"output_tokens":1}}})");
  REQUIRE_FALSE(whole.error);
  Usage tokens;
  tokens.input_tokens = 12;
  tokens.output_tokens = 1;
  CHECK(whole.response.usage == tokens);

  // A count that is no count is unknown, with a warning; the answer stands.
  DecodedResponse fractional = decode_whole(R"({"message":{"content":[]},
        "usage":{"billed_units":{"input_tokens":1.5}}})");
  REQUIRE_FALSE(fractional.error);
  CHECK_FALSE(fractional.response.usage.billed_input_tokens);
  CHECK(fractional.response.usage.warnings.size() == 1);
}

TEST_CASE("Cohere stream cut short is a bad_response, with the output so far",
          "[cohere][stream][hostile]") {
  std::string bytes =
      message_start + text_delta("Hello") + text_delta(" there") + message_end("COMPLETE");
  DecodedResponse whole = decode_stream(bytes);
  REQUIRE_FALSE(whole.error);
  CHECK(whole.response.text == "Hello there");
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    DecodedResponse part = decode_stream(std::string_view(bytes).substr(0, cut));
    INFO("cut at " << cut);
    if (part.error) {
      CHECK(part.error->code == ErrorCode::BadResponse);
      CHECK(whole.response.text.rfind(part.response.text, 0) == 0);
    } else {
      CHECK(part == whole); // only the blank line after message-end can be missing
    }
  }
  DecodedResponse cut = decode_stream(message_start + text_delta("Hel"));
  REQUIRE(cut.error);
  CHECK(cut.error->message == "the stream ended before message-end");
  CHECK(cut.response.text == "Hel");

  DecodedResponse done_early =
      decode_stream(message_start + text_delta("Hel") + "data: [DONE]\n\n");
  REQUIRE(done_early.error);
  CHECK(done_early.error->message == "the stream ended ([DONE]) before message-end");

  // After message-end the stream is complete: a [DONE] (or anything else) changes nothing.
  DecodedResponse done_late = decode_stream(bytes + "data: [DONE]\n\n" + text_delta("late"));
  CHECK(done_late == whole);
}

TEST_CASE("Cohere stream reports errors inside the stream as provider errors",
          "[cohere][stream][errors]") {
  // message-end's delta.error, as Cohere's OpenAPI spec documents it.
  DecodedResponse failed =
      decode_stream(message_start + text_delta("Par") +
                    event(R"({"type":"message-end","delta":{"finish_reason":"ERROR",
                "error":"internal error while generating","usage":{"tokens":{"output_tokens":1}}}})"));
  REQUIRE(failed.error);
  CHECK(failed.error->code == ErrorCode::ServerError);
  CHECK(failed.error->origin == ErrorOrigin::Provider);
  CHECK(failed.error->in_stream);
  CHECK(failed.error->http_status == 200);
  CHECK(failed.error->message == "internal error while generating");
  CHECK(failed.response.text == "Par");
  CHECK(failed.response.finish_reason == FinishReason::Other);
  CHECK(failed.response.finish_reason_raw == "ERROR");
  CHECK(failed.response.usage.output_tokens == 1);

  // Cohere's error body inside the stream.
  DecodedResponse body =
      decode_stream(message_start +
                    "data: {\"id\":\"e-77\",\"message\":\"too many tokens: size limit "
                    "exceeded by 120 tokens\"}\n\n" +
                    message_end("COMPLETE"));
  REQUIRE(body.error);
  CHECK(body.error->code == ErrorCode::ContextLengthExceeded);
  CHECK(body.error->request_id == "e-77");
  CHECK(body.error->hint == "shorten the conversation or lower max_tokens");
  CHECK(body.response.finish_reason == FinishReason::None);

  DecodedResponse typed = decode_stream(message_start + event(R"({"type":"error"})"));
  REQUIRE(typed.error);
  CHECK(typed.error->code == ErrorCode::ServerError);
  CHECK(typed.error->message == default_message(ErrorCode::ServerError));

  // An empty error string is no error.
  DecodedResponse empty = decode_stream(
      message_start + event(R"({"type":"message-end","delta":{"finish_reason":"COMPLETE",
                                "error":""}})"));
  CHECK_FALSE(empty.error);
}

TEST_CASE("Cohere stream skips citations, debug and unknown events", "[cohere][stream]") {
  std::string bytes =
      message_start + text_delta("a") +
      event(R"({"type":"citation-start","index":0,"delta":{"message":{"citations":{
                "start":0,"end":1,"text":"a","sources":[]}}}})") +
      event(R"({"type":"citation-end","index":0})") + event(R"({"type":"debug","prompt":"x"})") +
      "event: brand-new\ndata: {\"type\":\"brand-new\",\"delta\":[1,2]}\n\n" +
      event(R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"b"},
                "future":true}},"logprobs":{"x":1}})") +
      message_end("COMPLETE");
  DecodedResponse result = decode_stream(bytes);
  CHECK_FALSE(result.error);
  CHECK(result.response.text == "ab");
}

TEST_CASE("Cohere stream turns hostile bytes into bad_response", "[cohere][stream][hostile]") {
  auto error_of = [](std::string_view bytes) {
    DecodedResponse result = decode_stream(bytes);
    REQUIRE(result.error);
    CHECK(result.error->code == ErrorCode::BadResponse);
    CHECK(result.error->origin == ErrorOrigin::Decoder);
    return result.error->message;
  };
  CHECK(error_of("data: {\"type\": \n\n").find("a chat stream event is not JSON: ") == 0);
  CHECK(error_of("data: [1]\n\n") == "a chat stream event is an array, not an object");
  CHECK(error_of("data: {\"delta\": {}}\n\n") == "a chat stream event has no type");
  CHECK(error_of("data: {\"type\": 7}\n\n") ==
        "the chat stream event's \"type\" is a number; expected a string");
  CHECK(error_of(message_start +
                 "data: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":"
                 "{\"content\":{\"text\":42}}}}\n\n") ==
        "the chat stream event's \"text\" is a number; expected a string");
  CHECK(error_of(message_start +
                 "data: {\"type\":\"content-delta\",\"index\":\"0\",\"delta\":{}}\n\n") ==
        "the chat stream event's \"index\" is a string; expected an integer");
  CHECK(error_of(message_start +
                 "data: {\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":"
                 "{\"tool_calls\":[{\"id\":\"x\"}]}}}\n\n") ==
        "the chat stream event's \"tool_calls\" is an array; expected an object");
  CHECK(
      error_of(message_start +
               "data: {\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{}}}\n\n") ==
      "tool-call-start without its tool call");
  CHECK(error_of(message_start + tool_call_delta(3, "{}")) ==
        "tool-call-delta for a call that was not started");
  CHECK(error_of(message_start + tool_call_end(3)) ==
        "tool-call-end for a call that was not started");
  CHECK(error_of(message_start + tool_call_start(0, "a", "f") + tool_call_start(0, "b", "g")) ==
        "tool call 0 started twice");
  CHECK(error_of(message_start + tool_call_start(0, "a", "f") + tool_call_end(0) +
                 tool_call_delta(0, "}")) == "tool-call-delta after tool-call-end");
  CHECK(error_of(message_start +
                 "data: {\"type\":\"message-end\",\"delta\":{\"error\":{\"m\":1}}}\n\n") ==
        "the chat stream event's \"error\" is an object; expected a string");
  CHECK(error_of("data: {\"type\":\"content-delta\",\"delta\":{\"message\":{\"content\":"
                 "{\"text\":\"\xC3\x28\"}}}}\n\n")
            .find("not valid UTF-8") != std::string::npos);
  CHECK(error_of("data: " + std::string(300, '[') + "\n\n") ==
        "a chat stream event is not JSON: JSON nested deeper than 256 levels");
  CHECK(error_of("") == "the stream ended before message-end");
}

// ---------------------------------------------------------------------------------------
// Whole responses and errors

TEST_CASE("Cohere whole response decodes thinking, the tool plan and tool calls",
          "[cohere][whole]") {
  DecodedResponse result = decode_whole(R"({"id":"r-9","finish_reason":"TOOL_CALL",
    "message":{"role":"assistant",
      "content":[{"type":"thinking","thinking":"Look it up."},{"type":"text","text":"Checking."}],
      "tool_plan":"I will call weather.",
      "tool_calls":[
        {"id":"weather_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}},
        {"id":"now_2","type":"function","function":{"name":"now","arguments":{}}}],
      "citations":[{"start":0,"end":1,"text":"C","sources":[]}]},
    "usage":{"billed_units":{"input_tokens":9,"output_tokens":8},
             "tokens":{"input_tokens":90,"output_tokens":8},"cached_tokens":64}})");
  REQUIRE_FALSE(result.error);
  const ChatResponse &response = result.response;
  CHECK(response.id == "r-9");
  CHECK(response.text == "Checking.");
  CHECK(response.reasoning == "Look it up.");
  CHECK(response.reasoning_blocks == std::vector<Reasoning>{{"Look it up.", "", ""}});
  CHECK(response.tool_plan == "I will call weather.");
  CHECK(response.tool_calls ==
        std::vector<ToolCall>{{"weather_1", "weather", "{\"city\":\"Rome\"}"},
                              {"now_2", "now", "{}"}});
  CHECK(response.finish_reason == FinishReason::ToolCalls);
  CHECK(response.finish_reason_raw == "TOOL_CALL");
  Usage usage = usage_of(90, 8, 9, 8);
  usage.cached_input_tokens = 64;
  CHECK(response.usage == usage);

  for (auto [raw, reason] :
       {std::pair{"COMPLETE", FinishReason::Stop}, std::pair{"STOP_SEQUENCE", FinishReason::Stop},
        std::pair{"MAX_TOKENS", FinishReason::Length}, std::pair{"ERROR", FinishReason::Other},
        std::pair{"TIMEOUT", FinishReason::Other}}) {
    DecodedResponse finished = decode_whole(
        json{{"message", {{"content", json::array()}}}, {"finish_reason", raw}}.dump());
    REQUIRE_FALSE(finished.error);
    CHECK(finished.response.finish_reason == reason);
  }
}

TEST_CASE("Cohere whole response turns hostile bodies into errors", "[cohere][whole][hostile]") {
  for (std::string_view body :
       {"", "null", "[]", "{}", "not json at all", "{\"message\": []}",
        "{\"message\": {\"content\": 5}}", "{\"message\": {\"content\": [\"text\"]}}",
        "{\"message\": {\"tool_calls\": {}}}", "{\"message\": {\"tool_calls\": [7]}}",
        "{\"message\": {\"tool_calls\": [{\"function\": {\"arguments\": 1}}]}}",
        "{\"id\": \"r\", \"message\": {\"content\": [{\"type\": \"text\", \"text\": \"x\"}]}, "
        "\"usage\": 3}"}) {
    INFO(body);
    DecodedResponse result = decode_whole(body);
    REQUIRE(result.error);
    CHECK(result.error->code == ErrorCode::BadResponse);
    CHECK(result.response == ChatResponse{});
  }
  CHECK(decode_whole("{}").error->message == "the chat response has no message");

  // Cohere's error body in a 200, as a gateway might send it.
  DecodedResponse in_200 = decode_whole(R"({"id":"e1","message":"upstream failed"})");
  REQUIRE(in_200.error);
  CHECK(in_200.error->code == ErrorCode::ServerError);
  CHECK(in_200.error->origin == ErrorOrigin::Provider);
  CHECK(in_200.error->message == "upstream failed");
  CHECK(in_200.error->request_id == "e1");
}

TEST_CASE("Cohere error bodies become provider errors with stable codes", "[cohere][errors]") {
  auto error_of = [](int status, std::string_view body, std::vector<Header> headers = {}) {
    HttpResponseHead head;
    head.status = status;
    head.headers = std::move(headers);
    DecodedResponse decoded = decode(Provider::Cohere, false, head, body);
    REQUIRE(decoded.error);
    CHECK(decoded.error->origin == ErrorOrigin::Provider);
    CHECK(decoded.error->http_status == status);
    CHECK(decoded.response == ChatResponse{});
    return *decoded.error;
  };
  Error invalid = error_of(
      400,
      R"({"id":"5d2a1c9e-0001","message":"invalid request: temperature must be between 0 and 1.0 inclusive."})");
  CHECK(invalid.code == ErrorCode::InvalidRequest);
  CHECK(invalid.message == "invalid request: temperature must be between 0 and 1.0 inclusive.");
  CHECK(invalid.request_id == "5d2a1c9e-0001");
  CHECK(invalid.provider_type.empty());

  CHECK(error_of(401, R"({"message":"invalid api token"})").code == ErrorCode::AuthFailed);
  CHECK(
      error_of(
          402,
          R"({"message":"Please add or update your payment method at https://dashboard.cohere.com/billing?tab=payment to continue"})")
          .code == ErrorCode::QuotaExceeded);
  CHECK(
      error_of(
          404,
          R"({"message":"model 'command-x' not found, make sure the correct model ID was used and that you have access to the model."})")
          .code == ErrorCode::NotFound);
  CHECK(error_of(422, R"({"message":"invalid request: messages must not be empty"})").code ==
        ErrorCode::InvalidRequest);

  Error limited = error_of(
      429, R"({"message":"You are using a Trial key, which is limited to 40 API calls / minute."})",
      {{"retry-after", "7"}});
  CHECK(limited.code == ErrorCode::RateLimited);
  CHECK(limited.retry_after_ms == 7000);

  Error too_long = error_of(
      400,
      R"({"message":"too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs."})");
  CHECK(too_long.code == ErrorCode::ContextLengthExceeded);
  CHECK(too_long.hint == "shorten the conversation or lower max_tokens");
  Error max_tokens = error_of(
      400,
      R"({"message":"too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192."})");
  CHECK(max_tokens.code == ErrorCode::InvalidRequest);
  CHECK(max_tokens.hint.empty());

  Error denied = error_of(498, R"({"message":"blocked input: please adjust your prompt"})");
  CHECK(denied.code == ErrorCode::ContentFiltered);
  CHECK_FALSE(denied.retry_after_ms);
  Error cancelled = error_of(499, R"({"message":"request cancelled"})", {{"retry-after", "1"}});
  CHECK(cancelled.code == ErrorCode::ServerError);
  CHECK(cancelled.retry_after_ms == 1000);
  Error no_message = error_of(498, "{}");
  CHECK(no_message.code == ErrorCode::ContentFiltered);
  CHECK(no_message.message == "{}");
  Error empty = error_of(499, "");
  CHECK(empty.message == default_message(ErrorCode::ServerError));

  CHECK(error_of(500, R"({"message":"internal server error"})").code == ErrorCode::ServerError);
  Error busy = error_of(503, R"({"message":"service unavailable"})", {{"retry-after", "2"}});
  CHECK(busy.code == ErrorCode::Overloaded);
  CHECK(busy.retry_after_ms == 2000);

  Error html = error_of(502, "<html>\n<body><h1>502   Bad Gateway</h1></body>\n</html>");
  CHECK(html.code == ErrorCode::ServerError);
  CHECK(html.message == "<html> <body><h1>502 Bad Gateway</h1></body> </html>");
  Error wrong_type = error_of(400, R"({"message":{"text":"nested"}})");
  CHECK(wrong_type.message == R"({"message":{"text":"nested"}})");
}
