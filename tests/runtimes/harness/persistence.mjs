// Browser persistence: a client with storage 'indexeddb' chats twice (the second record is
// appended to its day's file), and after the page reloads, a new client finds the ledger's
// totals. window.chat(simUrl, lane) and window.usageRecords().

import { createClient } from 'llmux';

const clientFor = (baseUrl) => createClient({
  settings: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseUrl },
  model: 'gpt-4o-mini',
  storage: 'indexeddb',
});
const recordsOf = (usage) => (Array.isArray(usage) ? usage : usage?.records);

window.chat = async (simUrl, lane) => {
  const client = clientFor(`${simUrl}/lane/${lane}/v1`);
  const result = await client.chat({ prompt: 'Remember me' });
  await client.chat({ prompt: 'And me' });
  const records = recordsOf(await client.usage());
  await client.close(); // writes what is pending to IndexedDB
  return { text: result.text, records };
};

window.usageRecords = async () => {
  const client = clientFor('http://127.0.0.1:9/v1');
  const records = recordsOf(await client.usage());
  await client.close();
  return { records, databases: (await indexedDB.databases()).map((database) => database.name) };
};
