// The gateway's modules that need no runtime of Cloudflare's, under Node: the upstream
// allow-list, the key vault, gateway keys, the fetch that puts provider keys in, and the body
// reader's limits.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { gatewayKeyId, hashKey, newGatewayKey, presentedKey, sameDigest } from '../../edge/src/gateway-keys.mjs';
import { keyCache } from '../../edge/src/key-cache.mjs';
import { openKeyVault } from '../../edge/src/key-vault.mjs';
import { BodyError, readJsonBody } from '../../edge/src/request-body.mjs';
import { secretScrubber } from '../../edge/src/secret-scrubber.mjs';
import {
  UpstreamRefused, keyPlaceholder, placeholderSettings, upstreamFetch, withProviderKey,
} from '../../edge/src/upstream-fetch.mjs';
import { addressClass, upstreamPolicy } from '../../edge/src/upstream-policy.mjs';
import { secrets } from './support.mjs';

test('address classes: loopback, private, link-local, in IPv4, IPv6 and IPv4 mapped into IPv6', () => {
  const cases = {
    '127.0.0.1': 'loopback', '127.9.9.9': 'loopback', localhost: 'loopback', 'a.localhost': 'loopback', '[::1]': 'loopback',
    '[::ffff:127.0.0.1]': 'loopback', '[::ffff:7f00:1]': 'loopback', '10.1.2.3': 'private', '172.16.0.1': 'private',
    '172.31.255.255': 'private', '192.168.1.1': 'private', '100.64.0.1': 'private', '[fd00::1]': 'private', '[fc00::]': 'private',
    '169.254.169.254': 'link-local', '[fe80::1]': 'link-local', '[::ffff:a9fe:a9fe]': 'link-local', '0.0.0.0': 'unspecified',
    '[::]': 'unspecified', '8.8.8.8': 'public', '172.32.0.1': 'public', '[2001:db8::1]': 'public', 'api.openai.com': null,
  };
  for (const [host, kind] of Object.entries(cases)) assert.equal(addressClass(host), kind, host);
});

test('the allow-list: hosts, host:port, *.domain; non-public addresses only with their class allowed', () => {
  const policy = upstreamPolicy({ LLMUX_UPSTREAM_HOSTS: 'api.openai.com, *.openai.azure.com, 127.0.0.1:8000, 10.0.0.5',
    LLMUX_UPSTREAM_PRIVATE: 'private' });
  const allowed = ['https://api.openai.com/v1/chat/completions', 'https://myres.openai.azure.com/openai', 'http://10.0.0.5/v1'];
  for (const url of allowed) assert.equal(policy.check(url), null, url);
  const refused = {
    'https://api.openai.com.evil.example/v1': /allow-list/, 'https://openai.azure.com/x': /allow-list/,
    'https://evil.example/?h=api.openai.com': /allow-list/, 'http://127.0.0.1:8000/v1': /loopback/,
    'http://127.0.0.1:8001/v1': /allow-list/, 'file:///etc/passwd': /scheme/, 'https://u:p@api.openai.com/v1': /credentials/,
    'not a url': /not a URL/,
  };
  for (const [url, why] of Object.entries(refused)) assert.match(policy.check(url) ?? 'allowed', why, url);
  assert.equal(upstreamPolicy({}).check('https://api.anthropic.com/v1/messages'), null, 'the providers\' hosts by default');
  assert.match(upstreamPolicy({}).check('http://127.0.0.1/v1'), /allow-list/);
  assert.throws(() => upstreamPolicy({ LLMUX_UPSTREAM_PRIVATE: 'everything' }), /unknown address class/);
});

