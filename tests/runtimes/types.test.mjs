// types-check.ts compiled by tsc (--noEmit, strict) against the package's index.d.ts, the
// package resolved as a user's project resolves it (node_modules/llmux, its exports' "types").

import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { bin, checkPackage, fakeInstall, here, packageDir, startProcess, tempDir, writeFiles } from './support.mjs';

test('types-check.ts compiles against index.d.ts', { timeout: 60000 }, async () => {
  checkPackage();
  assert.ok(existsSync(join(packageDir, 'index.d.ts')), `${packageDir}/index.d.ts is missing`);
  const dir = tempDir('types');
  fakeInstall(dir);
  cpSync(join(here, 'types-check.ts'), join(dir, 'types-check.ts'));
  writeFiles(dir, {
    'package.json': JSON.stringify({ type: 'module', private: true }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
        lib: ['es2022', 'dom', 'dom.iterable', 'dom.asynciterable'], types: [], skipLibCheck: false,
        noUnusedLocals: true,
      },
      files: ['types-check.ts'],
    }),
  });
  const { code, stdout, stderr, timedOut } = await startProcess(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, timeoutMs: 50000 }).exited;
  assert.ok(!timedOut, 'tsc timed out');
  assert.equal(code, 0, `tsc found errors:\n${stdout}${stderr}`);
});
