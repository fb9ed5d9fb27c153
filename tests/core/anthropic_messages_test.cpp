// The Anthropic Messages adapter: requests, and decoding beyond what the fixtures cover.

#include "support/requests.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace llmux;
using nlohmann::json;

namespace {

using testing::endpoint_for;

HttpRequest build(const ChatRequest &request, Endpoint endpoint = {}) {
  return testing::build(Provider::Anthropic, request, std::move(endpoint));
}

ChatRequest hello() {
  return testing::hello("claude-sonnet-4-5");
}

std::string event(const json &data) {
  return "event: " + data.at("type").get<std::string>() + "\ndata: " + data.dump() + "\n\n";
}

const std::string message_start =
    event(json::parse(R"({"type":"message_start","message":{"id":"msg_1","type":"message",
      "role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,
      "usage":{"input_tokens":10,"output_tokens":1,"cache_read_input_tokens":4,
               "cache_creation_input_tokens":2}}})"));
const std::string message_end =
    event(json::parse(R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},
                          "usage":{"output_tokens":30}})")) +
    event(json{{"type", "message_stop"}});

DecodedResponse decode_stream(std::string_view bytes) {
  return decode(Provider::Anthropic, true, HttpResponseHead{}, bytes);
}

} // namespace

TEST_CASE("Anthropic request puts the system prompt outside and sends its headers",
          "[anthropic][request]") {
  ChatRequest request = hello();
  request.system = "Be brief.";
  request.messages.insert(request.messages.begin(), Message::system("Answer in French."));
  request.temperature = 0.2;
  request.stop = {"\n\nHuman:"};
  request.user = "user-42";
  Endpoint endpoint;
  endpoint.api_key = "sk-ant-test";
  HttpRequest http = build(request, endpoint);
  CHECK(http.url == "https://api.anthropic.com/v1/messages");
  CHECK(http.header("x-api-key") == "sk-ant-test");
  CHECK(http.header("anthropic-version") == "2023-06-01");
  CHECK_FALSE(http.header("authorization"));
  CHECK(json::parse(http.body) == json::parse(R"({
    "model": "claude-sonnet-4-5", "max_tokens": 4096,
    "system": [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Answer in French."}],
    "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
    "temperature": 0.2, "stop_sequences": ["\n\nHuman:"], "metadata": {"user_id": "user-42"}})"));
}

TEST_CASE("Anthropic base URLs work with and without the version segment", "[anthropic][request]") {
  Endpoint endpoint;
  for (std::string base : {"http://127.0.0.1:9000", "http://127.0.0.1:9000/",
                           "http://127.0.0.1:9000/v1", "http://127.0.0.1:9000/v1/"}) {
    endpoint.base_url = base;
    CHECK(build(hello(), endpoint).url == "http://127.0.0.1:9000/v1/messages");
  }
  endpoint.api_version = "2024-01-01";
  CHECK(build(hello(), endpoint).header("anthropic-version") == "2024-01-01");
}

TEST_CASE("Anthropic request merges parallel tool results into one user turn",
          "[anthropic][request][tools]") {
  // Results of parallel calls must all sit in the user turn right after the calls; sending
  // them as separate turns gets "unexpected `tool_use_id` found in `tool_result` blocks".
  ChatRequest request = hello();
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_reasoning({"Let me look.", "sig-1", ""}));
  assistant.content.push_back(ContentPart::make_reasoning({"", "", "ENCRYPTED"}));
  assistant.content.push_back(ContentPart::make_reasoning({"unsigned, from elsewhere", "", ""}));
  assistant.content.push_back(ContentPart::make_text("Checking both."));
  assistant.content.push_back(
      ContentPart::make_tool_call({"toolu_1", "weather", R"({"city":"Paris"})"}));
  assistant.content.push_back(ContentPart::make_tool_call({"toolu_2", "time", ""}));
  request.messages.push_back(assistant);
  request.messages.push_back(Message::tool("toolu_1", "18C"));
  request.messages.push_back(Message::tool("toolu_2", "clock unavailable", true));
  request.messages.push_back(Message::user("And tomorrow?"));
  json body = json::parse(build(request).body);
  CHECK(body.at("messages") == json::parse(R"([
    {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
    {"role": "assistant", "content": [
      {"type": "thinking", "thinking": "Let me look.", "signature": "sig-1"},
      {"type": "redacted_thinking", "data": "ENCRYPTED"},
      {"type": "text", "text": "Checking both."},
      {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}},
      {"type": "tool_use", "id": "toolu_2", "name": "time", "input": {}}]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"},
      {"type": "tool_result", "tool_use_id": "toolu_2", "content": "clock unavailable", "is_error": true},
      {"type": "text", "text": "And tomorrow?"}]}])"));
}

