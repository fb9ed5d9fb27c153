// Conversations: their list (newest first, searchable), their settings (title, model, tools)
// and their totals. A conversation's cost and tokens are what was spent in it: each message's
// cost and usage add to them when written (messages.mjs), and removing messages to regenerate
// an answer does not take back what the removed answer cost.

import { DataError } from './errors.mjs';
import { cursorValues, inTransaction, requestResult } from './idb.mjs';
import { conversationMessages } from './schema.mjs';
import { checkConversationFields, checkId } from './validation.mjs';

/**
 * @typedef {{ calculator: boolean, datetime: boolean }} Tools
 * @typedef {object} Conversation
 * @property {string} id
 * @property {string} title
 * @property {string | null} model
 * @property {Tools} tools
 * @property {number} createdAt ms since the epoch
 * @property {number} updatedAt ms since the epoch: the last change, or the last message
 * @property {{ picodollars: string }} cost spent in this conversation, exactly
 * @property {{ input: number, output: number }} tokens
 */

/** The text a search looks in: a text content, or the texts of a content's parts. */
export function searchableText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => part.text ?? part.content ?? '').filter((text) => typeof text === 'string').join('\n');
}

/** @param {{ db: IDBDatabase, feed: import('./change-feed.mjs').ChangeFeed }} context */
export function conversationStore({ db, feed }) {
  return {
    /**
     * The conversations, newest first; `search` keeps those whose title or a message's text
     * holds it (case-insensitive).
     * @param {{ search?: string }} [options]
     * @returns {Promise<Conversation[]>}
     */
    list({ search } = {}) {
      return inTransaction(db, ['conversations', 'messages'], 'readonly', async (transaction) => {
        const newestFirst = await cursorValues(transaction.objectStore('conversations').index('updatedAt'), null, 'prev');
        const query = typeof search === 'string' ? search.trim().toLowerCase() : '';
        if (!query) return newestFirst;
        const inMessages = new Set();
        for (const message of await cursorValues(transaction.objectStore('messages'), null)) {
          if (!inMessages.has(message.conversationId) && searchableText(message.content).toLowerCase().includes(query))
            inMessages.add(message.conversationId);
        }
        return newestFirst.filter((conversation) => conversation.title.toLowerCase().includes(query) || inMessages.has(conversation.id));
      });
    },

    /** @param {string} id @returns {Promise<Conversation | undefined>} */
    get(id) {
      return inTransaction(db, ['conversations'], 'readonly', (transaction) =>
        requestResult(transaction.objectStore('conversations').get(id)));
    },

    /**
     * @param {{ title?: string, model?: string | null, tools?: Tools }} [fields]
     * @returns {Promise<Conversation>}
     */
    async create(fields = {}) {
      const now = Date.now();
      const conversation = {
        id: crypto.randomUUID(), title: 'New conversation', model: null, tools: { calculator: false, datetime: false },
        ...checkConversationFields(fields), createdAt: now, updatedAt: now, cost: { picodollars: '0' }, tokens: { input: 0, output: 0 },
      };
      await inTransaction(db, ['conversations'], 'readwrite', (transaction) => {
        transaction.objectStore('conversations').add(conversation);
      });
      feed.publish('conversations', [conversation.id]);
      return conversation;
    },

    /**
     * Changes a conversation's title, model or tools.
     * @param {string} id
     * @param {{ title?: string, model?: string | null, tools?: Tools }} patch
     * @returns {Promise<Conversation>}
     */
    async update(id, patch) {
      const fields = checkConversationFields(patch ?? {});
      const updated = await inTransaction(db, ['conversations'], 'readwrite', async (transaction) => {
        const store = transaction.objectStore('conversations');
        const conversation = await requestResult(store.get(checkId(id, 'a conversation id')));
        if (!conversation) throw new DataError('not_found', `no conversation ${id}`);
        const next = { ...conversation, ...fields, updatedAt: Math.max(Date.now(), conversation.updatedAt) };
        store.put(next);
        return next;
      });
      feed.publish('conversations', [id]);
      return updated;
    },

    /** Removes a conversation and its messages. @param {string} id */
    async remove(id) {
      const removed = await inTransaction(db, ['conversations', 'messages'], 'readwrite', async (transaction) => {
        const messages = transaction.objectStore('messages');
        const ids = /** @type {string[]} */ (await requestResult(messages.index('conversationSeq').getAllKeys(conversationMessages(id))));
        for (const messageId of ids) messages.delete(messageId);
        transaction.objectStore('conversations').delete(id);
        return ids;
      });
      feed.publish('conversations', [id]);
      feed.publish('messages', removed);
    },
  };
}
