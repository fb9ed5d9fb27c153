// The JavaScript API's JSON (core/src/api): calls and client options are read strictly with
// errors that name the member, messages read back exactly what result_json wrote, and events
// and results come out in the shapes wasm/index.d.ts declares.

#include <llmux/api_json.hpp>

#include "json/json.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace llmux;

namespace {

std::string error_of(std::string_view call) {
  auto parsed = api::parse_call(call);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::InvalidArgument);
  CHECK(parsed.error().origin == ErrorOrigin::Caller);
  return parsed.error().message;
}

json::Value parse(const std::string &text) {
  auto parsed = json::parse(text);
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

} // namespace

TEST_CASE("parse_call reads every option of a call") {
  auto call = api::parse_call(R"({
    "model": "gpt-4o-mini", "fallbacks": ["claude-haiku-4.5"], "system": "Be brief",
    "messages": [{"role": "user", "content": "earlier"}], "prompt": "now",
    "tools": [{"name": "add", "description": "adds", "parameters": {"type": "object"}}],
    "toolChoice": {"name": "add"}, "parallelToolCalls": false, "temperature": 0.5, "topP": 0.9,
    "maxTokens": 64, "stop": ["END"], "responseFormat": {"type": "json-schema",
    "schema": {"type": "object"}, "name": "answer"}, "reasoningEffort": "low",
    "reasoningBudgetTokens": 1024, "user": "alice", "extraBody": {"seed": 1}, "stream": true,
    "maxRounds": 5, "validateToolArguments": false, "overflow": "trim", "cacheTtlMs": 1000,
    "budgetScopes": ["user:alice"], "retry": {"maxRetries": 1, "initialDelayMs": 10},
    "seed": 42})");
  REQUIRE(call.ok());
  const api::CallSpec &spec = call.value();
  CHECK(spec.models == std::vector<std::string>{"gpt-4o-mini", "claude-haiku-4.5"});
  CHECK(spec.request.system == "Be brief");
  REQUIRE(spec.request.messages.size() == 2);
  CHECK(spec.request.messages[1].text() == "now");
  REQUIRE(spec.request.tools.size() == 1);
  CHECK(spec.request.tools[0].parameters == R"({"type":"object"})");
  CHECK(spec.request.tool_choice->mode == ToolChoice::Mode::Named);
  CHECK(spec.request.parallel_tool_calls == false);
  CHECK(spec.request.temperature == 0.5);
  CHECK(spec.request.max_tokens == 64);
  CHECK(spec.request.stop == std::vector<std::string>{"END"});
  CHECK(spec.request.response_format.type == ResponseFormat::Type::JsonSchema);
  CHECK(spec.request.response_format.name == "answer");
  CHECK(spec.request.reasoning_budget_tokens == 1024);
  CHECK(spec.request.extra_body == R"({"seed":1})");
  CHECK(spec.request.stream);
  CHECK(spec.max_rounds == 5);
  CHECK(spec.validate_tool_arguments == false);
  CHECK(spec.overflow == Overflow::TrimOldestTurns);
  CHECK(spec.cache_ttl_ms == 1000);
  CHECK(spec.user == "alice");
  CHECK(spec.budget_scopes == std::vector<std::string>{"user:alice"});
  CHECK(spec.retry->max_retries == 1);
  CHECK(spec.retry->initial_backoff_ms == 10);
  CHECK(spec.retry->max_backoff_ms == RetryPolicy{}.max_backoff_ms);
  CHECK(spec.seed == 42u);
}

TEST_CASE("parse_call names the member that is wrong") {
  CHECK(error_of("") .find("not JSON") != std::string::npos);
  CHECK(error_of("[]") == "the call: must be an object");
  CHECK(error_of(R"({})") == "messages: a call needs a prompt or at least one message");
  CHECK(error_of(R"({"prompt": 1})") == "prompt: must be a string");
  CHECK(error_of(R"({"prompt": "x", "temprature": 1})") == "temprature: is not an option llmux knows");
  CHECK(error_of(R"({"messages": [{"role": "robot"}]})") ==
        "messages[0].role: must be system, user, assistant or tool");
  CHECK(error_of(R"({"messages": [{"role": "user", "content": 3}]})") ==
        "messages[0].content: must be a string or an array of parts");
  CHECK(error_of(R"({"messages": [{"role": "user", "content": [{"type": "video"}]}]})") ==
        "messages[0].content[0].type: must be text, image, tool-call, tool-result, reasoning or "
        "tool-plan");
  CHECK(error_of(R"({"messages": [{"role": "user", "content": [{"type": "image"}]}]})") ==
        "messages[0].content[0]: an image needs a url, or data (base64) with its mediaType");
  CHECK(error_of(R"({"prompt": "x", "maxTokens": 0})").rfind("maxTokens: must be an integer", 0) == 0);
  CHECK(error_of(R"({"prompt": "x", "temperature": "hot"})") == "temperature: must be a finite number");
  CHECK(error_of(R"({"prompt": "x", "tools": [{"description": "no name"}]})") ==
        "tools[0].name: a tool needs a name");
  CHECK(error_of(R"({"prompt": "x", "tools": [{"name": "a", "parameters": "{}"}]})") ==
        "tools[0].parameters: must be a JSON Schema object");
  CHECK(error_of(R"({"prompt": "x", "toolChoice": "sometimes"})") ==
        "toolChoice: must be auto, none, required or {name}");
  CHECK(error_of(R"({"prompt": "x", "fallbacks": ["b"]})") == "fallbacks: need a model to fall back from");
  CHECK(error_of(R"({"prompt": "x", "task": "coding", "model": "m"})") ==
        "task: chooses the models itself: leave model and fallbacks out");
  CHECK(error_of(R"({"prompt": "x", "retry": {"maxRetries": 99}})") ==
        "retry.maxRetries: must be an integer from 0 to 20");
  CHECK(error_of(R"({"prompt": "x", "seed": 1e300})").rfind("seed: must be an integer", 0) == 0);
  CHECK(error_of(R"({"prompt": "x", "overflow": "squeeze"})") == "overflow: must be refuse or trim");
}

