// The browser chat's keys and files in Chromium: the vault (a non-extractable AES-GCM key, a
// PBKDF2 passphrase), no provider key in clear anywhere the browser keeps data, and the
// export file and its import.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { assertNoProblems, openDataPage, startDataPages } from './data-pages.mjs';

const secret = 'sk-live-SECRET-1234567890';
const browser = await startDataPages();
const page = await openDataPage(browser);
after(() => assertNoProblems(page));

/** Runs `body` in a fresh page (a reload: nothing in memory), then closes it. */
async function inNewPage(body, arg) {
  const fresh = await openDataPage(browser);
  try {
    return await fresh.evaluate(body, arg);
  } finally {
    assertNoProblems(fresh);
    await fresh.close();
  }
}

test('vault: a value sealed with a fresh 96-bit iv opens again; the stored data key cannot be exported', async () => {
  const outcome = await page.evaluate(async () => {
    const db = await window.data.openChatDatabase('vault-device');
    const hex = (bytes) => Array.from(new Uint8Array(bytes.buffer ?? bytes), (b) => b.toString(16).padStart(2, '0')).join('');
    const first = await db.vault.encrypt('a provider key');
    const second = await db.vault.encrypt('a provider key');
    const opened = [await db.vault.decrypt(first), await db.vault.decrypt(second)];
    const tampered = { ...first, data: new Uint8Array(first.data).map((byte, i) => (i === 0 ? byte ^ 1 : byte)).buffer };
    let tamperedError;
    try {
      await db.vault.decrypt(tampered);
    } catch (error) {
      tamperedError = error.code;
    }
    // The record as stored, read with IndexedDB itself.
    const raw = await window.data.storedRecord('vault-device', 'vault', 'dataKey');
    const exports = [];
    for (const format of ['raw', 'jwk']) {
      try {
        await crypto.subtle.exportKey(format, raw.key);
        exports.push(`${format}: exported`);
      } catch (error) {
        exports.push(`${format}: ${error.name}`);
      }
    }
    // The stored key is the one in use: it opens what the vault sealed.
    const withStoredKey = new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: first.iv }, raw.key, first.data));
    db.close();
    return {
      ivs: [hex(first.iv), hex(second.iv)], data: [hex(first.data), hex(second.data)], opened, tamperedError, exports, withStoredKey,
      kind: raw.kind, isCryptoKey: raw.key instanceof CryptoKey, extractable: raw.key.extractable, algorithm: raw.key.algorithm,
      locked: db.vault.locked, hasPassphrase: db.vault.hasPassphrase,
    };
  });
  assert.equal(outcome.ivs[0].length, 24, 'a 96-bit iv');
  assert.notEqual(outcome.ivs[0], outcome.ivs[1], 'the iv is fresh for each seal');
  assert.notEqual(outcome.data[0], outcome.data[1]);
  assert.deepEqual(outcome.opened, ['a provider key', 'a provider key']);
  assert.equal(outcome.tamperedError, 'vault_failed');
  assert.equal(outcome.kind, 'device');
  assert.equal(outcome.isCryptoKey, true);
  assert.equal(outcome.extractable, false);
  assert.deepEqual(outcome.algorithm, { name: 'AES-GCM', length: 256 });
  assert.deepEqual(outcome.exports, ['raw: InvalidAccessError', 'jwk: InvalidAccessError']);
  assert.equal(outcome.withStoredKey, 'a provider key');
  assert.equal(outcome.locked, false);
  assert.equal(outcome.hasPassphrase, false);
});