test('the key vault: sealed values open only for their row, altered ones not at all; old secrets still open', async () => {
  const vault = await openKeyVault(`${secrets.k1},${secrets.k2}`);
  const sealed = await vault.seal('sk-proj-secret', 'user:alice/model/gpt');
  assert.match(sealed, /^v1\.k1\./);
  assert.ok(!sealed.includes('sk-proj'));
  assert.notEqual(await vault.seal('sk-proj-secret', 'user:alice/model/gpt'), sealed, 'a fresh IV each time');
  assert.equal(await vault.open(sealed, 'user:alice/model/gpt'), 'sk-proj-secret');
  await assert.rejects(vault.open(sealed, 'user:bob/model/gpt'), 'a value moved to another user\'s row does not open');
  const [tag, id, iv, data] = sealed.split('.');
  const flipped = `${data[0] === 'A' ? 'B' : 'A'}${data.slice(1)}`;
  await assert.rejects(vault.open([tag, id, iv, flipped].join('.'), 'user:alice/model/gpt'));

  const rotated = await openKeyVault(`${secrets.k2},${secrets.k1}`);
  assert.equal(rotated.currentId, 'k2');
  assert.equal(await rotated.open(sealed, 'user:alice/model/gpt'), 'sk-proj-secret');
  assert.equal(rotated.secretIdOf(sealed), 'k1');
  await assert.rejects((await openKeyVault(secrets.k2)).open(sealed, 'user:alice/model/gpt'), /does not hold \(k1\)/);
  for (const bad of [undefined, '', 'k1:c2hvcnQ=', 'k1', `${secrets.k1},${secrets.k1}`, 'k 1:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE='])
    await assert.rejects(openKeyVault(bad), TypeError, String(bad));
});

test('gateway keys: their form, their hash, constant-time comparison, where requests carry them', async () => {
  const made = newGatewayKey();
  assert.equal(gatewayKeyId(made.key), made.id);
  assert.equal(made.prefix, `llmux-${made.id}`);
  assert.notEqual(newGatewayKey().key, made.key);
  for (const bad of ['', 'llmux-abc-def', `${made.key}x`, made.key.toUpperCase(), ` ${made.key}`]) assert.equal(gatewayKeyId(bad), null);
  const hash = await hashKey(made.key);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.ok(sameDigest(hash, await hashKey(made.key)));
  assert.ok(!sameDigest(hash, await hashKey(newGatewayKey().key)));
  assert.ok(!sameDigest(hash, hash.slice(1)));
  assert.equal(presentedKey(new Headers({ authorization: `Bearer ${made.key}` })), made.key);
  assert.equal(presentedKey(new Headers({ 'x-api-key': made.key })), made.key);
  assert.equal(presentedKey(new Headers({ authorization: `Basic ${made.key}` })), null);
  assert.equal(presentedKey(new Headers()), null);
});

test('the upstream fetch puts the call\'s key in, takes the placeholder out where there is none, and refuses off-list hosts', async () => {
  const sent = [];
  const recorder = async (url, init) => {
    sent.push({ url, headers: Object.fromEntries(new Headers(init.headers)) });
    return new Response('{}');
  };
  const send = upstreamFetch(upstreamPolicy({ LLMUX_UPSTREAM_HOSTS: 'a.example' }), recorder);
  const bearer = { authorization: `Bearer ${keyPlaceholder('openai')}`, 'content-type': 'application/json' };
  // Two calls at once, for two models behind the same URL and upstream name with two keys:
  // each request carries its own call's key, through awaits and timers.
  const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  await Promise.all([
    withProviderKey('key-one', async () => {
      await later(5);
      await send('https://a.example/v1/chat/completions', { headers: bearer, body: '{"model": "gpt-4o-mini"}' });
    }),
    withProviderKey('key-two', () => send('https://a.example/v1/chat/completions', { headers: bearer, body: '{"model": "gpt-4o-mini"}' })),
  ]);
  await withProviderKey(null, () => send('https://a.example/v1/chat/completions', { headers: bearer }));
  await withProviderKey('key-gemini', () => send(`https://a.example/v1beta/models/g:generateContent?key=${keyPlaceholder('gemini')}`, {}));
  await withProviderKey('key-anthropic', () => send('https://a.example/v1/messages', { headers: { 'x-api-key': keyPlaceholder('anthropic') } }));
  await send('https://a.example/v1/chat/completions', { headers: bearer }); // outside any call: no key
  assert.deepEqual(sent.map((request) => request.headers.authorization ?? null), ['Bearer key-two', 'Bearer key-one', null, null, null, null]);
  assert.equal(sent[0].headers['content-type'], 'application/json');
  assert.equal(sent[3].url, 'https://a.example/v1beta/models/g:generateContent?key=key-gemini');
  assert.equal(sent[4].headers['x-api-key'], 'key-anthropic');
  assert.ok(!JSON.stringify(sent).includes('llmux-gateway-provider-key'), 'a placeholder went upstream');
  await assert.rejects(withProviderKey('key-one', () => send('https://c.example/v1/chat/completions', { headers: bearer })), UpstreamRefused);
  assert.equal(sent.length, 6, 'a refused request is not sent');
  const settings = placeholderSettings();
  assert.equal(settings.ANTHROPIC_API_KEY, keyPlaceholder('anthropic'));
  assert.equal(settings.RUNPOD_POD_API_KEY, keyPlaceholder('runpod'));
  assert.equal(Object.keys(settings).length, 14);
});

