// TypeScript typings of llmux's JavaScript API (index.mjs). The JSON shapes here are the ones
// the core writes and reads (core/include/llmux/api_json.hpp); tests/runtimes checks this file
// with tsc against code that uses the API.

/** Loads the Wasm module from a given source; call before first use to choose it. */
export function init(options?: {
  /** A compiled module, as edge runtimes import a .wasm file. */
  wasmModule?: WebAssembly.Module;
  /** The .wasm file's bytes. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where browsers fetch llmux-core.wasm (and llmux-tools.wasm, for builtinTools) from. */
  locateFile?: (name: string, prefix: string) => string;
  /** The built-in tools' module (llmux-tools.wasm), compiled, for edge runtimes. */
  toolsWasmModule?: WebAssembly.Module;
}): Promise<unknown>;

// ---- the client -------------------------------------------------------------------------

export interface ClientOptions {
  /** Settings by their environment names: OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, LLM_PROVIDER, ... */
  settings?: Record<string, string>;
  /** The default model: a catalog id ("openai-gpt-4o-mini"), a provider's name ("gpt-4o-mini") or "provider/model". */
  model?: string;
  /** Models to fall back to, in order, when the model fails with an error a retry cannot cure. */
  fallbacks?: string[];
  retry?: RetryOptions;
  /**
   * The end user, when a call names none: recorded in the ledger, and every call made for them
   * is charged to the budget scope `user:<user>` too (after budgetScopes), as the CLI's
   * `--user` is. So a budget set on 'user:eve' holds for every call made for eve.
   */
  user?: string;
  /** Budget scopes every call is charged to ("project:acme", "user:alice"). */
  budgetScopes?: string[];
  /** The routing table: a call's `task` picks its chain here. */
  routes?: { default?: string; routes: Record<string, string[]> };
  /** User models (custom endpoints, deployed checkpoints), in the catalog's form. */
  models?: ModelTemplate[];
  /** The fetch to send requests with; default globalThis.fetch. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /**
   * Where the ledger, the cache and user models live: in memory (default), in IndexedDB
   * (browsers: they survive a reload), or in a store of yours.
   */
  storage?: 'memory' | 'indexeddb' | KeyValueStore;
  /**
   * Each call's deadline, in ms, from chat() or stream() to its end, across retries,
   * fallbacks and tool rounds (default 600000, 10 minutes): then it fails with a
   * TimeoutError, and no retry is made that could only start after it.
   */
  timeoutMs?: number;
  /** The longest time without a byte from the server, in ms (default 300000): an exchange ends then (and may be retried). */
  idleTimeoutMs?: number;
  /** The longest one response may take from its head to its last byte, in ms (default 600000). */
  responseTimeoutMs?: number;
}

/**
 * A store of your own, called synchronously by the core: keep values in memory and persist
 * in the background. A throw or an {error} return becomes a StorageError.
 */
export interface KeyValueStore {
  get(key: string): string | undefined | { error: string };
  put(key: string, value: string): void | { error: string };
  /**
   * Adds value at the end of key's value, or stores it when key has none: the ledger adds
   * each call's record to its day this way. Without it, llmux gets the value and puts it
   * back joined.
   */
  append?(key: string, value: string): void | { error: string };
  remove(key: string): boolean | { error: string };
  /** The keys starting with prefix, sorted. */
  list(prefix: string): string[] | { error: string };
  /** Resolves once every write so far is durable (client.flush() and close() call it). */
  flush?(): Promise<void>;
  close?(): void;
}

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** The first backoff, doubling up to maxDelayMs (defaults 500 and 30000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for (default 60000). */
  maxRetryAfterMs?: number;
}

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string }
  | { type: 'image'; mediaType: string; data: string }
  | { type: 'tool-call'; id: string; name: string; arguments: string | Record<string, unknown>; signature?: string }
  | { type: 'tool-result'; toolCallId: string; toolName?: string; content: string; isError?: boolean }
  | { type: 'reasoning'; text: string; signature?: string; redactedData?: string }
  | { type: 'tool-plan'; text: string };

export interface Message {
  role: Role;
  content: string | ContentPart[];
}

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

export interface ToolContext {
  toolCallId: string;
  /** 1 for the first tool round. */
  round: number;
  signal?: AbortSignal;
}

