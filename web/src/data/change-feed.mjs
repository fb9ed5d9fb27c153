// Tells the other tabs what this one changed, over BroadcastChannel('llmux-chat'): each
// committed write publishes {store, ids}. A channel object never receives its own messages, so
// a tab hears only the others (and other ChatDatabase objects of its own page).

/** @typedef {{ store: 'conversations'|'messages'|'models'|'settings'|'vault', ids: string[] }} Change */

export class ChangeFeed {
  /** @param {string} channelName */
  constructor(channelName) {
    this.channel = new BroadcastChannel(channelName);
    /** @type {Set<(change: Change) => void>} */
    this.listeners = new Set();
    this.channel.onmessage = (event) => {
      const change = event.data;
      if (!change || typeof change.store !== 'string' || !Array.isArray(change.ids)) return;
      for (const listener of this.listeners) listener(change);
    };
  }

  /** @param {string} store one of Change['store'] @param {string[]} ids */
  publish(store, ids) {
    if (ids.length > 0) this.channel.postMessage({ store, ids });
  }

  /** @param {(change: Change) => void} listener @returns {() => void} stops listening */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close() {
    this.listeners.clear();
    this.channel.close();
  }
}
