// The gateway's own keys, which callers send as `Authorization: Bearer KEY` (OpenAI's SDKs) or
// `x-api-key: KEY` (Anthropic's). A key is `llmux-<id>-<secret>`: the id finds the stored
// row (and is the prefix shown after creation), and only the SHA-256 of the whole key is
// stored, compared in constant time, so a lookup's timing says nothing about the secret.

const keyPattern = /^llmux-([a-z0-9]{12})-([a-z0-9]{40})$/;
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length) {
  // 36 letters: bytes below 252 (7 × 36) keep every letter equally likely.
  let text = '';
  while (text.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 252 && text.length < length) text += alphabet[byte % 36];
    }
  }
  return text;
}

/** A new key: {key (shown once), id, prefix (shown afterwards)}. */
export function newGatewayKey() {
  const id = randomText(12);
  return { key: `llmux-${id}-${randomText(40)}`, id, prefix: `llmux-${id}` };
}

/** The key's id, or null when the text is not a gateway key. */
export function gatewayKeyId(key) {
  return keyPattern.exec(key)?.[1] ?? null;
}

/** The hex SHA-256 of a key: what is stored. */
export async function hashKey(key) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Whether two equal-length hex digests are equal, in time that does not depend on where they differ. */
export function sameDigest(a, b) {
  const encoder = new TextEncoder();
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.length !== right.length) return false;
  if (crypto.subtle.timingSafeEqual) return crypto.subtle.timingSafeEqual(left, right);
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ right[i];
  return difference === 0;
}

/** The key a request carries: `Authorization: Bearer` or `x-api-key`; null when none. */
export function presentedKey(headers) {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : null;
  }
  return headers.get('x-api-key')?.trim() || null;
}
