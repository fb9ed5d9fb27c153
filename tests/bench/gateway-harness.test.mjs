// The gateway benchmark's harness (bench/gateway/) counts only right answers: a gateway that
// loses a streamed chunk, the usage or the [DONE], changes the text or fails with a status
// would otherwise measure as fast as the floor. Here the harness's load generator talks to
// the benchmark's upstream directly and through small loopback forwarders that break the
// answer in one way each. Nothing here times anything.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { answerPieces, startUpstream } from '../../bench/gateway/upstream.mjs';
import { chatBody, connect, Failures, sequential } from '../../bench/gateway/load-generator.mjs';

let upstream;
before(async () => {
  upstream = await startUpstream({ workers: 1 });
});
after(() => upstream?.stop());

/** A forwarder to the upstream that hands each answer's text to `change` (text => {status, text}) before sending it on. */
async function forwarder(change) {
  const server = http.createServer(async (req, res) => {
    const parts = [];
    for await (const part of req) parts.push(part);
    const answer = await fetch(`${upstream.url}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(parts) });
    const { status, text } = change(await answer.text());
    res.writeHead(status, { 'content-type': answer.headers.get('content-type') });
    res.end(text);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  return { url: `http://127.0.0.1:${server.address().port}` };
}

async function failuresOf(target, stream, thorough) {
  const client = connect(target, 1);
  const failures = new Failures();
  const samples = { lastByte: [], firstByte: [] };
  await sequential(client, stream, 3, { samples, failures, thorough });
  await client.close();
  return { failures, samples };
}

const dropEvent = (text, index) => text.split('\n\n').filter((_, i) => i !== index).join('\n\n');

describe('the gateway benchmark harness', () => {
  test('the upstream answers whole unless asked to stream, and both answers pass the whole check', async () => {
    for (const stream of [false, true]) {
      const { failures, samples } = await failuresOf({ url: upstream.url }, stream, true);
      assert.equal(failures.count, 0, failures.first);
      assert.equal(samples.lastByte.length, 3);
    }
    const streamed = await (await fetch(`${upstream.url}/v1/chat/completions`, { method: 'POST', body: chatBody(true) })).text();
    assert.equal(streamed.match(/^data: /gm).length, answerPieces.length + 3); // 50 pieces, the finish, the usage, [DONE]
    const whole = await (await fetch(`${upstream.url}/v1/chat/completions`, { method: 'POST', body: chatBody(false) })).json();
    assert.equal(whole.object, 'chat.completion');
  });

  test('a faithful forwarder passes', async () => {
    const target = await forwarder((text) => ({ status: 200, text }));
    for (const stream of [false, true]) assert.equal((await failuresOf(target, stream, true)).failures.count, 0);
  });

  test('a forwarder that adds an SSE comment (an event without data, as the llmux gateway\'s usage note) passes', async () => {
    const addComment = (text) => text.replace('data: [DONE]', ': llmux {"cost":"0.00003165"}\n\ndata: [DONE]');
    const { failures } = await failuresOf(await forwarder((text) => ({ status: 200, text: addComment(text) })), true, true);
    assert.equal(failures.count, 0, failures.first);
  });

  const broken = [
    ['loses a content chunk', true, (text) => dropEvent(text, 7), /another answer/],
    ['loses the usage chunk', true, (text) => dropEvent(text, answerPieces.length + 1), /no usage chunk/],
    ['loses [DONE]', true, (text) => dropEvent(text, answerPieces.length + 2), /no \[DONE\]/],
    ['changes the whole text', false, (text) => text.replace('token7', 'token8'), /another answer/],
    ['drops the whole answer\'s usage', false, (text) => JSON.stringify({ ...JSON.parse(text), usage: undefined }), /usage missing/],
  ];
  for (const [what, stream, change, expected] of broken) {
    test(`a forwarder that ${what} fails every request`, async () => {
      const { failures, samples } = await failuresOf(await forwarder((text) => ({ status: 200, text: change(text) })), stream, true);
      assert.equal(failures.count, 3);
      assert.match(failures.first, expected);
      assert.equal(samples.lastByte.length, 0);
    });
  }

  test('the cheap check of timed requests catches an error status and a cut stream', async () => {
    const failing = await forwarder(() => ({ status: 500, text: '{"status":"failure","message":"Something went wrong"}' }));
    const failed = await failuresOf(failing, true, false);
    assert.equal(failed.failures.count, 3);
    assert.match(failed.failures.first, /^HTTP 500: .*Something went wrong/);
    const cut = await forwarder((text) => ({ status: 200, text: text.slice(0, text.length / 2) }));
    assert.equal((await failuresOf(cut, true, false)).failures.count, 3);
  });
});