test('vault: a passphrase locks the keys across reloads; a wrong one is refused; removing it gives a device key again', async () => {
  const setUp = await page.evaluate(async (key) => {
    const db = await window.data.openChatDatabase('vault-passphrase');
    const model = await db.models.put({ name: 'Cloud', provider: 'openai', model: 'gpt-4o-mini', apiKey: key });
    const keyIdBefore = (await db.vault.encrypt('x')).keyId;
    await db.vault.setPassphrase('correct horse battery staple');
    const stillOpen = await db.models.key(model.id);
    let exported;
    try {
      await crypto.subtle.exportKey('raw', db.vault.key);
      exported = 'exported';
    } catch (error) {
      exported = error.name;
    }
    const keyIdAfter = (await db.vault.encrypt('x')).keyId;
    db.close();
    return { id: model.id, stillOpen, exported, keyIdBefore, keyIdAfter };
  }, secret);
  assert.equal(setUp.stillOpen, secret, 'the page that set the passphrase keeps the keys open');
  assert.equal(setUp.exported, 'InvalidAccessError', 'the unwrapped data key is not extractable');
  assert.notEqual(setUp.keyIdAfter, setUp.keyIdBefore, 'a new data key');

  const reloaded = await inNewPage(async (id) => {
    const db = await window.data.openChatDatabase('vault-passphrase');
    const code = async (call) => {
      try {
        await call();
        return 'ok';
      } catch (error) {
        return error.code;
      }
    };
    const raw = await window.data.storedRecord('vault-passphrase', 'vault', 'dataKey');
    const state = { locked: db.vault.locked, hasPassphrase: db.vault.hasPassphrase };
    const lockedKey = await code(() => db.models.key(id));
    const lockedPut = await code(() => db.models.put({ id, apiKey: 'sk-another' }));
    const wrong = await db.vault.unlock('wrong horse');
    const stillLocked = db.vault.locked;
    const right = await db.vault.unlock('correct horse battery staple');
    const key = await db.models.key(id);
    db.vault.lock();
    const relocked = await code(() => db.models.key(id));
    await db.vault.unlock('correct horse battery staple');
    await db.vault.setPassphrase(null);
    db.close();
    return {
      state, lockedKey, lockedPut, wrong, stillLocked, right, key, relocked,
      raw: { kind: raw.kind, hasKey: 'key' in raw, iterations: raw.iterations, saltBytes: raw.salt.byteLength, wrappedBytes: raw.wrapped.byteLength },
    };
  }, setUp.id);
  assert.deepEqual(reloaded.state, { locked: true, hasPassphrase: true });
  assert.deepEqual(reloaded.raw, { kind: 'passphrase', hasKey: false, iterations: 600000, saltBytes: 16, wrappedBytes: 40 });
  assert.equal(reloaded.lockedKey, 'vault_locked');
  assert.equal(reloaded.lockedPut, 'vault_locked');
  assert.equal(reloaded.wrong, false);
  assert.equal(reloaded.stillLocked, true);
  assert.equal(reloaded.right, true);
  assert.equal(reloaded.key, secret);
  assert.equal(reloaded.relocked, 'vault_locked');

  const removed = await inNewPage(async (id) => {
    const db = await window.data.openChatDatabase('vault-passphrase');
    const result = { locked: db.vault.locked, hasPassphrase: db.vault.hasPassphrase, key: await db.models.key(id) };
    db.close();
    return result;
  }, setUp.id);
  assert.deepEqual(removed, { locked: false, hasPassphrase: false, key: secret });
});

test('vault: a passphrase set in another tab locks this one on its next use', async () => {
  const other = await openDataPage(browser);
  const id = await page.evaluate(async (key) => {
    window.shared = await window.data.openChatDatabase('vault-tabs');
    return (await window.shared.models.put({ name: 'Cloud', provider: 'anthropic', model: 'claude-3-5-haiku-latest', apiKey: key })).id;
  }, secret);
  await other.evaluate(async () => {
    const db = await window.data.openChatDatabase('vault-tabs');
    await db.vault.setPassphrase('set elsewhere');
    db.close();
  });
  await other.close();
  const outcome = await page.evaluate(async (modelId) => {
    try {
      await window.shared.models.key(modelId);
      return 'opened';
    } catch (error) {
      return error.code;
    } finally {
      window.shared.close();
    }
  }, id);
  assert.equal(outcome, 'vault_locked');
});

/** The Chromium profile's files holding this origin's IndexedDB (found by the server's port). */
function profileFiles(origin) {
  const port = new URL(origin).port;
  const profiles = readdirSync(tmpdir()).filter((name) => name.startsWith('llmux-rt-chromium-')).map((name) => join(tmpdir(), name))
    .filter((dir) => existsSync(join(dir, `Default/IndexedDB/http_127.0.0.1_${port}.indexeddb.leveldb`)));
  assert.equal(profiles.length, 1, `the profile of this Chromium, by its IndexedDB folder for port ${port}`);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size < 64 * 1024 * 1024) files.push(path);
    }
  };
  walk(profiles[0]);
  return files;
}

function filesHolding(files, text) {
  const forms = [Buffer.from(text, 'latin1'), Buffer.from(text, 'utf16le')];
  return files.filter((file) => {
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch {
      return false; // removed meanwhile (a journal)
    }
    return forms.some((form) => bytes.includes(form));
  });
}

