// `llmux chat`, `usage`, `budget`, `deploy` and `discover` as a user types them, against the
// provider simulator over loopback.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { fakes, freePort, runCli as run, useSimulatorAndHome } from './helpers.mjs';

const shared = useSimulatorAndHome('llmux-chat-');

let lanes = 0;
// A fresh lane and a fresh llmux home for one test: settings point every provider at it.
function setup(steps = []) {
  const lane = shared.sim().lane(`cli${++lanes}`);
  lane.script(steps);
  const home = shared.newHome(lane.name);
  const { dir } = home;
  const env = {
    ...home.env,
    OPENAI_API_KEY: 'sk-test-cli-0000000000000000',
    OPENAI_BASE_URL: lane.baseUrl('openai'),
    ANTHROPIC_API_KEY: 'sk-ant-test-cli-000000000000',
    ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
  };
  return { lane, env, dir };
}

const lastLine = (text) => text.trimEnd().split('\n').at(-1);

describe('llmux chat', () => {
  test('streams the answer and ends with the tokens and the exact cost', async () => {
    const { lane, env } = setup([{ text: 'Two plus two is four.', usage: { input: 1000, output: 500 } }]);
    const out = await run(['chat', '-m', 'openai-gpt-4o-mini', '--stream', 'What is 2+2?'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'Two plus two is four.\n');
    assert.equal(lastLine(out.stderr), '[openai-gpt-4o-mini] 1000 input + 500 output tokens, cost $0.00045, 1 call');
    const [request] = lane.requests();
    assert.equal(request.body.stream, true);
    assert.equal(request.body.messages.at(-1).content, 'What is 2+2?');
    // The key went in its header and nowhere the user sees.
    assert.equal(request.headers.authorization, `Bearer ${env.OPENAI_API_KEY}`);
    assert.ok(!out.stderr.includes(env.OPENAI_API_KEY) && !out.stdout.includes(env.OPENAI_API_KEY));
  });

  test('runs the calculator when the model calls it, and sends the result back', async () => {
    const { lane, env } = setup([
      { tool_calls: [{ name: 'calculator', arguments: { expression: '17*23' } }], usage: { input: 80, output: 15 } },
      { text: '17 times 23 is 391.', usage: { input: 120, output: 9 } },
    ]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', '--tools', 'calculator,datetime', '--stream', 'What is 17*23?'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, '17 times 23 is 391.\n');
    assert.match(out.stderr, /\[tool calculator\] \{"expression":"17\*23"\} -> .*391/);
    assert.match(lastLine(out.stderr), /200 input \+ 24 output tokens, cost \$0\.0000444, 2 calls, 1 tool round$/);
    const requests = lane.requests();
    assert.equal(requests.length, 2);
    assert.deepEqual(requests[0].body.tools.map((tool) => tool.function.name), ['calculator', 'datetime']);
    const toolMessage = requests[1].body.messages.find((message) => message.role === 'tool');
    assert.match(toolMessage.content, /391/);
  });

  test('prints a whole answer without --stream', async () => {
    const { lane, env } = setup([{ text: 'Whole.' }]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'Say whole.'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'Whole.\n');
    assert.equal(lane.requests()[0].body.stream, undefined);
  });

  test('falls back along --fallback and says so', async () => {
    const { env } = setup([{ status: 529 }, { status: 529 }, { status: 529 }, { text: 'from the fallback' }]);
    const out = await run(['chat', '-m', 'claude-3-5-sonnet-20241022', '--fallback', 'gpt-4o-mini', 'hi'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'from the fallback\n');
    assert.match(out.stderr, /\[retry\] anthropic-claude-3-5-sonnet-20241022: overloaded/);
    assert.match(out.stderr, /\[fallback\] overloaded; trying openai-gpt-4o-mini/);
    assert.match(lastLine(out.stderr), /^\[openai-gpt-4o-mini\]/);
  });

  test('--task takes the model chain from the routing table', async () => {
    const { lane, env, dir } = setup([{ status: 401 }, { text: 'routed to the fallback' }, { text: 'the default route' }]);
    const routes = join(dir, 'routes.json');
    writeFileSync(routes, JSON.stringify({
      default: 'simple',
      routes: { simple: ['gpt-4o-mini'], coding: ['claude-3-5-sonnet-20241022', 'gpt-4o-mini'] },
    }));
    const routed = { ...env, LLMUX_ROUTES_FILE: routes };
    const coding = await run(['chat', '--task', 'coding', 'Write a haiku about C++'], routed);
    assert.equal(coding.status, 0, coding.stderr);
    assert.equal(coding.stdout, 'routed to the fallback\n');
    assert.match(coding.stderr, /\[fallback\] auth_failed; trying openai-gpt-4o-mini/);
    const other = await run(['chat', '--task', 'poetry', 'hi'], routed);
    assert.equal(other.stdout, 'the default route\n');
    assert.deepEqual(lane.requests().map((request) => request.format), ['anthropic', 'openai', 'openai']);
    assert.equal((await run(['chat', '--task', 'coding', '-m', 'gpt-4o-mini', 'hi'], routed)).status, 2);
  });

  test('fails with the provider error and a non-zero status', async () => {
    const { env } = setup([{ status: 401, error: { message: 'Incorrect API key provided' } }]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /llmux: auth_failed: Incorrect API key provided/);
  });

  test('takes keys only from the environment or the settings file', async () => {
    const { lane, env, dir } = setup([{ text: 'from the settings file' }]);
    const { OPENAI_API_KEY: key, ...rest } = env;
    mkdirSync(join(dir, '.config', 'llmux'), { recursive: true });
    writeFileSync(join(dir, '.config', 'llmux', 'settings'), `# llmux settings\nOPENAI_API_KEY=${key}\n`);
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], rest);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(lane.requests()[0].headers.authorization, `Bearer ${key}`);
    const missing = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], { ...rest, HOME: join(dir, 'elsewhere') });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /needs OPENAI_API_KEY/);
    const flag = await run(['chat', '-m', 'gpt-4o-mini', '--api-key', key, 'hi'], rest);
    assert.equal(flag.status, 2);
  });

  test('answers a repeated question from the cache when asked to', async () => {
    const { lane, env } = setup([{ text: 'cached answer', usage: { input: 10, output: 2 } }]);
    const first = await run(['chat', '-m', 'gpt-4o-mini', '--cache-ttl', '60', 'same question'], env);
    const second = await run(['chat', '-m', 'gpt-4o-mini', '--cache-ttl', '60', 'same question'], env);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, 'cached answer\n');
    assert.match(lastLine(second.stderr), /from the cache/);
    assert.equal(lane.requests().length, 1);
  });
});

