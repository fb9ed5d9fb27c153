// No key leaks from the CLI, whatever the upstream echoes: every provider's wire format, whole
// and streamed, against errors that quote the request's own key (whole, masked, in a header,
// in plain text, inside a stream). Searched: stdout, stderr, `llmux usage` (text and JSON),
// `llmux request`, `llmux resolve`, --help, and every file under the llmux home, for the key
// and every 8-byte piece.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { filesUnder, keys, leakIn, misbehaviours, models, providerSettings } from '../hostile/leaks.mjs';
import { runCli as run, useSimulatorAndHome } from './helpers.mjs';

const shared = useSimulatorAndHome('llmux-leaks-');

function assertNoLeak(what, text) {
  const leak = leakIn(text);
  assert.equal(leak, null, `${what} holds ${leak}:\n${text.slice(0, 2000)}`);
}

describe('no key leaks from llmux chat', () => {
  for (const [provider, model] of Object.entries(models)) {
    for (const stream of [false, true]) {
      test(`${provider}, ${stream ? 'streamed' : 'whole'}`, async () => {
        const lane = shared.sim().lane(`leak-${provider}-${stream ? 's' : 'w'}`);
        const home = shared.newHome(lane.name);
        const env = { ...home.env, ...providerSettings(lane) };
        const outputs = [];
        const requests = [];
        for (const misbehaviour of misbehaviours) {
          if (misbehaviour.streams && !stream) continue;
          lane.script(misbehaviour.steps);
          const args = ['chat', '-m', model, '--user', 'eve', ...(stream ? ['--stream'] : []), 'Say hi'];
          const out = await run(args, env);
          assert.equal(out.status, 1, `${misbehaviour.name}: ${out.stderr}`);
          assert.match(out.stderr, /llmux: [a-z_]+: /, misbehaviour.name);
          if (misbehaviour.shown) assert.match(out.stderr, /\[redacted\]/, `${misbehaviour.name}: ${out.stderr}`);
          outputs.push([`${misbehaviour.name}: stdout`, out.stdout], [`${misbehaviour.name}: stderr`, out.stderr]);
          assert.ok(lane.pending() < misbehaviour.steps.length, `${misbehaviour.name}: no scripted answer was taken`);
          requests.push(...lane.requests());
          lane.reset();
        }
        // The simulator did echo: each request carried the key it echoed back.
        for (const request of requests)
          assert.ok(JSON.stringify(request.headers).includes(keys[provider]), `${request.path} carried no key`);
        for (const command of [['usage'], ['usage', '--json'], ['usage', '--by', 'user'], ['request', '-m', model, 'Say hi'],
          ['resolve', model], ['chat', '--help'], ['--help']]) {
          const out = await run(command, env);
          outputs.push([`llmux ${command.join(' ')}`, out.stdout + out.stderr]);
        }
        for (const [what, text] of outputs) assertNoLeak(what, text);
        for (const file of filesUnder(home.dir)) assertNoLeak(file.path, file.text);
      });
    }
  }
});
