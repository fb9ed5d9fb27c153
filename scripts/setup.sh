#!/usr/bin/env bash
# Installs what llmux needs on Debian 12, and only what is missing: Debian packages with
# apt-get (as root), npm packages with `npm ci`. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config  # the native build
  clang libclang-rt-14-dev          # libFuzzer and the sanitizer runtimes
  emscripten binaryen               # the Wasm build (Debian's emscripten 3.1.6)
  nlohmann-json3-dev                # JSON in the core
  catch2                            # the C++ test suite
  libbenchmark-dev                  # bench/
  libcurl4-openssl-dev              # the native HTTP driver
  libcli11-dev                      # the CLI's argument parsing (CLI11, header-only)
  locales                           # tests/core/locale_test.cpp: a comma-decimal locale (de_DE.UTF-8)
  openssl                           # the HTTP driver's tests: a throwaway certificate, a TLS server
  python3                           # fixture tooling in tests
  unicode-data                      # scripts/gen-unicode-tables.py (the tokenizer's tables)
  json-schema-test-suite            # tests/core/json_schema_suite_test.cpp (the official cases)
  chromium                          # tests/runtimes: the package in a browser (playwright-core drives it)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
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

# npm packages (test and benchmark tools only; the package itself has no dependencies).
if [[ -f package-lock.json ]]; then
  stamp=node_modules/.llmux-lock-stamp
  if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
