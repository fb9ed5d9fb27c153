// The Gemini adapter: requests, and decoding beyond what the fixtures cover.

#include "support/requests.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace llmux;
using nlohmann::json;

namespace {

using testing::endpoint_for;

HttpRequest build(const ChatRequest &request, Endpoint endpoint = {}) {
  return testing::build(Provider::Gemini, request, std::move(endpoint));
}

ChatRequest hello() {
  return testing::hello("gemini-2.5-flash");
}

Error refused(const ChatRequest &request) {
  auto http =
      make_adapter(Provider::Gemini)->build_request(request, endpoint_for(Provider::Gemini));
  REQUIRE_FALSE(http.ok());
  CHECK(http.error().origin == ErrorOrigin::Caller);
  return http.error();
}

// One SSE event as Gemini frames it: CRLF line ends.
std::string chunk(std::string_view data) {
  return "data: " + json::parse(data).dump() + "\r\n\r\n";
}

std::vector<StreamEvent> stream_events(std::string_view bytes) {
  auto decoder = make_adapter(Provider::Gemini)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(bytes, events);
  decoder->finish(events);
  return events;
}

DecodedResponse decode_stream(std::string_view bytes) {
  return decode(Provider::Gemini, true, HttpResponseHead{}, bytes);
}

DecodedResponse decode_whole(std::string_view bytes, int status = 200,
                             std::vector<Header> headers = {}) {
  HttpResponseHead head;
  head.status = status;
  head.headers = std::move(headers);
  return decode(Provider::Gemini, false, head, bytes);
}

StreamEvent with_generated_id(StreamEvent event) {
  event.generated_id = true;
  return event;
}

StreamEvent with_signature(StreamEvent event, std::string signature) {
  event.signature = std::move(signature);
  return event;
}

ToolCall call(std::string id, std::string name, std::string arguments, std::string signature = {},
              bool generated_id = false) {
  return {std::move(id), std::move(name), std::move(arguments), std::move(signature), generated_id};
}

const std::string finish_chunk =
    chunk(R"({"candidates":[{"content":{"role":"model","parts":[{"text":""}]},
              "finishReason":"STOP","index":0}],
              "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"totalTokenCount":15}})");

} // namespace

// ---------------------------------------------------------------------------------------
// Requests

