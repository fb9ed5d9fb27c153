// The OpenAI Chat Completions adapter: requests for every provider of the family, and the
// decoding quirks the fixtures do not cover.

#include "support/requests.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace llmux;
using nlohmann::json;

namespace {

using testing::build;
using testing::endpoint_for;

ChatRequest hello(std::string model = "gpt-4o-mini") {
  return testing::hello(std::move(model));
}

std::vector<StreamEvent> stream_events(Provider provider, std::string_view bytes) {
  auto decoder = make_adapter(provider)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(bytes, events);
  decoder->finish(events);
  return events;
}

DecodedResponse decode_stream(std::string_view bytes, Provider provider = Provider::OpenAi) {
  return decode(provider, true, HttpResponseHead{}, bytes);
}

DecodedResponse decode_whole(std::string_view bytes, int status = 200) {
  HttpResponseHead head;
  head.status = status;
  return decode(Provider::OpenAi, false, head, bytes);
}

std::string chunk(const json &delta, const json &finish_reason = nullptr) {
  json body = {{"id", "c1"},
               {"object", "chat.completion.chunk"},
               {"choices",
                json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish_reason}}})}};
  return "data: " + body.dump() + "\n\n";
}

} // namespace

TEST_CASE("OpenAI request carries the model, messages and parameters", "[openai][request]") {
  ChatRequest request = hello();
  request.system = "Be brief.";
  request.temperature = 0.5;
  request.top_p = 0.9;
  request.max_tokens = 100;
  request.stop = {"END"};
  request.user = "user-42";
  Endpoint endpoint;
  endpoint.api_key = "sk-test-123";
  HttpRequest http = build(Provider::OpenAi, request, endpoint);
  CHECK(http.method == "POST");
  CHECK(http.url == "https://api.openai.com/v1/chat/completions");
  CHECK(http.header("Authorization") == "Bearer sk-test-123");
  CHECK(http.header("content-type") == "application/json");
  CHECK(http.header("accept") == "application/json");
  CHECK_FALSE(http.stream);
  CHECK(json::parse(http.body) == json::parse(R"({
    "model": "gpt-4o-mini",
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    "temperature": 0.5, "top_p": 0.9, "max_completion_tokens": 100, "stop": ["END"],
    "user": "user-42"})"));
}

TEST_CASE("OpenAI-compatible servers get max_tokens and their own base URLs", "[openai][request]") {
  ChatRequest request = hello("some-model");
  request.max_tokens = 64;
  const std::vector<std::pair<Provider, std::string>> urls = {
      {Provider::Vllm, "http://localhost:8000/v1/chat/completions"},
      {Provider::Local, "http://localhost:8000/v1/chat/completions"},
      {Provider::HuggingFace, "https://router.huggingface.co/v1/chat/completions"},
      {Provider::Mistral, "https://api.mistral.ai/v1/chat/completions"},
      {Provider::Xai, "https://api.x.ai/v1/chat/completions"},
      {Provider::OpenRouter, "https://openrouter.ai/api/v1/chat/completions"},
  };
  for (const auto &[provider, url] : urls) {
    INFO(provider_info(provider).name);
    HttpRequest http = build(provider, request);
    CHECK(http.url == url);
    json body = json::parse(http.body);
    CHECK(body.at("max_tokens") == 64);
    CHECK_FALSE(body.contains("max_completion_tokens"));
    CHECK_FALSE(http.header("authorization")); // no key, no header
  }
}

TEST_CASE("RunPod and local deployments take the endpoint's base URL", "[openai][request]") {
  Endpoint endpoint;
  endpoint.base_url = "https://api.runpod.ai/v2/abc123/openai/v1/";
  endpoint.api_key = "rp-key";
  HttpRequest http = build(Provider::RunPod, hello("Qwen/Qwen2.5-7B-Instruct"), endpoint);
  CHECK(http.url == "https://api.runpod.ai/v2/abc123/openai/v1/chat/completions");
  CHECK(http.header("authorization") == "Bearer rp-key");

  auto missing =
      make_adapter(Provider::RunPod)->build_request(hello(), endpoint_for(Provider::RunPod));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::InvalidArgument);
  CHECK(missing.error().origin == ErrorOrigin::Caller);
}

