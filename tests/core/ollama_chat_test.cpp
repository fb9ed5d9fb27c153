// The Ollama /api/chat adapter: requests, and decoding beyond what the fixtures cover.

#include "support/fixtures.hpp"
#include "support/requests.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace llmux;
using nlohmann::json;

namespace {

using testing::endpoint_for;

HttpRequest build(const ChatRequest &request, Endpoint endpoint = {}) {
  return testing::build(Provider::Ollama, request, std::move(endpoint));
}

ChatRequest hello() {
  return testing::hello("llama3.2");
}

// The error build_request gives for `request`; fails the test when it builds.
Error refusal(const ChatRequest &request) {
  auto http =
      make_adapter(Provider::Ollama)->build_request(request, endpoint_for(Provider::Ollama));
  if (http.ok())
    FAIL("build_request accepted the request: " << http.value().body);
  return std::move(http).error();
}

std::vector<StreamEvent> stream_events(std::string_view bytes) {
  auto decoder = make_adapter(Provider::Ollama)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(bytes, events);
  decoder->finish(events);
  return events;
}

DecodedResponse decode_stream(std::string_view bytes) {
  return decode(Provider::Ollama, true, HttpResponseHead{}, bytes);
}

DecodedResponse decode_whole(std::string_view bytes, int status = 200) {
  HttpResponseHead head;
  head.status = status;
  return decode(Provider::Ollama, false, head, bytes);
}

// One NDJSON line as Ollama streams it, around `message` (whose line breaks, there for
// reading, are dropped: a line break ends an NDJSON line).
std::string line(std::string_view message) {
  std::string text = R"({"model":"qwen3","created_at":"2025-08-20T13:48:24Z","message":)";
  for (char c : message)
    if (c != '\n')
      text += c;
  return text + R"(,"done":false})" + "\n";
}

const std::string done_line =
    R"({"model":"qwen3","created_at":"2025-08-20T13:48:25Z","message":{"role":"assistant","content":""},)"
    R"("done":true,"done_reason":"stop","total_duration":1000,"prompt_eval_count":12,"eval_count":7})"
    "\n";

Usage counts(std::int64_t input, std::int64_t output) {
  Usage usage;
  usage.input_tokens = input;
  usage.output_tokens = output;
  return usage;
}

StreamEvent generated(StreamEvent event) {
  event.generated_id = true;
  return event;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Requests

TEST_CASE("Ollama request for a plain chat, byte for byte", "[ollama][request]") {
  ChatRequest request = hello();
  request.system = "Be brief.";
  request.temperature = 0.2;
  request.top_p = 0.9;
  request.max_tokens = 64;
  request.stop = {"\n\n"};
  request.user = "user-42"; // Ollama has no field for it
  HttpRequest http = build(request);
  CHECK(http.method == "POST");
  CHECK(http.url == "http://localhost:11434/api/chat");
  CHECK_FALSE(http.stream);
  CHECK(http.header("content-type") == "application/json");
  CHECK(http.header("accept") == "application/json");
  CHECK_FALSE(http.header("authorization")); // local Ollama takes no key
  CHECK(http.body == R"({"model":"llama3.2","messages":[{"role":"system","content":"Be brief."},)"
                     R"({"role":"user","content":"Hi"}],"options":{"temperature":0.2,"top_p":0.9,)"
                     R"("num_predict":64,"stop":["\n\n"]},"stream":false})");
}

TEST_CASE("Ollama streaming request says so, and the cloud takes a bearer key",
          "[ollama][request]") {
  ChatRequest request = hello();
  request.stream = true;
  Endpoint endpoint;
  endpoint.base_url = "https://ollama.com/";
  endpoint.api_key = "ollama-key-123";
  endpoint.extra_headers = {{"x-trace", "t1"}};
  HttpRequest http = build(request, endpoint);
  CHECK(http.url == "https://ollama.com/api/chat");
  CHECK(http.stream);
  CHECK(http.header("authorization") == "Bearer ollama-key-123");
  CHECK(http.header("accept") == "application/x-ndjson");
  CHECK(http.header("x-trace") == "t1");
  CHECK(http.body ==
        R"({"model":"llama3.2","messages":[{"role":"user","content":"Hi"}],"stream":true})");
  CHECK(redacted_json(http).find("ollama-key-123") == std::string::npos);
}

TEST_CASE("Ollama request sends tools, replays tool calls and names the tool results",
          "[ollama][request][tools]") {
  ChatRequest request = hello();
  request.tools.push_back({"get_weather", "Weather now",
                           R"({"type":"object","properties":{"city":{"type":"string"}}})"});
  request.tools.push_back({"get_time", "", ""});
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_reasoning({"The user wants ", "", ""}));
  assistant.content.push_back(ContentPart::make_reasoning({"", "", "ENCRYPTED"}));
  assistant.content.push_back(ContentPart::make_reasoning({"the weather.", "sig", ""}));
  assistant.content.push_back(ContentPart::make_tool_plan("a Cohere plan"));
  assistant.content.push_back(ContentPart::make_text("Checking."));
  assistant.content.push_back(
      ContentPart::make_tool_call({"call_a", "get_weather", R"({"city": "Paris"})"}));
  assistant.content.push_back(ContentPart::make_tool_call({"call_b", "get_time", ""}));
  request.messages.push_back(assistant);
  request.messages.push_back(Message::tool("call_a", "18C"));
  Message named = Message::tool("some-other-id", "clock unavailable", true);
  named.content[0].tool_result.tool_name = "get_time";
  request.messages.push_back(named);
  request.messages.push_back(Message::user("And tomorrow?"));
  json body = json::parse(build(request).body);
  CHECK(body == json::parse(R"({
    "model": "llama3.2",
    "messages": [
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": "Checking.", "thinking": "The user wants the weather.",
       "tool_calls": [
         {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
         {"function": {"name": "get_time", "arguments": {}}}]},
      {"role": "tool", "content": "18C", "tool_name": "get_weather"},
      {"role": "tool", "content": "clock unavailable", "tool_name": "get_time"},
      {"role": "user", "content": "And tomorrow?"}],
    "tools": [
      {"type": "function", "function": {"name": "get_weather", "description": "Weather now",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
      {"type": "function", "function": {"name": "get_time",
        "parameters": {"type": "object", "properties": {}}}}],
    "stream": false})"));
}

TEST_CASE("Ollama request round-trips a decoded tool call into the next turn",
          "[ollama][request][tools]") {
  DecodedResponse first = decode_whole(
      R"({"model":"qwen3","message":{"role":"assistant","content":"","thinking":"Use the tool.",
          "tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},
          "done":true,"done_reason":"stop"})");
  REQUIRE_FALSE(first.error);
  REQUIRE(first.response.tool_calls.size() == 1);
  ChatRequest request = hello();
  request.tools.push_back({"get_weather", "", ""});
  request.messages.push_back(first.response.to_message());
  request.messages.push_back(Message::tool(first.response.tool_calls[0].id, "18C"));
  json body = json::parse(build(request).body);
  CHECK(body.at("messages") == json::parse(R"([
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "", "thinking": "Use the tool.",
     "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "18C", "tool_name": "get_weather"}])"));
}

TEST_CASE("Ollama request sends user images as bare base64", "[ollama][request][images]") {
  ChatRequest request = hello();
  request.messages[0].content.push_back(
      ContentPart::make_image_base64("image/png", "iVBORw0KGgo="));
  request.messages[0].content.push_back(
      ContentPart::make_image_url("data:image/jpeg;base64,/9j/4AAQ"));
  CHECK(json::parse(build(request).body).at("messages") == json::parse(R"([
    {"role": "user", "content": "Hi", "images": ["iVBORw0KGgo=", "/9j/4AAQ"]}])"));

  ChatRequest by_url = hello();
  by_url.messages[0].content.push_back(ContentPart::make_image_url("https://example.com/cat.png"));
  Error url = refusal(by_url);
  CHECK(url.code == ErrorCode::Unsupported);
  CHECK(url.origin == ErrorOrigin::Caller);
  CHECK(url.message == "Ollama takes images only inline as base64, not by URL; fetch the image "
                       "and pass its bytes (ContentPart::make_image_base64)");

  ChatRequest not_base64 = hello();
  not_base64.messages[0].content.push_back(ContentPart::make_image_url("data:text/plain,hello"));
  CHECK(refusal(not_base64).code == ErrorCode::InvalidArgument);

  ChatRequest assistant_image = hello();
  assistant_image.messages.push_back(Message::assistant("Here:"));
  assistant_image.messages.back().content.push_back(
      ContentPart::make_image_base64("image/png", "AAAA"));
  CHECK(refusal(assistant_image).message == "images are only allowed in user messages");
}

TEST_CASE("Ollama request asks for JSON with format", "[ollama][request][format]") {
  ChatRequest request = hello();
  request.response_format.type = ResponseFormat::Type::JsonObject;
  CHECK(build(request).body ==
        R"({"model":"llama3.2","messages":[{"role":"user","content":"Hi"}],"format":"json",)"
        R"("stream":false})");

  request.response_format.type = ResponseFormat::Type::JsonSchema;
  request.response_format.name = "city";
  request.response_format.schema =
      R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})";
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "model": "llama3.2", "messages": [{"role": "user", "content": "Hi"}],
    "format": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    "stream": false})"));

  request.response_format.schema = "[1]";
  Error bad = refusal(request);
  CHECK(bad.code == ErrorCode::InvalidArgument);
  CHECK(bad.message == "response_format schema must be a JSON Schema object");
}

