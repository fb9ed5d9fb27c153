// A process of its own for limits.test.mjs: loads one build of the package, makes each call
// it is given (a hostile answer, then a plain one, on the same client) and prints, as one
// JSON line, how each ended and the process's peak resident size: its own figure, untouched
// by the test runner, the simulator or the other build.
//
//   node tests/js/hostile-child.mjs <package dir> '<JSON [{baseUrl, stream}]>'

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, casesJson] = process.argv.slice(2);
const api = await import(pathToFileURL(resolve(packageDir, 'index.mjs')).href);

const outcomes = [];
for (const { baseUrl, stream } of JSON.parse(casesJson)) {
  const client = api.createClient({ settings: { OPENAI_API_KEY: 'sk-test-limits', OPENAI_BASE_URL: baseUrl }, model: 'gpt-4o-mini' });
  const outcome = {};
  try {
    if (stream) for await (const _ of client.stream({ prompt: 'hi' }));
    else await client.chat({ prompt: 'hi' });
    outcome.error = null;
  } catch (error) {
    outcome.error = { name: error.constructor.name, code: error.code, message: error.message };
  }
  outcome.next = (await client.chat({ prompt: 'hi' })).text;
  await client.close();
  outcomes.push(outcome);
}
console.log(JSON.stringify({ outcomes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
