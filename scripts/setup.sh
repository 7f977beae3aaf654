#!/usr/bin/env bash
# What every entry point needs before it runs: npm dependencies, tshark, and the compiled code.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/ensure-tshark.sh
npm run --silent build