TEST_CASE("Ollama request turns reasoning settings into think", "[ollama][request][reasoning]") {
  auto think_of = [](std::string effort, std::optional<std::int64_t> budget) {
    ChatRequest request = hello();
    request.reasoning_effort = std::move(effort);
    request.reasoning_budget_tokens = budget;
    return json::parse(build(request).body).value("think", json("absent"));
  };
  CHECK(think_of("", std::nullopt) == "absent");
  CHECK(think_of("low", std::nullopt) == "low");
  CHECK(think_of("medium", std::nullopt) == "medium");
  CHECK(think_of("high", 1024) == "high");
  CHECK(think_of("minimal", std::nullopt) == true);
  CHECK(think_of("none", std::nullopt) == false);
  CHECK(think_of("", 2048) == true);

  ChatRequest request = hello();
  request.reasoning_effort = "high";
  request.stream = true;
  CHECK(build(request).body ==
        R"({"model":"llama3.2","messages":[{"role":"user","content":"Hi"}],"think":"high",)"
        R"("stream":true})");
}

TEST_CASE("Ollama request merges extra_body last", "[ollama][request]") {
  ChatRequest request = hello();
  request.temperature = 0.5;
  request.extra_body = R"({"keep_alive": "10m", "options": {"num_ctx": 8192, "temperature": 0.5}})";
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "model": "llama3.2", "messages": [{"role": "user", "content": "Hi"}],
    "options": {"num_ctx": 8192, "temperature": 0.5}, "stream": false, "keep_alive": "10m"})"));
  request.extra_body = "[]";
  CHECK(refusal(request).message == "extra_body must be a JSON object");
}

