#include "adapters/gemini.hpp"

#include "adapters/request_body.hpp"
#include "adapters/sse_stream_decoder.hpp"
#include "adapters/turn_writer.hpp"
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

Result<void> write_image_part(const Image &image, json::ArrayWriter &parts) {
  std::string_view media_type = image.media_type;
  std::string_view data = image.base64;
  if (!image.url.empty()) {
    // A data: URL, the way OpenAI takes inline images, is inline data to Gemini.
    std::string_view url = image.url;
    if (!url.starts_with("data:")) {
      json::ObjectWriter part = parts.object();
      json::ObjectWriter file = part.object("fileData");
      file.member("fileUri", image.url);
      if (!image.media_type.empty())
        file.member("mimeType", image.media_type);
      file.close();
      part.close();
      return {};
    }
    url.remove_prefix(5);
    std::size_t comma = url.find(',');
    media_type = url.substr(0, comma);
    if (comma == std::string_view::npos || !media_type.ends_with(";base64") ||
        media_type.size() == 7)
      return invalid_argument("an image data URL must read data:<media type>;base64,<data>");
    media_type.remove_suffix(7);
    data = url.substr(comma + 1);
  } else if (image.base64.empty()) {
    return invalid_argument("an image has neither a URL nor data");
  } else if (image.media_type.empty()) {
    return invalid_argument("an inline image needs its media type (Gemini's mimeType)");
  }
  json::ObjectWriter part = parts.object();
  json::ObjectWriter inline_data = part.object("inlineData");
  inline_data.member("mimeType", media_type);
  inline_data.member("data", data);
  inline_data.close();
  part.close();
  return {};
}

// A tool call sent earlier in the conversation, to name the results that answer it.
struct SentCall {
  std::string id;
  std::string name;
  bool generated_id = false;
};

// functionResponse.response must be an object: a result that is one goes as it is, any other
// text is wrapped.
void write_function_response_body(const ToolResult &result, std::string &out) {
  auto parsed = json::parse(result.content);
  if (parsed.ok() && parsed.value().is_object()) {
    json::write(parsed.value(), out);
    return;
  }
  json::ObjectWriter wrapped(out);
  wrapped.member(result.is_error ? "error" : "result", result.content);
  wrapped.close();
}

Result<void> write_tool_result_part(const ToolResult &result, const std::vector<SentCall> &calls,
                                    json::ArrayWriter &parts) {
  // The latest call with the id: generated ids can repeat across responses.
  const SentCall *call = nullptr;
  if (!result.tool_call_id.empty())
    for (auto it = calls.rbegin(); it != calls.rend() && !call; ++it)
      if (it->id == result.tool_call_id)
        call = &*it;
  std::string_view name = result.tool_name;
  if (name.empty() && call)
    name = call->name;
  // Gemini pairs results with calls by name (and order); without one it cannot.
  if (name.empty())
    return invalid_argument("the result of tool call \"" + result.tool_call_id +
                            "\" has no tool_name and answers no earlier tool call");
  json::ObjectWriter part = parts.object();
  json::ObjectWriter function = part.object("functionResponse");
  function.member("name", name);
  write_function_response_body(result, function.key("response"));
  if (call && !call->generated_id && !call->id.empty())
    function.member("id", call->id);
  function.close();
  part.close();
  return {};
}

Result<void> write_tool_call_part(const ToolCall &call, json::ArrayWriter &parts) {
  if (call.name.empty())
    return invalid_argument("a tool call has no name");
  auto args = arguments_object(call);
  if (!args.ok())
    return std::move(args).error();
  json::ObjectWriter part = parts.object();
  json::ObjectWriter function = part.object("functionCall");
  function.member("name", call.name);
  function.member("args", args.value());
  // An id llmux made up would mean nothing to Gemini.
  if (!call.generated_id && !call.id.empty())
    function.member("id", call.id);
  function.close();
  // Gemini 3 rejects a function call sent back without the signature it came with.
  if (!call.signature.empty())
    part.member("thoughtSignature", call.signature);
  part.close();
  return {};
}

// Whether the part of a user, assistant or tool message becomes a part on the wire (or is
// refused while writing it).
bool is_wire_part(const ContentPart &part, Role role) {
  switch (part.kind) {
    case ContentPart::Kind::Text:
      return !part.text.empty(); // Gemini rejects empty text parts
    case ContentPart::Kind::Image:
    case ContentPart::Kind::ToolCall:
    case ContentPart::Kind::ToolResult:
      return true;
    case ContentPart::Kind::Reasoning:
      // Gemini reads thoughts back only with their signature; unsigned thought text (a
      // summary, or another provider's reasoning) would be ignored, so it stays behind.
      return role == Role::Assistant && !part.reasoning.signature.empty();
    case ContentPart::Kind::ToolPlan:
      return false; // Cohere's; Gemini has no place for it
  }
  return false;
}

