// The gateway's request parsers (serve.hpp) as the inverse of the adapters' request writers:
// a body the OpenAI or Anthropic adapter writes parses back to the request it was written
// from, and writing that again gives the same bytes. Then bodies shaped as the official SDKs
// send them, and bodies that must be refused, each with the member it names.

#include "support/requests.hpp"

#include <llmux/api_json.hpp>
#include <llmux/serve.hpp>

#include <catch2/catch.hpp>

using namespace llmux;

namespace {

using testing::build;

Tool weather_tool() {
  return Tool{"get_weather", "The weather in a city",
              R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"};
}

Tool time_tool() {
  return Tool{"get_time", "", R"({"type":"object","properties":{}})"};
}

// A conversation with every kind of part both APIs carry: parallel tool calls, their results,
// images by URL and inline. In the form each format reads back: OpenAI's tool messages carry
// one result each and no error flag; Anthropic's results of one turn share a user message.
ChatRequest tool_conversation(Provider provider = Provider::OpenAi) {
  ChatRequest request = testing::hello("some-model");
  request.max_tokens = 512;
  Message assistant = Message::assistant("Let me check.");
  assistant.content.push_back(
      ContentPart::make_tool_call(ToolCall{"call_1", "get_weather", R"({"city":"Paris"})"}));
  assistant.content.push_back(ContentPart::make_tool_call(ToolCall{"call_2", "get_time", "{}"}));
  request.messages.push_back(assistant);
  Message first = Message::tool("call_1", "18 C and sunny");
  first.content[0].tool_result.tool_name = "get_weather";
  request.messages.push_back(first);
  Message second = Message::tool("call_2", "clock unavailable", provider == Provider::Anthropic);
  second.content[0].tool_result.tool_name = "get_time";
  if (provider == Provider::Anthropic)
    request.messages.back().content.push_back(second.content[0]);
  else
    request.messages.push_back(second);
  request.messages.push_back(Message::assistant("It is 18 C in Paris."));
  Message look;
  look.role = Role::User;
  look.content.push_back(ContentPart::make_text("And here?"));
  look.content.push_back(ContentPart::make_image_url("https://example.com/sky.png"));
  look.content.push_back(ContentPart::make_image_base64("image/png", "iVBORw0KGgo="));
  request.messages.push_back(look);
  request.tools = {weather_tool(), time_tool()};
  return request;
}

// The requests both round trips run over.
std::vector<ChatRequest> shared_requests(Provider provider) {
  std::vector<ChatRequest> requests;
  ChatRequest hello = testing::hello("gpt-4o-mini");
  hello.max_tokens = 100;
  requests.push_back(hello);

  ChatRequest parameters = hello;
  // OpenAI has no system prompt apart from system messages.
  if (provider == Provider::Anthropic)
    parameters.system = "Be brief.";
  else
    parameters.messages.insert(parameters.messages.begin(), Message::system("Be brief."));
  parameters.temperature = 0.25;
  parameters.top_p = 0.9;
  parameters.stop = {"END", "STOP"};
  parameters.user = "user-42";
  requests.push_back(parameters);

  requests.push_back(tool_conversation(provider));
  for (ToolChoice::Mode mode : {ToolChoice::Mode::Auto, ToolChoice::Mode::None,
                                ToolChoice::Mode::Required, ToolChoice::Mode::Named}) {
    ChatRequest choosing = tool_conversation(provider);
    choosing.tool_choice = ToolChoice{mode, mode == ToolChoice::Mode::Named ? "get_time" : ""};
    choosing.parallel_tool_calls = false;
    requests.push_back(choosing);
  }
  ChatRequest streamed = hello;
  streamed.stream = true;
  requests.push_back(streamed);
  return requests;
}

// The round trip: parse(write(request)) writes the same body, and is the request.
void check_round_trip(Provider provider, const ChatRequest &request,
                      Result<InboundRequest> (*parse)(std::string_view)) {
  const std::string body = build(provider, request).body;
  INFO(body);
  auto parsed = parse(body);
  if (!parsed.ok())
    FAIL(parsed.error().message);
  const ChatRequest &back = parsed.value().request;
  CHECK(build(provider, back).body == body);
  CHECK(back.model == request.model);
  CHECK(api::messages_json(back.messages) == api::messages_json(request.messages));
  CHECK(back.system == request.system);
  CHECK(back.temperature == request.temperature);
  CHECK(back.top_p == request.top_p);
  CHECK(back.max_tokens == request.max_tokens);
  CHECK(back.stop == request.stop);
  CHECK(back.user == request.user);
  CHECK(back.stream == request.stream);
  CHECK(back.tools.size() == request.tools.size());
  for (std::size_t i = 0; i < back.tools.size() && i < request.tools.size(); ++i) {
    CHECK(back.tools[i].name == request.tools[i].name);
    CHECK(back.tools[i].description == request.tools[i].description);
    CHECK(back.tools[i].parameters == request.tools[i].parameters);
  }
  CHECK(back.tool_choice.has_value() == request.tool_choice.has_value());
  if (back.tool_choice && request.tool_choice) {
    CHECK(back.tool_choice->mode == request.tool_choice->mode);
    CHECK(back.tool_choice->name == request.tool_choice->name);
  }
  CHECK(back.reasoning_effort == request.reasoning_effort);
  CHECK(back.reasoning_budget_tokens == request.reasoning_budget_tokens);
  CHECK(back.response_format.type == request.response_format.type);
  CHECK(back.response_format.schema == request.response_format.schema);
}

Error refused(Result<InboundRequest> parsed) {
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::InvalidArgument);
  CHECK(parsed.error().origin == ErrorOrigin::Caller);
  return parsed.error();
}

} // namespace

