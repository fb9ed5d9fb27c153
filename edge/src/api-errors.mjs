// The gateway's own refusals in the shape of the API the caller speaks, so that the official
// SDKs raise their usual errors: OpenAI's `{"error": {message, type, param, code}}` for
// /v1/chat/completions, /v1/models and /v1/usage; Anthropic's `{"type": "error", "error":
// {type, message}}` for /v1/messages; the admin API uses OpenAI's. Messages never hold a key.

const anthropicTypes = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  405: 'invalid_request_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 502: 'api_error',
  503: 'api_error', 504: 'api_error', 529: 'overloaded_error',
};

const openAiTypes = {
  400: 'invalid_request_error', 401: 'invalid_request_error', 403: 'permission_error', 404: 'invalid_request_error',
  405: 'invalid_request_error', 413: 'invalid_request_error', 429: 'rate_limit_error',
};

/** The API a path speaks: 'anthropic' for Anthropic's Messages API, else 'openai'. */
export const dialectOf = (pathname) => (pathname === '/v1/messages' ? 'anthropic' : 'openai');

/**
 * An error response: `status`, a sentence, and OpenAI's `code` (invalid_api_key,
 * model_not_found, ...; null when none), in `dialect`'s shape; `headers` added.
 */
export function errorResponse(dialect, status, message, { code = null, param = null, headers = {} } = {}) {
  const body = dialect === 'anthropic'
    ? { type: 'error', error: { type: anthropicTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message } }
    : { error: { message, type: openAiTypes[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param, code } };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A JSON response. */
export const jsonResponse = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