describe('llmux usage and budget', () => {
  test('usage totals what chat recorded, exactly, by model and by user', async () => {
    const { env } = setup([
      { text: 'a', usage: { input: 1000, output: 500 } },
      { text: 'b', usage: { input: 1000, output: 500 } },
      { text: 'c', usage: { input: 2000, output: 100 } },
    ]);
    for (const user of ['alice', 'alice', 'bob'])
      assert.equal((await run(['chat', '-m', 'gpt-4o-mini', '--user', user, 'hi'], env)).status, 0);
    const byModel = JSON.parse((await run(['usage', '--json'], env)).stdout);
    assert.equal(byModel.groups.length, 1);
    assert.equal(byModel.groups[0].key, 'openai-gpt-4o-mini');
    assert.equal(byModel.total.requests, 3);
    assert.equal(byModel.total.input_tokens, 4000);
    assert.equal(byModel.total.cost_usd, '$0.00126'); // 2 × $0.00045 + $0.00036
    const byUser = JSON.parse((await run(['usage', '--by', 'user', '--json'], env)).stdout);
    assert.deepEqual(byUser.groups.map((group) => [group.key, group.cost_usd]), [['alice', '$0.0009'], ['bob', '$0.00036']]);
    const table = await run(['usage', '--by', 'day'], env);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /^total\s+3\s+4000\s+1100\s+\$0\.00126$/m);
  });

  test('a budget refuses a chat that could overspend it, before any request', async () => {
    const { lane, env } = setup([{ text: 'never' }]);
    const set = await run(['budget', 'user:carol', '0.000001'], env);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /user:carol: \$0\.000001 a month, \$0 spent this month/);
    const out = await run(['chat', '-m', 'gpt-4o-mini', '--user', 'carol', 'hi'], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /budget_exceeded/);
    assert.equal(lane.requests().length, 0);
    assert.equal((await run(['budget', 'user:carol', 'none'], env)).status, 0);
    assert.equal((await run(['chat', '-m', 'gpt-4o-mini', '--user', 'carol', 'hi'], env)).status, 0);
  });
});