TEST_CASE("An OpenAI body the adapter writes parses back to its request", "[serve][openai]") {
  std::vector<ChatRequest> requests = shared_requests(Provider::OpenAi);
  ChatRequest schema = requests.front();
  schema.response_format.type = ResponseFormat::Type::JsonSchema;
  schema.response_format.name = "answer";
  schema.response_format.schema = R"({"type":"object","properties":{"n":{"type":"integer"}}})";
  requests.push_back(schema);
  ChatRequest json_mode = requests.front();
  json_mode.response_format.type = ResponseFormat::Type::JsonObject;
  requests.push_back(json_mode);
  ChatRequest effort = requests.front();
  effort.reasoning_effort = "high";
  requests.push_back(effort);
  ChatRequest parallel = tool_conversation();
  parallel.parallel_tool_calls = true;
  requests.push_back(parallel);
  // OpenAI writes max_completion_tokens; vLLM max_tokens: both read back.
  for (Provider provider : {Provider::OpenAi, Provider::Vllm})
    for (const ChatRequest &request : requests)
      check_round_trip(provider, request, parse_openai_chat_request);
}

TEST_CASE("An Anthropic body the adapter writes parses back to its request", "[serve][anthropic]") {
  std::vector<ChatRequest> requests = shared_requests(Provider::Anthropic);
  ChatRequest thinking = tool_conversation(Provider::Anthropic);
  thinking.reasoning_budget_tokens = 2048;
  // Thinking blocks go back signed, a redacted one as its data, before the calls.
  Message &assistant = thinking.messages[1];
  assistant.content.insert(assistant.content.begin(),
                           ContentPart::make_reasoning(Reasoning{"", "", "EncryptedData=="}));
  assistant.content.insert(assistant.content.begin(),
                           ContentPart::make_reasoning(Reasoning{"Paris first.", "sig-1", ""}));
  requests.push_back(thinking);
  ChatRequest systems = requests.front();
  systems.system = "Be brief.";
  systems.messages.insert(systems.messages.begin(), Message::system("Answer in French."));
  // Two system texts go out as blocks and come back as two system messages, which write the
  // same blocks.
  const std::string body = build(Provider::Anthropic, systems).body;
  auto parsed = parse_anthropic_messages_request(body);
  REQUIRE(parsed.ok());
  CHECK(build(Provider::Anthropic, parsed.value().request).body == body);
  CHECK(parsed.value().request.messages.size() == 3);
  CHECK(parsed.value().include_usage);
  for (const ChatRequest &request : requests)
    check_round_trip(Provider::Anthropic, request, parse_anthropic_messages_request);
  // The session's form (one tool message per result) writes the same body again.
  const std::string session_form = build(Provider::Anthropic, tool_conversation()).body;
  auto again = parse_anthropic_messages_request(session_form);
  REQUIRE(again.ok());
  CHECK(build(Provider::Anthropic, again.value().request).body == session_form);
}

