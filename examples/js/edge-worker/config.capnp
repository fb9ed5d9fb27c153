# workerd's configuration for worker.mjs: build it first (what wrangler does), then serve.
#
#   npx esbuild worker.mjs --bundle --format=esm --conditions=workerd,worker \
#     --loader:.wasm=copy --asset-names=[name] --outdir=out
#   OPENAI_API_KEY=sk-... npx workerd serve config.capnp
#   curl -N http://127.0.0.1:8787/ -d '{"prompt": "Hello"}'
#
# The bundle imports ./llmux-core.wasm, listed below as a Wasm module: workerd hands the
# worker a WebAssembly.Module, which worker.mjs gives to llmux's init().

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .gateway),
    # fetch() reaches the providers through this. "private" and "local" let it reach a model
    # server on this machine or network (vLLM, Ollama); drop them when every provider is public.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const gateway :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "out/worker.js"),
    (name = "llmux-core.wasm", wasm = embed "out/llmux-core.wasm"),
  ],
  compatibilityDate = "2025-01-01",
  compatibilityFlags = ["enable_request_signal"],
  # Settings from this process's environment; an unset one is left out.
  bindings = [
    (name = "OPENAI_API_KEY", fromEnvironment = "OPENAI_API_KEY"),
    (name = "OPENAI_BASE_URL", fromEnvironment = "OPENAI_BASE_URL"),
    (name = "ANTHROPIC_API_KEY", fromEnvironment = "ANTHROPIC_API_KEY"),
    (name = "ANTHROPIC_BASE_URL", fromEnvironment = "ANTHROPIC_BASE_URL"),
    (name = "LLMUX_MODEL", fromEnvironment = "LLMUX_MODEL"),
  ],
);
