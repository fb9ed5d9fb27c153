// The llmux edge gateway: one OpenAI- and Anthropic-compatible endpoint for every model and
// every user, on workerd or Cloudflare Workers with Durable Objects.
//
//   POST /v1/chat/completions   OpenAI's Chat Completions API, whole and streamed
//   POST /v1/messages           Anthropic's Messages API, whole and streamed
//   GET  /v1/models             the models the caller may call (theirs and the shared ones)
//   GET  /v1/usage              the caller's usage per UTC day and model (?since=&until=, YYYY-MM-DD)
//   /admin/...                  users, keys, models, budgets (admin-api.mjs)
//
// Callers authenticate with a gateway key (`Authorization: Bearer`, as OpenAI's SDKs send it,
// or `x-api-key`, as Anthropic's do); the directory (directory.mjs) says whose it is, and the
// request runs in that user's object (user-account.mjs). This file only routes: it holds no
// state between requests.

import { init } from 'llmux';
import wasmModule from 'llmux/llmux-core.wasm';
import serveWasmModule from 'llmux/llmux-serve.wasm';
import { initServe } from 'llmux/serve';

import { handleAdmin } from './admin-api.mjs';
import { dialectOf, errorResponse, jsonResponse } from './api-errors.mjs';
import { gatewayConfig } from './config.mjs';
import { gatewayKeyId, hashKey, presentedKey } from './gateway-keys.mjs';
import { keyCache } from './key-cache.mjs';
import { BodyError, readBodyText } from './request-body.mjs';
import { UsageQueryError, usageRange } from './usage-report.mjs';

export { Directory } from './directory.mjs';
export { UserAccount } from './user-account.mjs';

// Edge runtimes compile no Wasm from bytes at run time: the bundle imports each .wasm as a
// WebAssembly.Module (the core's, and the wire codecs' of llmux/serve).
init({ wasmModule });
initServe({ wasmModule: serveWasmModule });

const callers = keyCache();

/** The caller's user ({userId, sharedVersion}), or null for a missing or unknown key. */
async function authenticate(request, env) {
  const key = presentedKey(request.headers);
  const id = key && gatewayKeyId(key);
  if (!id) return null;
  const hash = await hashKey(key);
  return callers.caller(id, hash, () => env.DIRECTORY.get(env.DIRECTORY.idFromName('directory')).authenticate(id, hash));
}

function modelList(models, anthropic) {
  if (anthropic) {
    const data = models.map((model) => ({ type: 'model', id: model.name, display_name: model.name, created_at: model.created_at }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }
  const data = models.map((model) => ({
    id: model.name, object: 'model', created: Math.floor(Date.parse(model.created_at) / 1000), owned_by: model.scope,
  }));
  return { object: 'list', data };
}

async function route(request, env) {
  const url = new URL(request.url);
  const { pathname } = url;
  if (pathname === '/admin' || pathname.startsWith('/admin/')) {
    // A change of keys or shared models is seen at once by the requests this isolate serves.
    if (request.method !== 'GET') callers.clear();
    return handleAdmin(request, env, url);
  }

  const dialect = dialectOf(pathname);
  const endpoints = { '/v1/chat/completions': 'POST', '/v1/messages': 'POST', '/v1/models': 'GET', '/v1/usage': 'GET' };
  if (!endpoints[pathname]) return errorResponse(dialect, 404, `no route ${pathname}`, { code: 'not_found' });
  if (request.method !== endpoints[pathname])
    return errorResponse(dialect, 405, `${pathname} takes ${endpoints[pathname]}`, { headers: { allow: endpoints[pathname] } });

  gatewayConfig(env); // a bad configuration fails every request, not only the first that reads it
  const caller = await authenticate(request, env);
  if (!caller) {
    // Never the key in the answer: only that it was missing or not one of ours.
    return errorResponse(dialect, 401, 'the gateway key is missing or not valid (Authorization: Bearer KEY, or x-api-key: KEY)',
      { code: 'invalid_api_key' });
  }
  const account = env.USER_ACCOUNT.get(env.USER_ACCOUNT.idFromName(caller.userId));

  if (pathname === '/v1/models') {
    const models = await account.callableModels(caller.userId, caller.sharedVersion);
    return jsonResponse(modelList(models, request.headers.has('anthropic-version')));
  }
  if (pathname === '/v1/usage') {
    let range;
    try {
      range = usageRange(url.searchParams);
    } catch (error) {
      if (error instanceof UsageQueryError) return errorResponse(dialect, 400, error.message);
      throw error;
    }
    return jsonResponse({ user: caller.userId, ...(await account.usage(caller.userId, range)) });
  }
  let body;
  try {
    body = await readBodyText(request, gatewayConfig(env).maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyError) return errorResponse(dialect, error.status, error.message);
    throw error;
  }
  return account.chat(caller.userId, caller.sharedVersion, dialect, body);
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      // A fault of the gateway's (its configuration, its storage): said without details,
      // which could name a stored value; the class of the error goes to the log.
      return errorResponse(dialectOf(new URL(request.url).pathname), 500, 'the gateway failed to serve the request');
    }
  },
};
