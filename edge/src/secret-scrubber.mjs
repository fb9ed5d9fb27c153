// Takes provider keys out of text the gateway sends back. The core never holds a provider key
// (upstream-fetch.mjs puts it in), so it cannot scrub what an upstream quotes of one, as
// OpenAI's 401 does ("Incorrect API key provided: sk-...", whole or masked as its first 8
// characters, stars and its last 4): every error this gateway relays goes through here.

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that replaces each of `keys` (whole, or masked as OpenAI masks it) in a text with [redacted]. */
export function secretScrubber(keys) {
  const patterns = [...new Set(keys.filter((key) => typeof key === 'string' && key.length >= 8))]
    .sort((a, b) => b.length - a.length)
    .flatMap((key) => [escape(key), `${escape(key.slice(0, 8))}\\*+${escape(key.slice(-4))}`]);
  if (!patterns.length) return (text) => text;
  const pattern = new RegExp(patterns.join('|'), 'g');
  return (text) => text.replace(pattern, '[redacted]');
}