TEST_CASE("An OpenAI SDK body reads with every part", "[serve][openai]") {
  // Shaped as the openai package's ChatCompletionCreateParams types declare it.
  auto parsed = parse_openai_chat_request(R"({
    "model": "gpt-4o",
    "messages": [
      {"role": "developer", "content": [{"type": "text", "text": "Be terse."}]},
      {"role": "user", "name": "eve", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ", "detail": "low"}}]},
      {"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_a", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"cat\"}"}}]},
      {"role": "tool", "tool_call_id": "call_a", "content": [{"type": "text", "text": "a cat"}]}
    ],
    "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}, "strict": true}}],
    "tool_choice": {"type": "function", "function": {"name": "lookup"}},
    "parallel_tool_calls": false,
    "max_completion_tokens": 300,
    "stop": "###",
    "stream": true,
    "stream_options": {"include_usage": true},
    "seed": 7, "store": false, "metadata": {"k": "v"}, "n": 1, "logprobs": false,
    "frequency_penalty": 0.5, "logit_bias": {"50256": -100},
    "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object"}, "strict": true}}
  })");
  if (!parsed.ok())
    FAIL(parsed.error().message);
  const InboundRequest &inbound = parsed.value();
  const ChatRequest &request = inbound.request;
  CHECK(inbound.include_usage);
  CHECK(request.stream);
  CHECK(request.model == "gpt-4o");
  REQUIRE(request.messages.size() == 4);
  CHECK(request.messages[0].role == Role::System);
  CHECK(request.messages[0].text() == "Be terse.");
  REQUIRE(request.messages[1].content.size() == 2);
  CHECK(request.messages[1].content[1].image.media_type == "image/jpeg");
  CHECK(request.messages[1].content[1].image.base64 == "/9j/4AAQ");
  CHECK(request.messages[2].content.size() == 1);
  CHECK(request.messages[2].content[0].tool_call.arguments == R"({"q":"cat"})");
  const ToolResult &result = request.messages[3].content[0].tool_result;
  CHECK(result.content == "a cat");
  CHECK(result.tool_name == "lookup"); // found from the call it answers
  CHECK(request.tool_choice->mode == ToolChoice::Mode::Named);
  CHECK(request.parallel_tool_calls == false);
  CHECK(request.max_tokens == 300);
  CHECK(request.stop == std::vector<std::string>{"###"});
  CHECK(request.response_format.type == ResponseFormat::Type::JsonSchema);
  CHECK(request.response_format.strict);
  // Passed on for the upstream, as sent.
  CHECK(request.extra_body == R"({"frequency_penalty":0.5,"logit_bias":{"50256":-100}})");
}

TEST_CASE("An Anthropic SDK body reads with every block", "[serve][anthropic]") {
  auto parsed = parse_anthropic_messages_request(R"({
    "model": "claude-sonnet-4-5",
    "max_tokens": 1024,
    "system": [{"type": "text", "text": "You are a cat.", "cache_control": {"type": "ephemeral"}}],
    "messages": [
      {"role": "user", "content": [
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
        {"type": "text", "text": "Whose is it?"}]},
      {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "Hmm.", "signature": "sig"},
        {"type": "tool_use", "id": "toolu_1", "name": "owner", "input": {"image": 1}}]},
      {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_1", "is_error": true,
         "content": [{"type": "text", "text": "no owner "}, {"type": "text", "text": "found"}]},
        {"type": "text", "text": "Try again."}]}
    ],
    "tools": [{"name": "owner", "description": "Finds owners", "input_schema": {"type": "object"}}],
    "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
    "thinking": {"type": "enabled", "budget_tokens": 1024},
    "metadata": {"user_id": "u-7"},
    "stop_sequences": ["Human:"],
    "top_k": 5,
    "stream": true
  })");
  if (!parsed.ok())
    FAIL(parsed.error().message);
  const ChatRequest &request = parsed.value().request;
  CHECK(request.system == "You are a cat.");
  REQUIRE(request.messages.size() == 4);
  CHECK(request.messages[0].content[0].image.url == "https://example.com/a.png");
  CHECK(request.messages[1].content[0].reasoning.signature == "sig");
  CHECK(request.messages[1].content[1].tool_call.arguments == R"({"image":1})");
  // The user turn splits into its tool results, then the rest.
  CHECK(request.messages[2].role == Role::Tool);
  CHECK(request.messages[2].content[0].tool_result.is_error);
  CHECK(request.messages[2].content[0].tool_result.content == "no owner found");
  CHECK(request.messages[2].content[0].tool_result.tool_name == "owner");
  CHECK(request.messages[3].role == Role::User);
  CHECK(request.tool_choice->mode == ToolChoice::Mode::Required);
  CHECK(request.parallel_tool_calls == false);
  CHECK(request.reasoning_budget_tokens == 1024);
  CHECK(request.user == "u-7");
  CHECK(request.extra_body == R"({"top_k":5})");
}

