#include "cache/response_codec.hpp"

#include "json/json_writer.hpp"

#include <llmux/utf8.hpp>

#include <array>
#include <utility>

namespace llmux {
namespace {

using json::Value;

constexpr std::array<FinishReason, 6> finish_reasons = {
    FinishReason::None,      FinishReason::Stop,          FinishReason::Length,
    FinishReason::ToolCalls, FinishReason::ContentFilter, FinishReason::Other,
};

// Writes strings, remembering the first that JSON text cannot hold exactly.
class StringWriter {
public:
  /// The member `name`; `field` names it in the error (default: `name`).
  void write(json::ObjectWriter &object, std::string_view name, const std::string &text,
             std::string_view field = {}) {
    if (!failed_field_ && !is_valid_utf8(text))
      failed_field_ = field.empty() ? name : field;
    object.member(name, text);
  }
  std::optional<std::string_view> failed_field() const { return failed_field_; }

private:
  std::optional<std::string_view> failed_field_;
};

// Reads the members of a stored response: absent and null read as the default, a member of
// the wrong type fails the whole read.
class Fields {
public:
  explicit Fields(std::string_view context) : reader_(context) {}

  void string(const Value &parent, std::string_view key, std::string &out) {
    if (auto text = reader_.string(parent, key))
      out = *text;
  }
  void boolean(const Value &parent, std::string_view key, bool &out) {
    if (auto flag = reader_.boolean(parent, key))
      out = *flag;
  }
  const Value *array(const Value &parent, std::string_view key) {
    return reader_.array(parent, key);
  }
  const Value *object(const Value &parent, std::string_view key) {
    return reader_.object(parent, key);
  }
  std::optional<std::int64_t> integer(const Value &parent, std::string_view key) {
    return reader_.integer(parent, key);
  }
  // An item of an array that must be an object.
  bool item_object(const Value &item, std::string_view key) {
    if (item.is_object())
      return true;
    reader_.type_error(key, "an array of objects", item);
    return false;
  }
  void fail(std::string message) {
    if (!error_)
      error_ = bad_response(std::move(message));
  }

  bool failed() const { return error_ || reader_.failed(); }
  Error error() const { return error_ ? *error_ : *reader_.error(); }

private:
  json::Reader reader_;
  std::optional<Error> error_;
};

} // namespace

Result<void> write_response_json(const ChatResponse &response, std::string &out) {
  StringWriter strings;
  json::ObjectWriter object(out);
  strings.write(object, "id", response.id);
  strings.write(object, "model", response.model);
  strings.write(object, "text", response.text);
  strings.write(object, "reasoning", response.reasoning);
  json::ArrayWriter blocks = object.array("reasoning_blocks");
  for (const Reasoning &block : response.reasoning_blocks) {
    json::ObjectWriter item = blocks.object();
    strings.write(item, "text", block.text, "reasoning_blocks.text");
    strings.write(item, "signature", block.signature, "reasoning_blocks.signature");
    strings.write(item, "redacted_data", block.redacted_data, "reasoning_blocks.redacted_data");
    item.close();
  }
  blocks.close();
  strings.write(object, "refusal", response.refusal);
  strings.write(object, "tool_plan", response.tool_plan);
  json::ArrayWriter calls = object.array("tool_calls");
  for (const ToolCall &call : response.tool_calls) {
    json::ObjectWriter item = calls.object();
    strings.write(item, "id", call.id, "tool_calls.id");
    strings.write(item, "name", call.name, "tool_calls.name");
    strings.write(item, "arguments", call.arguments, "tool_calls.arguments");
    strings.write(item, "signature", call.signature, "tool_calls.signature");
    item.member("generated_id", call.generated_id);
    item.close();
  }
  calls.close();
  object.member("finish_reason", to_string(response.finish_reason));
  strings.write(object, "finish_reason_raw", response.finish_reason_raw);
  json::ObjectWriter usage = object.object("usage");
  for (const auto &[name, count] : usage_counts)
    if (response.usage.*count)
      usage.member(name, *(response.usage.*count));
  usage.close();
  object.close();
  if (auto field = strings.failed_field())
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "the response's " + std::string(*field) +
                          " is not valid UTF-8 and cannot be cached exactly");
  return {};
}