TEST_CASE("Gemini request carries contents, generation config and the API key header",
          "[gemini][request]") {
  ChatRequest request = hello();
  request.temperature = 0.5;
  request.top_p = 0.9;
  request.max_tokens = 256;
  request.stop = {"END", "STOP"};
  request.user = "user-42"; // Gemini has no field for it
  Endpoint endpoint;
  endpoint.api_key = "AIza-test";
  HttpRequest http = build(request, endpoint);
  CHECK(http.method == "POST");
  CHECK(http.url ==
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
  CHECK(http.header("x-goog-api-key") == "AIza-test");
  CHECK_FALSE(http.header("authorization"));
  CHECK(http.header("content-type") == "application/json");
  CHECK(http.header("accept") == "application/json");
  CHECK_FALSE(http.stream);
  CHECK(json::parse(http.body) == json::parse(R"({
    "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
    "generationConfig": {"temperature": 0.5, "topP": 0.9, "maxOutputTokens": 256,
                         "stopSequences": ["END", "STOP"]}})"));
  CHECK(redacted_json(http).find("AIza-test") == std::string::npos);
}

TEST_CASE("Gemini URLs take models with or without the models/ prefix, versions and bases",
          "[gemini][request]") {
  ChatRequest request = hello();
  request.stream = true;
  HttpRequest http = build(request);
  CHECK(http.url == "https://generativelanguage.googleapis.com/v1beta/models/"
                    "gemini-2.5-flash:streamGenerateContent?alt=sse");
  CHECK(http.stream);
  CHECK(http.header("accept") == "text/event-stream");
  CHECK(json::parse(http.body) ==
        json::parse(R"({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]})"));

  request.stream = false;
  request.model = "models/gemini-2.0-flash";
  CHECK(build(request).url ==
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent");
  request.model = "tunedModels/my-model-7";
  CHECK(build(request).url ==
        "https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-7:generateContent");

  request.model = "gemini-2.5-pro";
  Endpoint endpoint;
  endpoint.api_version = "v1";
  for (std::string base : {"http://127.0.0.1:8080", "http://127.0.0.1:8080/",
                           "http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/"}) {
    endpoint.base_url = base;
    CHECK(build(request, endpoint).url ==
          "http://127.0.0.1:8080/v1/models/gemini-2.5-pro:generateContent");
  }

  request.model = "";
  CHECK(refused(request).code == ErrorCode::InvalidArgument);
  request.model = "models/";
  CHECK(refused(request).code == ErrorCode::InvalidArgument);
  request.model = "gemini-2.5-pro:generateContent?key=x";
  CHECK(refused(request).message ==
        "models/gemini-2.5-pro:generateContent?key=x is not a Gemini model (its id may have "
        "letters, digits, '-', '.' and '_')");
}

TEST_CASE("Gemini request gathers the system prompt and system messages into systemInstruction",
          "[gemini][request]") {
  ChatRequest request = hello();
  request.system = "Be brief.";
  request.messages.insert(request.messages.begin(), Message::system("Answer in French."));
  request.messages.push_back(Message::assistant("Bonjour."));
  request.messages.push_back(Message::system("Use metric units."));
  request.messages.push_back(Message::user("Weather?"));
  request.messages.push_back(Message::user("In Paris."));
  CHECK(json::parse(build(request).body) == json::parse(R"({
    "contents": [
      {"role": "user", "parts": [{"text": "Hi"}]},
      {"role": "model", "parts": [{"text": "Bonjour."}]},
      {"role": "user", "parts": [{"text": "Weather?"}, {"text": "In Paris."}]}],
    "systemInstruction": {"parts": [{"text": "Be brief."}, {"text": "Answer in French."},
                                    {"text": "Use metric units."}]}})"));

  ChatRequest only_system;
  only_system.model = "gemini-2.5-flash";
  only_system.system = "Be brief.";
  CHECK(refused(only_system).message == "Gemini needs at least one user message with content");

  ChatRequest image_in_system = hello();
  Message system;
  system.role = Role::System;
  system.content.push_back(ContentPart::make_image_url("https://example.com/a.png"));
  image_in_system.messages.push_back(system);
  CHECK(refused(image_in_system).code == ErrorCode::InvalidArgument);
}

TEST_CASE("Gemini request declares tools with their JSON Schema and maps the tool choice",
          "[gemini][request][tools]") {
  ChatRequest request = hello();
  request.tools.push_back(
      {"get_weather", "Weather for a city",
       R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
           "additionalProperties":false})"});
  request.tools.push_back({"now", "", ""});
  request.parallel_tool_calls = true;
  json body = json::parse(build(request).body);
  CHECK(body.at("tools") == json::parse(R"([{"functionDeclarations": [
    {"name": "get_weather", "description": "Weather for a city",
     "parametersJsonSchema": {"type": "object", "properties": {"city": {"type": "string"}},
                              "required": ["city"], "additionalProperties": false}},
    {"name": "now", "parametersJsonSchema": {"type": "object", "properties": {}}}]}])"));
  CHECK_FALSE(body.contains("toolConfig"));

  request.tool_choice = ToolChoice{ToolChoice::Mode::Named, "get_weather"};
  CHECK(json::parse(build(request).body).at("toolConfig") == json::parse(R"(
    {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}})"));
  for (auto [mode, wire] :
       {std::pair{ToolChoice::Mode::Auto, "AUTO"}, std::pair{ToolChoice::Mode::None, "NONE"},
        std::pair{ToolChoice::Mode::Required, "ANY"}}) {
    request.tool_choice = ToolChoice{mode, ""};
    CHECK(json::parse(build(request).body).at("toolConfig") ==
          json{{"functionCallingConfig", {{"mode", wire}}}});
  }

  request.tool_choice = ToolChoice{ToolChoice::Mode::Named, "get_time"};
  CHECK(refused(request).message ==
        "tool_choice names \"get_time\", which is not among the request's tools");
  request.tool_choice.reset();
  request.parallel_tool_calls = false;
  CHECK(refused(request).code == ErrorCode::Unsupported);
  request.tool_choice = ToolChoice{ToolChoice::Mode::None, ""}; // no calls: none in parallel
  CHECK(json::parse(build(request).body).at("toolConfig") ==
        json{{"functionCallingConfig", {{"mode", "NONE"}}}});
  request.tool_choice.reset();
  request.parallel_tool_calls.reset();
  request.tools.push_back({"", "nameless", ""});
  CHECK(refused(request).message == "a tool has no name");
  request.tools.back() = {"bad", "", "[1]"};
  CHECK(refused(request).code == ErrorCode::InvalidArgument);

  ChatRequest no_tools = hello();
  no_tools.tool_choice = ToolChoice{ToolChoice::Mode::Required, ""};
  CHECK(refused(no_tools).message == "tool_choice requires a tool but the request has none");
  no_tools.tool_choice = ToolChoice{ToolChoice::Mode::None, ""};
  CHECK_FALSE(json::parse(build(no_tools).body).contains("toolConfig"));
}

