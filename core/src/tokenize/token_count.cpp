#include <llmux/token_count.hpp>

#include <llmux/utf8.hpp>

#include "json/json.hpp"

#include <string>

namespace llmux {
namespace {

// OpenAI's cookbook, "How to count tokens with tiktoken", section 6 (num_tokens_from_messages),
// checked there against the API's prompt_tokens for gpt-3.5-turbo-0125, gpt-4-0613,
// gpt-4o-2024-08-06 and gpt-4o-mini-2024-07-18. (gpt-3.5-turbo-0301, retired, used 4.)
constexpr std::int64_t tokens_per_message = 3;
// "every reply is primed with <|start|>assistant<|message|>"
constexpr std::int64_t reply_priming_tokens = 3;

// The same cookbook, section 7 (num_tokens_for_tools), checked against the API for
// gpt-3.5-turbo and gpt-4 (function_start 10) and gpt-4o and gpt-4o-mini (function_start 7).
struct ToolOverheads {
  std::int64_t function_start;   // func_init: each function
  std::int64_t properties_start; // prop_init: a parameters object with properties
  std::int64_t property;         // prop_key: each property
  std::int64_t enum_start;       // enum_init: a property with an enum
  std::int64_t enum_item;        // enum_item: each enum value (plus its tokens)
  std::int64_t functions_end;    // func_end: once, after all functions
};
constexpr ToolOverheads cl100k_tool_overheads{10, 3, 3, -3, 3, 12};
constexpr ToolOverheads o200k_tool_overheads{7, 3, 3, -3, 3, 12};

// llmux's own estimate of what frames one tool call in an assistant message (OpenAI does not
// document how it renders them): the name and arguments are counted as text, plus this.
constexpr std::int64_t tool_call_overhead_tokens = 3;

class Counter {
public:
  explicit Counter(const TokenCountOptions &options) : options_(options) {
    if (!options.tokenizer || !options.tokenizer->encoding())
      estimated = true; // no tokenizer, or a custom vocabulary that is no OpenAI encoding
  }

  // The tokens of `text` as sent: JSON carries ill-formed UTF-8 as U+FFFD.
  std::int64_t text(std::string_view value) {
    if (!options_.tokenizer)
      return estimate_text_tokens(value);
    if (is_valid_utf8(value))
      return static_cast<std::int64_t>(options_.tokenizer->count(value));
    return static_cast<std::int64_t>(options_.tokenizer->count(replace_invalid_utf8(value)));
  }

  // A role name: one token in both encodings, which the estimate takes as given.
  std::int64_t role(std::string_view name) { return options_.tokenizer ? text(name) : 1; }

  std::int64_t message(std::string_view role_name, std::string_view content) {
    return tokens_per_message + role(role_name) + text(content);
  }

  std::int64_t message(const Message &message);
  std::int64_t tools(const std::vector<Tool> &tools);
  std::int64_t response_format(const ResponseFormat &format);

  bool estimated = false;

private:
  const ToolOverheads &overheads() const {
    const TokenCounter *tokenizer = options_.tokenizer;
    if (tokenizer && tokenizer->encoding() == Encoding::Cl100kBase)
      return cl100k_tool_overheads;
    return o200k_tool_overheads;
  }

  std::int64_t property(std::string_view name, const json::Value &schema);

