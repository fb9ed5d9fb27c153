// The seed product's document (tests/seed/), read the way tests/core/seed_parity_test.cpp reads
// it: the rows of its model tables, with the price of a 1,000-in/500-out usage by the
// document's own formula. The JavaScript and CLI tests price every row through the package and
// the command line against these figures.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { root } from './support.mjs';

const document = readFileSync(resolve(root, 'tests/seed/llm-providers-and-models.md'), 'utf8');

const cellsOf = (line) => line.split('|').slice(1, -1).map((cell) => cell.trim());
const codeSpan = (text) => /`([^`]+)`/.exec(text)?.[1];

/** A price in dollars per million tokens ("0.15"), as picodollars per token (150000n). */
export function picodollarsPerToken(dollars) {
  const [whole, fraction = ''] = dollars.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/**
 * The 29 rows of the document's tables under "## Provider Details": {section, id, cells,
 * cost}, where cost is what 1,000 input and 500 output tokens cost by the document (BigInt
 * picodollars: its row's prices, or 0 where its section says "Zero API costs"), or null where
 * it gives no price.
 */
export function seedRows() {
  const rows = [];
  const lines = document.split('\n');
  let inDetails = false;
  let section = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('## ')) inDetails = line === '## Provider Details';
    if (!inDetails) continue;
    if (line.startsWith('### ')) {
      const body = [];
      for (let j = i + 1; j < lines.length && !/^#{2,3} /.test(lines[j]); j++) body.push(lines[j]);
      section = { title: line.replace(/^### \d+\. /, ''), zeroCost: body.some((text) => text.includes('Zero API costs')) };
    } else if (line.startsWith('|') && lines[i + 1]?.startsWith('|---')) {
      const header = cellsOf(line);
      for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) {
        const cells = Object.fromEntries(cellsOf(lines[i]).map((cell, c) => [header[c], cell]));
        const price = /^\$([0-9.]+)\/\$([0-9.]+) per 1M$/.exec(cells['Price (Input/Output)'] ?? '');
        const cost = price
          ? 1000n * picodollarsPerToken(price[1]) + 500n * picodollarsPerToken(price[2])
          : section.zeroCost ? 0n : null;
        rows.push({ section: section.title, id: codeSpan(lines[i]), cells, cost });
      }
    }
  }
  return rows;
}

/**
 * The names docs/models.md's table "Where the catalog differs from the document" lists for `what`
 * ("price"): where llmux's figure is not the document's, on purpose.
 */
export function listedDifferences(what) {
  const lines = readFileSync(resolve(root, 'docs', 'models.md'), 'utf8').split('\n');
  let i = lines.findIndex((line) => line.includes('Where the catalog differs from the document'));
  while (!lines[i].startsWith('|')) i++;
  const names = new Set();
  for (i += 2; lines[i]?.startsWith('|'); i++) {
    const [namesCell, field] = cellsOf(lines[i]);
    if (field === what) for (const [, name] of namesCell.matchAll(/`([^`]+)`/g)) names.add(name);
  }
  return names;
}
