#!/usr/bin/env bash
# Runs a root npm script under Node >= 22.15: `with-node22.sh 'commands' [args...]`.
# When the Node first in PATH is older (Node 20 of an LTS distribution), it first
# puts the one of scripts/ensure-node.sh first in PATH, so turbo, tsc and the
# tests all run on it. The commands run in bash; arguments given after them (npm
# run's `-- ...`) are "$@" there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh"
exec bash -c "$1" with-node22 "${@:2}"