test('the body reader: over the limit by its declared length or as it streams in is 413; not a JSON object 400', async () => {
  const request = (body, headers = {}) => new Request('http://gateway/v1/messages', { method: 'POST', body, headers, duplex: 'half' });
  assert.deepEqual(await readJsonBody(request('{"a": 1}'), 1024), { a: 1 });
  const status = async (promise) => (await promise.then(() => 0, (error) => (error instanceof BodyError ? error.status : -1)));
  assert.equal(await status(readJsonBody(request('{"a": "x"}', { 'content-length': '5000' }), 1024)), 413);
  const stream = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(200)));
      controller.close();
    },
  });
  assert.equal(await status(readJsonBody(request(stream), 1024)), 413);
  for (const body of ['', '{', '[]', '1', 'null', new Uint8Array([0x7b, 0xff, 0x7d])])
    assert.equal(await status(readJsonBody(request(body), 1024)), 400, String(body));
});

test('the key cache: asks the directory once per key and ttl, refuses another hash for a cached id, forgets on clear', async () => {
  const cache = keyCache(1000);
  let asked = 0;
  const ask = async () => {
    asked++;
    return { userId: 'u', sharedVersion: 3 };
  };
  const good = await hashKey('llmux-aaaaaaaaaaaa-good');
  const bad = await hashKey('llmux-aaaaaaaaaaaa-bad');
  assert.deepEqual(await cache.caller('aaaaaaaaaaaa', good, ask, 0), { userId: 'u', sharedVersion: 3 });
  assert.deepEqual(await cache.caller('aaaaaaaaaaaa', good, ask, 999), { userId: 'u', sharedVersion: 3 });
  assert.equal(asked, 1);
  assert.equal(await cache.caller('aaaaaaaaaaaa', bad, ask, 500), null, 'a cached id with another secret');
  assert.equal(asked, 1);
  await cache.caller('aaaaaaaaaaaa', good, ask, 1000);
  assert.equal(asked, 2, 'asked again once the entry is ttl old');
  cache.clear();
  await cache.caller('aaaaaaaaaaaa', good, ask, 1001);
  assert.equal(asked, 3);
  assert.equal(await cache.caller('bbbbbbbbbbbb', good, async () => null, 0), null);
});

test('the scrubber takes provider keys out, whole and masked as OpenAI masks them', () => {
  const scrub = secretScrubber(['sk-proj-ABCDEFGH1234WXYZ', 'short', null, 'sk-ant-api03-QRSTUVWX9876']);
  assert.equal(scrub('Incorrect API key provided: sk-proj-ABCDEFGH1234WXYZ.'), 'Incorrect API key provided: [redacted].');
  assert.equal(scrub('Incorrect API key provided: sk-proj-********WXYZ.'), 'Incorrect API key provided: [redacted].');
  assert.equal(scrub('two: sk-ant-api03-QRSTUVWX9876 and sk-ant-a*****9876'), 'two: [redacted] and [redacted]');
  assert.equal(scrub('a short key is left: short'), 'a short key is left: short');
  assert.equal(secretScrubber([])('nothing to do'), 'nothing to do');
});