TEST_CASE("Azure routes by deployment with api-version and the api-key header",
          "[openai][request][azure]") {
  Endpoint endpoint;
  endpoint.base_url = "https://myres.openai.azure.com/";
  endpoint.deployment = "gpt4o-prod";
  endpoint.api_key = "azure-key";
  ChatRequest request = hello("gpt-4o");
  request.max_tokens = 10;
  request.stream = true;
  HttpRequest http = build(Provider::AzureOpenAi, request, endpoint);
  CHECK(http.url == "https://myres.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions"
                    "?api-version=2024-10-21");
  CHECK(http.header("api-key") == "azure-key");
  CHECK_FALSE(http.header("authorization"));
  json body = json::parse(http.body);
  CHECK_FALSE(body.contains("model")); // the deployment decides the model
  CHECK(body.at("max_completion_tokens") == 10);
  CHECK(body.at("stream_options") == json{{"include_usage", true}});

  endpoint.api_version = "2025-04-01-preview";
  endpoint.deployment.clear(); // the model name doubles as the deployment name
  CHECK(build(Provider::AzureOpenAi, request, endpoint).url ==
        "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
        "?api-version=2025-04-01-preview");
}

TEST_CASE("OpenAI streaming requests ask for the usage chunk where the server supports it",
          "[openai][request]") {
  ChatRequest request = hello();
  request.stream = true;
  HttpRequest http = build(Provider::OpenAi, request);
  CHECK(http.stream);
  CHECK(http.header("accept") == "text/event-stream");
  json body = json::parse(http.body);
  CHECK(body.at("stream") == true);
  CHECK(body.at("stream_options") == json{{"include_usage", true}});
  // Mistral sends usage anyway and rejects the option; unknown local servers may too.
  CHECK_FALSE(json::parse(build(Provider::Mistral, request).body).contains("stream_options"));
  CHECK_FALSE(json::parse(build(Provider::Local, request).body).contains("stream_options"));
}

