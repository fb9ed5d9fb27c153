// edge/wrangler.toml deploys the same worker to Cloudflare: wrangler's own build of it (a dry
// run: bundled, bindings and migrations checked, nothing uploaded) succeeds, and its bundle
// holds the worker's Durable Object classes and the Wasm module beside it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { bin, checkPackage, cleanEnv, root, tempDir } from '../runtimes/support.mjs';

test('wrangler deploy --dry-run builds edge/wrangler.toml', { timeout: 60000 }, () => {
  checkPackage();
  const outdir = tempDir('wrangler');
  const run = spawnSync(bin('wrangler'), ['deploy', '--dry-run', '--outdir', outdir, '--config', join(root, 'edge/wrangler.toml')], {
    cwd: join(root, 'edge'), encoding: 'utf8', timeout: 50000,
    env: cleanEnv({ WRANGLER_SEND_METRICS: 'false', CI: 'true', XDG_CONFIG_HOME: tempDir('wrangler-config') }),
  });
  assert.equal(run.status, 0, `wrangler failed:\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /env\.DIRECTORY \(Directory\)\s+Durable Object/);
  assert.match(run.stdout, /env\.USER_ACCOUNT \(UserAccount\)\s+Durable Object/);
  const files = readdirSync(outdir);
  assert.ok(files.some((name) => name.endsWith('llmux-core.wasm')), `no Wasm module in ${files}`);
  const bundle = readFileSync(join(outdir, 'worker.js'), 'utf8');
  assert.match(bundle, /export\s*\{[^}]*\bDirectory\b[^}]*\}/);
  assert.match(bundle, /\bUserAccount\b/);
  const toml = readFileSync(join(root, 'edge/wrangler.toml'), 'utf8');
  assert.match(toml, /new_sqlite_classes = \["Directory", "UserAccount"\]/, 'the objects are SQLite-backed');
});
