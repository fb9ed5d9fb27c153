// Where the gateway may send a request: its allow-list of upstream hosts, so that a user's
// model cannot turn the gateway into an open proxy. A model's base URL is checked when it is
// saved, and every request the core sends is checked again before it leaves (a fallback, a
// changed setting): nothing reaches a host the configuration does not name.
//
// Addresses outside the public internet (loopback, private networks, link-local, which holds
// the clouds' metadata services) are refused even when listed, unless their class is enabled
// too: LLMUX_UPSTREAM_PRIVATE=loopback lets a local model server (or the tests' simulator) in.
// A host name is not resolved here (a worker cannot): the runtime's network service is the
// second fence for names that resolve to such addresses (edge/config.capnp).

/** The providers' public API hosts: the allow-list when LLMUX_UPSTREAM_HOSTS is not set. */
export const defaultUpstreamHosts = [
  'api.openai.com', 'api.anthropic.com', 'generativelanguage.googleapis.com', 'api.cohere.com',
  'api.mistral.ai', 'api.x.ai', 'openrouter.ai', 'router.huggingface.co', 'api-inference.huggingface.co',
  '*.openai.azure.com', 'api.runpod.ai', '*.proxy.runpod.net',
];

const addressClasses = ['loopback', 'private', 'link-local'];

/** The class of an IP literal host ('public', 'loopback', 'private', 'link-local', 'unspecified'), or null for a name. */
export function addressClass(host) {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  if (v4) return ipv4Class(v4.slice(1).map(Number));
  if (!name.startsWith('[')) return null;
  return ipv6Class(name.slice(1, -1));
}

function ipv4Class([a, b]) {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127))
    return 'private';
  if (a === 169 && b === 254) return 'link-local';
  return 'public';
}

function ipv6Class(address) {
  if (address === '::') return 'unspecified';
  if (address === '::1') return 'loopback';
  // An IPv4 address mapped into IPv6 (::ffff:127.0.0.1, or as the URL parser writes it, ::ffff:7f00:1).
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(address);
  if (mapped) {
    if (mapped[1]) return addressClass(mapped[1]);
    const high = parseInt(mapped[2], 16);
    return ipv4Class([high >> 8, high & 255]);
  }
  if (/^fe[89ab]/.test(address)) return 'link-local';
  if (/^f[cd]/.test(address)) return 'private';
  return 'public';
}

/**
 * The policy from the settings: LLMUX_UPSTREAM_HOSTS (comma-separated: `host`, `host:port`,
 * `*.domain`; default the providers' hosts) and LLMUX_UPSTREAM_PRIVATE (comma-separated
 * classes: loopback, private, link-local; default none). check(url) returns null when the URL
 * may be called, else why not (a sentence that names the host, never a key).
 */
export function upstreamPolicy(settings) {
  const hosts = listSetting(settings.LLMUX_UPSTREAM_HOSTS) ?? defaultUpstreamHosts;
  const classes = new Set(listSetting(settings.LLMUX_UPSTREAM_PRIVATE) ?? []);
  for (const name of classes) {
    if (!addressClasses.includes(name)) throw new TypeError(`LLMUX_UPSTREAM_PRIVATE: unknown address class ${name} (${addressClasses.join(', ')})`);
  }
  const listed = (url) => hosts.some((pattern) => {
    const host = pattern.includes(':') && !pattern.startsWith('[') ? url.host : url.hostname;
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return host === pattern;
  });
  return {
    check(text) {
      let url;
      try {
        url = new URL(text);
      } catch {
        return 'the upstream URL is not a URL';
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the upstream URL's scheme ${url.protocol} is not http or https`;
      if (url.username || url.password) return 'the upstream URL carries credentials';
      if (!listed(url)) return `the upstream host ${url.host} is not on the gateway's allow-list (LLMUX_UPSTREAM_HOSTS)`;
      const kind = addressClass(url.hostname);
      if (kind && kind !== 'public' && !classes.has(kind))
        return `the upstream host ${url.host} is a ${kind} address, refused unless LLMUX_UPSTREAM_PRIVATE allows ${kind}`;
      return null;
    },
  };
}

function listSetting(text) {
  if (typeof text !== 'string' || !text.trim()) return null;
  return text.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
}
