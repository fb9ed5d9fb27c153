// Shared by the data layer's tests: one Chromium per test file, the pages of
// tests/web/pages/data served with web/ from a loopback server, and a page opened on them.

import assert from 'node:assert/strict';
import { join } from 'node:path';

import { launchChromium, newPage, root, serveStatic } from '../runtimes/support.mjs';

/** Serves the test pages and web/; resolves to {origin, context}. */
export async function startDataPages() {
  const origin = await serveStatic({ '/web/': join(root, 'web'), '/': join(root, 'tests/web/pages/data') });
  const context = await launchChromium();
  return { origin, context };
}

/**
 * A page with the data layer loaded (window.data: database.mjs, vault.mjs and rawContents);
 * its console output is kept in `page.consoleText`.
 */
export async function openDataPage({ origin, context }) {
  const page = await newPage(context, origin);
  page.consoleText = [];
  page.on('console', (message) => page.consoleText.push(message.text()));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => window.dataReady === true, null, { timeout: 15000 });
  return page;
}

/** Fails with the page's problems (uncaught errors, console errors, failed loads) if any. */
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page reported errors');
}
