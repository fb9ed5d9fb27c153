// Numbers the core writes as text, in the Wasm build: there the core's json::format_double is
// wasm/format-double.mjs rather than musl's printf, and every text must be the native build's
// byte for byte. The expectations are the native tests' (tests/core/format_double_test,
// json_test, response_cache_test, json_schema_test, ledger_test): for formatDouble itself, and
// through the public API for what the core makes of it: decode() for the JSON writer, a fetch
// and a store given to createClient for request bodies, cache keys, schema checks and the
// ledger's keys.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { builds, loadBuild, mapStore, root } from './support.mjs';

// An OpenAI-compatible provider that answers from a script, in order, and keeps the bodies
// it was sent (the core's text, as it left the module).
function scriptedOpenAi(answers) {
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push(init.body);
    const message = answers.shift() ?? { content: 'done' };
    const body = JSON.stringify({
      id: `chatcmpl-${bodies.length}`, object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const settings = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://llmux.invalid/v1' };
  return { bodies, fetch, settings };
}

// [value, precision, %g, %e], as format_double_test.cpp has them.
const printed = [
  [0, 15, '0', '0.000000000000000e+00'],
  [-0, 15, '-0', '-0.000000000000000e+00'],
  [-0, 1, '-0', '-0.0e+00'],
  [0, 0, '0', '0e+00'],
  [0.1, 15, '0.1', '1.000000000000000e-01'],
  [0.1, 17, '0.10000000000000001', '1.00000000000000006e-01'],
  [0.7, 17, '0.69999999999999996', '6.99999999999999956e-01'],
  [1e21, 15, '1e+21', '1.000000000000000e+21'],
  [1e21, 17, '1e+21', '1.00000000000000000e+21'],
  [1e-7, 15, '1e-07', '1.000000000000000e-07'],
  [1e-7, 17, '9.9999999999999995e-08', '9.99999999999999955e-08'],
  [123456789012345680000, 15, '1.23456789012346e+20', '1.234567890123457e+20'],
  [123456789012345680000, 17, '1.2345678901234568e+20', '1.23456789012345684e+20'],
  [123456789012345680000, 4, '1.235e+20', '1.2346e+20'],
  [5e-324, 0, '5e-324', '5e-324'],
  [5e-324, 1, '5e-324', '4.9e-324'],
  [5e-324, 15, '4.94065645841247e-324', '4.940656458412465e-324'],
  [5e-324, 17, '4.9406564584124654e-324', '4.94065645841246544e-324'],
  [1.7976931348623157e308, 0, '2e+308', '2e+308'],
  [1.7976931348623157e308, 15, '1.79769313486232e+308', '1.797693134862316e+308'],
  [1.7976931348623157e308, 17, '1.7976931348623157e+308', '1.79769313486231571e+308'],
  [0.30000000000000004, 15, '0.3', '3.000000000000000e-01'],
  [0.30000000000000004, 17, '0.30000000000000004', '3.00000000000000044e-01'],
  [100, 0, '1e+02', '1e+02'],
  [100, 1, '1e+02', '1.0e+02'],
  [100, 17, '100', '1.00000000000000000e+02'],
  [120, 3, '120', '1.200e+02'],
  [0.5, 3, '0.5', '5.000e-01'],
  [1.5, 1, '2', '1.5e+00'],
  [1.5, 17, '1.5', '1.50000000000000000e+00'],
  [-2.5e-5, 1, '-3e-05', '-2.5e-05'],
  [-2.5e-5, 15, '-2.5e-05', '-2.500000000000000e-05'],
  [-2.5e-5, 17, '-2.5000000000000001e-05', '-2.50000000000000012e-05'],
  [12470.400000000001, 4, '1.247e+04', '1.2470e+04'],
  [12470.400000000001, 15, '12470.4', '1.247040000000000e+04'],
  [12470.400000000001, 17, '12470.400000000001', '1.24704000000000015e+04'],
  // %g's switch between fixed and exponent forms, on the exponent after rounding
  [1e15, 15, '1e+15', '1.000000000000000e+15'],
  [1e15, 17, '1000000000000000', '1.00000000000000000e+15'],
  [1e16, 15, '1e+16', '1.000000000000000e+16'],
  [1e16, 17, '10000000000000000', '1.00000000000000000e+16'],
  [99999999999999990, 17, '99999999999999984', '9.99999999999999840e+16'],
  [1e17, 17, '1e+17', '1.00000000000000000e+17'],
  [123456789012345.6, 15, '123456789012346', '1.234567890123456e+14'],
  [123456789012345.6, 17, '123456789012345.59', '1.23456789012345594e+14'],
  [999999999999999.9, 15, '1e+15', '9.999999999999999e+14'],
  [999999999999999.9, 16, '999999999999999.9', '9.9999999999999988e+14'],
  [999999999999999.9, 17, '999999999999999.88', '9.99999999999999875e+14'],
  [9.9999999999999995e-5, 15, '0.0001', '9.999999999999999e-05'],
  [9.9999999999999995e-5, 17, '9.9999999999999991e-05', '9.99999999999999912e-05'],
  [0.0001, 0, '0.0001', '1e-04'],
  [0.0001, 4, '0.0001', '1.0000e-04'],
  [0.0001, 16, '0.0001', '1.0000000000000000e-04'],
  [0.00001, 15, '1e-05', '1.000000000000000e-05'],
  [0.00001, 17, '1.0000000000000001e-05', '1.00000000000000008e-05'],
  [0.000123456789, 6, '0.000123457', '1.234568e-04'],
  [1234567, 6, '1.23457e+06', '1.234567e+06'],
  [1234567, 7, '1234567', '1.2345670e+06'],
  // Exact ties go to the even digit, as in printf (JavaScript's toExponential rounds them up)
  [2.5, 0, '2', '2e+00'],
  [2.5, 1, '2', '2.5e+00'],
  [3.5, 1, '4', '3.5e+00'],
  [0.125, 1, '0.1', '1.2e-01'],
  [0.125, 2, '0.12', '1.25e-01'],
  [0.375, 2, '0.38', '3.75e-01'],
  [9.5, 0, '1e+01', '1e+01'],
  [9.5, 1, '1e+01', '9.5e+00'],
  [1.00000762939453125, 15, '1.00000762939453', '1.000007629394531e+00'],
  [1.00000762939453125, 16, '1.000007629394531', '1.0000076293945312e+00'],
  [1.00000762939453125, 17, '1.0000076293945312', '1.00000762939453125e+00'],
  // ...but not what only looks like one: the doubles nearest 8.45e-104 and 1.5e-205 lie above
  [8.45e-104, 1, '8e-104', '8.5e-104'],
  [8.45e-104, 2, '8.5e-104', '8.45e-104'],
  [1.5e-205, 0, '2e-205', '2e-205'],
  [1.5e-205, 1, '2e-205', '1.5e-205'],
];

for (const build of builds) {
  describe(`numbers (${build.name})`, () => {
    test('formatDouble writes what printf\'s %.*g and %.*e write', async () => {
      const { formatDouble } = await import(pathToFileURL(resolve(root, build.dir, 'wasm/format-double.mjs')).href);
      for (const [value, precision, general, exponent] of printed) {
        assert.equal(formatDouble(value, precision, true), general, `%.${precision}g of ${value}`);
        assert.equal(formatDouble(value, precision, false), exponent, `%.${precision}e of ${value}`);
      }
    });

    test('the JSON writer writes doubles as printf\'s %.15g, or %.17g when 15 digits do not read back', async () => {
      const api = await loadBuild(build);
      // The input of an Anthropic tool call is JSON the core parses and writes again, as
      // arguments_raw: the numbers below go in as these bytes (-0.0 included, which
      // JSON.stringify would send as 0).
      const numbers = '[0, -0.0, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, '
        + '0.30000000000000004, 100, 1e15, 1e16, 1.5, -2.5e-5, 9.9999999999999995e-5, 0.0001, 0.00001, '
        + '999999999999999.9, 123456789012345.6, 1.00000762939453125, 8.45e-104]';
      const body = `{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","stop_reason":"tool_use",`
        + `"content":[{"type":"tool_use","id":"toolu_1","name":"numbers","input":{"n":${numbers}}}],`
        + '"usage":{"input_tokens":1,"output_tokens":1}}';
      const result = await api.decode({ provider: 'anthropic', body });
      assert.equal(result.error, null);
      assert.equal(result.tool_calls[0].arguments_raw,
        '{"n":[0,0,0.1,1e+21,1e-07,1.2345678901234568e+20,4.94065645841247e-324,'
        + '1.7976931348623157e+308,0.30000000000000004,100,1000000000000000,10000000000000000,1.5,'
        + '-2.5e-05,9.9999999999999991e-05,0.0001,1e-05,999999999999999.88,123456789012345.59,'
        + '1.0000076293945312,8.45e-104]}');
    });

    test('request bodies and cache keys write a temperature as the native build does', async () => {
      const api = await loadBuild(build);
      const { bodies, fetch, settings } = scriptedOpenAi([]);
      const store = mapStore();
      const client = api.createClient({ settings, model: 'gpt-4o-mini', storage: store, fetch });
      // [temperature, as the JSON writer writes it, as the cache key's canonical JSON does]
      const cases = [
        [0.1, '0.1', '0.1'],
        [0.7, '0.7', '0.7'],
        [1e21, '1e+21', '1e+21'],
        [1e-7, '1e-07', '1e-07'],
        [123456789012345680000, '1.2345678901234568e+20', '1.2345678901234568e+20'],
        [5e-324, '4.94065645841247e-324', '5e-324'],
        [1.7976931348623157e308, '1.7976931348623157e+308', '1.7976931348623157e+308'],
        [0.30000000000000004, '0.30000000000000004', '0.30000000000000004'],
        [1.5, '1.5', '1.5'],
        [-2.5e-5, '-2.5e-05', '-2.5e-05'],
        [9.9999999999999995e-5, '9.9999999999999991e-05', '9.999999999999999e-05'],
        [999999999999999.9, '999999999999999.88', '999999999999999.9'],
        [123456789012345.6, '123456789012345.59', '123456789012345.6'],
        [1.00000762939453125, '1.0000076293945312', '1.0000076293945312'],
        [8.45e-104, '8.45e-104', '8.45e-104'],
        [2.5e-7, '2.5e-07', '2.5e-07'],
      ];
      for (const [temperature, written, canonical] of cases) {
        // Out of 0 to 2, the refusal writes the number as the body would have.
        if (!(temperature >= 0 && temperature <= 2)) {
          await assert.rejects(client.chat({ prompt: 'x', temperature }),
            (error) => error.message === `temperature must be a number from 0 to 2, not ${written}`, written);
          continue;
        }
        await client.chat({ prompt: 'x', temperature, cacheTtlMs: 60_000 });
        assert.equal(bodies.at(-1),
          `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"temperature":${written}}`);
        const keyText = 'llmux-cache-key-v1\n{"api_version":"","base_url":"http://llmux.invalid/v1","deployment":"",'
          + '"extra_body":"","headers":[],"max_tokens":null,"messages":[{"content":[{"kind":"text","text":"x"}],'
          + '"role":"user"}],"model":"gpt-4o-mini","parallel_tool_calls":null,"provider":"openai",'
          + '"reasoning_budget_tokens":null,"reasoning_effort":"","response_format":{"type":"text"},"stop":[],'
          + `"system":"","temperature":${canonical},"tool_choice":null,"tools":[],"top_p":null}`;
        const key = createHash('sha256').update(keyText).digest('hex');
        assert.ok(store.values.has(`cache/${key.slice(0, 2)}/${key}.json`), `the cache key of ${canonical}`);
      }
      await client.close();
    });

    test('multipleOf decides on the shortest decimals, as the native build does', async () => {
      const api = await loadBuild(build);
      // [multipleOf, the arguments' number as the model sends it, a multiple, the message]
      const cases = [
        [0.0001, '0.0075', true],
        [0.0001, '0.00751', false, 'expected a multiple of 0.0001, got 0.00751'],
        [2.5e-5, '0.0001', true],
        [0.1, '0.30000000000000004', false, 'expected a multiple of 0.1, got 0.30000000000000004'],
        [1e-17, '0.30000000000000004', true],
        [5e-324, '1e-323', true],
        [2e-16, '1.00000762939453125', true], // 1.0000076293945312: a tie, rounded to even
        [1.3e-105, '8.45e-104', true],
        [5e-105, '8.45e-104', false, 'expected a multiple of 5e-105, got 8.45e-104'],
        [1e21, '123456789012345680000', false, 'expected a multiple of 1e+21, got 1.2345678901234568e+20'],
      ];
      for (const [multipleOf, number, multiple, message] of cases) {
        const call = { id: 'call_1', type: 'function', function: { name: 'take', arguments: `{"amount":${number}}` } };
        const { fetch, settings } = scriptedOpenAi([{ content: null, tool_calls: [call] }]);
        const client = api.createClient({ settings, model: 'gpt-4o-mini', fetch });
        const take = { parameters: { type: 'object', properties: { amount: { multipleOf } } }, execute: () => 'taken' };
        const result = await client.chat({ prompt: 'x', tools: { take } });
        const [ran] = result.toolsCalled;
        assert.equal(ran.ok, multiple, `${number} a multiple of ${multipleOf}`);
        if (!multiple) assert.ok(ran.error.includes(message), ran.error);
        await client.close();
      }
    });

    test('ledger keys write days, ISO weeks and months with their zeros', async () => {
      const api = await loadBuild(build);
      const store = mapStore();
      for (const day of ['1970-01-01', '2020-12-31', '2021-01-03', '2021-01-04', '2026-11-09', '9999-12-31']) {
        const record = { at_ms: Date.parse(`${day}T12:00:00Z`), provider: 'openai', model: 'm', usage: { input_tokens: 1 } };
        store.put(`ledger/records/${day}.jsonl`, `${JSON.stringify(record)}\n`);
      }
      const client = api.createClient({ storage: store });
      const keys = async (by) => (await client.usage({ by })).map((row) => [row.key, row.requests]);
      assert.deepEqual(await keys('day'), [
        ['1970-01-01', 1], ['2020-12-31', 1], ['2021-01-03', 1], ['2021-01-04', 1], ['2026-11-09', 1], ['9999-12-31', 1],
      ]);
      assert.deepEqual(await keys('week'), [['1970-W01', 1], ['2020-W53', 2], ['2021-W01', 1], ['2026-W46', 1], ['9999-W52', 1]]);
      assert.deepEqual(await keys('month'), [['1970-01', 1], ['2020-12', 1], ['2021-01', 2], ['2026-11', 1], ['9999-12', 1]]);
      await client.close();
    });
  });
}