TEST_CASE("Ollama request refuses what /api/chat cannot express", "[ollama][request][tools]") {
  ChatRequest with_tools = hello();
  with_tools.tools.push_back({"get_time", "", ""});

  ChatRequest required = with_tools;
  required.tool_choice = ToolChoice{ToolChoice::Mode::Required, ""};
  Error forced = refusal(required);
  CHECK(forced.code == ErrorCode::Unsupported);
  CHECK(forced.message == "Ollama cannot force a tool call: /api/chat has no tool_choice (leave "
                          "it unset or Auto, or None to send no tools)");
  ChatRequest named = with_tools;
  named.tool_choice = ToolChoice{ToolChoice::Mode::Named, "get_time"};
  CHECK(refusal(named).code == ErrorCode::Unsupported);
  ChatRequest no_tools = hello();
  no_tools.tool_choice = ToolChoice{ToolChoice::Mode::Required, ""};
  CHECK(refusal(no_tools).code == ErrorCode::InvalidArgument);

  ChatRequest sequential = with_tools;
  sequential.parallel_tool_calls = false;
  CHECK(refusal(sequential).code == ErrorCode::Unsupported);
  sequential.parallel_tool_calls = true;
  CHECK(json::parse(build(sequential).body).at("tools").size() == 1);

  // None is expressible: a model told of no tools calls none.
  ChatRequest none = with_tools;
  none.tool_choice = ToolChoice{ToolChoice::Mode::None, ""};
  none.parallel_tool_calls = false;
  CHECK_FALSE(json::parse(build(none).body).contains("tools"));

  ChatRequest orphan = hello();
  orphan.messages.push_back(Message::tool("call_unknown", "42"));
  Error nameless = refusal(orphan);
  CHECK(nameless.code == ErrorCode::InvalidArgument);
  CHECK(nameless.message ==
        "the result of tool call \"call_unknown\" names no tool and answers no earlier tool "
        "call; Ollama needs the tool's name (ToolResult::tool_name)");

  ChatRequest later_call = hello();
  later_call.messages.push_back(Message::tool("call_1", "42")); // the call comes after it
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_tool_call({"call_1", "f", "{}"}));
  later_call.messages.push_back(assistant);
  CHECK(refusal(later_call).code == ErrorCode::InvalidArgument);

  ChatRequest bad_arguments = hello();
  assistant.content[0].tool_call.arguments = "[1,2]";
  bad_arguments.messages.push_back(assistant);
  CHECK(refusal(bad_arguments).message ==
        "tool call \"call_1\" (f): arguments are not a JSON object");

  ChatRequest tool_text = hello();
  tool_text.messages.push_back(Message::tool("call_1", "42"));
  tool_text.messages.back().content.push_back(ContentPart::make_text("stray"));
  tool_text.messages.back().content[0].tool_result.tool_name = "f";
  CHECK(refusal(tool_text).message == "a tool message carries tool results only");

  ChatRequest no_model = hello();
  no_model.model.clear();
  CHECK(refusal(no_model).message == "the request names no model");

  ChatRequest unnamed_tool = hello();
  unnamed_tool.tools.push_back({"", "", ""});
  CHECK(refusal(unnamed_tool).message == "a tool has no name");
}