TEST_CASE("Requests that cannot be honoured are refused naming the member", "[serve]") {
  struct Case {
    const char *body;
    const char *param;
  };
  const Case openai[] = {
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"n":2})", "n"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true})", "logprobs"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"modalities":["text","audio"]})",
       "modalities"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"temprature":1})", "temprature"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":7})",
       "temperature"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0})", "max_tokens"},
      {R"({"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]})",
       "messages[0].content[0].type"},
      {R"({"model":"m","messages":[{"role":"tool","content":"x"}]})", "messages[0].tool_call_id"},
      {R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})", "messages[0].role"},
      {R"({"model":"m","messages":[]})", "messages"},
      {R"({"messages":[{"role":"user","content":"hi"}]})", "model"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"sometimes"})",
       "tool_choice"},
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}],"functions":[]})", "functions"},
      {R"([1,2])", "the request body"},
      {R"({"":1.5})", R"("")"}, // found by the serve_request fuzz target: a name of nothing
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}])", "the request body"},
  };
  for (const Case &c : openai) {
    INFO(c.body);
    CHECK(refused(parse_openai_chat_request(c.body)).param == c.param);
  }
  const Case anthropic[] = {
      {R"({"model":"m","messages":[{"role":"user","content":"hi"}]})", "max_tokens"},
      {R"({"model":"m","max_tokens":9,"messages":[{"role":"system","content":"hi"}]})",
       "messages[0].role"},
      {R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":[{"type":"document"}]}]})",
       "messages[0].content[0].type"},
      {R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"adaptive"}})",
       "thinking.type"},
      {R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"w"}]})",
       "tools[0].type"},
      {R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":"hi"}],"container":"c"})",
       "container"},
      {R"({"model":"m","max_tokens":9,"messages":[{"role":"assistant","content":[{"type":"tool_result","tool_use_id":"x"}]}]})",
       "messages[0].content[0].type"},
  };
  for (const Case &c : anthropic) {
    INFO(c.body);
    CHECK(refused(parse_anthropic_messages_request(c.body)).param == c.param);
  }
}

TEST_CASE("Every truncation of a request body is refused without aborting", "[serve]") {
  const std::string openai = build(Provider::OpenAi, tool_conversation()).body;
  const std::string anthropic = build(Provider::Anthropic, tool_conversation()).body;
  for (std::size_t size = 0; size < openai.size(); ++size)
    CHECK_FALSE(parse_openai_chat_request(std::string_view(openai).substr(0, size)).ok());
  for (std::size_t size = 0; size < anthropic.size(); ++size)
    CHECK_FALSE(parse_anthropic_messages_request(std::string_view(anthropic).substr(0, size)).ok());
  // Hostile shapes: deep nesting, wrong types everywhere, invalid UTF-8.
  CHECK_FALSE(parse_openai_chat_request(std::string(100000, '[')).ok());
  CHECK_FALSE(parse_openai_chat_request(R"({"model":1,"messages":{"role":"user"}})").ok());
  CHECK_FALSE(parse_anthropic_messages_request("{\"model\":\"\xff\"}").ok());
}
