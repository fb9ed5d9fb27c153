// Shared by the browser chat's tests (tests/web/app*.test.mjs): the built app (web/dist, made
// by scripts/build-web.sh) served on loopback with a config.json whose demo model is a lane of
// the provider simulator, in Debian's Chromium with a fresh profile (one per test file).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, newPage, root, serveStatic, useSimulator } from '../runtimes/support.mjs';

export const appDir = join(root, 'web/dist');

/** The simulator, the app's origin (demo model on lane `demo`), and a Chromium context. */
export async function startApp({ config = {} } = {}) {
  assert.ok(existsSync(join(appDir, 'app.js')), 'web/dist is missing: run scripts/build-web.sh');
  const sim = await useSimulator();
  const demo = sim.lane('demo');
  const page = (path) => readFileSync(join(appDir, path));
  const origin = await serveStatic({ '/': appDir }, {
    '/': page('index.html'),
    '/config.json': JSON.stringify({ demo: { baseUrl: demo.baseUrl('openai') }, ...config }),
  });
  const context = await launchChromium();
  return { sim, demo, origin, context };
}

/** A page of the app at `hash` ('#chat', '#models', '#usage'), once it is wired up. */
export async function openApp(context, origin, hash = '#chat', { viewport } = {}) {
  const page = await newPage(context, origin);
  if (viewport) await page.setViewportSize(viewport);
  await showPage(page, origin, hash);
  return page;
}

/** Types `text` into the composer and sends it. */
export async function send(page, text) {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

/** The last assistant message, once its status is one of `statuses`. */
export async function lastAnswer(page, statuses = ['done']) {
  const selector = statuses.map((status) => `.message.assistant[data-status="${status}"]`).join(', ');
  await page.waitForFunction((query) => {
    const answers = document.querySelectorAll('.message.assistant');
    return answers.length && answers[answers.length - 1].matches(query);
  }, selector);
  return page.locator('.message.assistant').last();
}

/** Fails with what went wrong in the page (uncaught errors, console errors, failed loads). */
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], page.problems.join('\n'));
}

/** Switches an open page of the app to `hash`, once it is wired up. */
export async function showPage(page, origin, hash) {
  await page.goto(`${origin}/index.html${hash}`);
  await page.waitForSelector('html[data-ready="true"]');
}

/** Reloads a page of the app and waits until it is wired up again. */
export async function reloadApp(page) {
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
}
