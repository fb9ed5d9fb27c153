// What llmux prints cannot drive the terminal: escape sequences from an upstream (in an error,
// a tool's arguments, a model id, the answer) are shown as text on stderr always, and on stdout
// when it is a terminal; piped, the answer is written exactly as the model sent it.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';

import { cli, runCli as run, useSimulatorAndHome } from './helpers.mjs';

const shared = useSimulatorAndHome('llmux-terminal-');

let homes = 0;
function setup(steps = []) {
  const lane = shared.sim().lane(`terminal-${++homes}`);
  lane.script(steps);
  const home = shared.newHome(lane.name);
  return { lane, env: { ...home.env, OPENAI_API_KEY: 'sk-test-terminal-0000', OPENAI_BASE_URL: lane.baseUrl('openai') } };
}

// Clear the screen, move home, set the window title, write the clipboard (OSC 52), and the
// 8-bit CSI (U+009B), a bell, a carriage return that would overwrite the line.
const hostile = '\u001b[2J\u001b[H\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u009b31m\r';
const shown = '\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\x1b]52;c;ZXZpbA==\\x07\\u009b31m\\x0d';

const noControls = (text) => !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text);

describe('llmux chat on a terminal', () => {
  test('an error message with escape sequences and a line break is one line of plain text', async () => {
    const { env } = setup([{ status: 400, error: { message: `bad request${hostile}\nllmux: forged line` } }]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], env);
    assert.equal(out.status, 1);
    assert.ok(noControls(out.stderr), JSON.stringify(out.stderr));
    assert.equal(out.stderr, `llmux: invalid_request: bad request${shown}\\x0allmux: forged line\n`);
  });

  test('tool arguments from the model are shown as text', async () => {
    // Raw control characters in the arguments: not JSON, so the tool is refused, and the line
    // that says so quotes them.
    const { env } = setup([{ tool_calls: [{ name: 'calculator', arguments: `{"expression": "1+1${hostile}"}` }] }, { text: 'two' }]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', '--tools', 'calculator', 'hi'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.ok(noControls(out.stderr), JSON.stringify(out.stderr));
    assert.ok(out.stderr.startsWith(`[tool calculator] {"expression": "1+1${shown}"} -> error: `), out.stderr);
  });

  test('piped, the answer is written exactly as the model sent it (it is the user\'s content)', async () => {
    const { env } = setup([{ text: `colour${hostile}done` }]);
    const out = await run(['chat', '-m', 'gpt-4o-mini', 'hi'], env);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, `colour${hostile}done\n`);
  });

  for (const stream of [false, true]) {
    test(`on a terminal, the answer's control characters are shown as text, newlines and tabs kept (${stream ? 'streamed' : 'whole'})`, async () => {
      const { env } = setup([{ text: `line one\n\tline two${hostile}end`, chunk_size: 3 }]);
      const out = await onTerminal(['chat', '-m', 'gpt-4o-mini', ...(stream ? ['--stream'] : []), 'hi'], env);
      // The pseudo-terminal turns each \n into \r\n: those are its own.
      const text = out.replaceAll('\r\n', '\n');
      assert.ok(text.startsWith(`line one\n\tline two${shown}end\n`), JSON.stringify(text));
      assert.ok(noControls(text), JSON.stringify(text));
    });
  }
});

test('llmux discover shows a hostile model id on one line', async () => {
  const { lane } = setup();
  lane.setModels([`model-a${hostile}\nforged-model`, 'model-b']);
  const out = await run(['discover', lane.baseUrl('openai').replace(/\/v1$/, '')], { PATH: process.env.PATH });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout, `model-a${shown}\\x0aforged-model\nmodel-b\n`);
});

// Runs llmux with its stdout (and stderr) on a pseudo-terminal (util-linux `script`); resolves
// to what the terminal received.
function onTerminal(args, env) {
  const quoted = [cli, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], { env });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', () => resolve(output));
  });
}
