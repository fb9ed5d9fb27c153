// What the directory said about gateway keys, kept for a few seconds in this isolate, so that
// a busy caller's requests do not all queue at the one directory object: the directory is
// asked again once an entry is older than `ttlMs`. A key revoked (or a shared model changed)
// through this isolate's admin API clears the cache at once; other isolates (Cloudflare runs
// many) see it within ttlMs. The presented key's hash is compared with the one the directory
// gave, in constant time, on every request.

import { sameDigest } from './gateway-keys.mjs';

const maxEntries = 10000;

export function keyCache(ttlMs = 10000) {
  const entries = new Map(); // key id → {hash, caller: {userId, sharedVersion}, until}
  return {
    /** The caller for `id` and `hash`: from the cache, else from `ask()` (which resolves to {caller, hash} or null). */
    async caller(id, hash, ask, now = Date.now()) {
      const entry = entries.get(id);
      if (entry && entry.until > now) return sameDigest(entry.hash, hash) ? entry.caller : null;
      const caller = await ask();
      if (caller) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value);
        entries.set(id, { hash, caller, until: now + ttlMs });
      } else {
        entries.delete(id);
      }
      return caller;
    },
    clear: () => entries.clear(),
  };
}
