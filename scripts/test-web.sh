#!/usr/bin/env bash
# The browser chat's tests (tests/web/): the data layer, the service worker and the app, in
# Debian's Chromium driven by playwright-core, against loopback servers.
set -euo pipefail
cd "$(dirname "$0")/.."
# The app's tests run the built page (web/dist): build it from the sources first.
scripts/build-web.sh
scripts/node-test.sh "browser chat (tests/web)" tests/web/