// The parts of one user, assistant or tool message (check_request has seen that images are
// in user messages and tool calls in assistant messages).
Result<void> write_message_parts(const Message &message, std::vector<SentCall> &calls,
                                 json::ArrayWriter &parts) {
  for (const ContentPart &part : message.content) {
    if (!is_wire_part(part, message.role))
      continue;
    Result<void> written;
    switch (part.kind) {
      case ContentPart::Kind::Text: {
        json::ObjectWriter text = parts.object();
        text.member("text", part.text);
        text.close();
        break;
      }
      case ContentPart::Kind::Image:
        written = write_image_part(part.image, parts);
        break;
      case ContentPart::Kind::ToolCall:
        written = write_tool_call_part(part.tool_call, parts);
        calls.push_back({part.tool_call.id, part.tool_call.name, part.tool_call.generated_id});
        break;
      case ContentPart::Kind::ToolResult:
        if (message.role == Role::Assistant)
          return invalid_argument("tool results are only allowed in tool and user messages");
        written = write_tool_result_part(part.tool_result, calls, parts);
        break;
      case ContentPart::Kind::Reasoning: {
        json::ObjectWriter thought = parts.object();
        thought.member("text", part.reasoning.text);
        thought.member("thought", true);
        thought.member("thoughtSignature", part.reasoning.signature);
        thought.close();
        break;
      }
      case ContentPart::Kind::ToolPlan:
        break;
    }
    if (!written.ok())
      return written;
  }
  return {};
}

// Tool results go back in a user turn. Consecutive turns of one role merge into one, so that
// the results of parallel calls share the turn right after the calls. System messages go to
// systemInstruction (write_system_instruction), and carry text only.
Result<void> write_contents(const ChatRequest &request, RequestBody &body) {
  json::ArrayWriter contents = body.array("contents");
  TurnWriter turns(contents, "parts");
  std::vector<SentCall> calls;
  for (const Message &message : request.messages) {
    if (message.role == Role::System) {
      for (const ContentPart &part : message.content)
        if (part.kind != ContentPart::Kind::Text)
          return invalid_argument("system messages carry text only");
      continue;
    }
    bool has_part = false;
    for (const ContentPart &part : message.content)
      has_part = has_part || is_wire_part(part, message.role);
    if (!has_part)
      continue;
    json::ArrayWriter &parts = turns.blocks(message.role == Role::Assistant ? "model" : "user");
    if (auto written = write_message_parts(message, calls, parts); !written.ok())
      return written;
  }
  if (turns.empty())
    return invalid_argument("Gemini needs at least one user message with content");
  turns.close();
  contents.close();
  return {};
}

// The request's prompt, then the system messages' text.
void write_system_instruction(const ChatRequest &request, RequestBody &body) {
  bool has_text = !request.system.empty();
  for (const Message &message : request.messages)
    if (message.role == Role::System)
      for (const ContentPart &part : message.content)
        has_text = has_text || !part.text.empty();
  if (!has_text)
    return;
  json::ObjectWriter instruction = body.object("systemInstruction");
  json::ArrayWriter parts = instruction.array("parts");
  auto write_text = [&parts](std::string_view text) {
    json::ObjectWriter part = parts.object();
    part.member("text", text);
    part.close();
  };
  if (!request.system.empty())
    write_text(request.system);
  for (const Message &message : request.messages)
    if (message.role == Role::System)
      for (const ContentPart &part : message.content)
        if (!part.text.empty())
          write_text(part.text);
  parts.close();
  instruction.close();
}

Result<void> write_tool_config(const ChatRequest &request, RequestBody &body) {
  const ToolChoice &choice = *request.tool_choice;
  if (choice.mode == ToolChoice::Mode::Named) {
    bool declared = false;
    for (const Tool &tool : request.tools)
      declared = declared || tool.name == choice.name;
    if (!declared)
      return invalid_argument("tool_choice names \"" + choice.name +
                              "\", which is not among the request's tools");
  }
  json::ObjectWriter config = body.object("toolConfig");
  json::ObjectWriter calling = config.object("functionCallingConfig");
  switch (choice.mode) {
    case ToolChoice::Mode::Auto:
      calling.member("mode", "AUTO");
      break;
    case ToolChoice::Mode::None:
      calling.member("mode", "NONE");
      break;
    case ToolChoice::Mode::Required:
      calling.member("mode", "ANY");
      break;
    case ToolChoice::Mode::Named: {
      calling.member("mode", "ANY");
      json::ArrayWriter names = calling.array("allowedFunctionNames");
      names.item(choice.name);
      names.close();
      break;
    }
  }
  calling.close();
  config.close();
  return {};
}