export interface ToolDefinition<Args = any> {
  description?: string;
  /** The arguments' JSON Schema: arguments that do not match go back to the model, not to execute. */
  parameters?: JsonSchema;
  /**
   * Runs the tool; a string is sent back as it is, anything else as JSON. A throw is reported to
   * the model. Without it the tool is the caller's to run: when the model calls it, the call
   * ends with the round's tool calls (finishReason 'tool_calls'), none of them run.
   */
  execute?: (args: Args, context: ToolContext) => unknown | Promise<unknown>;
}

export interface ChatCall {
  prompt?: string;
  messages?: Message[];
  system?: string;
  model?: string;
  fallbacks?: string[];
  /** A routing kind: the client's routes name the chain. */
  task?: string;
  tools?: Record<string, ToolDefinition> | Array<ToolDefinition & { name: string }>;
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  parallelToolCalls?: boolean;
  /** Tool rounds (default 3); then the model is asked once more for a final answer. */
  maxRounds?: number;
  validateToolArguments?: boolean;
  /** 0 to 2 (Anthropic and Cohere take 0 to 1); NaN and numbers out of range are refused. */
  temperature?: number;
  /** 0 to 1. */
  topP?: number;
  /** 1 or more. */
  maxTokens?: number;
  stop?: string[];
  responseFormat?: { type: 'text' } | { type: 'json' } | { type: 'json-schema'; schema: JsonSchema; name?: string; strict?: boolean };
  reasoningEffort?: string;
  reasoningBudgetTokens?: number;
  /** Members merged into the provider's request body last. */
  extraBody?: Record<string, unknown>;
  /** When the conversation does not fit the model's context window: refuse (default) or trim the oldest turns. */
  overflow?: 'refuse' | 'trim';
  /** Answer from the response cache for this long (ms) when the same call was made. */
  cacheTtlMs?: number;
  /** This call's end user, charged to `user:<user>` too (see ClientOptions.user). */
  user?: string;
  budgetScopes?: string[];
  retry?: RetryOptions;
  /** Seeds the retry jitter. */
  seed?: number;
  signal?: AbortSignal;
  /** This call's deadline, idle and response limits (see ClientOptions). */
  timeoutMs?: number;
  idleTimeoutMs?: number;
  responseTimeoutMs?: number;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cachedInputTokens?: number;
  cacheWriteInputTokens?: number;
  reasoningTokens?: number;
  billedInputTokens?: number;
  billedOutputTokens?: number;
}

/** Exact amounts in US dollars, as decimal strings ("0.00045"). */
export interface Cost {
  input: string;
  cachedInput: string;
  cacheWrite: string;
  output: string;
  total: string;
  /** The total in picodollars (10^-12 USD), as an integer string. */
  totalPicodollars: string;
}

export type FinishReason = 'none' | 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments parsed; null when the text is not JSON (a stream cut short). */
  arguments: unknown;
  argumentsText: string;
  signature?: string;
}

export interface ToolInvocation {
  id: string;
  name: string;
  arguments: unknown;
  round: number;
  ok: boolean;
  /** What went back to the model. */
  result: string;
  error: string | null;
  durationMs: number;
}

export interface ErrorInfo {
  code: ErrorCode;
  number: number;
  origin: 'provider' | 'decoder' | 'caller' | 'network' | 'session';
  status: number;
  message: string;
  providerType: string | null;
  providerCode: string | null;
  param: string | null;
  hint: string | null;
  requestId: string | null;
  retryAfterMs: number | null;
  inStream: boolean;
}

export interface ChatResult {
  text: string;
  reasoning: string;
  refusal?: string;
  toolPlan?: string;
  /** The last answer's tool calls (when the rounds ran out). */
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  finishReasonRaw: string;
  /** Summed over every model call of every round. */
  usage: Usage;
  /** Summed exactly; null when a model has no prices or a usage lacks counts. */
  cost: Cost | null;
  /**
   * Usage counts a provider sent that cannot be right (negative, above 10^9, not whole
   * numbers, not numbers), one sentence each: they are left out of `usage` (unknown, so the
   * cost is null rather than wrong) and the answer is kept.
   */
  warnings: string[];
  /** The catalog id of the model that answered. */
  model: string;
  responseId: string;
  modelsTried: Array<{ model: string; attempts: number; error: ErrorInfo | null }>;
  toolsCalled: ToolInvocation[];
  modelCalls: number;
  toolRounds: number;
  fromCache: boolean;
  /** The conversation after the call: send it back with the next user message to go on. */
  messages: Message[];
  error: ErrorInfo | null;
}