TEST_CASE("Anthropic request maps tools, tool choice, thinking and images",
          "[anthropic][request][tools]") {
  ChatRequest request = hello();
  request.messages[0].content.push_back(ContentPart::make_image_base64("image/jpeg", "/9j/4AAQ"));
  request.messages[0].content.push_back(ContentPart::make_image_url("https://example.com/a.png"));
  request.messages[0].content.push_back(ContentPart::make_text(""));
  request.tools.push_back(
      {"weather", "Weather now", R"({"type":"object","properties":{"city":{"type":"string"}}})"});
  request.tool_choice = ToolChoice{ToolChoice::Mode::Required, ""};
  request.parallel_tool_calls = false;
  request.reasoning_budget_tokens = 2048;
  json body = json::parse(build(request).body);
  CHECK(body.at("messages")[0].at("content") == json::parse(R"([
    {"type": "text", "text": "Hi"},
    {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}},
    {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}])"));
  CHECK(body.at("tools") == json::parse(R"([{"name": "weather", "description": "Weather now",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}])"));
  CHECK(body.at("tool_choice") ==
        json::parse(R"({"type": "any", "disable_parallel_tool_use": true})"));
  CHECK(body.at("thinking") == json::parse(R"({"type": "enabled", "budget_tokens": 2048})"));
  CHECK(body.at("max_tokens") == 2048 + 4096);

  request.tool_choice = ToolChoice{ToolChoice::Mode::Named, "weather"};
  request.parallel_tool_calls.reset();
  CHECK(json::parse(build(request).body).at("tool_choice") ==
        json::parse(R"({"type": "tool", "name": "weather"})"));
  request.tool_choice = ToolChoice{ToolChoice::Mode::None, ""};
  CHECK(json::parse(build(request).body).at("tool_choice") == json{{"type", "none"}});
  request.max_tokens = 500;
  CHECK(json::parse(build(request).body).at("max_tokens") == 500);
}

TEST_CASE("Anthropic request refuses what Messages cannot do", "[anthropic][request]") {
  auto adapter = make_adapter(Provider::Anthropic);
  ChatRequest json_mode = hello();
  json_mode.response_format.type = ResponseFormat::Type::JsonObject;
  auto refused = adapter->build_request(json_mode, endpoint_for(Provider::Anthropic));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::Unsupported);

  ChatRequest bad_arguments = hello();
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_tool_call({"t", "f", "[1,2]"}));
  bad_arguments.messages.push_back(assistant);
  auto invalid = adapter->build_request(bad_arguments, endpoint_for(Provider::Anthropic));
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("Anthropic stream ends a tool call at content_block_stop only",
          "[anthropic][stream][tools]") {
  std::string start = message_start + event(json::parse(R"({"type":"content_block_start","index":0,
                        "content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}})")) +
                      event(json::parse(R"({"type":"content_block_delta","index":0,
                        "delta":{"type":"input_json_delta","partial_json":"{\"a\": 1}"}})"));
  auto decoder = make_adapter(Provider::Anthropic)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(start, events);
  for (const StreamEvent &e : events)
    CHECK(e.type != StreamEventType::ToolCallEnd); // "{\"a\": 1}" parses, yet the block is open
  decoder->feed(event(json::parse(R"({"type":"content_block_stop","index":0})")) + message_end,
                events);
  decoder->finish(events);
  Usage first;
  first.input_tokens = 10;
  first.output_tokens = 1;
  first.cached_input_tokens = 4;
  first.cache_write_input_tokens = 2;
  Usage last;
  last.output_tokens = 30;
  std::vector<StreamEvent> expected = {
      StreamEvent::usage_report(first),
      StreamEvent::tool_call_start(0, "toolu_1", "f"),
      StreamEvent::tool_call_delta(0, "{\"a\": 1}"),
      StreamEvent::tool_call_end(0, "toolu_1", "f", "{\"a\": 1}"),
      StreamEvent::usage_report(last),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_use"),
  };
  CHECK(events == expected);
}