Result<void> write_tools(const ChatRequest &request, RequestBody &body) {
  if (request.tools.empty()) {
    if (request.tool_choice && request.tool_choice->mode != ToolChoice::Mode::None &&
        request.tool_choice->mode != ToolChoice::Mode::Auto)
      return invalid_argument("tool_choice requires a tool but the request has none");
    return {};
  }
  json::ArrayWriter tools = body.array("tools");
  json::ObjectWriter group = tools.object();
  json::ArrayWriter declarations = group.array("functionDeclarations");
  for (const Tool &tool : request.tools) {
    auto schema = tool_schema(tool);
    if (!schema.ok())
      return std::move(schema).error();
    json::ObjectWriter declaration = declarations.object();
    declaration.member("name", tool.name);
    if (!tool.description.empty())
      declaration.member("description", tool.description);
    // parametersJsonSchema takes standard JSON Schema; `parameters` would take only Google's
    // OpenAPI subset and reject much of what users write.
    declaration.member("parametersJsonSchema", schema.value());
    declaration.close();
  }
  declarations.close();
  group.close();
  tools.close();
  if (request.tool_choice)
    return write_tool_config(request, body);
  return {};
}

// Gemini 2.5 sets thinking by a token budget (0 turns it off, -1 lets the model choose). An
// effort has no Gemini 2.5 equivalent (Gemini 3's thinkingLevel is rejected by 2.5), so it
// only asks for the thought summaries, which Gemini leaves out by default.
void write_thinking_config(const ChatRequest &request, json::ObjectWriter &config) {
  json::ObjectWriter thinking = config.object("thinkingConfig");
  if (request.reasoning_budget_tokens)
    thinking.member("thinkingBudget", *request.reasoning_budget_tokens);
  // A budget of 0 turns thinking off: then there are no thoughts to include.
  if (!request.reasoning_budget_tokens || *request.reasoning_budget_tokens != 0)
    thinking.member("includeThoughts", true);
  thinking.close();
}

Result<void> write_generation_config(const ChatRequest &request, RequestBody &body) {
  const ResponseFormat &format = request.response_format;
  const bool thinking = request.reasoning_budget_tokens || !request.reasoning_effort.empty();
  std::optional<json::Value> schema;
  if (format.type == ResponseFormat::Type::JsonSchema) {
    auto parsed = json::parse(format.schema);
    if (!parsed.ok() || !parsed.value().is_object())
      return invalid_argument("response_format schema must be a JSON Schema object");
    schema = std::move(parsed).value();
  }
  if (!request.temperature && !request.top_p && !request.max_tokens && request.stop.empty() &&
      format.type == ResponseFormat::Type::Text && !thinking)
    return {};
  json::ObjectWriter config = body.object("generationConfig");
  if (request.temperature)
    config.member("temperature", *request.temperature);
  if (request.top_p)
    config.member("topP", *request.top_p);
  if (request.max_tokens)
    config.member("maxOutputTokens", *request.max_tokens);
  if (!request.stop.empty()) {
    json::ArrayWriter stop = config.array("stopSequences");
    for (const std::string &text : request.stop)
      stop.item(text);
    stop.close();
  }
  // responseJsonSchema takes standard JSON Schema (responseSchema, an OpenAPI subset, would
  // reject much of it). Gemini always holds the answer to the schema, so `strict` has nothing
  // to switch.
  if (format.type != ResponseFormat::Type::Text)
    config.member("responseMimeType", "application/json");
  if (schema)
    config.member("responseJsonSchema", *schema);
  if (thinking)
    write_thinking_config(request, config);
  config.close();
  return {};
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

  RequestBody body(request);
  if (auto contents = write_contents(request, body); !contents.ok())
    return std::move(contents).error();
  if (auto tools = write_tools(request, body); !tools.ok())
    return std::move(tools).error();
  write_system_instruction(request, body);
  if (auto generation = write_generation_config(request, body); !generation.ok())
    return std::move(generation).error();
  // `user` has no Gemini counterpart; it only labels the request for abuse monitoring.
  auto text = std::move(body).finish();
  if (!text.ok())
    return std::move(text).error();
  http.body = std::move(text).value();
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
