// Saves a streamed answer as it arrives: the latest content goes to IndexedDB at most every
// `intervalMs` (default 100 ms: a reload loses at most that much of what was received), at
// once on finish(), and at once when the page is hidden for good (`pagehide`: the tab closed
// or navigated away), where messages.update queues its transaction before the page goes.

/**
 * @param {{ update: (id: string, patch: object) => Promise<object> }} messages a ChatDatabase's messages
 * @param {string} messageId the answer's message, appended with status 'streaming'
 * @param {{ intervalMs?: number, target?: EventTarget }} [options] target: where pagehide fires (window)
 */
export function saveStreamedAnswer(messages, messageId, { intervalMs = 100, target = globalThis } = {}) {
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
    const write = messages.update(messageId, patch).catch((error) => {
      failure ??= error;
    });
    writes.add(write);
    write.finally(() => writes.delete(write));
  }

  const onPageHide = () => writeNow();
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