  const TokenCountOptions &options_;
};

std::int64_t Counter::message(const Message &message) {
  // As the OpenAI adapter sends it: the text parts joined into one string, but beside images
  // each text part on its own in a content array; tool calls beside the text; each tool
  // result as a "tool" message of its own.
  std::string joined;
  std::vector<std::string_view> texts;
  std::int64_t images = 0;
  std::int64_t calls = 0;
  std::int64_t results = 0;
  for (const ContentPart &part : message.content) {
    switch (part.kind) {
      case ContentPart::Kind::Text:
        joined += part.text;
        texts.push_back(part.text);
        break;
      case ContentPart::Kind::Image:
        images += options_.image_tokens;
        estimated = true;
        break;
      case ContentPart::Kind::ToolCall:
        calls +=
            text(part.tool_call.name) + text(part.tool_call.arguments) + tool_call_overhead_tokens;
        estimated = true;
        break;
      case ContentPart::Kind::ToolResult:
        results += this->message("tool", part.tool_result.content);
        estimated = true;
        break;
      default:
        // Reasoning and tool plans: Chat Completions takes neither back.
        break;
    }
  }
  if (texts.empty() && images == 0 && calls == 0)
    return results; // the message itself is not sent
  std::int64_t content = images + calls;
  if (images > 0) {
    for (std::string_view part : texts)
      content += text(part);
  } else if (!texts.empty()) {
    content += text(joined);
  }
  return tokens_per_message + role(to_string(message.role)) + content + results;
}

std::int64_t Counter::property(std::string_view name, const json::Value &schema) {
  const ToolOverheads &overhead = overheads();
  std::int64_t tokens = overhead.property;
  std::string_view type;
  if (const json::Value *value = schema.find("type"); value && value->is_string()) {
    type = value->as_string();
  } else {
    estimated = true; // "anyOf", a list of types, or no type: not in the documented rule
    tokens += text(json::dump(schema));
  }
  if (type == "object" || type == "array") {
    estimated = true; // nested members are rendered too, by rules OpenAI does not document
    if (const json::Value *nested = schema.find(type == "object" ? "properties" : "items"))
      tokens += text(json::dump(*nested));
  }
  if (const json::Value *values = schema.find("enum"); values && values->is_array()) {
    tokens += overhead.enum_start;
    for (const json::Value &item : values->items()) {
      tokens += overhead.enum_item;
      if (item.is_string()) {
        tokens += text(item.as_string());
      } else {
        estimated = true;
        tokens += text(json::dump(item));
      }
    }
  }
  std::string_view description;
  if (const json::Value *value = schema.find("description"); value && value->is_string())
    description = value->as_string();
  if (description.ends_with('.'))
    description.remove_suffix(1);
  std::string line(name);
  line += ':';
  line += type;
  line += ':';
  line += description;
  return tokens + text(line);
}

std::int64_t Counter::tools(const std::vector<Tool> &tools) {
  if (tools.empty())
    return 0;
  const ToolOverheads &overhead = overheads();
  std::int64_t tokens = overhead.functions_end;
  for (const Tool &tool : tools) {
    tokens += overhead.function_start;
    std::string_view description = tool.description;
    if (description.ends_with('.'))
      description.remove_suffix(1);
    tokens += text(tool.name + ":" + std::string(description));
    if (tool.parameters.empty())
      continue;
    auto parameters = json::parse(tool.parameters);
    if (!parameters.ok() || !parameters.value().is_object()) {
      estimated = true; // the adapter refuses such a tool; count its text all the same
      tokens += text(tool.parameters);
      continue;
    }
    const json::Value *properties = parameters.value().find("properties");
    if (!properties || !properties->is_object() || properties->empty())
      continue;
    tokens += overhead.properties_start;
    for (const json::Member &member : properties->members()) {
      if (member.value.is_object()) {
        tokens += property(member.key, member.value);
      } else {
        estimated = true;
        tokens += overhead.property + text(member.key) + text(json::dump(member.value));
      }
    }
  }
  return tokens;
}

std::int64_t Counter::response_format(const ResponseFormat &format) {
  switch (format.type) {
    case ResponseFormat::Type::Text:
      return 0;
    case ResponseFormat::Type::JsonObject:
      estimated = true; // OpenAI documents no cost, and JSON mode has a small one
      return 0;
    case ResponseFormat::Type::JsonSchema:
      break;
  }
  estimated = true;
  return text(format.name.empty() ? std::string_view("response") : std::string_view(format.name)) +
         text(format.schema);
}

} // namespace

RequestTokenCount count_request_tokens(const ChatRequest &request,
                                       const TokenCountOptions &options) {
  Counter counter(options);
  RequestTokenCount count;
  count.fixed = reply_priming_tokens;
  if (!request.system.empty())
    count.fixed += counter.message("system", request.system);
  count.fixed += counter.tools(request.tools);
  count.fixed += counter.response_format(request.response_format);
  count.total = count.fixed;
  count.messages.reserve(request.messages.size());
  for (const Message &message : request.messages) {
    count.messages.push_back(counter.message(message));
    count.total += count.messages.back();
  }
  count.estimated = counter.estimated;
  return count;
}

std::int64_t estimate_text_tokens(std::string_view text) noexcept {
  // In quarter tokens: 1 for ASCII, 2 for two-byte characters, 4 for three-byte ones and 8
  // for four-byte ones (emoji take about two tokens).
  std::int64_t quarters = 0;
  const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t valid = first_invalid_utf8(text.substr(at));
    // Well-formed bytes: lead bytes announce the character's length.
    for (std::size_t end = at + valid; at < end; ++at) {
      const unsigned char byte = bytes[at];
      if (byte < 0x80)
        quarters += 1;
      else if (byte >= 0xF0)
        quarters += 8;
      else if (byte >= 0xE0)
        quarters += 4;
      else if (byte >= 0xC0)
        quarters += 2;
    }
    if (at < text.size()) {
      quarters += 4; // an ill-formed byte, sent as U+FFFD (three bytes)
      ++at;
    }
  }
  return (quarters + 3) / 4;
}

} // namespace llmux