// ---------------------------------------------------------------------------------------
// Streams

TEST_CASE("Ollama stream starts, fills and ends each tool call at once",
          "[ollama][stream][tools]") {
  std::string bytes = line(R"({"role":"assistant","content":"","tool_calls":[
        {"id":"call_mo1wm122","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]})") +
                      line(R"({"role":"assistant","content":"","tool_calls":[
        {"function":{"name":"get_time","arguments":{}}},
        {"function":{"name":"roll","arguments":{}}}]})") +
                      done_line;
  std::vector<StreamEvent> expected = {
      StreamEvent::tool_call_start(0, "call_mo1wm122", "get_weather"),
      StreamEvent::tool_call_delta(0, R"({"city":"Paris"})"),
      StreamEvent::tool_call_end(0, "call_mo1wm122", "get_weather", R"({"city":"Paris"})"),
      generated(StreamEvent::tool_call_start(1, "call_1_65d4bef9", "get_time")),
      StreamEvent::tool_call_delta(1, "{}"),
      generated(StreamEvent::tool_call_end(1, "call_1_65d4bef9", "get_time", "{}")),
      generated(StreamEvent::tool_call_start(2, "call_2_0dbb8ba6", "roll")),
      StreamEvent::tool_call_delta(2, "{}"),
      generated(StreamEvent::tool_call_end(2, "call_2_0dbb8ba6", "roll", "{}")),
      StreamEvent::usage_report(counts(12, 7)),
      StreamEvent::finish(FinishReason::ToolCalls, "stop"),
  };
  CHECK(stream_events(bytes) == expected);

  DecodedResponse result = decode_stream(bytes);
  CHECK_FALSE(result.error);
  REQUIRE(result.response.tool_calls.size() == 3);
  CHECK(result.response.tool_calls[0] ==
        ToolCall{"call_mo1wm122", "get_weather", R"({"city":"Paris"})", "", false});
  CHECK(result.response.tool_calls[1] == ToolCall{"call_1_65d4bef9", "get_time", "{}", "", true});
  CHECK(json::parse(to_json(result)).at("tool_calls")[1] == json::parse(R"(
    {"id": null, "name": "get_time", "arguments": {}, "arguments_raw": "{}"})"));
}

