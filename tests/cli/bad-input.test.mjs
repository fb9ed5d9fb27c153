// Bad input refused with a clear message: settings, models and routes files that are not
// regular files or are too large, and numbers out of range or not finite.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { runCli as run, useSimulatorAndHome } from './helpers.mjs';

const shared = useSimulatorAndHome('llmux-bad-input-');

let homes = 0;
function setup(steps = []) {
  const lane = shared.sim().lane(`bad-input-${++homes}`);
  lane.script(steps);
  const home = shared.newHome(lane.name);
  const env = { ...home.env, OPENAI_API_KEY: 'sk-test-bad-input-0000', OPENAI_BASE_URL: lane.baseUrl('openai') };
  return { lane, env, dir: home.dir };
}

// A file of `bytes` bytes: a comment line repeated (valid settings, were it not for its size).
function bigFile(path, bytes) {
  const line = '# a comment line of settings\n';
  writeFileSync(path, line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
  return path;
}

describe('settings, models and routes files', () => {
  const files = [
    ['LLMUX_SETTINGS_FILE', ['chat', '-m', 'gpt-4o-mini', 'hi']],
    ['LLMUX_MODELS_FILE', ['chat', '-m', 'gpt-4o-mini', 'hi']],
    ['LLMUX_ROUTES_FILE', ['chat', '--task', 'simple', 'hi']],
  ];
  for (const [variable, args] of files) {
    test(`${variable}: a directory, /dev/zero, a FIFO and a file over 1 MiB are refused, naming the file`, async () => {
      const { lane, env, dir } = setup();
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const folder = join(dir, 'a-folder');
      mkdirSync(folder);
      const cases = [
        [folder, 'which is a directory, not a file'],
        ['/dev/zero', 'which is not a regular file'],
        [fifo, 'which is not a regular file'],
        [bigFile(join(dir, 'big'), 1024 * 1024 + 1), 'which is larger than 1 MiB'],
      ];
      for (const [path, why] of cases) {
        const out = await run(args, { ...env, [variable]: path });
        assert.equal(out.status, 1, `${path}: ${out.stderr}`);
        assert.equal(out.stderr, `llmux: ${variable} names ${path}, ${why}\n`);
      }
      assert.equal(lane.requests().length, 0);
    });
  }

  test('a settings file of exactly 1 MiB is read', async () => {
    const { env, dir } = setup([{ text: 'read' }]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], { ...env, LLMUX_SETTINGS_FILE: bigFile(join(dir, 'settings'), 1024 * 1024) });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'read\n');
  });

  test('a settings file named but missing says so', async () => {
    const { env, dir } = setup();
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], { ...env, LLMUX_SETTINGS_FILE: join(dir, 'nothing') });
    assert.equal(out.status, 1);
    assert.equal(out.stderr, `llmux: LLMUX_SETTINGS_FILE names ${join(dir, 'nothing')}, which does not exist\n`);
  });

  test('the default settings file is checked too (a directory at ~/.config/llmux/settings)', async () => {
    const { env, dir } = setup();
    mkdirSync(join(dir, '.config/llmux/settings'), { recursive: true });
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], env);
    assert.equal(out.status, 1);
    assert.equal(out.stderr, `llmux: ${join(dir, '.config/llmux/settings')}, which is a directory, not a file\n`);
  });
});

describe('numbers', () => {
  for (const command of ['chat', 'request']) {
    test(`llmux ${command} refuses a temperature that is not a number from 0 to 2, and --max-tokens 0`, async () => {
      const { lane, env } = setup();
      for (const value of ['nan', 'NaN', 'inf', '-inf', '-1', '2.5', '1e400']) {
        const out = await run([command, '-m', 'gpt-4o-mini', '--temperature', value, 'hi'], env);
        assert.equal(out.status, 2, `${value}: ${out.stderr}`);
        assert.equal(out.stderr.split('\n')[0], `llmux ${command}: --temperature: expected a number from 0 to 2, not "${value}"`);
      }
      const zero = await run([command, '-m', 'gpt-4o-mini', '--max-tokens', '0', 'hi'], env);
      assert.equal(zero.status, 2);
      assert.match(zero.stderr, /--max-tokens: expected a number of tokens \(1 or more\), not "0"/);
      assert.equal(lane.requests().length, 0);
    });
  }

  test('temperatures 0 and 2 are sent as they are', async () => {
    const { lane, env } = setup([{ text: 'cold' }, { text: 'hot' }]);
    for (const value of ['0', '2']) assert.equal((await run(['chat', '-m', 'gpt-4o-mini', '--temperature', value, 'hi'], env)).status, 0);
    assert.deepEqual(lane.requests().map((request) => request.body.temperature), [0, 2]);
  });

  test('a settings temperature out of range is refused by the core before anything is sent', async () => {
    const { lane, env } = setup();
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], { ...env, OPENAI_TEMPERATURE: '2.5' });
    assert.equal(out.status, 1);
    assert.match(out.stderr, /^llmux: invalid_argument: temperature must be a number from 0 to 2, not 2\.5$/m);
    assert.equal(lane.requests().length, 0);
  });
});

describe('usage no tokenizer produced', () => {
  for (const stream of [false, true]) {
    test(`is recorded as unknown with a warning, ${stream ? 'streamed' : 'whole'}; the answer stands`, async () => {
      const { env } = setup([{ text: 'Still an answer.', hostile_usage: { input: -5, output: 2 ** 62, cached: 1.5, reasoning: '12\u001b[2J' } }]);
      const out = await run(['chat', '-m', 'gpt-4o-mini', ...(stream ? ['--stream'] : []), 'hi'], env);
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.stdout, 'Still an answer.\n');
      const said = (key, value) => `llmux: warning: the provider reported ${key} = ${value}, which is not a token count: recorded as unknown`;
      assert.deepEqual(out.stderr.trimEnd().split('\n'), [
        said('prompt_tokens', '-5'),
        said('completion_tokens', '4611686018427388000'),
        said('total_tokens', '-5'),
        said('cached_tokens', '1.5'),
        said('reasoning_tokens', '"12\\u001b[2J"'),
        '[openai-gpt-4o-mini] ? input + ? output tokens, cost unknown, 1 call',
      ]);
      const usage = JSON.parse((await run(['usage', '--json'], env)).stdout);
      assert.deepEqual([usage.total.requests, usage.total.input_tokens, usage.total.output_tokens, usage.total.requests_without_cost], [1, 0, 0, 1]);
    });
  }
});
