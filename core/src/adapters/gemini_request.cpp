// The Gemini generateContent adapter's requests: a ChatRequest written as its body. Its responses
// and streams are read in gemini.cpp.

#include "adapters/gemini.hpp"

#include "adapters/check_request.hpp"
#include "adapters/request_body.hpp"
#include "adapters/turn_writer.hpp"
#include "adapters/wire_common.hpp"
#include "http/retry_after.hpp"
#include "json/json.hpp"

#include <llmux/response_builder.hpp>

namespace llmux {
namespace {

constexpr std::string_view default_api_version = "v1beta";

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
  if (request.tools.empty())
    return check_tool_choice_has_tools(request);
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
  if (!request.stop.empty())
    config.member("stopSequences", request.stop);
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

} // namespace

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

} // namespace llmux
