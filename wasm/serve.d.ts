// Typings of `llmux/serve` (wasm/serve.mjs): the wire codecs of a gateway that speaks OpenAI's
// Chat Completions API and Anthropic's Messages API to its callers.

import type { ChatCall, ChatResult, StreamEvent } from './index.js';

/** Where llmux-serve.wasm comes from; call before first use (edge runtimes import the .wasm). */
export function initServe(options?: { wasmModule?: WebAssembly.Module; wasmBinary?: BufferSource }): void;

/** A reply to send as it is: the HTTP status and the JSON body. */
export interface Reply {
  status: number;
  body: string;
}

/**
 * A parsed request: the call for chat() or stream() (its tools have no execute: the gateway's
 * caller runs them, and a call of one ends the call with finishReason 'tool_calls'), or the
 * 400 to answer in the API's error shape.
 */
export type ParsedRequest =
  | { ok: true; call: ChatCall & { stream: boolean }; includeUsage: boolean }
  | ({ ok: false } & Reply);

export function parseOpenAIRequest(body: string): Promise<ParsedRequest>;
export function parseAnthropicRequest(body: string): Promise<ParsedRequest>;

/** What a written response says of itself: its id, the model name the caller asked for. */
export interface ResponseIdentity {
  id?: string;
  model?: string;
  /** OpenAI's `created`, in seconds since the epoch. */
  created?: number;
}

/** The error fields the codecs read: an LlmuxError, or any object with a code and message. */
export interface ErrorLike {
  code?: string;
  message?: string;
  param?: string | null;
  status?: number;
}

export function openAIResponse(result: ChatResult | string, identity?: ResponseIdentity): Promise<Reply>;
export function anthropicResponse(result: ChatResult | string, identity?: ResponseIdentity): Promise<Reply>;
export function openAIError(error: ErrorLike): Promise<Reply>;
export function anthropicError(error: ErrorLike): Promise<Reply>;

/**
 * Encodes one streamed response as SSE text. write() takes a batch of stream() events; finish()
 * or fail() ends the stream and frees the encoder; close() frees an abandoned one.
 */
export interface StreamEncoder {
  write(events: StreamEvent[] | string): string;
  finish(): string;
  fail(error: ErrorLike): string;
  close(): void;
}

export function openAIStream(
  options?: ResponseIdentity & { includeUsage?: boolean },
): Promise<StreamEncoder>;
export function anthropicStream(options?: Omit<ResponseIdentity, 'created'>): Promise<StreamEncoder>;