TEST_CASE("Anthropic stream keeps thinking blocks with their signatures for the next turn",
          "[anthropic][stream][reasoning]") {
  std::string bytes =
      message_start +
      event(json::parse(
          R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})")) +
      event(json::parse(
          R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Step 1."}})")) +
      event(json::parse(
          R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"SIG"}})")) +
      event(json::parse(R"({"type":"content_block_stop","index":0})")) +
      event(json::parse(
          R"({"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"ENC"}})")) +
      event(json::parse(R"({"type":"content_block_stop","index":1})")) +
      event(json::parse(
          R"({"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}})")) +
      event(json::parse(
          R"({"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Done."}})")) +
      event(json::parse(R"({"type":"content_block_stop","index":2})")) + message_end;
  DecodedResponse result = decode_stream(bytes);
  CHECK_FALSE(result.error);
  CHECK(result.response.reasoning == "Step 1.");
  CHECK(result.response.text == "Done.");
  REQUIRE(result.response.reasoning_blocks.size() == 2);
  CHECK(result.response.reasoning_blocks[0] == Reasoning{"Step 1.", "SIG", ""});
  CHECK(result.response.reasoning_blocks[1] == Reasoning{"", "", "ENC"});
  Message next = result.response.to_message();
  REQUIRE(next.content.size() == 3);
  CHECK(next.content[0].kind == ContentPart::Kind::Reasoning);
  CHECK(next.content[2].text == "Done.");
}

TEST_CASE("Anthropic stream skips pings and unknown events but not broken ones",
          "[anthropic][stream][hostile]") {
  std::string ok =
      message_start + event(json{{"type", "ping"}}) +
      "event: brand_new_event\ndata: {\"type\":\"brand_new_event\",\"x\":1}\n\n" +
      event(json::parse(
          R"({"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"s","name":"web_search","input":{}}})")) +
      event(json::parse(
          R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}})")) +
      event(json::parse(
          R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}})")) +
      event(json::parse(R"({"type":"content_block_stop","index":0})")) + message_end;
  DecodedResponse result = decode_stream(ok);
  CHECK_FALSE(result.error);
  CHECK(result.response.tool_calls.empty()); // the server's own tool is not the caller's

  auto error_of = [](std::string_view bytes) {
    DecodedResponse broken = decode_stream(bytes);
    REQUIRE(broken.error);
    CHECK(broken.error->code == ErrorCode::BadResponse);
    return broken.error->message;
  };
  CHECK(error_of(message_start + "event: content_block_delta\ndata: "
                                 "{\"type\":\"content_block_delta\",\"index\":5,\"delta\":{"
                                 "\"type\":\"text_delta\",\"text\":\"x\"}}\n\n") ==
        "content_block_delta for a block that was not started");
  CHECK(error_of(
            message_start +
            "data: {\"type\":\"content_block_start\",\"index\":\"0\",\"content_block\":{}}\n\n") ==
        "the message stream event's \"index\" is a string; expected an integer");
  CHECK(error_of("data: {\"no_type\": true}\n\n") == "a message stream event has no type");
  CHECK(error_of("data: [1]\n\n") == "a message stream event is an array, not an object");
  CHECK(error_of(message_start) == "the stream ended before message_stop");
  // A count that is no count is unknown, with a warning (usage_sanitizing_test.cpp): the
  // stream fails only for being cut short.
  CHECK(error_of(
            "event: message_start\ndata: "
            "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":-1.5}}}\n\n") ==
        "the stream ended before message_stop");
}