TEST_CASE("OpenAI request carries tools, tool choice and response format",
          "[openai][request][tools]") {
  ChatRequest request = hello();
  request.tools.push_back(
      {"get_weather", "Weather for a city",
       R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"});
  request.tools.push_back({"now", "", ""});
  request.tool_choice = ToolChoice{ToolChoice::Mode::Named, "get_weather"};
  request.parallel_tool_calls = false;
  request.response_format.type = ResponseFormat::Type::JsonSchema;
  request.response_format.name = "weather";
  request.response_format.schema = R"({"type":"object"})";
  json body = json::parse(build(Provider::OpenAi, request).body);
  CHECK(body.at("tools") == json::parse(R"([
    {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
      "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                     "required": ["city"]}}},
    {"type": "function", "function": {"name": "now",
      "parameters": {"type": "object", "properties": {}}}}])"));
  CHECK(body.at("tool_choice") ==
        json::parse(R"({"type": "function", "function": {"name": "get_weather"}})"));
  CHECK(body.at("parallel_tool_calls") == false);
  CHECK(body.at("response_format") == json::parse(R"({"type": "json_schema",
    "json_schema": {"name": "weather", "schema": {"type": "object"}, "strict": true}})"));

  for (auto [mode, wire] :
       {std::pair{ToolChoice::Mode::Auto, "auto"}, std::pair{ToolChoice::Mode::None, "none"},
        std::pair{ToolChoice::Mode::Required, "required"}}) {
    request.tool_choice = ToolChoice{mode, ""};
    CHECK(json::parse(build(Provider::OpenAi, request).body).at("tool_choice") == wire);
  }
  request.response_format = {};
  request.response_format.type = ResponseFormat::Type::JsonObject;
  CHECK(json::parse(build(Provider::OpenAi, request).body).at("response_format") ==
        json{{"type", "json_object"}});
}

TEST_CASE("OpenAI request replays tool calls, tool results and images",
          "[openai][request][tools]") {
  ChatRequest request = hello();
  Message user;
  user.role = Role::User;
  user.content.push_back(ContentPart::make_text("What is in these?"));
  user.content.push_back(ContentPart::make_image_url("https://example.com/cat.png"));
  user.content.push_back(ContentPart::make_image_base64("image/png", "iVBORw0KGgo="));
  request.messages = {user};
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_reasoning({"thinking...", "sig", ""}));
  assistant.content.push_back(ContentPart::make_tool_call({"call_1", "lookup", R"({"q":"cat"})"}));
  assistant.content.push_back(ContentPart::make_tool_call({"call_2", "now", ""}));
  request.messages.push_back(assistant);
  request.messages.push_back(Message::tool("call_1", "a cat"));
  request.messages.push_back(Message::tool("call_2", "tool failed: timeout", true));
  json body = json::parse(build(Provider::OpenAi, request).body);
  CHECK(body.at("messages") == json::parse(R"([
    {"role": "user", "content": [
      {"type": "text", "text": "What is in these?"},
      {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
    {"role": "assistant", "content": null, "tool_calls": [
      {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"cat\"}"}},
      {"id": "call_2", "type": "function", "function": {"name": "now", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "a cat"},
    {"role": "tool", "tool_call_id": "call_2", "content": "tool failed: timeout"}])"));
}

TEST_CASE("OpenAI request merges extra_body last and rejects what it cannot express",
          "[openai][request]") {
  ChatRequest request = hello("Qwen/Qwen3-8B");
  request.extra_body = R"({"chat_template_kwargs": {"enable_thinking": false}, "top_k": 20})";
  json body = json::parse(build(Provider::Vllm, request).body);
  CHECK(body.at("chat_template_kwargs") == json{{"enable_thinking", false}});
  CHECK(body.at("top_k") == 20);

  auto adapter = make_adapter(Provider::OpenAi);
  auto fails = [&](ChatRequest bad) {
    auto result = adapter->build_request(bad, Endpoint{});
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::InvalidArgument);
    return result.error().message;
  };
  ChatRequest bad = hello();
  bad.extra_body = "[1]";
  CHECK(fails(bad) == "extra_body must be a JSON object");
  bad = hello();
  bad.tools.push_back({"", "", ""});
  CHECK(fails(bad) == "a tool has no name");
  bad = hello();
  bad.tools.push_back({"f", "", "{not json"});
  CHECK(fails(bad).find("tool \"f\": parameters are not JSON") == 0);
  bad = hello();
  bad.model.clear();
  CHECK(fails(bad) == "the request names no model");
  bad = hello();
  bad.messages.push_back(Message::assistant("x"));
  bad.messages.back().content.push_back(ContentPart::make_image_url("https://x/y.png"));
  CHECK(fails(bad) == "images are only allowed in user messages");
}

TEST_CASE("The API key never appears in a printed request", "[openai][request][secrets]") {
  Endpoint endpoint;
  endpoint.api_key = "sk-live-SECRET-0123456789";
  endpoint.base_url = "https://example.test";
  endpoint.deployment = "d";
  for (Provider provider : {Provider::OpenAi, Provider::AzureOpenAi, Provider::Anthropic}) {
    HttpRequest http = build(provider, hello(), endpoint);
    std::string printed = redacted_json(http);
    CHECK(printed.find("SECRET") == std::string::npos);
    CHECK(printed.find("[redacted]") != std::string::npos);
    CHECK(http.body.find("SECRET") == std::string::npos);
  }
}

TEST_CASE("OpenAI stream ends a tool call only when its choice finishes",
          "[openai][stream][tools]") {
  // Regression for a bug other libraries had: arguments that already parse as JSON ("{}"
  // here, then the real ones) must not end the call early.
  std::string head = chunk(json::parse(R"({"role":"assistant","content":null,"tool_calls":[
                        {"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{}"}}]})"));
  std::string more =
      chunk(json::parse(R"({"tool_calls":[{"index":0,"function":{"arguments":" "}}]})"));
  std::string done = chunk(json::object(), "tool_calls") + "data: [DONE]\n\n";
  auto decoder = make_adapter(Provider::OpenAi)->new_stream_decoder();
  std::vector<StreamEvent> events;
  decoder->feed(head + more, events);
  for (const StreamEvent &event : events)
    CHECK(event.type != StreamEventType::ToolCallEnd);
  decoder->feed(done, events);
  decoder->finish(events);
  REQUIRE(events.size() == 5);
  CHECK(events[0].type == StreamEventType::ToolCallStart);
  CHECK(events[1] == StreamEvent::tool_call_delta(0, "{}"));
  CHECK(events[2] == StreamEvent::tool_call_delta(0, " "));
  CHECK(events[3] == StreamEvent::tool_call_end(0, "call_a", "f", "{} "));
  CHECK(events[4] == StreamEvent::finish(FinishReason::ToolCalls, "tool_calls"));
}

TEST_CASE("OpenAI stream numbers tool calls in order of appearance and holds arguments until "
          "the name arrives",
          "[openai][stream][tools]") {
  std::string bytes =
      chunk(json::parse(R"({"tool_calls":[{"index":3,"function":{"arguments":"{\"a\""}}]})")) +
      chunk(json::parse(R"({"tool_calls":[{"index":3,"id":"x","function":{"name":"late"}}]})")) +
      chunk(json::parse(
          R"({"tool_calls":[{"index":1,"id":"y","function":{"name":"g","arguments":"{}"}}]})")) +
      chunk(json::parse(R"({"tool_calls":[{"index":3,"function":{"arguments":":1}"}}]})")) +
      chunk(json::object(), "tool_calls") + "data: [DONE]\n\n";
  std::vector<StreamEvent> events = stream_events(Provider::OpenAi, bytes);
  std::vector<StreamEvent> expected = {
      StreamEvent::tool_call_start(0, "x", "late"),
      StreamEvent::tool_call_delta(0, "{\"a\""),
      StreamEvent::tool_call_start(1, "y", "g"),
      StreamEvent::tool_call_delta(1, "{}"),
      StreamEvent::tool_call_delta(0, ":1}"),
      StreamEvent::tool_call_end(0, "x", "late", "{\"a\":1}"),
      StreamEvent::tool_call_end(1, "y", "g", "{}"),
      StreamEvent::finish(FinishReason::ToolCalls, "tool_calls"),
  };
  CHECK(events == expected);
}

TEST_CASE("OpenAI stream reads Mistral's index-less tool calls and content arrays",
          "[openai][stream][mistral]") {
  std::string bytes =
      chunk(json::parse(
          R"({"content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]}]})")) +
      chunk(json::parse(R"({"content":[{"type":"text","text":"Calling."}]})")) +
      chunk(
          json::parse(R"({"tool_calls":[{"id":"A1","function":{"name":"f","arguments":"{\"x\":1}"}},
                                          {"id":"B2","function":{"name":"g","arguments":"{}"}}]})"),
          "tool_calls") +
      "data: [DONE]\n\n";
  DecodedResponse result = decode_stream(bytes, Provider::Mistral);
  CHECK_FALSE(result.error);
  CHECK(result.response.reasoning == "hmm");
  CHECK(result.response.text == "Calling.");
  REQUIRE(result.response.tool_calls.size() == 2);
  CHECK(result.response.tool_calls[0] == ToolCall{"A1", "f", "{\"x\":1}"});
  CHECK(result.response.tool_calls[1] == ToolCall{"B2", "g", "{}"});
}