export type StreamEvent =
  | { type: 'round-start'; round: number; model: string }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string; index: number }
  | { type: 'reasoning-signature'; signature: string; index: number }
  | { type: 'redacted-reasoning'; data: string; index: number }
  | { type: 'refusal-delta'; text: string }
  | { type: 'tool-plan-delta'; text: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; text: string }
  | { type: 'tool-call'; index: number; id: string; name: string; arguments: unknown; argumentsText: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; finishReason: FinishReason; finishReasonRaw: string }
  | ({ type: 'tool-result' } & ToolInvocation)
  | { type: 'retry'; model: string; attempt: number; untilMs: number; error: ErrorInfo }
  | { type: 'fallback'; model: string; error: ErrorInfo }
  | { type: 'cache-hit'; model: string }
  | { type: 'done'; result: ChatResult };

export interface ChatStream extends AsyncIterable<StreamEvent> {
  /** The result once the stream has been consumed; rejects as the iteration throws. */
  readonly result: Promise<ChatResult>;
}

/** A model template, in the catalog's form (core/catalog/models.json). */
export interface ModelTemplate {
  id: string;
  name?: string;
  provider: string;
  model?: string;
  base_url?: string;
  deployment?: string;
  api_version?: string;
  context?: number;
  max_output?: number;
  /** US dollars per million tokens. */
  prices?: { input: number; output: number; cached_input?: number; cache_write?: number };
  features?: Array<'streaming' | 'tools' | 'vision' | 'json' | 'reasoning'>;
  /** Other names of the model; what is sent is `model` ("gpt-5-chat" for gpt-5-chat-latest). */
  aliases?: string[];
  /** Other names of the model that are sent as typed (Ollama's "llama3.1" for llama3.1:8b). */
  served_as?: string[];
  requires?: string[];
  [member: string]: unknown;
}

export interface ResolvedModel {
  model: string;
  provider: string;
  upstreamModel: string;
  baseUrl: string;
  inCatalog: boolean;
  contextTokens: number;
  maxOutputTokens: number;
  ready: boolean;
  missingSettings: string[];
}

export interface UsageTotals {
  key: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** Exact dollars, as a decimal string. */
  cost: string;
  requestsWithoutCost: number;
}

export interface Client {
  chat(call: ChatCall): Promise<ChatResult>;
  stream(call: ChatCall): ChatStream;
  models(): Promise<ModelTemplate[]>;
  addModels(models: ModelTemplate[]): Promise<void>;
  resolve(name?: string): Promise<ResolvedModel>;
  /** The exact cost of a usage at a model's prices; null when the model has no prices. */
  cost(model: string, usage: Usage): Promise<Cost | null>;
  usage(query?: {
    by?: 'user' | 'model' | 'provider' | 'scope' | 'day' | 'week' | 'month';
    since?: Date | number;
    until?: Date | number;
    user?: string;
  }): Promise<UsageTotals[]>;
  /**
   * The ledger's records in a time range as one JSON document ({"format": "llmux-ledger",
   * "version": 1, "records": [...]}): what importUsage takes on another machine or browser.
   */
  exportUsage(range?: { since?: Date | number; until?: Date | number }): Promise<string>;
  /**
   * Adds an exportUsage document's records; records this ledger already holds are not added
   * again (importing twice counts once). A document that is not a ledger export, or holds one
   * bad record, adds nothing and rejects with a TypeError.
   */
  importUsage(document: string): Promise<{ added: number; alreadyHeld: number }>;
  /** A monthly budget in dollars ("12.50"), or null to remove it. */
  setBudget(scope: string, dollars: string | null): Promise<void>;
  budget(scope: string): Promise<{ limit: string | null; spent: string }>;
  clearCache(): Promise<void>;
  /** Resolves once everything stored so far is durable. */
  flush(): Promise<void>;
  /** Writes what is pending to storage and frees the client's Wasm memory. */
  close(): Promise<void>;
}