TEST_CASE("Gemini tool round trip: signed calls go back as they came, results by name",
          "[gemini][request][tools]") {
  // Gemini 3 rejects a function call sent back without its thoughtSignature, and matches
  // results to calls by name: the ids llmux made up never reach it.
  DecodedResponse first = decode_whole(R"({"candidates": [{"content": {"role": "model", "parts": [
      {"text": "Let me check.", "thoughtSignature": "SIG_TEXT"},
      {"functionCall": {"name": "weather", "args": {"city": "Paris"}}, "thoughtSignature": "SIG_CALL"},
      {"functionCall": {"id": "fc_7", "name": "time", "args": {}}}]},
    "finishReason": "STOP", "index": 0}],
    "usageMetadata": {"promptTokenCount": 20, "candidatesTokenCount": 12, "totalTokenCount": 32},
    "modelVersion": "gemini-2.5-flash", "responseId": "resp_1"})");
  REQUIRE_FALSE(first.error);
  CHECK(first.response.id == "resp_1");
  CHECK(first.response.model == "gemini-2.5-flash");
  CHECK(first.response.text == "Let me check.");
  CHECK(first.response.finish_reason == FinishReason::ToolCalls);
  CHECK(first.response.finish_reason_raw == "STOP");
  CHECK(first.response.tool_calls ==
        std::vector<ToolCall>{
            call("call_0_e89f9a45", "weather", R"({"city":"Paris"})", "SIG_CALL", true),
            call("fc_7", "time", "{}")});
  CHECK(first.response.reasoning_blocks == std::vector<Reasoning>{{"", "SIG_TEXT", ""}});

  ChatRequest request = hello();
  request.messages[0] = Message::user("Weather and time?");
  request.messages.push_back(first.response.to_message());
  request.messages.push_back(Message::tool("call_0_e89f9a45", "18C"));
  request.messages.push_back(Message::tool("fc_7", R"({"now": "12:00"})"));
  request.messages.push_back(Message::user("Thanks."));
  CHECK(json::parse(build(request).body).at("contents") == json::parse(R"([
    {"role": "user", "parts": [{"text": "Weather and time?"}]},
    {"role": "model", "parts": [
      {"text": "", "thought": true, "thoughtSignature": "SIG_TEXT"},
      {"text": "Let me check."},
      {"functionCall": {"name": "weather", "args": {"city": "Paris"}}, "thoughtSignature": "SIG_CALL"},
      {"functionCall": {"name": "time", "args": {}, "id": "fc_7"}}]},
    {"role": "user", "parts": [
      {"functionResponse": {"name": "weather", "response": {"result": "18C"}}},
      {"functionResponse": {"name": "time", "response": {"now": "12:00"}, "id": "fc_7"}},
      {"text": "Thanks."}]}])"));
}

TEST_CASE("Gemini tool results take their name from tool_name, and errors say so",
          "[gemini][request][tools]") {
  ChatRequest request = hello();
  Message results;
  results.role = Role::Tool;
  results.content.push_back(ContentPart::make_tool_result({"", "lookup", "not found", true}));
  results.content.push_back(ContentPart::make_tool_result({"x", "lookup", "[1, 2]", false}));
  request.messages.push_back(results);
  CHECK(json::parse(build(request).body).at("contents") == json::parse(R"([
    {"role": "user", "parts": [
      {"text": "Hi"},
      {"functionResponse": {"name": "lookup", "response": {"error": "not found"}}},
      {"functionResponse": {"name": "lookup", "response": {"result": "[1, 2]"}}}]}])"));

  ChatRequest orphan = hello();
  orphan.messages.push_back(Message::tool("call_9", "42"));
  CHECK(refused(orphan).message ==
        "the result of tool call \"call_9\" has no tool_name and answers no earlier tool call");

  ChatRequest bad_arguments = hello();
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_tool_call({"t", "f", "[1,2]"}));
  bad_arguments.messages.push_back(assistant);
  CHECK(refused(bad_arguments).code == ErrorCode::InvalidArgument);

  ChatRequest call_from_user = hello();
  call_from_user.messages[0].content.push_back(ContentPart::make_tool_call({"t", "f", "{}"}));
  CHECK(refused(call_from_user).message == "tool calls are only allowed in assistant messages");
}

TEST_CASE("Gemini request sends images inline and by URI", "[gemini][request]") {
  ChatRequest request = hello();
  request.messages[0].content.push_back(
      ContentPart::make_image_base64("image/png", "iVBORw0KGgo="));
  request.messages[0].content.push_back(
      ContentPart::make_image_url("https://generativelanguage.googleapis.com/v1beta/files/abc"));
  Image typed;
  typed.url = "gs://bucket/cat.jpeg";
  typed.media_type = "image/jpeg";
  ContentPart typed_part;
  typed_part.kind = ContentPart::Kind::Image;
  typed_part.image = typed;
  request.messages[0].content.push_back(typed_part);
  request.messages[0].content.push_back(
      ContentPart::make_image_url("data:image/webp;base64,UklGRg=="));
  CHECK(json::parse(build(request).body).at("contents") == json::parse(R"([
    {"role": "user", "parts": [
      {"text": "Hi"},
      {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
      {"fileData": {"fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc"}},
      {"fileData": {"fileUri": "gs://bucket/cat.jpeg", "mimeType": "image/jpeg"}},
      {"inlineData": {"mimeType": "image/webp", "data": "UklGRg=="}}]}])"));

  ChatRequest untyped = hello();
  untyped.messages[0].content.push_back(ContentPart::make_image_base64("", "iVBORw0KGgo="));
  CHECK(refused(untyped).message == "an inline image needs its media type (Gemini's mimeType)");
  ChatRequest not_base64 = hello();
  not_base64.messages[0].content.push_back(ContentPart::make_image_url("data:text/plain,hello"));
  CHECK(refused(not_base64).code == ErrorCode::InvalidArgument);
  ChatRequest from_model = hello();
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_image_url("https://example.com/a.png"));
  from_model.messages.push_back(assistant);
  CHECK(refused(from_model).message == "images are only allowed in user messages");
}

