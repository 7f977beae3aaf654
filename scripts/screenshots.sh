#!/usr/bin/env bash
# Regenerates the README's screenshots of the analysis view (teams.pcap in Light, Dark and High Contrast) from
# the real workbench: the UI test that takes them (code-server + Chromium, test/ui.test.ts) runs alone, and its
# pictures and the summary lines they show are copied to docs/screenshots/. test/readme-screenshots.test.ts
# fails when the report no longer says what the pictures show. Usage: npm run screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
npx mocha out/test/ui.test.js -g 'the view in light, dark and high-contrast themes'
for file in analysis-view-light.png analysis-view-dark.png analysis-view-high-contrast.png analysis-view-summary.txt; do
  cp "test-results/$file" docs/screenshots/
done
echo "docs/screenshots/ updated: review with git diff --stat docs/screenshots"
