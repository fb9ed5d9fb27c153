// Provider keys at rest: AES-256-GCM under a secret of the worker's (never in storage), each
// ciphertext tagged with the id of the secret that sealed it, so the secret can be rotated:
// LLMUX_ENCRYPTION_KEYS lists `id:base64-of-32-bytes` entries, the first one current, the
// others old ones that still open what they sealed. A ciphertext is bound to its row (the
// additional data names its owner and model), so it cannot be copied to another user's row.
//
// Sealed form: `v1.<secret id>.<base64 IV>.<base64 ciphertext and tag>`.

const version = 'v1';

const base64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unbase64 = (text) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** Reads LLMUX_ENCRYPTION_KEYS; a missing, malformed or short secret throws (the gateway refuses to start without one). */
export async function openKeyVault(setting) {
  if (typeof setting !== 'string' || !setting.trim())
    throw new TypeError('LLMUX_ENCRYPTION_KEYS is not set: provider keys cannot be encrypted');
  const secrets = new Map();
  let current = null;
  for (const entry of setting.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(entry);
    let bytes = null;
    try {
      bytes = match && unbase64(match[2]);
    } catch {
      bytes = null;
    }
    if (!bytes || bytes.length !== 32)
      throw new TypeError('LLMUX_ENCRYPTION_KEYS: each entry is id:base64 of 32 random bytes');
    if (secrets.has(match[1])) throw new TypeError(`LLMUX_ENCRYPTION_KEYS: the id ${match[1]} is listed twice`);
    secrets.set(match[1], await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']));
    current ??= match[1];
  }
  const encoder = new TextEncoder();
  return {
    currentId: current,
    /** Seals `plain` for the row `context` names ("user/alice/model/gpt"). */
    async seal(plain, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
        secrets.get(current), encoder.encode(plain));
      return `${version}.${current}.${base64(iv)}.${base64(new Uint8Array(sealed))}`;
    },
    /** The id of the secret that sealed `sealed`, or null when it is not a sealed value. */
    secretIdOf(sealed) {
      const parts = String(sealed).split('.');
      return parts.length === 4 && parts[0] === version ? parts[1] : null;
    },
    /** Opens what seal() made for the same `context`; throws when the secret is unknown or the value was altered or moved. */
    async open(sealed, context) {
      const [tag, id, iv, data] = String(sealed).split('.');
      if (tag !== version || !secrets.has(id)) throw new Error(`a provider key is sealed under a secret this gateway does not hold (${id ?? 'none'})`);
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unbase64(iv), additionalData: encoder.encode(context) },
        secrets.get(id), unbase64(data));
      return new TextDecoder().decode(plain);
    },
  };
}
