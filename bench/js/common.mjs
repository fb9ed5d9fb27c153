// What the JavaScript benchmarks share: where the llmux payload is, loading it, the interleaved
// round runner, medians and table printing. Nothing here asserts on time.

import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The payload folder: LLMUX_PACKAGE_DIR (relative to the checkout or absolute), else dist/. */
export const packageDir = resolve(root, process.env.LLMUX_PACKAGE_DIR || 'dist');
export const packageEntry = join(packageDir, 'index.mjs');

/**
 * Imports the payload's index.mjs. Resolves to {module, createClient, reason}: createClient is
 * null (and reason says why) when the payload is missing or does not export it yet.
 */
export async function loadLlmux() {
  if (!existsSync(packageEntry)) return { module: null, createClient: null, reason: `no ${packageEntry}` };
  const module = await import(pathToFileURL(packageEntry).href);
  if (typeof module.createClient !== 'function')
    return { module, createClient: null, reason: `${packageEntry} exports no createClient` };
  return { module, createClient: module.createClient, reason: null };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const min = (values) => Math.min(...values);
export const max = (values) => Math.max(...values);

/** A `--name value` or `--name=value` argument as a number, else the default. */
export function numberArg(name, fallback) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}` && i + 1 < argv.length) return Number(argv[i + 1]);
    if (argv[i].startsWith(`--${name}=`)) return Number(argv[i].slice(name.length + 3));
  }
  return fallback;
}

export const flag = (name) => process.argv.slice(2).includes(`--${name}`);

/** Collects garbage between samples when node runs with --expose-gc (scripts/bench-js.sh does). */
export function collectGarbage() {
  globalThis.gc?.();
}

/** Right-aligned table columns: rows of cells (strings), the first `left` columns left-aligned. */
export function printTable(header, rows, left = 1) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => String(row[i]).length)));
  const line = (row) => row.map((cell, i) => (i < left ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/**
 * Hands a benchmark's results out: `--json` prints them as one JSON line instead of the
 * tables, `--json-out FILE` writes them to FILE as well (scripts/bench-js.sh reads these).
 * Returns whether the tables should be printed.
 */
export function emit(summary) {
  const argv = process.argv.slice(2);
  const at = argv.findIndex((arg) => arg === '--json-out' || arg.startsWith('--json-out='));
  if (at >= 0) {
    const file = argv[at].includes('=') ? argv[at].slice('--json-out='.length) : argv[at + 1];
    writeFileSync(file, `${JSON.stringify(summary, null, 1)}\n`);
  }
  if (argv.includes('--json')) {
    console.log(JSON.stringify(summary));
    return false;
  }
  return true;
}
