#pragma once
/// The gateway's wire codecs: what a server that speaks OpenAI's Chat Completions API and
/// Anthropic's Messages API to its callers needs, whichever provider serves the call.
///
///   inbound   parse_openai_chat_request, parse_anthropic_messages_request: a request body as
///             the official SDKs send it -> a neutral ChatRequest (model, stream, user...)
///   outbound  write_openai_chat_completion, write_anthropic_message: a whole answer;
///             OpenAiChunkWriter, AnthropicEventWriter: a streamed one, event by event
///   errors    write_openai_error, write_anthropic_error: each API's status and error body
///
/// These are the inverse of the adapters (openai_chat, anthropic_messages): a request body the
/// OpenAI adapter writes parses back to the request it was written from, and what the writers
/// write the adapters' decoders read back to the same response and events.
///
/// Requests are untrusted bytes: nothing here throws, aborts or trusts a size; a request that
/// cannot be honoured fails with invalid_argument (origin Caller, `param` the member's path,
/// the message naming it), and write_*_error turns that into the API's 400.
///
/// Unknown members. Both APIs refuse a member they do not know (OpenAI: 400 "Unrecognized
/// request argument supplied"; Anthropic: 400 "Extra inputs are not permitted"), and so do
/// these parsers: a misspelt parameter must not be ignored silently. Members the APIs define
/// are each read, passed on, ignored or refused, as listed here:
///
/// OpenAI Chat Completions
///   read       model, messages, temperature, top_p, max_tokens, max_completion_tokens, stop,
///              tools (function tools), tool_choice (every form but allowed_tools),
///              parallel_tool_calls, response_format (text, json_object, json_schema),
///              reasoning_effort, stream, stream_options.include_usage, user
///   passed on  frequency_penalty, presence_penalty, logit_bias: in the request's extra_body,
///              so that an OpenAI-compatible upstream applies them (another provider refuses
///              them with its own 400, which is relayed)
///   ignored    seed (best-effort determinism only, even at OpenAI), store, metadata,
///              service_tier, prompt_cache_key, prompt_cache_retention, safety_identifier,
///              verbosity, stream_options.include_obfuscation; a message's `name`, an image's
///              `detail`, a function tool's `strict`, a json_schema format's `description`
///   refused    n > 1, logprobs, top_logprobs, audio, modalities other than text, prediction,
///              web_search_options, functions and function_call (the deprecated form of
///              tools), moderation; audio and file content parts
///
/// Anthropic Messages
///   read       model, messages, max_tokens, system (a string or text blocks), temperature,
///              top_p, stop_sequences, tools (custom tools with input_schema), tool_choice,
///              thinking (enabled with budget_tokens; disabled), output_config (effort,
///              format json_schema), metadata.user_id, stream
///   passed on  top_k, in extra_body
///   ignored    cache_control (top level and on blocks), service_tier, speed, inference_geo,
///              citations on text blocks, thinking.display, a tool's strict
///   refused    container, mcp_servers, diagnostics, thinking adaptive or between_tools, server
///              tools (web search...), document and search_result blocks, images inside a
///              tool_result
#include <llmux/chat_request.hpp>
#include <llmux/chat_response.hpp>
#include <llmux/error.hpp>
#include <llmux/result.hpp>
#include <llmux/secret_scrubber.hpp>
#include <llmux/session.hpp>
#include <llmux/stream_event.hpp>
#include <llmux/usage.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// A request as a gateway received it: the neutral request (its `model` the name the caller
/// gave, `stream`, `user` from OpenAI's `user` or Anthropic's `metadata.user_id`) and how the
/// caller wants a stream to end.
struct InboundRequest {
  ChatRequest request;
  /// OpenAI's stream_options.include_usage: a last chunk carries the usage. Anthropic's
  /// streams always carry it (message_start and message_delta).
  bool include_usage = false;
};

/// Reads an OpenAI Chat Completions request body. invalid_argument naming the member
/// ("messages[1].content[0].type: ...") when the body is not such a request or asks for what
/// llmux cannot honour (see the list above).
Result<InboundRequest> parse_openai_chat_request(std::string_view body);

