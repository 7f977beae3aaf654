#!/usr/bin/env bash
# Regenerates docs/example-report.md (and its chart) from the real Teams session ../shared/captures/teams.pcap.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p docs
node dist/cli/teamshark.mjs analyze ../shared/captures/teams.pcap --out docs/example-report.md --force
echo "docs/example-report.md and docs/example-report.packets-per-second.svg regenerated" >&2