TEST_CASE("messages read back exactly what messages_json wrote") {
  std::vector<Message> messages;
  messages.push_back(Message::system("sys"));
  Message user;
  user.role = Role::User;
  user.content.push_back(ContentPart::make_text("look"));
  user.content.push_back(ContentPart::make_image_url("https://example.com/a.png"));
  user.content.push_back(ContentPart::make_image_base64("image/png", "iVBORw0KGgo="));
  messages.push_back(user);
  Message assistant;
  assistant.role = Role::Assistant;
  assistant.content.push_back(ContentPart::make_reasoning({"thinking", "sig", ""}));
  assistant.content.push_back(ContentPart::make_reasoning({"", "", "redacted-bytes"}));
  assistant.content.push_back(ContentPart::make_tool_plan("I will add"));
  assistant.content.push_back(ContentPart::make_text("Adding \"quotes\" and \n newlines"));
  assistant.content.push_back(ContentPart::make_tool_call({"call_1", "add", R"({"a":1})", "gsig", false}));
  messages.push_back(assistant);
  messages.push_back(Message::tool("call_1", "2"));
  messages.push_back(Message::tool("call_2", "failed", true));

  const std::string text = api::messages_json(messages);
  auto call = api::parse_call(R"({"messages":)" + text + "}");
  REQUIRE(call.ok());
  const std::vector<Message> &back = call.value().request.messages;
  REQUIRE(back.size() == messages.size());
  CHECK(api::messages_json(back) == text);
  CHECK(back[2].content[4].tool_call.signature == "gsig");
  CHECK(back[4].content[0].tool_result.is_error);
  // A message of one text part is written with its content as a string.
  CHECK(text.rfind(R"([{"role":"system","content":"sys"})", 0) == 0);
}

TEST_CASE("parse_client_options reads settings without quoting their values") {
  auto options = api::parse_client_options(
      R"({"settings": {"OPENAI_API_KEY": "sk-secret"}, "model": "gpt-4o-mini", "fallbacks": ["x"],
          "user": "u", "budgetScopes": ["project:a"], "routes": {"routes": {"c": ["m"]}},
          "models": [{"id": "mine"}], "retry": {"maxDelayMs": 5}})");
  REQUIRE(options.ok());
  CHECK(options.value().settings.at("OPENAI_API_KEY") == "sk-secret");
  CHECK(options.value().models == std::vector<std::string>{"gpt-4o-mini", "x"});
  CHECK(options.value().routes_json == R"({"routes":{"c":["m"]}})");
  CHECK(options.value().models_json == R"({"models":[{"id":"mine"}]})");
  CHECK(options.value().retry->max_backoff_ms == 5);

  auto bad = api::parse_client_options(R"({"settings": {"OPENAI_API_KEY": ["sk-secret"]}})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "settings.OPENAI_API_KEY: must be a string");
  CHECK(bad.error().message.find("sk-secret") == std::string::npos);
  CHECK_FALSE(api::parse_client_options(R"({"fetch": 1})").ok());
  CHECK_FALSE(api::parse_client_options("nope").ok());
}

