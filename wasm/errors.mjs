// Errors as JavaScript sees them: one LlmuxError class with the core's stable code, and a
// subclass per code so that callers can `instanceof` what they handle. The codes and their
// numbers come from the core's one table (tests/js checks these classes against it).

/** An error of llmux: `code` is stable ('rate_limited'); the rest says what the provider said. */
export class LlmuxError extends Error {
  constructor(error, result) {
    super(error.message);
    this.name = new.target.name;
    this.code = error.code;
    this.number = error.number;
    this.origin = error.origin;
    this.status = error.status;
    this.providerType = error.providerType;
    this.providerCode = error.providerCode;
    this.param = error.param;
    this.hint = error.hint;
    this.requestId = error.requestId;
    this.retryAfterMs = error.retryAfterMs;
    this.inStream = error.inStream;
    // What the call did before it failed (usage spent, models tried, partial text).
    if (result) this.result = result;
  }
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
export class InternalError extends LlmuxError {}

/** The subclass for each code, in the order of the core's table (numbers 1, 2, ...). */
export const errorClasses = {
  auth_failed: AuthenticationError,
  permission_denied: PermissionDeniedError,
  not_found: NotFoundError,
  rate_limited: RateLimitError,
  overloaded: OverloadedError,
  context_length_exceeded: ContextLengthError,
  invalid_request: InvalidRequestError,
  tool_choice_unsupported: ToolChoiceUnsupportedError,
  content_filtered: ContentFilterError,
  server_error: ServerError,
  bad_response: BadResponseError,
  quota_exceeded: QuotaExceededError,
  invalid_argument: InvalidArgumentError,
  unsupported: UnsupportedError,
  unknown_model: UnknownModelError,
  budget_exceeded: BudgetExceededError,
  network: NetworkError,
  timeout: TimeoutError,
  cancelled: CancelledError,
  storage: StorageError,
  internal: InternalError,
};

/** The error object the core wrote (api::write_error), as the LlmuxError subclass of its code. */
export function toLlmuxError(error, result) {
  const Class = errorClasses[error.code] ?? LlmuxError;
  return new Class(error, result);
}
