// The KeyValueStore over a Durable Object's SQL (edge/src/sql-store.mjs), on a real SQLite:
// bun's, behind the few members of workerd's `ctx.storage.sql` the store uses (exec with
// bindings; a cursor that iterates, gives toArray() and rowsWritten). Run in a bun child.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import { bin, root } from '../runtimes/support.mjs';

const script = `
import { Database } from 'bun:sqlite';
import { sqlKeyValueStore } from ${JSON.stringify(join(root, 'edge/src/sql-store.mjs'))};

const db = new Database(':memory:');
const sql = {
  exec(query, ...bindings) {
    if (!bindings.length && query.includes(';')) { db.exec(query); return Object.assign([], { toArray: () => [], rowsWritten: 0 }); }
    const statement = db.query(query);
    if (/^\\s*(SELECT)/i.test(query)) { const rows = statement.all(...bindings); return Object.assign(rows, { toArray: () => rows, rowsWritten: 0 }); }
    const { changes } = statement.run(...bindings);
    return Object.assign([], { toArray: () => [], rowsWritten: changes });
  },
};
const out = {};
let store = sqlKeyValueStore({ sql });
store.put('a', '1'); store.put('b/x', '2'); store.put('b/y', '3'); store.put('c', '4');
out.get = [store.get('a'), store.get('missing') ?? null];
out.list = store.list('b/');
out.removed = [store.remove('a'), store.remove('a'), store.get('a') ?? null];

const day = 'ledger/records/2026-12-08.jsonl';
let text = '';
for (let i = 0; i < 5; i++) { const line = JSON.stringify({ n: i }) + '\\n'; text += line; store.append(day, line); }
out.parts = db.query('SELECT seq, value FROM kv_parts WHERE key = ? ORDER BY seq').all(day).map((row) => row.seq);
out.first = db.query('SELECT value FROM kv WHERE key = ?').get(day).value;
out.same = store.get(day) === text;
store = sqlKeyValueStore({ sql }); // a new object over the same database: read back whole
out.reread = store.get(day) === text;
store.append(day, '{"n":5}\\n');
out.grown = store.get(day) === text + '{"n":5}\\n';
out.afterReread = db.query('SELECT count(*) AS n FROM kv_parts WHERE key = ?').get(day).n;
store.put(day, '{"rewritten":true}\\n'); // a put: one row again
out.rewritten = [db.query('SELECT count(*) AS n FROM kv_parts WHERE key = ?').get(day).n, sqlKeyValueStore({ sql }).get(day)];
out.listDays = store.list('ledger/records/');
out.removeDay = [store.remove(day), db.query('SELECT count(*) AS n FROM kv_parts').get().n, sqlKeyValueStore({ sql }).get(day) ?? null];
store.append('other/key', 'a'); store.append('other/key', 'b'); store.put('other/key', 'c'); store.append('other/key', 'd');
out.other = [sqlKeyValueStore({ sql }).get('other/key'), db.query('SELECT count(*) AS n FROM kv_parts').get().n];
console.log(JSON.stringify(out));
`;

test('the SQL store: get, put, remove, list by prefix; a value appended to is stored as its new parts', () => {
  const run = spawnSync(bin('bun'), ['-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(out.get, ['1', null]);
  assert.deepEqual(out.list, ['b/x', 'b/y']);
  assert.deepEqual(out.removed, [true, false, null]);
  assert.deepEqual(out.parts, [1, 2, 3, 4], 'each record after the first is a part of its own');
  assert.equal(out.first, '{"n":0}\n');
  assert.ok(out.same && out.reread, 'the day reads back whole');
  assert.equal(out.afterReread, 5);
  assert.ok(out.grown, 'an append after a reread adds to what was read');
  assert.deepEqual(out.rewritten, [0, '{"rewritten":true}\n']);
  assert.deepEqual(out.listDays, ['ledger/records/2026-12-08.jsonl']);
  assert.deepEqual(out.removeDay, [true, 0, null]);
  assert.deepEqual(out.other, ['cd', 1], 'any key: the first append stores it, a put drops its parts');
});