export function createClient(options?: ClientOptions): Client;

/**
 * The core's built-in tools, the CLI's --tools: `calculator` (arithmetic by a parser of its own,
 * exact in decimal: 1299 * 12 * 0.8 is 12470.4) and `datetime` (now, add, diff, weekday and
 * convert on ISO 8601 dates with fixed UTC offsets). Pass them as a call's tools:
 * `tools: { ...await builtinTools() }`; execute() returns the result as JSON text and rejects
 * with the message the model gets back.
 */
export function builtinTools(): Promise<{
  calculator: ToolDefinition<{ expression: string }>;
  datetime: ToolDefinition<Record<string, unknown>>;
}>;

// ---- errors -----------------------------------------------------------------------------

export type ErrorCode =
  | 'auth_failed' | 'permission_denied' | 'not_found' | 'rate_limited' | 'overloaded'
  | 'context_length_exceeded' | 'invalid_request' | 'tool_choice_unsupported' | 'content_filtered'
  | 'server_error' | 'bad_response' | 'quota_exceeded' | 'invalid_argument' | 'unsupported'
  | 'unknown_model' | 'budget_exceeded' | 'network' | 'timeout' | 'cancelled' | 'storage' | 'internal';

export class LlmuxError extends Error implements Omit<ErrorInfo, 'message'> {
  readonly code: ErrorCode;
  readonly number: number;
  readonly origin: ErrorInfo['origin'];
  readonly status: number;
  readonly providerType: string | null;
  readonly providerCode: string | null;
  readonly param: string | null;
  readonly hint: string | null;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  readonly inStream: boolean;
  /** What the call did before it failed: usage spent, models tried, text so far. */
  readonly result?: ChatResult;
}
export class AuthenticationError extends LlmuxError {}
export class PermissionDeniedError extends LlmuxError {}
export class NotFoundError extends LlmuxError {}
export class RateLimitError extends LlmuxError {}
export class OverloadedError extends LlmuxError {}
export class ContextLengthError extends LlmuxError {}
export class InvalidRequestError extends LlmuxError {}
export class ToolChoiceUnsupportedError extends LlmuxError {}
export class ContentFilterError extends LlmuxError {}
export class ServerError extends LlmuxError {}
export class BadResponseError extends LlmuxError {}
export class QuotaExceededError extends LlmuxError {}
export class InvalidArgumentError extends LlmuxError {}
export class UnsupportedError extends LlmuxError {}
export class UnknownModelError extends LlmuxError {}
export class BudgetExceededError extends LlmuxError {}
export class NetworkError extends LlmuxError {}
export class TimeoutError extends LlmuxError {}
export class CancelledError extends LlmuxError {}
export class StorageError extends LlmuxError {}
/** The core's Wasm module aborted during the call (a bug, or out of memory); it restarts for the next call. */
export class InternalError extends LlmuxError {}
export const errorClasses: Record<ErrorCode, typeof LlmuxError>;

// ---- decoding ---------------------------------------------------------------------------

export interface ResponseHead {
  provider: string;
  stream?: boolean;
  status?: number;
  headers?: Array<[string, string]> | Headers | Map<string, string> | Record<string, string>;
  receivedAtMs?: number;
}

export interface DecodedToolCall {
  id: string | null;
  name: string;
  arguments: unknown;
  arguments_raw: string;
  signature?: string;
}

/** What decode() gives: the core's decoded response, in its snake_case form. */
export interface DecodedResponse {
  text: string;
  reasoning: string;
  refusal?: string;
  tool_plan?: string;
  tool_calls: DecodedToolCall[];
  finish_reason: string | null;
  finish: FinishReason;
  usage: Record<string, number> | null;
  error: Record<string, unknown> | null;
}

export type DecodedEvent = { type: string; [member: string]: unknown };

export function decode(options: ResponseHead & { body: Uint8Array | ArrayBuffer | string }): Promise<DecodedResponse>;

export interface Decoder {
  feed(bytes: Uint8Array | ArrayBuffer | string): DecodedEvent[];
  finish(): { events: DecodedEvent[]; result: DecodedResponse };
  close(): void;
}

export function createDecoder(head: ResponseHead): Promise<Decoder>;

export function errorCodes(): Promise<Array<{ number: number; code: ErrorCode; message: string }>>;