TEST_CASE("OpenAI stream cut short is a bad_response, with the output so far",
          "[openai][stream][hostile]") {
  std::string bytes = chunk(json{{"content", "Hel"}}) + chunk(json{{"content", "lo"}});
  DecodedResponse result = decode_stream(bytes);
  REQUIRE(result.error);
  CHECK(result.error->code == ErrorCode::BadResponse);
  CHECK(result.error->message.find("ended before the response was complete") != std::string::npos);
  CHECK(result.response.text == "Hello");

  // A finished choice without [DONE] is complete (some servers never send it).
  DecodedResponse finished = decode_stream(bytes + chunk(json::object(), "stop"));
  CHECK_FALSE(finished.error);
  CHECK(finished.response.finish_reason == FinishReason::Stop);
}

TEST_CASE("OpenAI stream turns hostile bytes into bad_response", "[openai][stream][hostile]") {
  auto error_of = [](std::string_view bytes) {
    DecodedResponse result = decode_stream(bytes);
    REQUIRE(result.error);
    CHECK(result.error->code == ErrorCode::BadResponse);
    CHECK(result.error->origin == ErrorOrigin::Decoder);
    return result.error->message;
  };
  CHECK(error_of("data: {\"choices\": [\n\n").find("a chat completion chunk is not JSON: ") == 0);
  CHECK(error_of("data: 42\n\n") == "a chat completion chunk is a number, not an object");
  CHECK(error_of("data: {\"choices\": 5}\n\n") ==
        "the chat completion chunk's \"choices\" is a number; expected an array");
  CHECK(error_of("data: {\"choices\": [{\"delta\": {\"content\": 42}}]}\n\n") ==
        "the chat completion chunk's \"content\" is a number; expected a string or an array");
  CHECK(error_of("data: {\"choices\": [{\"delta\": {\"tool_calls\": {}}}]}\n\n") ==
        "the chat completion chunk's \"tool_calls\" is an object; expected an array");
  CHECK(error_of("data: {\"choices\": [{\"delta\": {\"content\": \"\xC3\x28\"}}]}\n\n")
            .find("not valid UTF-8") != std::string::npos);
  CHECK(error_of("data: " + std::string(300, '[') + "\n\n") ==
        "a chat completion chunk is not JSON: JSON nested deeper than 256 levels");
  std::string endless = "data: {\"choices\": [{\"delta\": {\"content\": \"";
  endless.append(std::size_t{17} << 20, 'a'); // past the 16 MiB bound on one event
  CHECK(error_of(endless).find("longer than") != std::string::npos);
  CHECK(error_of("").find("ended before") != std::string::npos);
}

