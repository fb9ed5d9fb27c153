// Every llmux command explains itself: --help exits 0 and names each of its flags, --version
// prints the project's version, and an unknown flag is refused with exit status 2.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { root } from '../js/support.mjs';
import { runCli } from './helpers.mjs';

const run = (args) => runCli(args, { PATH: process.env.PATH, HOME: '/nonexistent' });

// Each command, and what its --help must name: its flags, its arguments, the settings it reads.
const commands = {
  '': ['chat', 'usage', 'budget', 'deploy', 'discover', 'decode', 'request', 'models', 'resolve', 'cost', 'tokens',
    'providers', '--version', 'LLMUX_MODELS_FILE', 'LLMUX_HOME'],
  chat: ['--model', '--task', '--fallback', '--stream', '--tools', '--system', '--max-tokens', '--temperature',
    '--max-rounds', '--user', '--cache-ttl', '--no-ledger', 'PROMPT', 'LLMUX_ROUTES_FILE', 'calculator'],
  usage: ['--by', '--since', '--until', '--user', '--json'],
  budget: ['SCOPE', 'DOLLARS|none'],
  deploy: ['vllm', 'ollama', 'runpod', 'list', 'stop', 'deployments.json'],
  'deploy vllm': ['MODEL', '--port', '--name', '--context', '--max-output', '--timeout', '-- VLLM_ARGS'],
  'deploy ollama': ['CHECKPOINT', '--name', '--host', '--context', '--max-output', '--timeout', 'OLLAMA_HOST'],
  'deploy runpod': ['MODEL_OR_CHECKPOINT', '--gpu', '--gpu-count', '--name', '--image', '--cloud', '--disk',
    '--volume-gb', '--network-volume', '--volume-path', '--context', '--max-output', '--timeout', '-- VLLM_ARGS',
    'RUNPOD_API_KEY', 'RUNPOD_REST_URL', 'RUNPOD_PROXY_URL', 'HF_TOKEN', 'vllm/vllm-openai:latest'],
  'deploy list': ['--json'],
  'deploy stop': ['NAME'],
  discover: ['URL'],
  decode: ['--provider', '--stream', '--events', '--status', '--header'],
  request: ['--model', '--provider', '--stream', '--system', '--base-url', '--max-tokens', '--temperature', 'PROMPT'],
  models: ['--json'],
  resolve: ['MODEL'],
  cost: ['--model', '--input', '--output', '--cached', '--cache-write', '--reasoning'],
  tokens: ['--model', '--encoding', '--vocab', 'LLMUX_TIKTOKEN_DIR'],
  providers: [],
};

const words = (command) => (command ? command.split(' ') : []);

describe('llmux --help', () => {
  for (const [command, named] of Object.entries(commands)) {
    test(`llmux ${command || ''} --help names ${named.length ? named.join(', ') : 'what it does'}`, async () => {
      const out = await run([...words(command), '--help']);
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.stderr, '');
      assert.match(out.stdout, new RegExp(`^Usage: llmux${command ? ` ${command}` : ''} `, 'm'));
      for (const name of named) assert.ok(out.stdout.includes(name), `${name} is not in:\n${out.stdout}`);
      // What the command does comes first, on a line of its own.
      assert.notEqual(out.stdout.split('\n')[0].trim(), '');
    });
  }

  test('llmux help COMMAND is llmux COMMAND --help', async () => {
    const help = await run(['help', 'deploy', 'runpod']);
    assert.equal(help.status, 0);
    assert.equal(help.stdout, (await run(['deploy', 'runpod', '--help'])).stdout);
  });
});

describe('llmux --version and mistakes', () => {
  test('--version prints the CMake project version', async () => {
    const version = /project\(llmux VERSION (\d+\.\d+\.\d+)/.exec(readFileSync(join(root, 'CMakeLists.txt'), 'utf8'))[1];
    const out = await run(['--version']);
    assert.equal(out.status, 0);
    assert.equal(out.stdout, `llmux ${version}\n`);
  });

  for (const command of Object.keys(commands)) {
    test(`llmux ${command} --frobnicate is refused with exit status 2`, async () => {
      const out = await run([...words(command), '--frobnicate']);
      assert.equal(out.status, 2);
      assert.equal(out.stdout, '');
      assert.match(out.stderr, new RegExp(`^llmux${command ? ` ${command}` : ''}: unknown argument: --frobnicate$`, 'm'));
      assert.match(out.stderr, new RegExp(`^Run 'llmux${command ? ` ${command}` : ''} --help' for its flags\\.$`, 'm'));
    });
  }

  test('a command that groups others, without one, names them', async () => {
    const deploy = await run(['deploy']);
    assert.equal(deploy.status, 2);
    assert.match(deploy.stderr, /^llmux deploy: needs a command: vllm, ollama, runpod, list, stop$/m);
    const none = await run([]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^llmux: needs a command: chat, usage, budget, deploy, /m);
  });

  test('counts are decimal: neither hexadecimal nor octal', async () => {
    for (const [value, message] of [['0x10', /not "0x10"/], ['-3', /not "-3"/], ['1e3', /not "1e3"/]]) {
      const out = await run(['deploy', 'vllm', 'm', '--port', value]);
      assert.equal(out.status, 2);
      assert.match(out.stderr, /^llmux deploy vllm: --port: expected a port number from 1 to 65535, /m);
      assert.match(out.stderr, message);
    }
  });

  test('words after the model go to vLLM only after --', async () => {
    const out = await run(['deploy', 'vllm', 'some/model', 'stray']);
    assert.equal(out.status, 2);
    assert.match(out.stderr, /^llmux deploy vllm: unknown argument: stray$/m);
  });
});
