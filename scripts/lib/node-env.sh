# shellcheck shell=bash
# Sourced by every script that runs node or npm. Where the machine's node is missing or older
# than the tests need, scripts/setup.sh installs Node from the npm registry into build/node
# (see there); this puts that one first on PATH. On a machine whose own node is recent enough
# there is no build/node, and PATH stays as it is.
llmux_node_prefix=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/node
if [[ -x $llmux_node_prefix/bin/node && :$PATH: != *":$llmux_node_prefix/bin:"* ]]; then
  export PATH=$llmux_node_prefix/bin:$PATH
fi