test('no key in clear: not in any IndexedDB record, web storage, the export, the console, an error, or the profile on disk', async () => {
  // A value stored in clear on purpose: proves that each place read below does show what is stored.
  const canary = 'canary-CLEAR-0987654321';
  const outcome = await page.evaluate(async ([key, canaryText]) => {
    const db = await window.data.openChatDatabase('no-clear-key');
    await db.settings.set('canary', canaryText);
    const model = await db.models.put({ name: 'Cloud', provider: 'openai', model: 'gpt-4o-mini', apiKey: key });
    const listed = JSON.stringify(await db.models.list());
    const opened = await db.models.key(model.id);
    const errors = [];
    const record = async (call) => {
      try {
        await call();
      } catch (error) {
        errors.push(`${error.name} ${error.code} ${error.message} ${error.stack}`);
      }
    };
    await record(() => db.models.put({ id: model.id, apiKey: { key } }));
    await record(() => db.models.put({ name: '', provider: 'openai', model: 'x', apiKey: key }));
    await db.vault.setPassphrase('a passphrase');
    db.vault.lock();
    await record(() => db.models.key(model.id));
    await record(() => db.models.put({ id: model.id, apiKey: key }));
    await db.vault.unlock('a passphrase');
    const { sealedKey: sealed } = await window.data.storedRecord('no-clear-key', 'models', model.id);
    await record(() => db.vault.decrypt({ ...sealed, iv: new Uint8Array(12) }));
    const raw = await window.data.rawContents();
    const exported = JSON.stringify(await db.exportAll({ usage: [{ model: 'openai-gpt-4o-mini', cost: '0.0001' }] }));
    db.close();
    return { listed, opened, errors, raw, exported };
  }, [secret, canary]);
  assert.equal(outcome.opened, secret, 'the key is stored');
  assert.equal(outcome.errors.length, 5, outcome.errors.join('\n'));
  for (const [where, text] of Object.entries({ list: outcome.listed, errors: outcome.errors.join('\n'), raw: outcome.raw, export: outcome.exported })) {
    assert.ok(!text.includes(secret), `the key in clear in ${where}`);
    assert.ok(!text.includes('SECRET-1234567890'), `part of the key in ${where}`);
  }
  assert.ok(outcome.raw.includes(canary), 'the raw contents do not show what is stored');
  assert.ok(outcome.raw.includes('"store":"models"') && outcome.raw.includes('"bytesLatin1"'), 'the sealed key is read');
  assert.ok(outcome.exported.includes(canary), 'the export holds the settings');
  assert.ok(!outcome.exported.includes('sealedKey'), 'the export holds a sealed key');
  assert.ok(!page.consoleText.join('\n').includes(secret), 'the key on the console');

  const files = profileFiles(browser.origin);
  assert.ok(filesHolding(files, canary).length > 0, 'the profile\'s files do not show what is stored');
  assert.deepEqual(filesHolding(files, secret), [], 'the key in clear in the profile');
});

const sampleData = async (db, key) => {
  const conversation = await db.conversations.create({ title: 'Exported', model: 'sim', tools: { calculator: true, datetime: true } });
  await db.messages.append(conversation.id, { role: 'user', content: 'Hi' });
  await db.messages.append(conversation.id, {
    role: 'assistant', content: 'Hello', usage: { inputTokens: 2, outputTokens: 1 }, cost: { totalPicodollars: '1234' },
  });
  await db.models.put({ name: 'Cloud', provider: 'openai', model: 'gpt-4o-mini', apiKey: key, inputPrice: '0.15', outputPrice: '0.6' });
  await db.settings.set('budget', { monthlyUsd: '5' });
};