TEST_CASE("Gemini request asks for JSON, a response schema and thinking", "[gemini][request]") {
  ChatRequest request = hello();
  request.response_format.type = ResponseFormat::Type::JsonObject;
  CHECK(json::parse(build(request).body).at("generationConfig") ==
        json::parse(R"({"responseMimeType": "application/json"})"));

  request.response_format.type = ResponseFormat::Type::JsonSchema;
  request.response_format.name = "city";
  request.response_format.schema =
      R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})";
  request.reasoning_budget_tokens = 1024;
  CHECK(json::parse(build(request).body).at("generationConfig") == json::parse(R"({
    "responseMimeType": "application/json",
    "responseJsonSchema": {"type": "object", "properties": {"name": {"type": "string"}},
                           "required": ["name"]},
    "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": true}})"));

  request.response_format = {};
  request.reasoning_budget_tokens = 0; // thinking off: no thoughts to include
  CHECK(json::parse(build(request).body).at("generationConfig") ==
        json::parse(R"({"thinkingConfig": {"thinkingBudget": 0}})"));
  request.reasoning_budget_tokens.reset();
  request.reasoning_effort = "high";
  CHECK(json::parse(build(request).body).at("generationConfig") ==
        json::parse(R"({"thinkingConfig": {"includeThoughts": true}})"));

  request.response_format.type = ResponseFormat::Type::JsonSchema;
  request.response_format.schema = "not json";
  CHECK(refused(request).message == "response_format schema must be a JSON Schema object");
}

TEST_CASE("Gemini request merges extra_body last", "[gemini][request]") {
  ChatRequest request = hello();
  request.temperature = 1.0;
  request.extra_body = R"({"safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT",
                           "threshold": "BLOCK_NONE"}], "cachedContent": "cachedContents/x"})";
  json body = json::parse(build(request).body);
  CHECK(body.at("safetySettings") == json::parse(R"([{"category": "HARM_CATEGORY_HARASSMENT",
                                                      "threshold": "BLOCK_NONE"}])"));
  CHECK(body.at("cachedContent") == "cachedContents/x");
  CHECK(body.at("generationConfig") == json{{"temperature", 1.0}});
  request.extra_body = "[1]";
  CHECK(refused(request).message == "extra_body must be a JSON object");
}

// ---------------------------------------------------------------------------------------
// Decoding

TEST_CASE("Gemini stream sends each function call whole, with a stable generated id",
          "[gemini][stream][tools]") {
  std::string bytes = chunk(R"({"candidates":[{"content":{"role":"model","parts":[
                 {"functionCall":{"name":"weather","args":{"city":"Paris"}},"thoughtSignature":"SIG"},
                 {"functionCall":{"name":"time"}},
                 {"functionCall":{"id":"fc_2","name":"time","args":{}}}]},"index":0}]})") +
                      finish_chunk;
  Usage usage;
  usage.input_tokens = 10;
  usage.output_tokens = 5;
  usage.total_tokens = 15;
  std::vector<StreamEvent> expected = {
      with_generated_id(StreamEvent::tool_call_start(0, "call_0_e89f9a45", "weather")),
      StreamEvent::tool_call_delta(0, R"({"city":"Paris"})"),
      with_generated_id(with_signature(
          StreamEvent::tool_call_end(0, "call_0_e89f9a45", "weather", R"({"city":"Paris"})"),
          "SIG")),
      with_generated_id(StreamEvent::tool_call_start(1, "call_1_5d3c9be4", "time")),
      with_generated_id(StreamEvent::tool_call_end(1, "call_1_5d3c9be4", "time", "")),
      StreamEvent::tool_call_start(2, "fc_2", "time"),
      StreamEvent::tool_call_delta(2, "{}"),
      StreamEvent::tool_call_end(2, "fc_2", "time", "{}"),
      StreamEvent::usage_report(usage),
      StreamEvent::finish(FinishReason::ToolCalls, "STOP"),
  };
  CHECK(stream_events(bytes) == expected);

  DecodedResponse streamed = decode_stream(bytes);
  REQUIRE_FALSE(streamed.error);
  std::vector<ToolCall> calls = {
      call("call_0_e89f9a45", "weather", R"({"city":"Paris"})", "SIG", true),
      call("call_1_5d3c9be4", "time", "", "", true), call("fc_2", "time", "{}")};
  CHECK(streamed.response.tool_calls == calls);
  // The CLI and Wasm forms print the wire's id: none for the ones llmux made.
  json printed = json::parse(to_json(streamed));
  CHECK(printed.at("tool_calls")[0].at("id") == nullptr);
  CHECK(printed.at("tool_calls")[0].at("signature") == "SIG");
  CHECK(printed.at("tool_calls")[2].at("id") == "fc_2");

  // The same parts in a whole response get the same ids.
  DecodedResponse whole = decode_whole(R"({"candidates":[{"content":{"role":"model","parts":[
      {"functionCall":{"name":"weather","args":{"city":"Paris"}},"thoughtSignature":"SIG"},
      {"functionCall":{"name":"time"}},
      {"functionCall":{"id":"fc_2","name":"time","args":{}}}]},"finishReason":"STOP"}]})");
  REQUIRE_FALSE(whole.error);
  CHECK(whole.response.tool_calls == calls);
  CHECK(decode_whole(R"({"candidates":[{"content":{"parts":[
      {"functionCall":{"name":"weather","args":{"city":"Paris"}}}]}}]})")
            .response.tool_calls[0]
            .id == "call_0_e89f9a45");
}

