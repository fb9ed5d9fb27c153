# workerd's configuration for the gateway on one machine: edge/run.mjs bundles the worker into
# out/ and starts `workerd serve config.capnp` with the settings in its environment.
#
#   LLMUX_ADMIN_TOKEN=... LLMUX_ENCRYPTION_KEYS=k1:BASE64 node edge/run.mjs
#
# The Durable Objects (the directory, one object per user) keep their SQLite files under the
# `data` directory (edge/data unless `--directory-path data=PATH` says otherwise): a restart
# of workerd keeps every user, key, model, budget and ledger record.

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .gateway),
    (name = "data", disk = (path = "data", writable = true)),
    # fetch() reaches the providers through this. The worker's allow-list (LLMUX_UPSTREAM_HOSTS,
    # LLMUX_UPSTREAM_PRIVATE) decides which hosts a request may go to; this network lets it
    # reach a model server on this machine or network (vLLM, Ollama) when the allow-list does.
    # Drop "private" and "local" when every provider is public: then a host name that resolves
    # to such an address is refused here too.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8788", http = (), service = "main") ],
);

const gateway :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "out/worker.js"),
    (name = "llmux-core.wasm", wasm = embed "out/llmux-core.wasm"),
    (name = "llmux-serve.wasm", wasm = embed "out/llmux-serve.wasm"),
  ],
  compatibilityDate = "2025-01-01",
  # nodejs_als: node:async_hooks' AsyncLocalStorage, which carries a call's provider key to its requests.
  compatibilityFlags = ["enable_request_signal", "nodejs_als"],
  durableObjectNamespaces = [
    (className = "Directory", uniqueKey = "llmux-gateway-directory", enableSql = true),
    (className = "UserAccount", uniqueKey = "llmux-gateway-user-account", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "data"),
  bindings = [
    (name = "DIRECTORY", durableObjectNamespace = "Directory"),
    (name = "USER_ACCOUNT", durableObjectNamespace = "UserAccount"),
    # Settings from this process's environment; an unset one is null (its default applies).
    (name = "LLMUX_ADMIN_TOKEN", fromEnvironment = "LLMUX_ADMIN_TOKEN"),
    (name = "LLMUX_ENCRYPTION_KEYS", fromEnvironment = "LLMUX_ENCRYPTION_KEYS"),
    (name = "LLMUX_UPSTREAM_HOSTS", fromEnvironment = "LLMUX_UPSTREAM_HOSTS"),
    (name = "LLMUX_UPSTREAM_PRIVATE", fromEnvironment = "LLMUX_UPSTREAM_PRIVATE"),
    (name = "LLMUX_MAX_BODY_BYTES", fromEnvironment = "LLMUX_MAX_BODY_BYTES"),
  ],
);
