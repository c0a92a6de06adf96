#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what it needs, then lint,
# typecheck, the web app's build, and every jest suite (unit, workflow on the
# time-skipping server, integration on the Temporal dev server + FerretDB, e2e
# in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash scripts/prepare.sh
echo "[test] dependencies and infrastructure ready in $((SECONDS - t0))s" >&2
echo "[test] lint" >&2
npx eslint .
echo "[test] typecheck" >&2
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p web/tsconfig.json
echo "[test] build the web app (the e2e tests load it from the API)" >&2
npm run --silent build:web
echo "[test] jest" >&2
npx jest "$@"
