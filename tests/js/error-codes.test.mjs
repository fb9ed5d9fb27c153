// The error-code table the module exports is the C++ table, row for row: parsed here from
// core/include/llmux/error.hpp's LLMUX_ERROR_CODES, not computed as the bindings compute it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

import { builds, loadBuild, root } from './support.mjs';

function cppTable() {
  const header = readFileSync(resolve(root, 'core/include/llmux/error.hpp'), 'utf8');
  const start = header.indexOf('#define LLMUX_ERROR_CODES(X)');
  assert.notEqual(start, -1, 'error.hpp defines LLMUX_ERROR_CODES');
  // The macro runs until the first line that does not continue with a backslash.
  const lines = [];
  for (const line of header.slice(start).split('\n')) {
    lines.push(line.replace(/\\\s*$/, ''));
    if (!/\\\s*$/.test(line)) break;
  }
  const body = lines.join(' ').slice('#define LLMUX_ERROR_CODES(X)'.length);
  const string = '"((?:[^"\\\\]|\\\\.)*)"';
  const row = new RegExp(`X\\(\\s*(\\d+)\\s*,\\s*(\\w+)\\s*,\\s*${string}\\s*,\\s*${string}\\s*\\)`, 'g');
  const rows = [...body.matchAll(row)].map(([, number, , code, message]) => ({
    number: Number(number), code, message: JSON.parse(`"${message}"`),
  }));
  assert.equal(rows.length, (body.match(/X\(/g) ?? []).length, 'every X( row was parsed');
  return rows;
}

for (const build of builds) {
  describe(`error codes (${build.name})`, () => {
    test('errorCodes() is LLMUX_ERROR_CODES row for row', async () => {
      const api = await loadBuild(build);
      const table = cppTable();
      assert.ok(table.length >= 14);
      assert.deepEqual(await api.errorCodes(), table);
    });

    test('the table numbers its codes once, from 1 up', async () => {
      const numbers = (await (await loadBuild(build)).errorCodes()).map(({ number }) => number);
      assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
    });

    test('the codes decode results use are in the table', async () => {
      const api = await loadBuild(build);
      const codes = new Set((await api.errorCodes()).map(({ code }) => code));
      for (const code of ['bad_response', 'invalid_argument', 'rate_limited', 'overloaded', 'auth_failed'])
        assert.ok(codes.has(code), code);
      const result = await api.decode({ provider: 'openai', body: new Uint8Array(0), receivedAtMs: 0 });
      assert.ok(codes.has(result.error.code));
    });
  });
}
