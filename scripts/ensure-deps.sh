#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lockfile.
# `npm install` (which follows package-lock.json) rather than `npm ci`: the registry
# reachable from our build machines does not serve other platforms' optional packages
# (e.g. @swc/core-darwin-arm64), so the lockfile cannot list them and `npm ci` would
# reject it as out of sync.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm install (from package-lock.json)" >&2
  npm install --no-audit --no-fund >&2
fi