describe('llmux deploy and discover', () => {
  test('deploy vllm starts the server, waits for it, and adds it to the models', async () => {
    const { env, dir } = setup();
    const port = await freePort();
    const path = `${fakes}:${env.PATH}`;
    const out = await run(['deploy', 'vllm', 'Qwen/Qwen2.5-0.5B-Instruct', '--port', String(port), '--name', 'my-qwen', '--timeout', '30'],
      { ...env, PATH: path });
    const pid = Number(/pid (\d+)/.exec(out.stdout)?.[1]);
    try {
      assert.equal(out.status, 0, out.stderr);
      assert.match(out.stdout, new RegExp(`deployed my-qwen: Qwen/Qwen2.5-0.5B-Instruct at http://127.0.0.1:${port}/v1`));
      const models = JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')).models;
      assert.deepEqual(models.map((model) => [model.id, model.provider, model.model, model.base_url]),
        [['my-qwen', 'vllm', 'Qwen/Qwen2.5-0.5B-Instruct', `http://127.0.0.1:${port}/v1`]]);
      const listed = await run(['discover', `http://127.0.0.1:${port}`], env);
      assert.equal(listed.stdout, 'Qwen/Qwen2.5-0.5B-Instruct\n');
      // The deployed model answers chat: script its (default) lane through the control API.
      await fetch(`http://127.0.0.1:${port}/_sim/lanes/default/script`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ responses: [{ text: 'served locally' }] }),
      });
      const chat = await run(['chat', '-m', 'my-qwen', 'hi'], env);
      assert.equal(chat.status, 0, chat.stderr);
      assert.equal(chat.stdout, 'served locally\n');
      assert.match(lastLine(chat.stderr), /^\[my-qwen\] .* cost \$0, 1 call$/);
    } finally {
      if (pid) process.kill(pid, 'SIGTERM');
    }
  });

  test('deploy vllm reports a server that never answers, with its log', async () => {
    const { env, dir } = setup();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'vllm'), '#!/bin/sh\necho "CUDA out of memory" >&2\nexit 1\n', { mode: 0o755 });
    const out = await run(['deploy', 'vllm', 'big-model', '--port', String(await freePort()), '--timeout', '20'],
      { ...env, PATH: `${bin}:${env.PATH}` });
    assert.equal(out.status, 1);
    assert.match(out.stderr, /did not answer/);
    assert.match(out.stderr, /CUDA out of memory/);
  });

  test('deploy ollama registers a checkpoint and adds it to the models', async () => {
    const { lane, env, dir } = setup();
    // The simulator's default lane plays the local Ollama server.
    const host = shared.sim().url;
    shared.sim().lane('default').setModels(['llama3.1:8b']);
    const checkpoint = join(dir, 'step-900.gguf');
    writeFileSync(checkpoint, 'GGUF');
    const out = await run(['deploy', 'ollama', checkpoint, '--name', 'ckpt900', '--host', host, '--timeout', '20'],
      { ...env, PATH: `${fakes}:${env.PATH}` });
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /deployed ollama-ckpt900: ckpt900:latest/);
    const modelfile = readFileSync(join(env.LLMUX_HOME, 'deploy', 'ollama-ckpt900', 'Modelfile'), 'utf8');
    assert.equal(modelfile, `FROM ${checkpoint}\n`);
    const models = JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')).models;
    assert.deepEqual(models.map((model) => [model.id, model.provider, model.model]), [['ollama-ckpt900', 'ollama', 'ckpt900:latest']]);
    const listed = await run(['discover', host], env);
    assert.equal(listed.stdout, 'llama3.1:8b\nckpt900:latest\n');
    assert.equal(lane.requests().length, 0);
  });
});
