#include "adapters/gemini.hpp"

#include "adapters/sse_stream_decoder.hpp"
#include "adapters/wire_common.hpp"
#include "http/provider_error.hpp"
#include "http/retry_after.hpp"
#include "json/json.hpp"

#include <llmux/response_builder.hpp>

#include <cstdint>

namespace llmux {
namespace {

using json::Value;

constexpr std::string_view default_api_version = "v1beta";

// ---------------------------------------------------------------------------------------
// Requests

bool is_model_id_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// The model's resource name in the URL: "models/gemini-2.5-flash" for a model given with or
// without Google's "models/" prefix, "tunedModels/..." for a tuned model. Ids are checked
// because they go into the URL path unescaped.
Result<std::string> model_resource(std::string_view model) {
  std::string_view collection = "models/";
  if (model.starts_with("models/")) {
    model.remove_prefix(collection.size());
  } else if (model.starts_with("tunedModels/")) {
    collection = "tunedModels/";
    model.remove_prefix(collection.size());
  }
  if (model.empty())
    return invalid_argument("the request names no model");
  std::string resource(collection);
  resource += model;
  for (char c : model)
    if (!is_model_id_char(c))
      return invalid_argument(resource + " is not a Gemini model (its id may have letters, "
                                         "digits, '-', '.' and '_')");
  return resource;
}

Result<Value> image_part(const Image &image) {
  if (!image.url.empty()) {
    // A data: URL, the way OpenAI takes inline images, is inline data to Gemini.
    std::string_view url = image.url;
    if (url.starts_with("data:")) {
      url.remove_prefix(5);
      std::size_t comma = url.find(',');
      std::string_view media_type = url.substr(0, comma);
      if (comma == std::string_view::npos || !media_type.ends_with(";base64") ||
          media_type.size() == 7)
        return invalid_argument("an image data URL must read data:<media type>;base64,<data>");
      media_type.remove_suffix(7);
      return Value::object({{"inlineData", Value::object({{"mimeType", media_type},
                                                          {"data", url.substr(comma + 1)}})}});
    }
    Value file = Value::object({{"fileUri", image.url}});
    if (!image.media_type.empty())
      file["mimeType"] = image.media_type;
    return Value::object({{"fileData", std::move(file)}});
  }
  if (image.base64.empty())
    return invalid_argument("an image has neither a URL nor data");
  if (image.media_type.empty())
    return invalid_argument("an inline image needs its media type (Gemini's mimeType)");
  return Value::object(
      {{"inlineData", Value::object({{"mimeType", image.media_type}, {"data", image.base64}})}});
}

// A tool call sent earlier in the conversation, to name the results that answer it.
struct SentCall {
  std::string id;
  std::string name;
  bool generated_id = false;
};

// functionResponse.response must be an object: a result that is one goes as it is, any other
// text is wrapped.
Value function_response_body(const ToolResult &result) {
  auto parsed = json::parse(result.content);
  if (parsed.ok() && parsed.value().is_object())
    return std::move(parsed).value();
  return Value::object({{result.is_error ? "error" : "result", result.content}});
}

Result<Value> tool_result_part(const ToolResult &result, const std::vector<SentCall> &calls) {
  // The latest call with the id: generated ids can repeat across responses.
  const SentCall *call = nullptr;
  if (!result.tool_call_id.empty())
    for (auto it = calls.rbegin(); it != calls.rend() && !call; ++it)
      if (it->id == result.tool_call_id)
        call = &*it;
  std::string name = result.tool_name;
  if (name.empty() && call)
    name = call->name;
  // Gemini pairs results with calls by name (and order); without one it cannot.
  if (name.empty())
    return invalid_argument("the result of tool call \"" + result.tool_call_id +
                            "\" has no tool_name and answers no earlier tool call");
  Value function = Value::object({{"name", std::move(name)}});
  function["response"] = function_response_body(result);
  if (call && !call->generated_id && !call->id.empty())
    function["id"] = call->id;
  return Value::object({{"functionResponse", std::move(function)}});
}

Result<Value> tool_call_part(const ToolCall &call) {
  if (call.name.empty())
    return invalid_argument("a tool call has no name");
  auto args = arguments_object(call);
  if (!args.ok())
    return std::move(args).error();
  Value function = Value::object({{"name", call.name}, {"args", std::move(args).value()}});
  // An id llmux made up would mean nothing to Gemini.
  if (!call.generated_id && !call.id.empty())
    function["id"] = call.id;
  Value part = Value::object({{"functionCall", std::move(function)}});
  // Gemini 3 rejects a function call sent back without the signature it came with.
  if (!call.signature.empty())
    part["thoughtSignature"] = call.signature;
  return part;
}

// The parts of one user, assistant or tool message.
Result<Value> message_parts(const Message &message, std::vector<SentCall> &calls) {
  Value parts = Value::array();
  for (const ContentPart &part : message.content) {
    switch (part.kind) {
      case ContentPart::Kind::Text:
        // Gemini rejects empty text parts.
        if (!part.text.empty())
          parts.push_back(Value::object({{"text", part.text}}));
        break;
      case ContentPart::Kind::Image: {
        if (message.role != Role::User)
          return invalid_argument("images are only allowed in user messages");
        auto image = image_part(part.image);
        if (!image.ok())
          return std::move(image).error();
        parts.push_back(std::move(image).value());
        break;
      }
      case ContentPart::Kind::ToolCall: {
        if (message.role != Role::Assistant)
          return invalid_argument("tool calls are only allowed in assistant messages");
        auto wire = tool_call_part(part.tool_call);
        if (!wire.ok())
          return std::move(wire).error();
        parts.push_back(std::move(wire).value());
        calls.push_back({part.tool_call.id, part.tool_call.name, part.tool_call.generated_id});
        break;
      }
      case ContentPart::Kind::ToolResult: {
        if (message.role == Role::Assistant)
          return invalid_argument("tool results are only allowed in tool and user messages");
        auto wire = tool_result_part(part.tool_result, calls);
        if (!wire.ok())
          return std::move(wire).error();
        parts.push_back(std::move(wire).value());
        break;
      }
      case ContentPart::Kind::Reasoning:
        // Gemini reads thoughts back only with their signature; unsigned thought text (a
        // summary, or another provider's reasoning) would be ignored, so it stays behind.
        if (message.role == Role::Assistant && !part.reasoning.signature.empty())
          parts.push_back(Value::object({{"text", part.reasoning.text},
                                         {"thought", true},
                                         {"thoughtSignature", part.reasoning.signature}}));
        break;
      case ContentPart::Kind::ToolPlan:
        break; // Cohere's; Gemini has no place for it
    }
  }
  return parts;
}

Result<Value> tool_config(const ChatRequest &request) {
  const ToolChoice &choice = *request.tool_choice;
  Value config = Value::object();
  switch (choice.mode) {
    case ToolChoice::Mode::Auto:
      config["mode"] = "AUTO";
      break;
    case ToolChoice::Mode::None:
      config["mode"] = "NONE";
      break;
    case ToolChoice::Mode::Required:
      config["mode"] = "ANY";
      break;
    case ToolChoice::Mode::Named: {
      bool declared = false;
      for (const Tool &tool : request.tools)
        declared = declared || tool.name == choice.name;
      if (!declared)
        return invalid_argument("tool_choice names \"" + choice.name +
                                "\", which is not among the request's tools");
      config["mode"] = "ANY";
      config["allowedFunctionNames"] = Value::array({choice.name});
      break;
    }
  }
  return Value::object({{"functionCallingConfig", std::move(config)}});
}

Result<Value> generation_config(const ChatRequest &request) {
  Value config = Value::object();
  if (request.temperature)
    config["temperature"] = *request.temperature;
  if (request.top_p)
    config["topP"] = *request.top_p;
  if (request.max_tokens)
    config["maxOutputTokens"] = *request.max_tokens;
  if (!request.stop.empty())
    config["stopSequences"] = string_array(request.stop);
  switch (request.response_format.type) {
    case ResponseFormat::Type::Text:
      break;
    case ResponseFormat::Type::JsonObject:
      config["responseMimeType"] = "application/json";
      break;
    case ResponseFormat::Type::JsonSchema: {
      // responseJsonSchema takes standard JSON Schema (responseSchema, an OpenAPI subset,
      // would reject much of it). Gemini always holds the answer to the schema, so `strict`
      // has nothing to switch.
      auto schema = json::parse(request.response_format.schema);
      if (!schema.ok() || !schema.value().is_object())
        return invalid_argument("response_format schema must be a JSON Schema object");
      config["responseMimeType"] = "application/json";
      config["responseJsonSchema"] = std::move(schema).value();
      break;
    }
  }
  // Gemini 2.5 sets thinking by a token budget (0 turns it off, -1 lets the model choose).
  // An effort has no Gemini 2.5 equivalent (Gemini 3's thinkingLevel is rejected by 2.5), so
  // it only asks for the thought summaries, which Gemini leaves out by default.
  if (request.reasoning_budget_tokens || !request.reasoning_effort.empty()) {
    Value thinking = Value::object();
    if (request.reasoning_budget_tokens)
      thinking["thinkingBudget"] = *request.reasoning_budget_tokens;
    // A budget of 0 turns thinking off: then there are no thoughts to include.
    if (!request.reasoning_budget_tokens || *request.reasoning_budget_tokens != 0)
      thinking["includeThoughts"] = true;
    config["thinkingConfig"] = std::move(thinking);
  }
  return config;
}

// ---------------------------------------------------------------------------------------
// Responses

FinishReason normalise_finish(std::string_view raw, bool had_tool_calls) {
  // Gemini ends a turn of function calls with STOP, like any other.
  if (raw == "STOP")
    return had_tool_calls ? FinishReason::ToolCalls : FinishReason::Stop;
  if (raw == "MAX_TOKENS")
    return FinishReason::Length;
  for (std::string_view filtered :
       {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"})
    if (raw == filtered)
      return FinishReason::ContentFilter;
  return FinishReason::Other; // MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, and later values
}

Usage read_usage(const Value &usage) {
  Usage out;
  out.input_tokens = read_token_count(usage, "promptTokenCount", out);
  out.output_tokens = read_token_count(usage, "candidatesTokenCount", out);
  out.total_tokens = read_token_count(usage, "totalTokenCount", out);
  out.cached_input_tokens = read_token_count(usage, "cachedContentTokenCount", out);
  // Thinking tokens are billed as output but not counted in candidatesTokenCount.
  out.reasoning_tokens = read_token_count(usage, "thoughtsTokenCount", out);
  return out;
}

// Turns the parts of candidate 0 into events, numbering tool calls and reasoning blocks over a
// whole response: the parts of one body, or of every chunk of a stream.
//
// Thought signatures: a signature on a function call is the call's. Any other signature ends
// the reasoning before it: Gemini signs a run of thought parts on the part after them (the
// answer's first text part), or on a thought part of its own, or on a text part with no
// thoughts shown at all (thought summaries off). It becomes the signature of the current
// reasoning block, possibly one without text, and the next thought starts a new block.
class PartDecoder {
public:
  void decode(json::Reader &reader, const Value &parts, std::vector<StreamEvent> &events) {
    for (const Value &part : parts.items()) {
      if (!part.is_object()) {
        reader.type_error("parts[]", "an object", part);
        return;
      }
      decode_part(reader, part, events);
      if (reader.failed())
        return;
    }
  }

  bool had_tool_calls() const noexcept { return tool_calls_ > 0; }

private:
  void decode_part(json::Reader &reader, const Value &part, std::vector<StreamEvent> &events) {
    const bool thought = reader.boolean(part, "thought").value_or(false);
    const std::string_view signature = reader.string(part, "thoughtSignature").value_or("");
    const Value *call = reader.object(part, "functionCall");
    const auto text = reader.string(part, "text");
    if (reader.failed())
      return;
    if (call)
      return function_call(reader, *call, signature, events);
    if (text && !text->empty()) {
      if (thought) {
        events.push_back(StreamEvent::reasoning_delta(block_, std::string(*text)));
        block_open_ = true;
      } else {
        events.push_back(StreamEvent::text_delta(std::string(*text)));
      }
    }
    // Parts llmux does not model (inlineData answers, executableCode, codeExecutionResult)
    // carry no text, but their signature counts like any other.
    if (!signature.empty()) {
      events.push_back(StreamEvent::reasoning_signature(block_, std::string(signature)));
      ++block_;
      block_open_ = false;
    }
  }

  // Gemini sends each function call whole, in one part.
  void function_call(json::Reader &reader, const Value &call, std::string_view signature,
                     std::vector<StreamEvent> &events) {
    const std::string name(reader.string(call, "name").value_or(""));
    const auto id = reader.string(call, "id");
    const Value *args = reader.object(call, "args");
    if (reader.failed())
      return;
    std::string arguments = args ? json::dump(*args) : std::string();
    const std::size_t index = tool_calls_++;
    const bool generated = !id || id->empty();
    std::string call_id = generated ? generated_call_id(index, name, arguments) : std::string(*id);
    StreamEvent start = StreamEvent::tool_call_start(index, call_id, name);
    start.generated_id = generated;
    events.push_back(std::move(start));
    if (!arguments.empty())
      events.push_back(StreamEvent::tool_call_delta(index, arguments));
    StreamEvent end =
        StreamEvent::tool_call_end(index, std::move(call_id), name, std::move(arguments));
    end.signature = std::string(signature);
    end.generated_id = generated;
    events.push_back(std::move(end));
    // The thinking before a signed call is over too, though its signature went to the call.
    if (!signature.empty() && block_open_) {
      ++block_;
      block_open_ = false;
    }
  }

  std::size_t block_ = 0;
  bool block_open_ = false; // block_ has reasoning text and no signature yet
  std::size_t tool_calls_ = 0;
};

// Candidate 0, or null: llmux asks for one candidate (candidateCount), and a stream's chunks
// may leave out its index.
const Value *first_candidate(json::Reader &reader, const Value &root) {
  const Value *candidates = reader.array(root, "candidates");
  if (!candidates)
    return nullptr;
  for (const Value &candidate : candidates->items()) {
    if (!candidate.is_object()) {
      reader.type_error("candidates[]", "an object", candidate);
      return nullptr;
    }
    if (reader.integer(candidate, "index").value_or(0) == 0)
      return reader.failed() ? nullptr : &candidate;
  }
  return nullptr;
}

// Decodes a candidate's parts; returns its finishReason, if it has one.
std::optional<std::string_view> decode_candidate(json::Reader &reader, const Value &candidate,
                                                 PartDecoder &parts,
                                                 std::vector<StreamEvent> &events) {
  if (const Value *content = reader.object(candidate, "content"))
    if (const Value *list = reader.array(*content, "parts"))
      parts.decode(reader, *list, events);
  auto finish = reader.string(candidate, "finishReason");
  if (reader.failed() || !finish || finish->empty())
    return std::nullopt;
  return finish;
}

// What Gemini says in {"error": {"code", "message", "status", "details": [...]}}.
struct GeminiError {
  ProviderErrorFields fields;
  bool api_key_invalid = false;
};

std::optional<GeminiError> read_error(json::Reader &reader, const Value &body) {
  const Value *error = reader.object(body, "error");
  if (!error)
    return std::nullopt;
  GeminiError out;
  out.fields.type = std::string(reader.string(*error, "status").value_or(""));
  out.fields.code = reader.string_or_number(*error, "code").value_or("");
  out.fields.message = std::string(reader.string(*error, "message").value_or(""));
  // The details are google.rpc messages, told apart by "@type". Ones llmux cannot read are
  // skipped: they only refine what the status already says.
  const Value *details = json::find(*error, "details");
  if (!details || !details->is_array())
    return out;
  for (const Value &detail : details->items()) {
    const Value *type = json::find(detail, "@type");
    if (!type || !type->is_string())
      continue;
    std::string_view kind = type->as_string();
    if (kind.ends_with("google.rpc.RetryInfo")) {
      // Gemini puts its retry hint here, not in a Retry-After header.
      const Value *delay = json::find(detail, "retryDelay");
      if (delay && delay->is_string())
        out.fields.retry_after_ms = parse_duration_ms(delay->as_string());
    } else if (kind.ends_with("google.rpc.ErrorInfo")) {
      // A wrong key is a 400 INVALID_ARGUMENT; only the reason tells it from a bad request.
      const Value *reason = json::find(detail, "reason");
      if (reason && reason->is_string() && reason->as_string() == "API_KEY_INVALID")
        out.api_key_invalid = true;
    }
  }
  return out;
}

Error provider_error(const HttpResponseHead &head, GeminiError error, bool in_stream) {
  const bool api_key_invalid = error.api_key_invalid;
  Error out = make_provider_error(head, std::move(error.fields), in_stream);
  if (api_key_invalid) {
    out.code = ErrorCode::AuthFailed;
    out.retry_after_ms.reset();
    out.hint.clear();
  }
  return out;
}

// A prompt Gemini refused to answer: promptFeedback.blockReason and no candidates.
std::optional<Error> blocked_prompt(json::Reader &reader, const Value &root,
                                    const HttpResponseHead &head, bool in_stream) {
  const Value *feedback = reader.object(root, "promptFeedback");
  if (!feedback)
    return std::nullopt;
  auto reason = reader.string(*feedback, "blockReason");
  auto message = reader.string(*feedback, "blockReasonMessage");
  if (reader.failed() || !reason || reason->empty())
    return std::nullopt;
  ProviderErrorFields fields;
  fields.type = std::string(*reason);
  fields.message = message && !message->empty()
                       ? std::string(*message)
                       : "Gemini blocked the prompt (blockReason " + std::string(*reason) + ")";
  Error error = make_provider_error(head, std::move(fields), in_stream);
  // The status (200) says nothing; the block reason says it all, and retrying will not help.
  error.code = ErrorCode::ContentFiltered;
  error.retry_after_ms.reset();
  error.hint.clear();
  return error;
}

// ---------------------------------------------------------------------------------------
// Streams

class GeminiStreamDecoder final : public SseStreamDecoder {
private:
  void on_end(std::vector<StreamEvent> &events) override {
    // Gemini sends no [DONE]: a finishReason is the only sign the answer is whole.
    if (!finished_)
      fail(events, bad_response("the stream ended before a finishReason"));
  }

  void on_event(const SseEvent &event, std::vector<StreamEvent> &events) override {
    auto parsed = parse_object(event.data, "a streamGenerateContent chunk");
    if (!parsed.ok())
      return fail(events, std::move(parsed).error());
    const Value &chunk = parsed.value();
    json::Reader reader("streamGenerateContent chunk");
    HttpResponseHead head;
    head.status = 200;
    auto error = read_error(reader, chunk);
    if (reader.failed())
      return fail(events, *reader.error());
    if (error) // an error inside a 200 stream: the output so far stands
      return fail(events, provider_error(head, std::move(*error), true));
    std::optional<std::string_view> finish;
    if (const Value *candidate = first_candidate(reader, chunk)) {
      finish = decode_candidate(reader, *candidate, parts_, events);
    } else if (auto blocked = blocked_prompt(reader, chunk, head, true)) {
      return fail(events, std::move(*blocked));
    }
    if (const Value *usage = reader.object(chunk, "usageMetadata")) {
      // Each chunk reports the counts so far (promptTokenCount can still change): the last
      // report wins.
      Usage counts = read_usage(*usage);
      if (!reader.failed() && !counts.empty())
        events.push_back(StreamEvent::usage_report(counts));
    }
    if (reader.failed())
      return fail(events, *reader.error());
    if (finish && !finished_) {
      finished_ = true;
      events.push_back(StreamEvent::finish(normalise_finish(*finish, parts_.had_tool_calls()),
                                           std::string(*finish)));
    }
  }

  PartDecoder parts_;
  bool finished_ = false; // candidate 0 sent its finishReason
};

} // namespace

// ---------------------------------------------------------------------------------------

Result<HttpRequest> GeminiAdapter::build_request(const ChatRequest &request,
                                                 const Endpoint &endpoint) const {
  if (auto numbers = check_request_numbers(request); !numbers.ok())
    return std::move(numbers).error();
  auto base = base_url(endpoint);
  if (!base.ok())
    return std::move(base).error();
  auto model = model_resource(request.model);
  if (!model.ok())
    return std::move(model).error();
  // A model told to call no tool keeps to one at a time as well.
  const bool no_calls = request.tool_choice && request.tool_choice->mode == ToolChoice::Mode::None;
  if (request.parallel_tool_calls && !*request.parallel_tool_calls && !request.tools.empty() &&
      !no_calls)
    return make_error(ErrorCode::Unsupported, ErrorOrigin::Caller,
                      "Gemini cannot be limited to one tool call at a time "
                      "(parallel_tool_calls false)");

  HttpRequest http;
  http.stream = request.stream;
  const std::string version =
      endpoint.api_version.empty() ? std::string(default_api_version) : endpoint.api_version;
  std::string_view root = base.value();
  while (!root.empty() && root.back() == '/')
    root.remove_suffix(1);
  // Accept base URLs given with or without the version segment.
  std::string path = root.ends_with("/" + version) ? "" : "/" + version;
  path += "/" + model.value();
  path += request.stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
  http.url = join_url(root, path);
  http.headers = standard_headers(endpoint, request.stream);

  // System text lives outside the contents: the request's prompt, then system messages.
  Value system = Value::array();
  if (!request.system.empty())
    system.push_back(Value::object({{"text", request.system}}));
  Value contents = Value::array();
  std::vector<SentCall> calls;
  std::string_view last_role;
  for (const Message &message : request.messages) {
    if (message.role == Role::System) {
      for (const ContentPart &part : message.content) {
        if (part.kind != ContentPart::Kind::Text)
          return invalid_argument("system messages carry text only");
        if (!part.text.empty())
          system.push_back(Value::object({{"text", part.text}}));
      }
      continue;
    }
    auto parts = message_parts(message, calls);
    if (!parts.ok())
      return std::move(parts).error();
    if (parts.value().empty())
      continue;
    // Tool results go back in a user turn. Consecutive turns of one role merge into one, so
    // that the results of parallel calls share the turn right after the calls.
    std::string_view role = message.role == Role::Assistant ? "model" : "user";
    if (role == last_role) {
      for (const Value &part : parts.value().items())
        contents.back()["parts"].push_back(part);
    } else {
      contents.push_back(Value::object({{"role", role}, {"parts", std::move(parts).value()}}));
      last_role = role;
    }
  }
  if (contents.empty())
    return invalid_argument("Gemini needs at least one user message with content");

  Value body = Value::object();
  body["contents"] = std::move(contents);
  if (!request.tools.empty()) {
    Value declarations = Value::array();
    for (const Tool &tool : request.tools) {
      if (tool.name.empty())
        return invalid_argument("a tool has no name");
      auto schema = tool_schema(tool);
      if (!schema.ok())
        return std::move(schema).error();
      Value declaration = Value::object({{"name", tool.name}});
      if (!tool.description.empty())
        declaration["description"] = tool.description;
      // parametersJsonSchema takes standard JSON Schema; `parameters` would take only
      // Google's OpenAPI subset and reject much of what users write.
      declaration["parametersJsonSchema"] = std::move(schema).value();
      declarations.push_back(std::move(declaration));
    }
    body["tools"] =
        Value::array({Value::object({{"functionDeclarations", std::move(declarations)}})});
    if (request.tool_choice) {
      auto config = tool_config(request);
      if (!config.ok())
        return std::move(config).error();
      body["toolConfig"] = std::move(config).value();
    }
  } else if (request.tool_choice && request.tool_choice->mode != ToolChoice::Mode::None &&
             request.tool_choice->mode != ToolChoice::Mode::Auto) {
    return invalid_argument("tool_choice requires a tool but the request has none");
  }
  if (!system.empty())
    body["systemInstruction"] = Value::object({{"parts", std::move(system)}});
  auto generation = generation_config(request);
  if (!generation.ok())
    return std::move(generation).error();
  if (!generation.value().empty())
    body["generationConfig"] = std::move(generation).value();
  // `user` has no Gemini counterpart; it only labels the request for abuse monitoring.
  if (auto merged = merge_extra_body(request, body); !merged.ok())
    return std::move(merged).error();
  http.body = json::dump(body);
  return http;
}

DecodedResponse GeminiAdapter::decode_response(const HttpResponseHead &head,
                                               std::string_view body) const {
  DecodedResponse decoded;
  auto parsed = successful_body(*this, head, body, "the generateContent response", decoded);
  if (!parsed)
    return decoded;
  const Value &root = *parsed;
  json::Reader reader("generateContent response");
  auto error = read_error(reader, root);
  if (error && !reader.failed()) {
    decoded.error = provider_error(head, std::move(*error), false);
    return decoded;
  }
  const Value *candidate = reader.failed() ? nullptr : first_candidate(reader, root);
  if (!candidate) {
    std::optional<Error> blocked;
    if (!reader.failed())
      blocked = blocked_prompt(reader, root, head, false);
    if (blocked)
      decoded.error = std::move(blocked);
    else if (reader.failed())
      decoded.error = *reader.error();
    else
      decoded.error = bad_response("the generateContent response has no candidates");
    return decoded;
  }
  // The parts become the events a stream of them would give, and the same builder folds
  // them: a whole response and a stream of it decode alike.
  PartDecoder parts;
  std::vector<StreamEvent> events;
  auto finish = decode_candidate(reader, *candidate, parts, events);
  ResponseBuilder builder;
  for (const StreamEvent &event : events)
    builder.apply(event);
  decoded = builder.take();
  ChatResponse &response = decoded.response;
  response.id = std::string(reader.string(root, "responseId").value_or(""));
  response.model = std::string(reader.string(root, "modelVersion").value_or(""));
  if (finish) {
    response.finish_reason = normalise_finish(*finish, parts.had_tool_calls());
    response.finish_reason_raw = std::string(*finish);
  }
  if (const Value *usage = reader.object(root, "usageMetadata"))
    response.usage = read_usage(*usage);
  if (reader.failed()) {
    decoded.error = *reader.error();
    decoded.response = {};
  }
  return decoded;
}

Error GeminiAdapter::decode_error(const HttpResponseHead &head, std::string_view body) const {
  auto parsed = json::parse(body);
  if (parsed.ok()) {
    const Value *root = &parsed.value();
    // LENIENCY: streamGenerateContent without alt=sse answers with a JSON array, and its
    // errors come as [{"error": {...}}]. Risk: none; an array is no other error shape.
    if (root->is_array() && !root->empty())
      root = &root->items().front();
    if (root->is_object()) {
      json::Reader reader("error body");
      auto error = read_error(reader, *root);
      if (error && !reader.failed() &&
          (!error->fields.message.empty() || !error->fields.type.empty()))
        return provider_error(head, std::move(*error), false);
    }
  }
  ProviderErrorFields fields;
  fields.message = body_excerpt(body);
  return make_provider_error(head, std::move(fields), false);
}

std::unique_ptr<StreamDecoder> GeminiAdapter::new_stream_decoder() const {
  return std::make_unique<GeminiStreamDecoder>();
}

} // namespace llmux