TEST_CASE("OpenAI stream decodes a 1 MB content line", "[openai][stream][hostile]") {
  std::string text(1 << 20, 'z');
  DecodedResponse result = decode_stream(chunk(json{{"content", text}}) +
                                         chunk(json::object(), "stop") + "data: [DONE]\n\n");
  CHECK_FALSE(result.error);
  CHECK(result.response.text == text);
}

TEST_CASE("OpenAI stream ignores unknown fields, other choices and events after [DONE]",
          "[openai][stream]") {
  std::string bytes =
      "event: something-new\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\","
      "\"future_field\":[1,2]},\"logprobs\":{\"x\":1}}],\"brand_new\":true}\n\n"
      "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}\n\n" +
      chunk(json::object(), "stop") +
      "data: [DONE]\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n";
  DecodedResponse result = decode_stream(bytes);
  CHECK_FALSE(result.error);
  CHECK(result.response.text == "a");
}

TEST_CASE("OpenAI whole response decodes tool calls given as objects and errors in a 200",
          "[openai][whole]") {
  DecodedResponse result = decode_whole(R"({"choices":[{"message":{"role":"assistant",
      "tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":{"a":1}}}]},
      "finish_reason":"tool_calls"}]})");
  CHECK_FALSE(result.error);
  REQUIRE(result.response.tool_calls.size() == 1);
  CHECK(result.response.tool_calls[0].arguments == "{\"a\":1}");

  DecodedResponse error = decode_whole(R"({"error":{"message":"Upstream error","code":502}})");
  REQUIRE(error.error);
  CHECK(error.error->code == ErrorCode::ServerError);
  CHECK(error.error->message == "Upstream error");
}