TEST_CASE("Gemini thought signatures close reasoning blocks and go back with them",
          "[gemini][stream][reasoning]") {
  std::string bytes =
      chunk(R"({"candidates":[{"content":{"role":"model","parts":[
                 {"text":"Plan A.","thought":true}]}}]})") +
      chunk(R"({"candidates":[{"content":{"role":"model","parts":[
                 {"text":"Answer","thoughtSignature":"S1"}]}}]})") +
      chunk(R"({"candidates":[{"content":{"role":"model","parts":[
                 {"text":"More thought.","thought":true},
                 {"thought":true,"thoughtSignature":"S2"}]}}]})") +
      chunk(R"({"candidates":[{"content":{"role":"model","parts":[{"text":" done."}]},
                 "finishReason":"STOP"}]})");
  std::vector<StreamEvent> expected = {
      StreamEvent::reasoning_delta(0, "Plan A."),
      StreamEvent::text_delta("Answer"),
      StreamEvent::reasoning_signature(0, "S1"),
      StreamEvent::reasoning_delta(1, "More thought."),
      StreamEvent::reasoning_signature(1, "S2"),
      StreamEvent::text_delta(" done."),
      StreamEvent::finish(FinishReason::Stop, "STOP"),
  };
  CHECK(stream_events(bytes) == expected);

  DecodedResponse result = decode_stream(bytes);
  REQUIRE_FALSE(result.error);
  CHECK(result.response.reasoning == "Plan A.More thought.");
  CHECK(result.response.text == "Answer done.");
  CHECK(result.response.reasoning_blocks ==
        std::vector<Reasoning>{{"Plan A.", "S1", ""}, {"More thought.", "S2", ""}});

  ChatRequest next = hello();
  next.messages.push_back(result.response.to_message());
  next.messages.push_back(Message::user("Go on."));
  CHECK(json::parse(build(next).body).at("contents")[1] == json::parse(R"(
    {"role": "model", "parts": [
      {"text": "Plan A.", "thought": true, "thoughtSignature": "S1"},
      {"text": "More thought.", "thought": true, "thoughtSignature": "S2"},
      {"text": "Answer done."}]})"));

  // Thoughts without a signature (a summary only) are not sent back.
  DecodedResponse unsigned_thoughts = decode_whole(R"({"candidates":[{"content":{"parts":[
      {"text":"Hmm.","thought":true},{"text":"Yes."}]},"finishReason":"STOP"}]})");
  REQUIRE_FALSE(unsigned_thoughts.error);
  CHECK(unsigned_thoughts.response.reasoning == "Hmm.");
  ChatRequest after = hello();
  after.messages.push_back(unsigned_thoughts.response.to_message());
  CHECK(json::parse(build(after).body).at("contents")[1] ==
        json::parse(R"({"role": "model", "parts": [{"text": "Yes."}]})"));
}

TEST_CASE("Gemini stream reports usage as it changes: the last count wins",
          "[gemini][stream][usage]") {
  std::string bytes =
      chunk(R"({"candidates":[{"content":{"parts":[{"text":"The"}],"role":"model"}}],
                "usageMetadata":{"promptTokenCount":15,"totalTokenCount":15}})") +
      chunk(R"({"candidates":[{"content":{"parts":[{"text":" end."}],"role":"model"},
                 "finishReason":"STOP"}],
                "usageMetadata":{"promptTokenCount":13,"candidatesTokenCount":8,
                  "totalTokenCount":61,"thoughtsTokenCount":40,"cachedContentTokenCount":6}})") +
      chunk(R"({"usageMetadata":{"totalTokenCount":62}})");
  DecodedResponse result = decode_stream(bytes);
  REQUIRE_FALSE(result.error);
  CHECK(result.response.text == "The end.");
  Usage expected;
  expected.input_tokens = 13;
  expected.output_tokens = 8; // thinking tokens are not in candidatesTokenCount
  expected.reasoning_tokens = 40;
  expected.cached_input_tokens = 6;
  expected.total_tokens = 62;
  CHECK(result.response.usage == expected);
  CHECK(result.response.finish_reason == FinishReason::Stop);
}

