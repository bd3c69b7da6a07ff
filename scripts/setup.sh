#!/usr/bin/env bash
# Everything a fresh machine needs before `npm run dev` or `npm test`; seconds when all is present.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# npm ci only when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "node_modules: installing (npm ci) ..."
  npm ci --no-audit --no-fund
fi
bash scripts/install-tools.sh
