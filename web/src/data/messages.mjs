// A conversation's messages, in order. Ids come from crypto.randomUUID; `seq` orders them and
// is taken inside the readwrite transaction that adds the message, from the conversation's
// highest seq: IndexedDB runs readwrite transactions over the same store one at a time, across
// tabs too, so two tabs appending at once get different, increasing seqs and lose nothing.
//
// Each write also moves the conversation: its updatedAt, and its totals by what the message's
// cost and usage add (on update, by the difference from what the message held before).

import { DataError } from './errors.mjs';
import { firstValue, inTransaction, requestResult } from './idb.mjs';
import { conversationMessages } from './schema.mjs';
import { checkId, checkMessageFields } from './validation.mjs';

/**
 * @typedef {object} ChatMessage
 * @property {string} id
 * @property {string} conversationId
 * @property {'user'|'assistant'|'tool'|'system'} role
 * @property {string | object[]} content a text, or the package's content parts
 * @property {object[]} [toolCalls]
 * @property {string} [toolCallId]
 * @property {string} [model]
 * @property {object} [usage] the package's Usage (inputTokens, outputTokens, ...)
 * @property {object} [cost] the package's Cost (totalPicodollars, an integer text)
 * @property {'done'|'streaming'|'stopped'|'error'} status
 * @property {unknown} [error]
 * @property {number} createdAt ms since the epoch
 * @property {number} seq its place in the conversation, strictly increasing
 */

/** What a message adds to its conversation's totals. */
function totalsOf(message) {
  return {
    picodollars: BigInt(message?.cost?.totalPicodollars ?? 0),
    input: message?.usage?.inputTokens ?? 0,
    output: message?.usage?.outputTokens ?? 0,
  };
}

/** Adds `after`'s totals and takes away `before`'s, in the conversation record. */
function moveTotals(conversation, before, after) {
  const was = totalsOf(before);
  const is = totalsOf(after);
  return {
    ...conversation,
    cost: { picodollars: String(BigInt(conversation.cost.picodollars) + is.picodollars - was.picodollars) },
    tokens: { input: conversation.tokens.input + is.input - was.input, output: conversation.tokens.output + is.output - was.output },
    updatedAt: Math.max(Date.now(), conversation.updatedAt),
  };
}

async function conversationIn(transaction, conversationId) {
  const conversation = await requestResult(transaction.objectStore('conversations').get(conversationId));
  if (!conversation) throw new DataError('not_found', `no conversation ${conversationId}`);
  return conversation;
}

/** @param {{ db: IDBDatabase, feed: import('./change-feed.mjs').ChangeFeed }} context */
export function messageStore({ db, feed }) {
  return {
    /** A conversation's messages in order. @param {string} conversationId @returns {Promise<ChatMessage[]>} */
    list(conversationId) {
      return inTransaction(db, ['messages'], 'readonly', (transaction) =>
        requestResult(transaction.objectStore('messages').index('conversationSeq').getAll(conversationMessages(conversationId))));
    },

    /**
     * Adds a message at the end of a conversation; its id, seq and createdAt are made here.
     * @param {string} conversationId
     * @param {Partial<ChatMessage> & { role: ChatMessage['role'] }} message
     * @returns {Promise<ChatMessage>}
     */
    async append(conversationId, message) {
      checkId(conversationId, 'a conversation id');
      const fields = checkMessageFields({ content: '', status: 'done', ...message });
      if (!fields.role) throw new DataError('invalid', 'a message needs a role');
      const added = await inTransaction(db, ['conversations', 'messages'], 'readwrite', async (transaction) => {
        const conversation = await conversationIn(transaction, conversationId);
        const messages = transaction.objectStore('messages');
        const last = await firstValue(messages.index('conversationSeq'), conversationMessages(conversationId), 'prev');
        const record = { ...fields, id: crypto.randomUUID(), conversationId, createdAt: Date.now(), seq: (last?.seq ?? 0) + 1 };
        messages.add(record);
        transaction.objectStore('conversations').put(moveTotals(conversation, undefined, record));
        return record;
      });
      feed.publish('messages', [added.id]);
      feed.publish('conversations', [conversationId]);
      return added;
    },

    /**
     * Changes a message (a streamed answer as it arrives: content, status, usage, cost...).
     * Resolves once the change is durable. The transaction starts at the call, so a call made
     * in a `pagehide` handler is written even as the page goes.
     * @param {string} id
     * @param {Partial<ChatMessage>} patch
     * @returns {Promise<ChatMessage>}
     */
    async update(id, patch) {
      const fields = checkMessageFields(patch ?? {});
      delete fields.role; // a message keeps its role: a regenerate appends a new one
      const updated = await inTransaction(db, ['conversations', 'messages'], 'readwrite', async (transaction) => {
        const messages = transaction.objectStore('messages');
        const message = await requestResult(messages.get(id));
        if (!message) throw new DataError('not_found', `no message ${id}`);
        const next = { ...message, ...fields };
        for (const name of Object.keys(next)) if (next[name] === undefined) delete next[name];
        messages.put(next);
        const conversation = await conversationIn(transaction, message.conversationId);
        transaction.objectStore('conversations').put(moveTotals(conversation, message, next));
        return next;
      });
      feed.publish('messages', [id]);
      feed.publish('conversations', [updated.conversationId]);
      return updated;
    },

    /**
     * Writes a whole message as given, at once, without reading it first: for a page going
     * away (`pagehide`), where a transaction still waiting on a read dies with the page, while
     * a put followed by commit() is already in the browser's hands. It does not move the
     * conversation's totals, so `message` must hold the cost and usage already stored (the
     * streamed-answer saver passes the last record it wrote, with the text received since).
     * @param {ChatMessage} message
     */
    putBeforeExit(message) {
      const record = { ...message, ...checkMessageFields(message) };
      const transaction = db.transaction(['messages'], 'readwrite', { durability: 'strict' });
      transaction.objectStore('messages').put(record);
      transaction.commit();
      feed.publish('messages', [record.id]);
    },

    /**
     * Removes the messages after `messageId` in its conversation (to regenerate an answer, or
     * to resend an edited message); the conversation's totals keep what they cost.
     * @param {string} conversationId
     * @param {string} messageId
     * @returns {Promise<string[]>} the removed messages' ids
     */
    async removeAfter(conversationId, messageId) {
      const removed = await inTransaction(db, ['messages'], 'readwrite', async (transaction) => {
        const messages = transaction.objectStore('messages');
        const message = await requestResult(messages.get(messageId));
        if (!message || message.conversationId !== conversationId) throw new DataError('not_found', `no message ${messageId} in conversation ${conversationId}`);
        const later = IDBKeyRange.bound([conversationId, message.seq], [conversationId, Infinity], true, false);
        const ids = /** @type {string[]} */ (await requestResult(messages.index('conversationSeq').getAllKeys(later)));
        for (const laterId of ids) messages.delete(laterId);
        return ids;
      });
      feed.publish('messages', removed);
      return removed;
    },
  };
}