TEST_CASE("Ollama stream gives thinking as reasoning, then text", "[ollama][stream][reasoning]") {
  std::string bytes = line(R"({"role":"assistant","content":"","thinking":"Count"})") +
                      line(R"({"role":"assistant","content":"","thinking":" up."})") +
                      line(R"({"role":"assistant","content":"1, 2"})") +
                      line(R"({"role":"assistant","content":"","thinking":""})") + done_line;
  std::vector<StreamEvent> expected = {
      StreamEvent::reasoning_delta(0, "Count"),
      StreamEvent::reasoning_delta(0, " up."),
      StreamEvent::text_delta("1, 2"),
      StreamEvent::usage_report(counts(12, 7)),
      StreamEvent::finish(FinishReason::Stop, "stop"),
  };
  CHECK(stream_events(bytes) == expected);
  DecodedResponse result = decode_stream(bytes);
  CHECK(result.response.reasoning_blocks == std::vector<Reasoning>{{"Count up.", "", ""}});
  CHECK(result.response.to_message().content.front().kind == ContentPart::Kind::Reasoning);
}

TEST_CASE("Ollama stream reports an error line as an in-stream provider error",
          "[ollama][stream][errors]") {
  std::string bytes =
      line(R"({"role":"assistant","content":"Hel"})") +
      R"({"error":"an error was encountered while running the model: unexpected EOF"})"
      "\n" +
      done_line;
  DecodedResponse result = decode_stream(bytes);
  CHECK(result.response.text == "Hel");
  REQUIRE(result.error);
  CHECK(result.error->code == ErrorCode::ServerError);
  CHECK(result.error->origin == ErrorOrigin::Provider);
  CHECK(result.error->http_status == 200);
  CHECK(result.error->in_stream);
  CHECK(result.error->message ==
        "an error was encountered while running the model: unexpected EOF");
  CHECK(result.response.finish_reason == FinishReason::None); // the done line came too late
}

TEST_CASE("Ollama stream cut before its done line is a bad_response with the output so far",
          "[ollama][stream][hostile]") {
  std::string start = line(R"({"role":"assistant","content":"Hel"})") +
                      line(R"({"role":"assistant","content":"lo"})");
  DecodedResponse cut = decode_stream(start);
  REQUIRE(cut.error);
  CHECK(cut.error->code == ErrorCode::BadResponse);
  CHECK(cut.error->origin == ErrorOrigin::Decoder);
  CHECK(cut.error->message == "the stream ended before done");
  CHECK(cut.response.text == "Hello");

  // The done line needs no final LF; cut anywhere else, the stream is incomplete.
  std::string bytes = start + done_line;
  DecodedResponse whole = decode_stream(bytes);
  REQUIRE_FALSE(whole.error);
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    INFO("cut at " << at);
    DecodedResponse part = decode_stream(std::string_view(bytes).substr(0, at));
    if (at >= bytes.size() - 1) {
      CHECK(part == whole);
    } else {
      REQUIRE(part.error);
      CHECK(part.error->code == ErrorCode::BadResponse);
      CHECK(std::string("Hello").rfind(part.response.text, 0) == 0);
    }
  }
}