Result<ChatResponse> response_from_json(const json::Value &value) {
  if (!value.is_object())
    return bad_response("a cached response is " + std::string(json::type_name(value)) +
                        "; expected an object");
  Fields fields("cached response");
  ChatResponse response;
  fields.string(value, "id", response.id);
  fields.string(value, "model", response.model);
  fields.string(value, "text", response.text);
  fields.string(value, "reasoning", response.reasoning);
  if (const Value *blocks = fields.array(value, "reasoning_blocks")) {
    for (const Value &item : blocks->items()) {
      if (!fields.item_object(item, "reasoning_blocks"))
        break;
      Reasoning block;
      fields.string(item, "text", block.text);
      fields.string(item, "signature", block.signature);
      fields.string(item, "redacted_data", block.redacted_data);
      response.reasoning_blocks.push_back(std::move(block));
    }
  }
  fields.string(value, "refusal", response.refusal);
  fields.string(value, "tool_plan", response.tool_plan);
  if (const Value *calls = fields.array(value, "tool_calls")) {
    for (const Value &item : calls->items()) {
      if (!fields.item_object(item, "tool_calls"))
        break;
      ToolCall call;
      fields.string(item, "id", call.id);
      fields.string(item, "name", call.name);
      fields.string(item, "arguments", call.arguments);
      fields.string(item, "signature", call.signature);
      fields.boolean(item, "generated_id", call.generated_id);
      response.tool_calls.push_back(std::move(call));
    }
  }
  std::string finish;
  fields.string(value, "finish_reason", finish);
  if (!finish.empty()) {
    bool known = false;
    for (FinishReason reason : finish_reasons) {
      if (to_string(reason) == finish) {
        response.finish_reason = reason;
        known = true;
      }
    }
    if (!known)
      fields.fail("a cached response has an unknown finish reason");
  }
  fields.string(value, "finish_reason_raw", response.finish_reason_raw);
  if (const Value *usage = fields.object(value, "usage"))
    for (const auto &[name, count] : usage_counts)
      response.usage.*count = fields.integer(*usage, name);
  if (fields.failed())
    return fields.error();
  return response;
}

Result<std::string> encode_cache_entry(const CacheEntry &entry) {
  std::string out;
  json::ObjectWriter object(out);
  object.member("version", cache_entry_version);
  object.member("stored_at_ms", entry.stored_at_ms);
  object.member("expires_at_ms", entry.expires_at_ms);
  if (auto response = write_response_json(entry.response, object.key("response"));
      !response.ok())
    return std::move(response).error();
  object.close();
  return out;
}

Result<CacheEntry> decode_cache_entry(std::string_view bytes) {
  auto parsed = json::parse(bytes);
  if (!parsed.ok())
    return std::move(parsed).error();
  const Value &value = parsed.value();
  if (!value.is_object())
    return bad_response("a cache entry is " + std::string(json::type_name(value)) +
                        "; expected an object");
  json::Reader reader("cache entry");
  auto version = reader.integer(value, "version");
  auto stored_at_ms = reader.integer(value, "stored_at_ms");
  auto expires_at_ms = reader.integer(value, "expires_at_ms");
  const Value *response = reader.object(value, "response");
  if (reader.failed())
    return *reader.error();
  if (version != cache_entry_version)
    return bad_response("a cache entry of an unknown version");
  if (!stored_at_ms || !expires_at_ms || !response)
    return bad_response("a cache entry without its times or its response");
  auto decoded = response_from_json(*response);
  if (!decoded.ok())
    return std::move(decoded).error();
  return CacheEntry{*stored_at_ms, *expires_at_ms, std::move(decoded).value()};
}

} // namespace llmux
