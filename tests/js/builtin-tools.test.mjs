// builtinTools(): the core's calculator and datetime from the package, run by the C++ of the
// CLI's --tools in their own module (llmux-tools.wasm, loaded on first use). The answers
// below are what the native build gives for the same arguments (tests/core/calculator_test.cpp
// and datetime_tool_test.cpp hold the rules), so the two builds are checked to agree; then a
// chat whose model calls them over the simulator.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild, root } from './support.mjs';

let sim;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

const now = 1795600800123; // 2026-11-25T10:00:00.123Z

// [tool, arguments, what execute() resolves to, or the message it rejects with]
const cases = [
  ['calculator', { expression: '1299 * 12 * 0.8' }, '{"expression":"1299 * 12 * 0.8","result":12470.4}'],
  ['calculator', { expression: '0.1 + 0.2' }, '{"expression":"0.1 + 0.2","result":0.3}'],
  ['calculator', { expression: '1/3' }, '{"expression":"1/3","result":0.3333333333333333}'],
  ['calculator', { expression: '2^64' },
    '{"expression":"2^64","result":18446744073709551616,"note":"the result is a double, exact to about 16 significant digits"}'],
  ['calculator', { expression: 'sqrt(2) * sin(pi/4)' }, '{"expression":"sqrt(2) * sin(pi/4)","result":1}'],
  ['calculator', { expression: '1e21 + 1' }, '{"expression":"1e21 + 1","result":1e+21}'],
  ['calculator', { expression: '2^55' }, '{"expression":"2^55","result":36028797018963968}'],
  ['calculator', { expression: '1/0' }, new Error('division by zero at column 2')],
  ['calculator', { expression: '2 +* 3' }, new Error("expected a number, a name or '(' at column 4, found '*'")],
  ['datetime', { operation: 'weekday', time: '2026-11-25' },
    '{"operation":"weekday","date":"2026-11-25","weekday":"Wednesday","iso_weekday":3,"day_of_year":329,"iso_week":"2026-W48"}'],
  ['datetime', { operation: 'add', time: '2026-01-31T10:00:00.250+05:30', months: 1 },
    '{"operation":"add","time":"2026-02-28T10:00:00.250+05:30","weekday":"Saturday","note":"the day was clamped from 31 to 28, the last day of the month"}'],
  ['datetime', { operation: 'convert', time: '2026-11-25T10:00:00Z', offset: 'Europe/Paris' },
    new Error('"offset" is "Europe/Paris": time zone names such as Europe/Paris or EST are not supported, as the tool has no time zone database: give the fixed UTC offset in effect, such as +01:00 or -05:00, or Z for UTC')],
];

for (const build of builds) {
  describe(`builtinTools() (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    test('calculator and datetime, with their descriptions and JSON Schemas', async () => {
      const tools = await api.builtinTools();
      assert.deepEqual(Object.keys(tools), ['calculator', 'datetime']);
      for (const tool of Object.values(tools)) {
        assert.equal(typeof tool.description, 'string');
        assert.ok(tool.description.length > 20);
        assert.equal(tool.parameters.type, 'object');
        assert.equal(typeof tool.execute, 'function');
      }
      assert.deepEqual(tools.calculator.parameters.required, ['expression']);
      assert.ok(tools.datetime.parameters.properties.operation.enum.includes('weekday'));
    });

    test('each answers as the native build does, exact decimals included', async () => {
      const tools = await api.builtinTools();
      for (const [name, args, expected] of cases) {
        if (expected instanceof Error) await assert.rejects(tools[name].execute(args), { message: expected.message }, JSON.stringify(args));
        else assert.equal(await tools[name].execute(args), expected, JSON.stringify(args));
      }
      // "now" reads the clock of the page: the time is today's, in UTC.
      const answer = JSON.parse(await tools.datetime.execute({ operation: 'now' }));
      assert.ok(Math.abs(Date.parse(answer.time) - Date.now()) < 60_000, answer.time);
      assert.equal(now, Date.parse('2026-11-25T10:00:00.123Z')); // the native answers' clock
    });

    test('hostile arguments are a message for the model, never an abort', async () => {
      const tools = await api.builtinTools();
      for (const [name, args] of [['calculator', {}], ['calculator', { expression: 7 }], ['calculator', null],
        ['calculator', { expression: '('.repeat(10_000) }], ['calculator', { expression: '9'.repeat(5000) }],
        ['datetime', { operation: 'add', time: '9999-12-31', years: 1e300 }], ['datetime', { operation: 'nope' }]]) {
        await assert.rejects(tools[name].execute(args), (error) => error instanceof Error && error.message.length > 0,
          JSON.stringify(args).slice(0, 60));
      }
      assert.equal(await tools.calculator.execute({ expression: '6*7' }), '{"expression":"6*7","result":42}');
    });

    test('a chat whose model calls them gets their answers back, over several rounds', async () => {
      const lane = sim.lane(`builtin-tools-${build.name}`);
      lane.script([
        { tool_calls: [{ name: 'calculator', arguments: { expression: '1299 * 12 * 0.8' } },
          { name: 'datetime', arguments: { operation: 'weekday', time: '2026-11-25' } }] },
        { tool_calls: [{ name: 'calculator', arguments: { expression: '1/0' } }] },
        { text: 'A year costs 12470.40, and the 25th is a Wednesday.' },
      ]);
      const client = api.createClient({ settings: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai') }, model: 'gpt-4o-mini' });
      const result = await client.chat({ prompt: 'What does a year cost?', tools: await api.builtinTools() });
      assert.equal(result.text, 'A year costs 12470.40, and the 25th is a Wednesday.');
      assert.deepEqual(result.toolsCalled.map((t) => [t.name, t.ok, t.ok ? JSON.parse(t.result).result ?? JSON.parse(t.result).weekday : t.error]),
        [['calculator', true, 12470.4], ['datetime', true, 'Wednesday'], ['calculator', false, 'division by zero at column 2']]);
      const sent = lane.requests()[0].body.tools.map((t) => t.function.name);
      assert.deepEqual(sent, ['calculator', 'datetime']);
      const results = lane.requests()[1].body.messages.filter((m) => m.role === 'tool').map((m) => m.content);
      assert.equal(results[0], '{"expression":"1299 * 12 * 0.8","result":12470.4}');
      await client.close();
    });

    test('the tools module imports a part of what core.mjs gives, and the core does not hold the tools', async () => {
      const dir = resolve(root, build.dir, 'wasm');
      const importsOf = async (file) => WebAssembly.Module.imports(await WebAssembly.compile(readFileSync(resolve(dir, file))))
        .map(({ module, name }) => `${module}.${name}`);
      const core = await importsOf('llmux-core.wasm');
      for (const name of await importsOf('llmux-tools.wasm')) assert.ok(core.includes(name), name);
      const coreExports = WebAssembly.Module.exports(await WebAssembly.compile(readFileSync(resolve(dir, 'llmux-core.wasm')))).map((e) => e.name);
      assert.ok(!coreExports.includes('llmux_run_builtin_tool'));
      assert.ok(!readFileSync(resolve(dir, 'llmux-core.wasm')).includes('division by zero'));
    });
  });
}