TEST_CASE("Ollama stream skips blank lines and reads CRLF line ends", "[ollama][stream]") {
  std::string plain = line(R"({"role":"assistant","content":"a"})") +
                      line(R"({"role":"assistant","content":"b"})") + done_line;
  std::string padded = "\n\r\n" + line(R"({"role":"assistant","content":"a"})") + "  \n\n" +
                       line(R"({"role":"assistant","content":"b"})") + "\t\r\n" + done_line + "\n";
  std::string crlf;
  for (char c : plain) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  std::vector<StreamEvent> expected = {
      StreamEvent::text_delta("a"),
      StreamEvent::text_delta("b"),
      StreamEvent::usage_report(counts(12, 7)),
      StreamEvent::finish(FinishReason::Stop, "stop"),
  };
  CHECK(stream_events(plain) == expected);
  CHECK(stream_events(padded) == expected);
  CHECK(stream_events(crlf) == expected);
}

TEST_CASE("Ollama stream ignores what follows the done line", "[ollama][stream]") {
  std::string bytes = line(R"({"role":"assistant","content":"a"})") + done_line +
                      line(R"({"role":"assistant","content":"late"})") + "not json\n";
  DecodedResponse result = decode_stream(bytes);
  CHECK_FALSE(result.error);
  CHECK(result.response.text == "a");
}

TEST_CASE("Ollama streams under application/json decode as streams", "[ollama][stream][whole]") {
  // Ollama's cloud sends NDJSON as application/json; a streamed request gets a stream.
  HttpResponseHead head;
  head.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  CHECK(make_adapter(Provider::Ollama)->is_stream(head));
  std::string bytes = line(R"({"role":"assistant","content":"one"})") + done_line;
  DecodedResponse result = decode(Provider::Ollama, true, head, bytes);
  CHECK_FALSE(result.error);
  CHECK(result.response.text == "one");
  CHECK(result.response.usage == counts(12, 7));

  // A whole response is a stream of one done line: both ways decode alike.
  std::string single =
      R"({"model":"qwen3","message":{"role":"assistant","content":"whole","thinking":"hm"},)"
      R"("done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":50})";
  DecodedResponse streamed = decode(Provider::Ollama, true, head, single);
  DecodedResponse whole = decode(Provider::Ollama, false, head, single);
  CHECK_FALSE(streamed.error);
  CHECK(streamed.response.text == "whole");
  CHECK(streamed.response.finish_reason == FinishReason::Length);
  CHECK(whole.response.finish_reason == FinishReason::Length);
  whole.response.model.clear(); // stream events carry no model
  CHECK(streamed == whole);

  head.status = 404;
  CHECK_FALSE(make_adapter(Provider::Ollama)->is_stream(head));
}

TEST_CASE("Ollama stream turns hostile bytes into bad_response", "[ollama][stream][hostile]") {
  auto error_of = [](std::string_view bytes) {
    DecodedResponse result = decode_stream(bytes);
    REQUIRE(result.error);
    CHECK(result.error->code == ErrorCode::BadResponse);
    CHECK(result.error->origin == ErrorOrigin::Decoder);
    return result.error->message;
  };
  CHECK(error_of("{\"message\": {\n").find("a chat stream line is not JSON: ") == 0);
  CHECK(error_of("data: {}\n").find("a chat stream line is not JSON: ") == 0);
  CHECK(error_of("[1]\n") == "a chat stream line is an array, not an object");
  CHECK(error_of(line(R"({"content":42})")) ==
        "the chat stream line's \"content\" is a number; expected a string");
  CHECK(error_of(line(R"({"content":"","thinking":["a"]})")) ==
        "the chat stream line's \"thinking\" is an array; expected a string");
  CHECK(error_of(line(R"("text")")) ==
        "the chat stream line's \"message\" is a string; expected an object");
  CHECK(error_of(line(R"({"tool_calls":{"function":{}}})")) ==
        "the chat stream line's \"tool_calls\" is an object; expected an array");
  CHECK(error_of(line(R"({"tool_calls":[7]})")) ==
        "the chat stream line's \"tool_calls[]\" is a number; expected an object");
  CHECK(error_of(line(R"({"tool_calls":[{"function":{"name":"f","arguments":"{\"a\":1}"}}]})")) ==
        "the chat stream line's \"arguments\" is a string; expected an object");
  CHECK(
      error_of(line(R"({"tool_calls":[{"function":{"name":"f","index":"0","arguments":{}}}]})")) ==
      "the chat stream line's \"index\" is a string; expected an integer");
  CHECK(error_of(line(R"({"tool_calls":[{"function":{"arguments":{}}}]})")) ==
        "a tool call in the chat stream line has no function name");
  CHECK(error_of("{\"message\":{\"content\":\"\"},\"done\":\"true\"}\n") ==
        "the chat stream line's \"done\" is a string; expected a boolean");
  CHECK(error_of("{\"error\":404}\n") ==
        "the chat stream line's \"error\" is a number; expected a string or an object");
  CHECK(error_of(line("{\"content\":\"\xC3\x28\"}")).find("not valid UTF-8") != std::string::npos);
  CHECK(error_of(std::string(300, '[') + "\n") ==
        "a chat stream line is not JSON: JSON nested deeper than 256 levels");
  CHECK(error_of(std::string(1 << 20, 'x') + "\n").find("a chat stream line is not JSON") == 0);
  std::string endless = R"({"message":{"content":")";
  endless.append(std::size_t{17} << 20, 'a'); // past the 16 MiB bound on one line
  CHECK(error_of(endless).find("longer than") != std::string::npos);
  CHECK(error_of("") == "the stream ended before done");

  // A broken line adds nothing but its error, and nothing follows the error.
  std::vector<StreamEvent> events =
      stream_events(line(R"({"content":"ok"})") +
                    "{\"message\":{\"content\":\"lost\"},\"done\":\"no\"}\n" + done_line);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == StreamEvent::text_delta("ok"));
  CHECK(events[1].type == StreamEventType::Error);
}