TEST_CASE("OpenAI whole response turns hostile bodies into errors", "[openai][whole][hostile]") {
  for (std::string_view body :
       {"", "null", "[]", "{\"choices\": []}", "{\"choices\": [7]}",
        "{\"choices\": [{\"message\": []}]}", "not json at all",
        "{\"choices\": [{\"message\": {\"content\": \"x\"}}], \"usage\": 3}"}) {
    INFO(body);
    DecodedResponse result = decode_whole(body);
    REQUIRE(result.error);
    CHECK(result.error->code == ErrorCode::BadResponse);
    CHECK(result.response.text.empty());
  }
}

TEST_CASE("OpenAI error bodies of every shape become provider errors", "[openai][errors]") {
  auto error_of = [](int status, std::string_view body, std::vector<Header> headers = {}) {
    HttpResponseHead head;
    head.status = status;
    head.headers = std::move(headers);
    head.received_at_ms = 1000;
    return make_adapter(Provider::OpenAi)->decode_error(head, body);
  };
  Error html = error_of(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
  CHECK(html.code == ErrorCode::ServerError);
  CHECK(html.message == "<html><body><h1>502 Bad Gateway</h1></body></html>");

  Error tgi = error_of(
      422,
      R"({"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096","error_type":"validation"})");
  CHECK(tgi.code == ErrorCode::InvalidRequest);
  CHECK(tgi.provider_type == "validation");

  Error fastapi =
      error_of(422, R"({"detail":[{"loc":["body","messages"],"msg":"field required"}]})");
  CHECK(fastapi.code == ErrorCode::InvalidRequest);
  CHECK(fastapi.message.find("field required") != std::string::npos);

  Error azure_filter = error_of(
      400,
      R"({"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}})");
  CHECK(azure_filter.code == ErrorCode::ContentFiltered);
  CHECK(azure_filter.param == "prompt");

  Error rate = error_of(
      429,
      R"({"error":{"message":"Rate limit reached. Please try again in 1.5s.","type":"requests","code":"rate_limit_exceeded"}})",
      {{"x-request-id", "req_9"}});
  CHECK(rate.code == ErrorCode::RateLimited);
  CHECK(rate.retry_after_ms == 1500);
  CHECK(rate.request_id == "req_9");

  Error quota = error_of(
      429,
      R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}})");
  CHECK(quota.code == ErrorCode::QuotaExceeded);
  CHECK_FALSE(quota.retry_after_ms);

  Error empty = error_of(503, "");
  CHECK(empty.code == ErrorCode::Overloaded);
  CHECK(empty.message == default_message(ErrorCode::Overloaded));
}

TEST_CASE("A streamed request answered with one JSON body decodes whole",
          "[openai][stream][whole]") {
  // Some servers and proxies ignore `stream: true`; the Content-Type tells.
  HttpResponseHead head;
  head.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  DecodedResponse result = decode(Provider::Vllm, true, head, R"({"choices":[{"index":0,
      "message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}]})");
  CHECK_FALSE(result.error);
  CHECK(result.response.text == "whole");

  head.headers = {{"content-type", "text/event-stream"}};
  DecodedResponse stream = decode(Provider::Vllm, true, head,
                                  "data: {\"choices\":[{\"delta\":{\"content\":\"s\"},"
                                  "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
  CHECK_FALSE(stream.error);
  CHECK(stream.response.text == "s");
}
