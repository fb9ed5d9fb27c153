// The gateway's configuration, from the worker's bindings (edge/config.capnp takes them from
// the environment; wrangler.toml from vars and secrets):
//
//   LLMUX_ADMIN_TOKEN        the admin API's bearer token (secret; no admin API without it)
//   LLMUX_ENCRYPTION_KEYS    id:base64 secrets sealing provider keys, current first (secret)
//   LLMUX_UPSTREAM_HOSTS     the upstream allow-list (upstream-policy.mjs)
//   LLMUX_UPSTREAM_PRIVATE   the non-public address classes allowed (loopback, private, link-local)
//   LLMUX_MAX_BODY_BYTES     the largest request body (default 4 MiB)

import { openKeyVault } from './key-vault.mjs';
import { upstreamPolicy } from './upstream-policy.mjs';

const defaultMaxBodyBytes = 4 * 1024 * 1024;
const configs = new WeakMap(); // per env object: read once per isolate

/** The configuration for `env`: {policy, maxBodyBytes, adminToken, vault (a promise)}. */
export function gatewayConfig(env) {
  let config = configs.get(env);
  if (!config) {
    const maxBodyBytes = env.LLMUX_MAX_BODY_BYTES ? Number(env.LLMUX_MAX_BODY_BYTES) : defaultMaxBodyBytes;
    if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1024) throw new TypeError('LLMUX_MAX_BODY_BYTES must be a whole number of bytes, 1024 or more');
    config = {
      policy: upstreamPolicy(env),
      maxBodyBytes,
      adminToken: typeof env.LLMUX_ADMIN_TOKEN === 'string' && env.LLMUX_ADMIN_TOKEN.length >= 16 ? env.LLMUX_ADMIN_TOKEN : null,
      vault: null,
    };
    configs.set(env, config);
  }
  config.vault ??= openKeyVault(env.LLMUX_ENCRYPTION_KEYS).catch((error) => {
    config.vault = null; // tried again on the next request
    throw error;
  });
  return config;
}