/// Reads an Anthropic Messages request body; the same contract.
Result<InboundRequest> parse_anthropic_messages_request(std::string_view body);

/// What identifies a written response: the caller-facing model name, the response id
/// ("chatcmpl-..." or "msg_..."), and for OpenAI the Unix time in seconds.
struct ResponseIdentity {
  std::string model;
  std::string id;
  std::int64_t created_s = 0;
};

/// The whole response as OpenAI's chat.completion object: choice 0's message (content, refusal,
/// tool_calls; reasoning as `reasoning_content`, the name DeepSeek and vLLM use, since Chat
/// Completions has none), its finish_reason, and the usage. Tool-call arguments go out as the
/// text the model wrote.
std::string write_openai_chat_completion(const ChatResponse &response,
                                         const ResponseIdentity &identity);

/// The whole response as Anthropic's message object: thinking and redacted_thinking blocks,
/// a text block (the refusal text, if any, is the text), tool_use blocks, stop_reason and
/// usage. invalid_argument when a tool call's arguments are not a JSON object (tool_use input
/// must be one).
Result<std::string> write_anthropic_message(const ChatResponse &response,
                                            const ResponseIdentity &identity);

/// The answer of a whole session (its last response, with the usage summed over every model
/// call of the call's rounds), written as the two functions above write a response.
std::string write_openai_chat_completion(const SessionResult &result,
                                         const ResponseIdentity &identity);
Result<std::string> write_anthropic_message(const SessionResult &result,
                                            const ResponseIdentity &identity);

/// OpenAI's finish_reason for `reason` ("stop", "length", "tool_calls", "content_filter"); an
/// Other reason keeps its raw value.
std::string openai_finish_reason(FinishReason reason, std::string_view raw);
/// Anthropic's stop_reason ("end_turn", "stop_sequence", "max_tokens", "tool_use", "refusal");
/// an Other reason keeps its raw value.
std::string anthropic_stop_reason(FinishReason reason, std::string_view raw);

/// A streamed response as OpenAI's server-sent chat.completion.chunk events. Feed the neutral
/// events in order with write(), then finish() once (or fail() on an error); each appends the
/// SSE text of what it completes, so any batching of the events gives the same bytes.
///
/// The first chunk carries role "assistant"; text, refusal and reasoning (reasoning_content)
/// deltas go out as they come; a tool call as a chunk with its index, id, name and empty
/// arguments, then its argument fragments; Finish as a chunk with finish_reason. finish()
/// writes the usage chunk (choices [], when include_usage) and `data: [DONE]`. fail() writes
/// {"error": {...}} as OpenAI does inside a stream, and nothing after it. Reasoning signatures,
/// redacted reasoning and tool plans have no place in Chat Completions and are left out.
class OpenAiChunkWriter {
public:
  OpenAiChunkWriter(ResponseIdentity identity, bool include_usage);

  void write(const StreamEvent &event, std::string &out);
  void finish(std::string &out);
  /// Writes the error (scrubbed of `scrubber`'s secrets); the stream is over.
  void fail(const Error &error, std::string &out, const SecretScrubber &scrubber = {});

private:
  struct Call {
    std::string arguments_written;
    bool started = false;
  };
  void chunk_start(std::string &out);
  void delta_chunk(std::string_view delta_member, std::string_view text, std::string &out);
  void tool_call_chunk(std::size_t index, const StreamEvent &event, std::string_view arguments,
                       bool first, std::string &out);
  void role_chunk(std::string &out);

  ResponseIdentity identity_;
  std::string chunk_prefix_; // "data: {"id":...,"model":...," shared by every chunk
  bool include_usage_;
  bool role_sent_ = false;
  bool finish_sent_ = false;
  bool over_ = false;
  Usage usage_;
  std::vector<Call> calls_;
};

