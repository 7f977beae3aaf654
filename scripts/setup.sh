#!/usr/bin/env bash
# What every entry point needs before it runs: npm dependencies, tshark (the decoder), the compiled code,
# and, with --test, ndpiReader (the independent classifier the tests cross-check against).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/ensure-tool.sh "${TEAMSHARK_TSHARK:-tshark}" tshark
if [ "${1:-}" = --test ]; then
  bash scripts/ensure-tool.sh ndpiReader libndpi-bin
  bash scripts/install-code-server.sh >/dev/null
fi
npm run --silent build
