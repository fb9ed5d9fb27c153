// `llmux chat` against hostile upstreams (the simulator's drips, silences, huge bodies and gzip
// bombs): each call ends with a clear error within the limits its flags set. The tests set
// short limits and assert only that the call ended (a call that did not would hang the test
// past node's own timeout), never how long it took.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { runCli as run, useSimulatorAndHome } from './helpers.mjs';

const shared = useSimulatorAndHome('llmux-limits-');

let lanes = 0;
function setup(steps) {
  const lane = shared.sim().lane(`limits${++lanes}`);
  lane.script(steps);
  const env = { ...shared.newHome(lane.name).env, OPENAI_API_KEY: 'sk-test-limits', OPENAI_BASE_URL: lane.baseUrl('openai') };
  return { lane, env };
}

const chat = (env, ...flags) => run(['chat', '-m', 'openai-gpt-4o-mini', ...flags, 'hi'], env);
const errorLine = (stderr) => stderr.split('\n').find((line) => line.startsWith('llmux: '));

describe('llmux chat time limits', { timeout: 60_000 }, () => {
  for (const stream of [false, true]) {
    test(`a slow drip${stream ? ' (streamed)' : ''} ends at --timeout with timeout, exit 1`, async () => {
      const { env } = setup([{ text: 'a slow answer', drip: { every_ms: 100 } }]);
      const out = await chat(env, '--timeout', '1.5', ...(stream ? ['--stream'] : []));
      assert.equal(out.status, 1, out.stderr);
      assert.match(errorLine(out.stderr), /^llmux: timeout: the call did not finish within its timeout of 1500 ms/);
    });
  }

  test('a silent server ends at --timeout, its retries included', async () => {
    const { lane, env } = setup([{ hang: true }, { hang: true }, { hang: true }, { hang: true }]);
    const out = await chat(env, '--idle-timeout', '0.4', '--timeout', '1');
    assert.equal(out.status, 1, out.stderr);
    assert.match(errorLine(out.stderr), /^llmux: timeout: the call did not finish within its timeout of 1000 ms \(the last attempt: .*\)$/);
    assert.match(out.stderr, /\[retry\] openai-gpt-4o-mini: timeout, attempt 2/);
    assert.ok(lane.requests().length <= 3, `${lane.requests().length} requests`);
  });

  test('--idle-timeout ends a request whose server falls silent, and the retry answers', async () => {
    const { env } = setup([{ hang: true }, { text: 'the retry answered' }]);
    const out = await chat(env, '--idle-timeout', '0.3');
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'the retry answered\n');
    assert.match(out.stderr, /\[retry\] openai-gpt-4o-mini: timeout, attempt 2/);
  });

  test('--response-timeout ends a response that drips past it (each attempt)', async () => {
    const drip = { text: 'a slow answer', drip: { every_ms: 100 } };
    const { env } = setup([drip, drip, drip]);
    const out = await chat(env, '--response-timeout', '0.5', '--timeout', '30');
    assert.equal(out.status, 1, out.stderr);
    assert.match(errorLine(out.stderr), /^llmux: timeout: response timeout: the response from http:\/\/127\.0\.0\.1:\d+ took longer than 500 ms/);
  });

  for (const [value, why] of [['0', 'zero'], ['-1', 'negative'], ['nan', 'not a number'], ['604801', 'past a week']]) {
    test(`--timeout ${value} (${why}) is refused before any request, exit 2`, async () => {
      const { lane, env } = setup([{ text: 'never asked' }]);
      const out = await chat(env, '--timeout', value);
      assert.equal(out.status, 2, out.stderr);
      assert.match(out.stderr, /--timeout: expected a number from 0\.001 to 604800, not "/);
      assert.equal(lane.requests().length, 0);
    });
  }
});

describe('llmux chat body limits', { timeout: 60_000 }, () => {
  test('a 1 GB answer is bad_response naming its limit, printed nowhere, exit 1', async () => {
    const { env } = setup([{ body_bytes: 1024 ** 3 }]);
    const out = await chat(env);
    assert.equal(out.status, 1, out.stderr);
    assert.equal(errorLine(out.stderr),
      'llmux: bad_response: the response is too large: a whole answer is longer than max_response_body_bytes (32 MiB)');
    assert.equal(out.stdout, '');
  });

  test('a 1 GB error body is bad_response naming its limit', async () => {
    const { env } = setup([{ status: 500, body_bytes: 1024 ** 3 }]);
    const out = await chat(env);
    assert.equal(out.status, 1, out.stderr);
    assert.equal(errorLine(out.stderr),
      'llmux: bad_response: the response is too large: an error body is longer than max_error_body_bytes (1 MiB)');
  });

  for (const stream of [false, true]) {
    test(`a gzip bomb${stream ? ' (streamed)' : ''} is bad_response naming the ratio limit`, async () => {
      const { env } = setup([{ text: 'boom', gzip_bomb: 500 * 1024 ** 2 }]);
      const out = await chat(env, ...(stream ? ['--stream'] : []));
      assert.equal(out.status, 1, out.stderr);
      assert.match(errorLine(out.stderr),
        /^llmux: bad_response: the response from http:\/\/127\.0\.0\.1:\d+ is too large: it decompressed to more than 100 times the bytes received \(max_decompression_ratio\)/);
      assert.equal(out.stdout, '');
    });
  }
});