TEST_CASE("events come out as the JavaScript API's objects, a stream's error left out") {
  std::vector<SessionEvent> events(6);
  events[0].kind = SessionEvent::Kind::RoundStarted;
  events[0].round = 1;
  events[0].model = "openai-gpt-4o-mini";
  events[1].kind = SessionEvent::Kind::Stream;
  events[1].stream = StreamEvent::text_delta("Hi \"there\"");
  events[2].kind = SessionEvent::Kind::Stream;
  events[2].stream = StreamEvent::tool_call_end(0, "call_1", "add", R"({"a":1})");
  events[3].kind = SessionEvent::Kind::Stream;
  events[3].stream = StreamEvent::failure(bad_response("cut"));
  events[4].kind = SessionEvent::Kind::Retrying;
  events[4].model = "openai-gpt-4o-mini";
  events[4].attempt = 2;
  events[4].until_ms = 1500;
  events[4].error = make_error(ErrorCode::RateLimited, ErrorOrigin::Provider, "slow down");
  events[4].error.retry_after_ms = 1000;
  events[5].kind = SessionEvent::Kind::Finished;
  std::string out = "[";
  api::append_events(events, out);
  REQUIRE(out.back() == ',');
  out.back() = ']';
  const json::Value array = parse(out);
  REQUIRE(array.size() == 4);
  CHECK(json::dump(array.items()[0]) == R"({"type":"round-start","round":1,"model":"openai-gpt-4o-mini"})");
  CHECK(json::dump(array.items()[1]) == R"({"type":"text-delta","text":"Hi \"there\""})");
  CHECK(json::dump(array.items()[2]) ==
        R"({"type":"tool-call","index":0,"id":"call_1","name":"add","arguments":{"a":1},"argumentsText":"{\"a\":1}"})");
  const json::Value &retry = array.items()[3];
  CHECK(retry.find("type")->as_string() == "retry");
  CHECK(retry.find("error")->find("code")->as_string() == "rate_limited");
  CHECK(retry.find("error")->find("number")->as_integer() == 4);
  CHECK(retry.find("error")->find("retryAfterMs")->as_integer() == 1000);
}

TEST_CASE("result_json: exact cost strings, unknown cost as null, tool calls with parsed arguments") {
  SessionResult result;
  result.response.text = "done";
  result.response.tool_calls.push_back({"call_1", "add", "{not json", "", false});
  result.usage.input_tokens = 1000;
  result.usage.output_tokens = 500;
  result.cost = Cost{150'000'000, 0, 0, 300'000'000, 450'000'000};
  result.model = "openai-gpt-4o-mini";
  result.models_tried.push_back({"openai-gpt-4o-mini", 1, std::nullopt});
  const json::Value value = parse(api::result_json(result));
  CHECK(value.find("cost")->find("total")->as_string() == "0.00045");
  CHECK(value.find("cost")->find("totalPicodollars")->as_string() == "450000000");
  CHECK(value.find("usage")->find("inputTokens")->as_integer() == 1000);
  CHECK(value.find("toolCalls")->items()[0].find("arguments")->is_null());
  CHECK(value.find("toolCalls")->items()[0].find("argumentsText")->as_string() == "{not json");
  CHECK(value.find("error")->is_null());

  result.cost.reset();
  result.error = make_error(ErrorCode::Cancelled, ErrorOrigin::Session, "the call was cancelled");
  const json::Value failed = parse(api::result_json(result));
  CHECK(failed.find("cost")->is_null());
  CHECK(failed.find("error")->find("code")->as_string() == "cancelled");
}

TEST_CASE("parse_usage reads the counts write_usage writes, and nothing else") {
  Usage usage;
  usage.input_tokens = 1000;
  usage.cached_input_tokens = 200;
  usage.reasoning_tokens = 7;
  std::string text;
  api::write_usage(usage, text);
  auto back = api::parse_usage(text);
  REQUIRE(back.ok());
  CHECK(back.value() == usage);
  CHECK(api::parse_usage(R"({"inputTokens": -1})").error().message ==
        "usage.inputTokens: must be an integer from 0 to 9223372036854775807");
  CHECK(api::parse_usage(R"({"inputTokkens": 1})").error().message ==
        "usage: has a member that is not a token count llmux knows");
  CHECK_FALSE(api::parse_usage("[]").ok());
  CHECK_FALSE(api::parse_usage("").ok());
}

TEST_CASE("A session's action is written as the JavaScript driver reads it", "[api-json]") {
  const Session session{SessionConfig{}};
  std::string out;
  SessionAction send;
  send.kind = SessionAction::Kind::Send;
  send.request.method = "POST";
  send.request.url = "http://127.0.0.1:8080/v1/chat/completions";
  send.request.headers = {{"content-type", "application/json"}, {"x-quote", "a\"b"}};
  send.request.stream = true;
  send.request.body = R"({"model":"m"})";
  send.deadline_ms = 120000;
  api::write_action(send, session, out);
  CHECK(out == R"({"kind":"send","method":"POST","url":"http://127.0.0.1:8080/v1/chat/completions",)"
               R"("headers":[["content-type","application/json"],["x-quote","a\"b"]],)"
               R"("stream":true,"deadlineMs":120000})");

  out.clear();
  SessionAction wait;
  wait.kind = SessionAction::Kind::Wait;
  wait.until_ms = 1500;
  api::write_action(wait, session, out);
  CHECK(out == R"({"kind":"wait","untilMs":1500})");

  out.clear();
  SessionAction tools;
  tools.kind = SessionAction::Kind::RunTools;
  tools.tool_runs.push_back({ToolCall{"call_1", "weather", R"({"city":"Paris"})", "", false}, 2});
  api::write_action(tools, session, out);
  CHECK(out == R"({"kind":"tools","calls":[{"id":"call_1","name":"weather",)"
               R"("argumentsText":"{\"city\":\"Paris\"}","round":2}]})");

  out.clear();
  api::write_action(SessionAction{}, session, out);
  CHECK(out == R"({"kind":"idle"})");
}