TEST_CASE("Anthropic stream truncated at any byte is complete or a bad_response",
          "[anthropic][stream][hostile]") {
  std::string bytes =
      message_start +
      event(json::parse(
          R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})")) +
      event(json::parse(
          R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello there"}})")) +
      event(json::parse(R"({"type":"content_block_stop","index":0})")) + message_end;
  DecodedResponse whole = decode_stream(bytes);
  REQUIRE_FALSE(whole.error);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    DecodedResponse part = decode_stream(std::string_view(bytes).substr(0, cut));
    INFO("cut at " << cut);
    if (part.error) {
      CHECK(part.error->code == ErrorCode::BadResponse);
      CHECK(whole.response.text.rfind(part.response.text, 0) == 0);
    } else {
      CHECK(part == whole); // only the last bytes of message_stop can be missing
    }
  }
}

TEST_CASE("Anthropic whole responses and error bodies decode", "[anthropic][whole]") {
  HttpResponseHead ok;
  DecodedResponse result = decode(Provider::Anthropic, false, ok, R"({"id":"msg_1","type":"message",
    "role":"assistant","model":"claude-x","content":[
      {"type":"thinking","thinking":"hm","signature":"S"},
      {"type":"text","text":"Use the tool."},
      {"type":"tool_use","id":"toolu_9","name":"f","input":{"b":[1,2]}}],
    "stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":7}})");
  CHECK_FALSE(result.error);
  CHECK(result.response.model == "claude-x");
  CHECK(result.response.reasoning_blocks == std::vector<Reasoning>{{"hm", "S", ""}});
  CHECK(result.response.tool_calls == std::vector<ToolCall>{{"toolu_9", "f", "{\"b\":[1,2]}"}});
  CHECK(result.response.finish_reason == FinishReason::ToolCalls);

  // Found by the anthropic_response fuzzer: a failed decode kept the id and model it read.
  DecodedResponse no_content =
      decode(Provider::Anthropic, false, ok, R"({"type":"message","id":"m","model":"c"})");
  REQUIRE(no_content.error);
  CHECK(no_content.response == ChatResponse{});

  HttpResponseHead overloaded;
  overloaded.status = 529;
  overloaded.headers = {{"retry-after", "3"}, {"request-id", "req_h"}};
  DecodedResponse busy =
      decode(Provider::Anthropic, true, overloaded,
             R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  REQUIRE(busy.error);
  CHECK(busy.error->code == ErrorCode::Overloaded);
  CHECK(busy.error->retry_after_ms == 3000);
  CHECK(busy.error->request_id == "req_h");

  HttpResponseHead gateway;
  gateway.status = 504;
  DecodedResponse timeout = decode(Provider::Anthropic, false, gateway, "upstream request timeout");
  REQUIRE(timeout.error);
  CHECK(timeout.error->code == ErrorCode::ServerError);
  CHECK(timeout.error->message == "upstream request timeout");

  HttpResponseHead too_long;
  too_long.status = 400;
  DecodedResponse context = decode(
      Provider::Anthropic, false, too_long,
      R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})");
  REQUIRE(context.error);
  CHECK(context.error->code == ErrorCode::ContextLengthExceeded);
  CHECK_FALSE(context.error->hint.empty());
}