/// A streamed response as Anthropic's message events: message_start (with the usage reported
/// so far), content_block_start / content_block_delta (text_delta, thinking_delta,
/// signature_delta, input_json_delta) / content_block_stop per block, then message_delta
/// (stop_reason, the usage reported since message_start) and message_stop. The same calling
/// contract as OpenAiChunkWriter. fail() writes an `error` event. Refusal text goes out as
/// text; tool plans are left out.
class AnthropicEventWriter {
public:
  explicit AnthropicEventWriter(ResponseIdentity identity);

  void write(const StreamEvent &event, std::string &out);
  void finish(std::string &out);
  void fail(const Error &error, std::string &out, const SecretScrubber &scrubber = {});

private:
  enum class BlockKind : std::uint8_t { Text, Thinking, ToolUse };
  struct Block {
    BlockKind kind = BlockKind::Text;
    std::size_t key = 0; // Thinking: the reasoning index; ToolUse: the tool-call index
    std::size_t wire_index = 0;
    bool open = true;
    bool got_arguments = false;
  };
  void start_message(std::string &out);
  Block &open_block(BlockKind kind, std::size_t key, std::string_view content_block,
                    std::string &out);
  Block *find_open(BlockKind kind, std::size_t key);
  void close_block(Block &block, std::string &out);
  void close_text_blocks(std::string &out);
  void delta(const Block &block, std::string_view delta_json, std::string &out);

  ResponseIdentity identity_;
  bool started_ = false;
  bool over_ = false;
  Usage start_usage_;
  Usage later_usage_;
  FinishReason finish_reason_ = FinishReason::None;
  std::string finish_raw_;
  std::vector<Block> blocks_;
};

/// An error as a gateway answers it: the HTTP status and the JSON body.
struct ErrorReply {
  int http_status = 500;
  std::string body;
};

/// The error as OpenAI answers it: {"error": {"message", "type", "param", "code"}} with the
/// status OpenAI uses for it (invalid_argument 400, auth_failed 401, permission_denied 403,
/// not_found and unknown_model 404, rate_limited, quota_exceeded and budget_exceeded 429,
/// overloaded 503, ...). The message is scrubbed of `scrubber`'s secrets.
ErrorReply write_openai_error(const Error &error, const SecretScrubber &scrubber = {});

/// The error as Anthropic answers it: {"type": "error", "error": {"type", "message"}} with
/// Anthropic's status and type (invalid_request_error 400, authentication_error 401,
/// permission_error 403, not_found_error 404, rate_limit_error 429, overloaded_error 529,
/// api_error 500...).
ErrorReply write_anthropic_error(const Error &error, const SecretScrubber &scrubber = {});

// ---------------------------------------------------------------------------------------
// The npm package's JSON (api_json.hpp's forms), for the Wasm serve module.

/// The request as the call JSON the package's chat() and stream() take (api::parse_call's
/// form): model, system, messages, tools (each with hasHandler false: the gateway's caller
/// runs them), toolChoice, parallelToolCalls, temperature, topP, maxTokens, stop,
/// responseFormat, reasoningEffort, reasoningBudgetTokens, user, extraBody, stream.
std::string call_json(const ChatRequest &request);

/// The package's ChatResult JSON read back as the response to write: text, reasoning,
/// refusal, toolPlan, toolCalls (their argumentsText), finishReason, finishReasonRaw, usage
/// (summed over the call's rounds), responseId, model, and the reasoning blocks with their
/// signatures from the last assistant message of `messages`. invalid_argument naming the
/// member when the text is not such a result.
Result<ChatResponse> parse_result_json(std::string_view text);

/// A JSON array of the package's stream events read back as neutral events; the session's own
/// events (round-start, tool-result, retry, fallback, cache-hit, done) are skipped.
Result<std::vector<StreamEvent>> parse_stream_events_json(std::string_view text);

/// The package's error JSON ({code, message, param?, status?}: an LlmuxError's fields) as an
/// Error. Never fails: text that is not such an object, or an unknown code, reads as internal
/// (the writers then send the table's message for it).
Error parse_error_json(std::string_view text);

} // namespace llmux
