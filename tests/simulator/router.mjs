// Which provider format a request speaks, from its method and path alone (after the lane
// prefix is stripped), and whether it asks for a stream.

import * as anthropic from './formats/anthropic.mjs';
import * as cohere from './formats/cohere.mjs';
import * as gemini from './formats/gemini.mjs';
import * as ollama from './formats/ollama.mjs';
import * as openai from './formats/openai.mjs';

export const formats = { openai, anthropic, ollama, gemini, cohere };

/** `/lane/<name>/rest` → {lane: name, path: /rest}; any other path is lane "default". */
export function splitLane(path) {
  const match = /^\/lane\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return { lane: 'default', path };
  return { lane: decodeURIComponent(match[1]), path: match[2] ?? '/' };
}

/**
 * A route: {format, kind: 'chat' | 'models' | 'version', stream(body, query), model(body)},
 * or null for a path no provider has. Chat routes pop a Step; the others answer from the lane.
 */
export function route(method, path, headers) {
  const bodyStream = (body) => body?.stream === true;
  const bodyModel = (body) => (typeof body?.model === 'string' ? body.model : undefined);
  if (method === 'POST') {
    // Azure: the deployment names the model; OpenAI-family servers: …/chat/completions.
    const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
    if (azure) return { format: 'openai', kind: 'chat', stream: bodyStream, model: (body) => bodyModel(body) ?? decodeURIComponent(azure[1]) };
    if (path.endsWith('/chat/completions')) return { format: 'openai', kind: 'chat', stream: bodyStream, model: bodyModel };
    if (path === '/v1/messages') return { format: 'anthropic', kind: 'chat', stream: bodyStream, model: bodyModel };
    // Ollama streams unless told not to.
    if (path === '/api/chat') return { format: 'ollama', kind: 'chat', stream: (body) => body?.stream !== false, model: bodyModel };
    if (path === '/v2/chat') return { format: 'cohere', kind: 'chat', stream: bodyStream, model: bodyModel };
    const google = /^\/v1(?:beta|alpha)?\/((?:models|tunedModels)\/[^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
    if (google)
      return {
        format: 'gemini', kind: 'chat',
        stream: () => google[2] === 'streamGenerateContent',
        model: () => decodeURIComponent(google[1]),
      };
    return null;
  }
  if (method === 'GET') {
    if (path === '/api/tags') return { format: 'ollama', kind: 'models' };
    if (path === '/api/version') return { format: 'ollama', kind: 'version' };
    if (path === '/v1beta/models' || path === '/v1alpha/models') return { format: 'gemini', kind: 'models' };
    // Anthropic lists models on OpenAI's path; its clients send anthropic-version.
    if (path.endsWith('/models')) return { format: headers['anthropic-version'] ? 'anthropic' : 'openai', kind: 'models' };
  }
  return null;
}