TEST_CASE("Gemini finish reasons keep their raw value and normalise", "[gemini][whole]") {
  auto finish_of = [](std::string_view reason, std::string_view parts = R"([{"text":"x"}])") {
    DecodedResponse result =
        decode_whole(R"({"candidates":[{"content":{"parts":)" + std::string(parts) +
                     R"(},"finishReason":")" + std::string(reason) + R"("}]})");
    REQUIRE_FALSE(result.error);
    CHECK(result.response.finish_reason_raw == reason);
    return result.response.finish_reason;
  };
  CHECK(finish_of("STOP") == FinishReason::Stop);
  CHECK(finish_of("STOP", R"([{"functionCall":{"name":"f","args":{}}}])") ==
        FinishReason::ToolCalls);
  CHECK(finish_of("MAX_TOKENS") == FinishReason::Length);
  CHECK(finish_of("SAFETY") == FinishReason::ContentFilter);
  CHECK(finish_of("RECITATION") == FinishReason::ContentFilter);
  CHECK(finish_of("PROHIBITED_CONTENT") == FinishReason::ContentFilter);
  CHECK(finish_of("MALFORMED_FUNCTION_CALL") == FinishReason::Other);

  // A candidate withheld by the filter may have no content at all.
  DecodedResponse withheld =
      decode_whole(R"({"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[]}]})");
  REQUIRE_FALSE(withheld.error);
  CHECK(withheld.response.text.empty());
  CHECK(withheld.response.finish_reason == FinishReason::ContentFilter);

  // Thinking can use up the whole budget: content without parts.
  DecodedResponse spent = decode_whole(
      R"({"candidates":[{"content":{"role":"model"},"finishReason":"MAX_TOKENS"}],
          "usageMetadata":{"promptTokenCount":9,"totalTokenCount":109,"thoughtsTokenCount":100}})");
  REQUIRE_FALSE(spent.error);
  CHECK(spent.response.text.empty());
  CHECK(spent.response.finish_reason == FinishReason::Length);
  CHECK(spent.response.usage.reasoning_tokens == 100);
  CHECK_FALSE(spent.response.usage.output_tokens);

  // Only candidate 0 counts.
  DecodedResponse two = decode_whole(R"({"candidates":[
      {"content":{"parts":[{"text":"second"}]},"finishReason":"STOP","index":1},
      {"content":{"parts":[{"text":"first"}]},"finishReason":"STOP","index":0}]})");
  CHECK(two.response.text == "first");
}

TEST_CASE("Gemini blocked prompt is a content_filtered provider error", "[gemini][errors]") {
  const std::string blocked = R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},
      "usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash"})";
  DecodedResponse whole = decode_whole(blocked, 200, {{"retry-after", "5"}});
  REQUIRE(whole.error);
  CHECK(whole.error->code == ErrorCode::ContentFiltered);
  CHECK(whole.error->origin == ErrorOrigin::Provider);
  CHECK(whole.error->http_status == 200);
  CHECK_FALSE(whole.error->in_stream);
  CHECK(whole.error->provider_type == "PROHIBITED_CONTENT");
  CHECK(whole.error->message == "Gemini blocked the prompt (blockReason PROHIBITED_CONTENT)");
  CHECK_FALSE(whole.error->retry_after_ms);
  CHECK(whole.response == ChatResponse{});

  DecodedResponse streamed = decode_stream(
      chunk(R"({"promptFeedback":{"blockReason":"OTHER","blockReasonMessage":"Not allowed."}})"));
  REQUIRE(streamed.error);
  CHECK(streamed.error->code == ErrorCode::ContentFiltered);
  CHECK(streamed.error->in_stream);
  CHECK(streamed.error->provider_type == "OTHER");
  CHECK(streamed.error->message == "Not allowed.");
}

TEST_CASE("Gemini in-stream error keeps the output so far", "[gemini][stream][errors]") {
  std::string bytes =
      chunk(R"({"candidates":[{"content":{"parts":[{"text":"Half an answ"}],"role":"model"}}]})") +
      chunk(R"({"error":{"code":503,"message":"The model is overloaded. Please try again later.",
                "status":"UNAVAILABLE","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay":"2s"}]}})") +
      finish_chunk;
  DecodedResponse result = decode_stream(bytes);
  CHECK(result.response.text == "Half an answ");
  CHECK(result.response.finish_reason == FinishReason::None);
  REQUIRE(result.error);
  CHECK(result.error->code == ErrorCode::Overloaded);
  CHECK(result.error->in_stream);
  CHECK(result.error->http_status == 200);
  CHECK(result.error->provider_type == "UNAVAILABLE");
  CHECK(result.error->provider_code == "503");
  CHECK(result.error->message == "The model is overloaded. Please try again later.");
  CHECK(result.error->retry_after_ms == 2000);
  std::vector<StreamEvent> events = stream_events(bytes);
  REQUIRE(events.size() == 2);
  CHECK(events.back().type == StreamEventType::Error);
}