TEST_CASE("Ollama stream decodes a 1 MB content line", "[ollama][stream][hostile]") {
  std::string text(1 << 20, 'z');
  DecodedResponse result =
      decode_stream(line(json{{"role", "assistant"}, {"content", text}}.dump()) + done_line);
  CHECK_FALSE(result.error);
  CHECK(result.response.text == text);
}

// ---------------------------------------------------------------------------------------
// Whole responses and errors

TEST_CASE("Ollama whole response decodes text, thinking, tool calls and usage", "[ollama][whole]") {
  DecodedResponse result = decode_whole(
      R"({"model":"gpt-oss:120b","created_at":"2026-03-03T23:44:44Z","message":{"role":"assistant",
          "content":"","thinking":"Use getWeather.","tool_calls":[
            {"function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}},
            {"id":"call_x","function":{"index":1,"name":"get_time","arguments":{}}}]},
          "done":true,"done_reason":"stop","total_duration":603200867,
          "prompt_eval_count":145,"eval_count":44})");
  REQUIRE_FALSE(result.error);
  CHECK(result.response.model == "gpt-oss:120b");
  CHECK(result.response.id.empty());
  CHECK(result.response.reasoning == "Use getWeather.");
  CHECK(result.response.tool_calls ==
        std::vector<ToolCall>{{"call_0_1b895472", "get_weather", R"({"city":"Paris"})", "", true},
                              {"call_x", "get_time", "{}", "", false}});
  CHECK(result.response.finish_reason == FinishReason::ToolCalls);
  CHECK(result.response.finish_reason_raw == "stop");
  CHECK(result.response.usage == counts(145, 44));

  // Decoding twice gives the same made-up id.
  CHECK(decode_whole(R"({"message":{"content":"","tool_calls":[{"function":{"name":"get_weather",
          "arguments":{"city":"Paris"}}}]},"done":true})")
            .response.tool_calls[0]
            .id == "call_0_1b895472");

  auto finish_of = [](std::string_view reason) {
    return decode_whole(R"({"message":{"content":"x"},"done":true,"done_reason":")" +
                        std::string(reason) + "\"}")
        .response.finish_reason;
  };
  CHECK(finish_of("stop") == FinishReason::Stop);
  CHECK(finish_of("length") == FinishReason::Length);
  CHECK(finish_of("load") == FinishReason::Other);
  DecodedResponse bare = decode_whole(R"({"message":{"content":"x"},"done":true})");
  CHECK(bare.response.finish_reason == FinishReason::None);
  CHECK(bare.response.usage.empty());
}

