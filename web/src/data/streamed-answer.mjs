// Saves a streamed answer as it arrives: the latest content goes to IndexedDB at most every
// `intervalMs` (default 100 ms: a reload loses at most that much of what was received), at
// once on finish(), and at once when the page is hidden for good (`pagehide`: the tab closed
// or navigated away). There messages.update would not do: its transaction reads the record
// before writing it, and the page is gone before the read returns; so the saver writes the
// whole record it knows (messages.putBeforeExit), which the browser commits after the page.

/**
 * @param {{ update: Function, putBeforeExit: Function }} messages a ChatDatabase's messages
 * @param {import('./messages.mjs').ChatMessage | string} answer the answer's message as appended
 *   (status 'streaming'), or its id (then a page closed before the first write returned keeps
 *   only what the first write held)
 * @param {{ intervalMs?: number, target?: EventTarget }} [options] target: where pagehide fires (window)
 */
export function saveStreamedAnswer(messages, answer, { intervalMs = 100, target = globalThis } = {}) {
  const messageId = typeof answer === 'string' ? answer : answer.id;
  // The record as last written (its cost and usage are the stored ones). Given only the id,
  // it is known once the first write returns: the first delta is written at once.
  let stored = typeof answer === 'string' ? undefined : answer;
  let sent = {}; // the fields of the writes since, in flight or failed
  let pending; // the fields received and not yet written
  let timer;
  let lastWriteAt = -Infinity;
  let failure;
  const writes = new Set();

  function writeNow() {
    clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    const patch = pending;
    pending = undefined;
    lastWriteAt = performance.now();
    sent = { ...sent, ...patch };
    const write = messages.update(messageId, patch).then((record) => {
      stored = record;
    }, (error) => {
      failure ??= error;
    });
    writes.add(write);
    write.finally(() => writes.delete(write));
  }

  const onPageHide = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!stored) return writeNow(); // no record to write whole yet: the best that can be done
    const { usage, cost, ...received } = { ...sent, ...pending };
    if (Object.keys(received).length > 0) messages.putBeforeExit({ ...stored, ...received });
    pending = undefined;
  };
  target.addEventListener?.('pagehide', onPageHide);

  return {
    /**
     * The answer so far: `patch` holds the fields to save (content, toolCalls, ...), each
     * replacing what was saved; written within intervalMs.
     * @param {object} patch
     */
    push(patch) {
      pending = { ...pending, ...patch };
      if (timer === undefined) timer = setTimeout(writeNow, Math.max(0, lastWriteAt + intervalMs - performance.now()));
    },

    /**
     * Writes `patch` (the final content, status 'done' / 'stopped' / 'error', usage, cost)
     * with anything pending, and resolves once every write is durable; rejects with the
     * first write's failure, if one failed.
     * @param {object} [patch]
     */
    async finish(patch = {}) {
      target.removeEventListener?.('pagehide', onPageHide);
      pending = { ...pending, ...patch };
      writeNow();
      while (writes.size > 0) await Promise.all(writes);
      if (failure) throw failure;
    },
  };
}