TEST_CASE("Gemini stream truncated at any byte is complete or a bad_response",
          "[gemini][stream][hostile]") {
  std::string bytes =
      chunk(R"({"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"}}]})") +
      chunk(R"({"candidates":[{"content":{"parts":[{"text":" there"}],"role":"model"}}]})") +
      finish_chunk;
  DecodedResponse whole = decode_stream(bytes);
  REQUIRE_FALSE(whole.error);
  CHECK(whole.response.text == "Hello there");
  std::size_t complete = 0;
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    DecodedResponse part = decode_stream(std::string_view(bytes).substr(0, cut));
    INFO("cut at " << cut);
    if (part.error) {
      CHECK(part.error->code == ErrorCode::BadResponse);
      CHECK(whole.response.text.rfind(part.response.text, 0) == 0);
    } else {
      CHECK(part == whole); // only the last chunk's blank line can be missing
      ++complete;
    }
  }
  CHECK(complete == 4); // cut after "}", "}\r", "}\r\n" or "}\r\n\r"
  CHECK(decode_stream("").error->message == "the stream ended before a finishReason");
}

TEST_CASE("Gemini stream turns hostile bytes into bad_response", "[gemini][stream][hostile]") {
  auto error_of = [](std::string_view bytes) {
    DecodedResponse broken = decode_stream(bytes);
    REQUIRE(broken.error);
    CHECK(broken.error->code == ErrorCode::BadResponse);
    CHECK(broken.error->origin == ErrorOrigin::Decoder);
    return broken.error->message;
  };
  CHECK(error_of("data: [1]\r\n\r\n") ==
        "a streamGenerateContent chunk is an array, not an object");
  CHECK(error_of("data: {\"candidates\": \r\n\r\n")
            .starts_with("a streamGenerateContent chunk is not JSON: "));
  CHECK(error_of(chunk(R"({"candidates":{}})")) ==
        "the streamGenerateContent chunk's \"candidates\" is an object; expected an array");
  CHECK(error_of(chunk(R"({"candidates":[7]})")) ==
        "the streamGenerateContent chunk's \"candidates[]\" is a number; expected an object");
  CHECK(error_of(chunk(R"({"candidates":[{"content":{"parts":{"text":"x"}}}]})")) ==
        "the streamGenerateContent chunk's \"parts\" is an object; expected an array");
  CHECK(error_of(chunk(R"({"candidates":[{"content":{"parts":["x"]}}]})")) ==
        "the streamGenerateContent chunk's \"parts[]\" is a string; expected an object");
  CHECK(error_of(chunk(R"({"candidates":[{"content":{"parts":[{"text":5}]}}]})")) ==
        "the streamGenerateContent chunk's \"text\" is a number; expected a string");
  CHECK(
      error_of(chunk(R"({"candidates":[{"content":{"parts":[{"text":"x","thought":"yes"}]}}]})")) ==
      "the streamGenerateContent chunk's \"thought\" is a string; expected a boolean");
  CHECK(error_of(chunk(R"({"candidates":[{"content":{"parts":[
                   {"functionCall":{"name":"f","args":"{\"a\":1}"}}]}}]})")) ==
        "the streamGenerateContent chunk's \"args\" is a string; expected an object");
  CHECK(error_of(chunk(R"({"candidates":[{"finishReason":1}]})")) ==
        "the streamGenerateContent chunk's \"finishReason\" is a number; expected a string");
  // A count that is no count is unknown, with a warning: the stream fails only for its end.
  CHECK(error_of(chunk(R"({"usageMetadata":{"promptTokenCount":-1.5}})")) ==
        "the stream ended before a finishReason");
  CHECK(error_of(chunk(R"({"error":"quota"})")) ==
        "the streamGenerateContent chunk's \"error\" is a string; expected an object");
  CHECK(error_of(chunk(R"({"candidates":[{"content":{"parts":[{"text":"x"}]}}]})")) ==
        "the stream ended before a finishReason");
  CHECK(error_of("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\xff\"}]}}]}\r\n\r\n")
            .find("UTF-8") != std::string::npos);

  // Unknown members and parts llmux does not model are skipped; later chunks still count.
  DecodedResponse ok =
      decode_stream(chunk(R"({"candidates":[{"content":{"parts":[{"executableCode":{"code":"1+1"}},
               {"inlineData":{"mimeType":"image/png","data":"AA=="}},{"text":"2"}]},
               "citationMetadata":{},"finishReason":"STOP"}],"newField":[1]})") +
                    chunk(R"({"usageMetadata":{"promptTokenCount":3}})"));
  REQUIRE_FALSE(ok.error);
  CHECK(ok.response.text == "2");
  CHECK(ok.response.usage.input_tokens == 3);
}

