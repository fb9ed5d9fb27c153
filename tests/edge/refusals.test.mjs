// What the gateway refuses before any upstream is called, in the shape of the API the caller
// speaks: no key or a wrong one (401), a body over the limit (413), a body that is not a JSON
// object (400), a wrong method (405) or path (404); and upstreams outside its allow-list.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { addUser, call, startGateway, useSimulator } from './support.mjs';

const sim = await useSimulator();
const limit = 4096;
const gateway = await startGateway({ env: { LLMUX_MAX_BODY_BYTES: String(limit) } });
after(() => gateway.stop());
const key = await addUser(gateway, 'rita');

// Each endpoint, and the error shape its callers' SDKs read.
const endpoints = [
  { path: '/v1/chat/completions', method: 'POST', shape: 'openai' },
  { path: '/v1/messages', method: 'POST', shape: 'anthropic' },
  { path: '/v1/models', method: 'GET', shape: 'openai' },
  { path: '/v1/usage', method: 'GET', shape: 'openai' },
];

function assertShape(shape, body, type) {
  if (shape === 'anthropic') {
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, type.anthropic);
  } else {
    assert.equal(body.error.type, type.openai);
    assert.ok('param' in body.error && 'code' in body.error);
  }
  assert.equal(typeof body.error.message, 'string');
}

test('no key, an unknown key, a malformed key: 401 in the endpoint\'s shape, the key never echoed', async () => {
  const unknown = key.slice(0, -4) + 'zzzz';
  const presented = [
    {}, { authorization: `Bearer ${unknown}` }, { 'x-api-key': unknown }, { authorization: 'Bearer sk-not-a-gateway-key-123' },
    { authorization: `Basic ${btoa(`user:${key}`)}` }, { 'x-api-key': key.slice(0, 30) },
  ];
  for (const { path, method, shape } of endpoints) {
    for (const headers of presented) {
      const response = await fetch(`${gateway.url}${path}`, { method, headers, body: method === 'POST' ? '{}' : undefined });
      const text = await response.text();
      assert.equal(response.status, 401, `${path} ${JSON.stringify(headers)}`);
      assertShape(shape, JSON.parse(text), { openai: 'invalid_request_error', anthropic: 'authentication_error' });
      for (const value of Object.values(headers)) assert.ok(!text.includes(value.split(' ').pop()), `${path} echoed the key`);
    }
  }
  // The same key both ways is accepted: Bearer (OpenAI's SDKs) and x-api-key (Anthropic's).
  assert.equal((await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': key } })).status, 200);
  assert.equal((await call(gateway, '/v1/models', { key })).status, 200);
});

test('a body over the limit: 413, whether its length is declared or it streams in', async () => {
  for (const { path, shape } of endpoints.filter((endpoint) => endpoint.method === 'POST')) {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(limit) }] });
    const declared = await call(gateway, path, { key, method: 'POST', body: big });
    assert.equal(declared.status, 413, path);
    assertShape(shape, await declared.json(), { openai: 'invalid_request_error', anthropic: 'request_too_large' });

    const chunks = [new TextEncoder().encode(big.slice(0, 3000)), new TextEncoder().encode(big.slice(3000))];
    const streamed = await fetch(`${gateway.url}${path}`, {
      method: 'POST', duplex: 'half', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          if (chunks.length) controller.enqueue(chunks.shift());
          else controller.close();
        },
      }),
    });
    assert.equal(streamed.status, 413, `${path}, chunked`);
  }
});

test('a body that is not a JSON object: 400', async () => {
  for (const { path, shape } of endpoints.filter((endpoint) => endpoint.method === 'POST')) {
    for (const body of ['{"model": ', 'null', '[1, 2]', '"text"', '\xff\xfe{}', '']) {
      const response = await call(gateway, path, { key, method: 'POST', body });
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assertShape(shape, await response.json(), { openai: 'invalid_request_error', anthropic: 'invalid_request_error' });
    }
  }
});

test('a wrong method is 405, a path the gateway does not serve 404', async () => {
  for (const { path, method } of endpoints) {
    const response = await call(gateway, path, { key, method: method === 'GET' ? 'POST' : 'GET' });
    assert.equal(response.status, 405, path);
  }
  for (const path of ['/', '/v1/completions', '/v1/chat', '/v2/messages', '/v1/models/x'])
    assert.equal((await call(gateway, path, { key })).status, 404, path);
  assert.equal((await call(gateway, '/v1/usage?since=yesterday', { key })).status, 400);
});

test('a model whose upstream is off the allow-list, or a loopback address not allowed, is refused', async () => {
  const refused = async (gatewayUnderTest, baseUrl, why) => {
    const answer = await gatewayUnderTest.admin('POST', '/users/rita/models', { name: `m${Math.random()}`.replace('.', ''), provider: 'openai',
      model_id: 'gpt-4o-mini', base_url: baseUrl });
    assert.equal(answer.status, 400, baseUrl);
    assert.match(answer.body.error.message, why);
  };
  for (const url of ['https://api.openai.com.evil.example/v1', 'http://10.0.0.8/v1', 'http://[::1]:8000/v1', 'ftp://127.0.0.1/v1',
    'http://user:pass@127.0.0.1/v1'])
    await refused(gateway, url, /allow-list|scheme|credentials/);

  // Without LLMUX_UPSTREAM_PRIVATE, the simulator's loopback host is refused though it is listed.
  const strict = await startGateway({ env: { LLMUX_UPSTREAM_PRIVATE: undefined } });
  try {
    await addUser(strict, 'rita');
    await refused(strict, sim.lane('strict').baseUrl('openai'), /loopback address, refused unless LLMUX_UPSTREAM_PRIVATE allows loopback/);
    await refused(strict, 'http://localhost:9/v1', /allow-list/);
  } finally {
    await strict.stop();
  }
});
