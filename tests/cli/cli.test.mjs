// The llmux CLI as a user runs it: `decode` on every covered fixture gives what
// expected.json says, `request` prints requests without their keys, and mistakes in the
// arguments are refused with exit code 2.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

import { checkResult, errorCodes, fixture, fixtures, root } from '../js/support.mjs';

const cli = resolve(root, process.env.LLMUX_CLI || 'build/native/cli/llmux');
if (!existsSync(cli)) throw new Error(`${cli} is missing: build the native CLI first`);

function run(args, { input = '', env = {} } = {}) {
  const result = spawnSync(cli, args, { input, env: { PATH: process.env.PATH, ...env } });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function decodeArgs(f) {
  const args = ['decode', '--provider', f.provider, '--status', String(f.status)];
  if (f.stream) args.push('--stream');
  for (const [name, value] of Object.entries(f.headers)) args.push('--header', `${name}: ${value}`);
  return args;
}

describe('llmux decode', () => {
  for (const f of fixtures) {
    test(`${f.path} decodes to what expected.json says`, () => {
      const { status, stdout } = run(decodeArgs(f), { input: f.bytes });
      assert.equal(status, 0);
      const result = JSON.parse(stdout);
      checkResult(result, f.expected);
      if (f.path in errorCodes) assert.equal(result.error.code, errorCodes[f.path]);
    });
  }

  test('--events prints each stream event on its own line before the result', () => {
    const f = fixture('anthropic/messages-stream-tool-no-args.sse');
    const lines = run([...decodeArgs(f), '--events'], { input: f.bytes }).stdout.trim().split('\n');
    const events = lines.slice(0, -1).map((line) => JSON.parse(line));
    assert.deepEqual(events.map((event) => event.type), [
      'usage', 'text_delta', 'text_delta', 'tool_call_start', 'tool_call_end', 'usage', 'finish',
    ]);
    assert.deepEqual(events[4], {
      type: 'tool_call_end', index: 0, id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '',
    });
    checkResult(JSON.parse(lines.at(-1)), f.expected);
  });

  test('a Retry-After header given on the command line reaches the error', () => {
    const f = fixture('anthropic/error-529-overloaded.json');
    const { stdout } = run(['decode', '--provider', 'anthropic', '--status', '529', '--header', 'retry-after: 12'],
      { input: f.bytes });
    assert.equal(JSON.parse(stdout).error.retry_after_ms, 12000);
  });

  test('bad bytes give a bad_response, not a crash', () => {
    const { status, stdout } = run(['decode', '--provider', 'openai', '--stream'], { input: 'data: {"choices": [\n\n' });
    assert.equal(status, 0);
    const error = JSON.parse(stdout).error;
    assert.equal(error.code, 'bad_response');
    assert.equal(error.origin, 'decoder');
  });
});

describe('llmux request', () => {
  test('prints the request with the key from the environment redacted', () => {
    const { status, stdout } = run(
      ['request', '--provider', 'anthropic', '-m', 'claude-haiku-4-5', '--max-tokens', '100', 'Hello', 'there'],
      { env: { ANTHROPIC_API_KEY: 'sk-ant-SECRET-KEY' } });
    assert.equal(status, 0);
    assert.ok(!stdout.includes('SECRET'));
    const request = JSON.parse(stdout);
    assert.equal(request.url, 'https://api.anthropic.com/v1/messages');
    assert.deepEqual(request.headers, [
      ['content-type', 'application/json'], ['accept', 'application/json'],
      ['x-api-key', '[redacted]'], ['anthropic-version', '2023-06-01'],
    ]);
    assert.deepEqual(JSON.parse(request.body), {
      model: 'claude-haiku-4-5', max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
    });
  });

  test('a provider that needs a base URL says so', () => {
    const { status, stderr } = run(['request', '--provider', 'runpod', '-m', 'm', 'hi']);
    assert.equal(status, 1);
    assert.match(stderr, /invalid_argument: runpod needs a base URL/);
  });
});

describe('llmux arguments', () => {
  for (const [args, message] of [
    [['decode'], /decode needs --provider/],
    [['decode', '--provider', 'nope'], /unknown provider: nope/],
    [['decode', '--provider', 'openai', '--status', 'abc'], /--status needs an HTTP status code/],
    [['decode', '--provider', 'openai', '--header', 'no-colon'], /--header needs 'Name: value'/],
    [['request', '--api-key', 'x'], /unknown argument to request: --api-key/],
    [['frobnicate'], /unknown command: frobnicate/],
  ]) {
    test(`llmux ${args.join(' ')} is refused`, () => {
      const { status, stderr } = run(args);
      assert.equal(status, 2);
      assert.match(stderr, message);
    });
  }

  test('providers lists every provider', () => {
    const names = run(['providers']).stdout.trim().split('\n').map((line) => line.split('\t')[0]);
    assert.deepEqual(names, ['openai', 'azure', 'vllm', 'runpod', 'local', 'huggingface', 'mistral', 'xai',
      'openrouter', 'anthropic']);
  });
});