TEST_CASE("Gemini whole responses turn hostile bodies into errors", "[gemini][whole][hostile]") {
  auto error_of = [](std::string_view body) {
    DecodedResponse broken = decode_whole(body);
    REQUIRE(broken.error);
    CHECK(broken.error->code == ErrorCode::BadResponse);
    CHECK(broken.response == ChatResponse{}); // nothing half-read is kept
    return broken.error->message;
  };
  CHECK(error_of("{}") == "the generateContent response has no candidates");
  CHECK(error_of(R"({"candidates":[]})") == "the generateContent response has no candidates");
  CHECK(error_of("[]") == "the generateContent response is an array, not an object");
  CHECK(error_of("<html>").starts_with("the generateContent response is not JSON: "));
  CHECK(error_of(R"({"responseId":"r","modelVersion":"m","candidates":[{"content":{"parts":[
                      {"text":"ok"},{"functionCall":{"name":7}}]}}]})") ==
        "the generateContent response's \"name\" is a number; expected a string");
  // A count that is no count is unknown, with a warning; the answer stands.
  DecodedResponse counted = decode_whole(R"({"candidates":[{"content":{"parts":[{"text":"ok"}]}}],
                    "usageMetadata":{"totalTokenCount":"12"}})");
  REQUIRE_FALSE(counted.error);
  CHECK(counted.response.text == "ok");
  CHECK_FALSE(counted.response.usage.total_tokens);
  CHECK(counted.response.usage.warnings.size() == 1);
}

TEST_CASE("Gemini error bodies become provider errors with their retry hints", "[gemini][errors]") {
  DecodedResponse quota = decode_whole(R"({"error":{"code":429,
      "message":"You exceeded your current quota, please check your plan.",
      "status":"RESOURCE_EXHAUSTED","details":[
        {"@type":"type.googleapis.com/google.rpc.QuotaFailure",
         "violations":[{"quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
        {"@type":"type.googleapis.com/google.rpc.Help","links":[{"url":"https://ai.google.dev"}]},
        {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34.4s"}]}})",
                                       429);
  REQUIRE(quota.error);
  CHECK(quota.error->code == ErrorCode::RateLimited);
  CHECK(quota.error->http_status == 429);
  CHECK(quota.error->provider_type == "RESOURCE_EXHAUSTED");
  CHECK(quota.error->provider_code == "429");
  CHECK(quota.error->message == "You exceeded your current quota, please check your plan.");
  CHECK(quota.error->retry_after_ms == 34400); // the body's hint beats the header's
  CHECK(decode_whole(R"({"error":{"code":429,"message":"m","status":"RESOURCE_EXHAUSTED",
                         "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo",
                                     "retryDelay":"1m2s"}]}})",
                     429, {{"retry-after", "3"}})
            .error->retry_after_ms == 62000);
  CHECK(decode_whole(R"({"error":{"code":429,"message":"m","status":"RESOURCE_EXHAUSTED"}})", 429,
                     {{"retry-after", "3"}})
            .error->retry_after_ms == 3000);

  DecodedResponse key = decode_whole(R"({"error":{"code":400,
      "message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
      "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID",
                  "domain":"googleapis.com"}]}})",
                                     400);
  REQUIRE(key.error);
  CHECK(key.error->code == ErrorCode::AuthFailed);
  CHECK(key.error->provider_type == "INVALID_ARGUMENT");

  DecodedResponse denied = decode_whole(R"({"error":{"code":403,
      "message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}})",
                                        403);
  CHECK(denied.error->code == ErrorCode::PermissionDenied);

  DecodedResponse invalid = decode_whole(R"({"error":{"code":400,
      "message":"* GenerateContentRequest.contents: contents is not specified\n",
      "status":"INVALID_ARGUMENT"}})",
                                         400);
  CHECK(invalid.error->code == ErrorCode::InvalidRequest);

  DecodedResponse wrapped = decode_whole(
      R"([{"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}}])",
      500);
  CHECK(wrapped.error->code == ErrorCode::ServerError);
  CHECK(wrapped.error->provider_type == "INTERNAL");
  CHECK(wrapped.error->message == "An internal error has occurred.");

  DecodedResponse html = decode_whole("<html>\n<body>502   Bad Gateway</body></html>", 502);
  CHECK(html.error->code == ErrorCode::ServerError);
  CHECK(html.error->message == "<html> <body>502 Bad Gateway</body></html>");
  CHECK(html.error->provider_type.empty());

  DecodedResponse empty = decode_whole("", 503);
  CHECK(empty.error->code == ErrorCode::Overloaded);
  CHECK_FALSE(empty.error->message.empty());

  // An error body with a 200 status says what happened through its code.
  DecodedResponse in_ok =
      decode_whole(R"({"error":{"code":429,"message":"Slow down","status":"RESOURCE_EXHAUSTED"}})");
  REQUIRE(in_ok.error);
  CHECK(in_ok.error->code == ErrorCode::RateLimited);
  CHECK(in_ok.response == ChatResponse{});

  // Streamed requests get error bodies whole.
  HttpResponseHead head;
  head.status = 429;
  DecodedResponse streamed =
      decode(Provider::Gemini, true, head,
             R"({"error":{"code":429,"message":"m","status":"RESOURCE_EXHAUSTED",
                                       "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo",
                                                   "retryDelay":"0.5s"}]}})");
  REQUIRE(streamed.error);
  CHECK(streamed.error->retry_after_ms == 500);
}