test('export and import: the same data in another database, models without keys, a second import adds nothing', async () => {
  const outcome = await page.evaluate(async ([key, sample]) => {
    const addSample = new Function(`return (${sample})`)();
    const source = await window.data.openChatDatabase('export-source');
    await addSample(source, key);
    const file = JSON.stringify(await source.exportAll({ usage: [{ id: 'u1', picodollars: '1234' }] }));
    const target = await window.data.openChatDatabase('export-target');
    const local = await target.models.put({ id: 'keep-me', name: 'Local', provider: 'ollama', model: 'llama3.2', apiKey: 'sk-local' });
    const first = await target.importAll(file);
    const second = await target.importAll(JSON.parse(file));
    const [conversation] = await source.conversations.list();
    const snapshot = async (db) => ({
      conversations: await db.conversations.list(), messages: await db.messages.list(conversation.id),
      models: (await db.models.list()).filter((m) => m.id !== local.id), budget: await db.settings.get('budget'),
    });
    const snapshots = { source: await snapshot(source), target: await snapshot(target) };
    // A file from elsewhere holding a key: the model comes in, the key does not.
    const parsed = JSON.parse(file);
    parsed.models = [{ ...parsed.models[0], id: 'with-key', apiKey: key, updatedAt: parsed.models[0].updatedAt }];
    const withKey = await target.importAll(parsed);
    // Merging: a conversation changed here since is kept; one changed in the file since replaces it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await target.conversations.update(conversation.id, { title: 'Renamed here' });
    const older = await target.importAll(file);
    const titleAfterOlder = (await target.conversations.get(conversation.id)).title;
    const newer = JSON.parse(file);
    newer.conversations[0] = { ...newer.conversations[0], title: 'Renamed in the file', updatedAt: Date.now() + 60000 };
    const newerResult = await target.importAll(newer);
    const merged = [titleAfterOlder, (await target.conversations.get(conversation.id)).title];
    const result = {
      file: JSON.parse(file), first, second, withKey, ...snapshots,
      imported: await target.models.get('with-key'), localKey: await target.models.key(local.id),
      older: older.skipped.conversations, newer: newerResult.updated.conversations, merged,
    };
    source.close();
    target.close();
    return result;
  }, [secret, sampleData.toString()]);
  const { file, first, second } = outcome;
  assert.equal(file.format, 'llmux-chat-export');
  assert.equal(file.version, 1);
  assert.deepEqual(file.usage, [{ id: 'u1', picodollars: '1234' }]);
  assert.equal(file.models.length, 1);
  assert.ok(!('sealedKey' in file.models[0]) && !('apiKey' in file.models[0]) && !('hasKey' in file.models[0]));
  assert.deepEqual(first.added, { conversations: 1, messages: 2, models: 1, settings: 1 });
  assert.deepEqual(first.usage, [{ id: 'u1', picodollars: '1234' }]);
  assert.deepEqual(second.added, { conversations: 0, messages: 0, models: 0, settings: 0 });
  assert.deepEqual(second.skipped, { conversations: 1, messages: 2, models: 1, settings: 1 });
  assert.deepEqual(outcome.target.conversations, outcome.source.conversations);
  assert.deepEqual(outcome.target.messages, outcome.source.messages);
  assert.deepEqual(outcome.target.budget, { monthlyUsd: '5' });
  assert.equal(outcome.source.models[0].hasKey, true);
  assert.deepEqual(outcome.target.models, [{ ...outcome.source.models[0], hasKey: false }]);
  assert.equal(outcome.withKey.keysIgnored, 1);
  assert.equal(outcome.imported.hasKey, false);
  assert.equal(outcome.localKey, 'sk-local', 'an import leaves the keys stored here');
  assert.equal(outcome.older, 1);
  assert.equal(outcome.newer, 1);
  assert.deepEqual(outcome.merged, ['Renamed here', 'Renamed in the file']);
});

test('import refuses what is not an llmux chat export, naming the fault, and writes nothing', async () => {
  const outcome = await page.evaluate(async ([key, sample]) => {
    const addSample = new Function(`return (${sample})`)();
    const source = await window.data.openChatDatabase('refuse-source');
    await addSample(source, key);
    const good = await source.exportAll();
    source.close();
    const variant = (change) => {
      const copy = structuredClone(good);
      change(copy);
      return copy;
    };
    const files = {
      notJson: 'PK\u0003\u0004 a zip file',
      array: [],
      otherFormat: { format: 'chatgpt-export', version: 1, conversations: [] },
      newer: variant((f) => { f.version = 2; }),
      noVersion: variant((f) => { delete f.version; }),
      conversationsNotList: variant((f) => { f.conversations = { a: 1 }; }),
      badRole: variant((f) => { f.messages[1].role = 'admin'; }),
      badCost: variant((f) => { f.conversations[0].cost = { picodollars: 0.5 }; }),
      hugeContent: variant((f) => { f.messages[0].content = 'x'.repeat(5 * 1024 * 1024); }),
      orphanMessage: variant((f) => { f.messages[0].conversationId = 'elsewhere'; }),
      badTemperature: variant((f) => { f.models[0].temperature = 'hot'; }),
      scriptInId: variant((f) => { f.conversations[0].id = { toString: 1 }; }),
      badUsage: variant((f) => { f.usage = 'lots'; }),
    };
    const target = await window.data.openChatDatabase('refuse-target');
    const refused = {};
    for (const [name, file] of Object.entries(files)) {
      try {
        await target.importAll(file);
        refused[name] = 'imported';
      } catch (error) {
        refused[name] = `${error.code}: ${error.message}`;
      }
    }
    const left = { conversations: (await target.conversations.list()).length, models: (await target.models.list()).length };
    target.close();
    return { refused, left };
  }, [secret, sampleData.toString()]);
  const expected = {
    notJson: /not JSON/, array: /not an llmux chat export/, otherFormat: /not an llmux chat export/, newer: /version 2, made by a newer llmux/,
    noVersion: /no valid version/, conversationsNotList: /conversations must be a list/, badRole: /messages\[1\]: .*role/,
    badCost: /conversations\[0\]: cost.picodollars/, hugeContent: /messages\[0\]: .*at most/, orphanMessage: /messages\[0\]: .*not in the file/,
    badTemperature: /models\[0\]: .*temperature/, scriptInId: /conversations\[0\]: id/, badUsage: /usage must be a list/,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    assert.match(outcome.refused[name], /^import_invalid: /, name);
    assert.match(outcome.refused[name], pattern, name);
  }
  assert.deepEqual(outcome.left, { conversations: 0, models: 0 }, 'a refused file wrote something');
});