TEST_CASE("Ollama whole response turns hostile bodies into errors", "[ollama][whole][hostile]") {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", "the chat response is not JSON: "},
      {"[]", "the chat response is an array, not an object"},
      {R"({"done":true})", "the chat response has no message"},
      {R"({"message":{"content":"half"},"done":false})",
       "the chat response is not done (\"done\": false)"},
      {R"({"message":{"content":7},"done":true})",
       "the chat response's \"content\" is a number; expected a string"},
      {R"({"model":"m","message":{"content":"x","tool_calls":[{"function":{"name":""}}]}})",
       "a tool call in the chat response has no function name"},
      {"{\"message\":{\"content\":\"\xFF\"}}", "the chat response is not JSON: "},
      {"{\"message\":{\"content\":\"a\"},\"done\":true}\n{\"done\":true}\n",
       "the chat response is not JSON: "},
  };
  for (const auto &[body, message] : cases) {
    INFO(body);
    DecodedResponse result = decode_whole(body);
    REQUIRE(result.error);
    CHECK(result.error->code == ErrorCode::BadResponse);
    CHECK(result.error->message.substr(0, message.size()) == message);
    CHECK(result.response == ChatResponse{});
  }
}

TEST_CASE("Ollama error bodies become provider errors with the provider's message",
          "[ollama][errors]") {
  auto error_of = [](int status, std::string_view body, std::vector<Header> headers = {}) {
    HttpResponseHead head;
    head.status = status;
    head.headers = std::move(headers);
    head.received_at_ms = 1000;
    DecodedResponse decoded = decode(Provider::Ollama, true, head, body);
    REQUIRE(decoded.error);
    CHECK(decoded.response == ChatResponse{});
    CHECK(*decoded.error == make_adapter(Provider::Ollama)->decode_error(head, body));
    return *decoded.error;
  };
  Error tools =
      error_of(400, testing::read_fixture("ollama/error-400-model-does-not-support-tools.json"));
  CHECK(tools.code == ErrorCode::InvalidRequest);
  CHECK(tools.origin == ErrorOrigin::Provider);
  CHECK(tools.http_status == 400);
  CHECK(tools.message == "registry.ollama.ai/library/gemma3:1b does not support tools");
  CHECK(tools.provider_type.empty());

  Error missing = error_of(404, R"({"error":"model \"llama9\" not found, try pulling it first"})");
  CHECK(missing.code == ErrorCode::NotFound);
  CHECK(missing.message == "model \"llama9\" not found, try pulling it first");

  Error plain = error_of(404, "404 page not found");
  CHECK(plain.code == ErrorCode::NotFound);
  CHECK(plain.message == "404 page not found");

  Error busy = error_of(
      503, R"({"error":"server busy, please try again.  maximum pending requests exceeded"})",
      {{"retry-after", "2"}});
  CHECK(busy.code == ErrorCode::Overloaded);
  CHECK(busy.retry_after_ms == 2000);

  Error cloud = error_of(401, R"({"error":{"message":"unauthorized","type":"auth","code":401}})");
  CHECK(cloud.code == ErrorCode::AuthFailed);
  CHECK(cloud.message == "unauthorized");
  CHECK(cloud.provider_type == "auth");
  CHECK(cloud.provider_code == "401");

  Error empty = error_of(500, "");
  CHECK(empty.code == ErrorCode::ServerError);
  CHECK(empty.message == default_message(ErrorCode::ServerError));

  Error odd = error_of(400, R"({"error": 12})");
  CHECK(odd.code == ErrorCode::InvalidRequest);
  CHECK(odd.message == R"({"error": 12})");

  // A 200 whose whole body is an error.
  DecodedResponse in_200 = decode_whole(R"({"error":"unexpected server status: 1"})");
  REQUIRE(in_200.error);
  CHECK(in_200.error->code == ErrorCode::ServerError);
  CHECK(in_200.error->http_status == 200);
  CHECK_FALSE(in_200.error->in_stream);
  CHECK(in_200.error->message == "unexpected server status: 1");
}
