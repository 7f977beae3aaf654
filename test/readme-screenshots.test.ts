import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERDICTS } from '../extension/view/verdicts.js';
import { analyzed, sharedCapture } from './helpers.js';

const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

// Issue 31: the README's screenshots showed a report teams.pcap no longer gives ("chat", "TLS 1.2 in 22
// handshakes"). `npm run screenshots` takes them in the real workbench and writes the summary lines they show
// beside them; this fails when the report says something else, until they are taken again.
describe("the README's screenshots of the analysis view", () => {
  it("show teams.pcap's current summary (else: npm run screenshots)", async function () {
    const report = await analyzed(sharedCapture(this, 'teams.pcap'));
    const current = VERDICTS.map((rule) => rule(report)).map((v) => `${v.label} ${v.text}`.replace(/\s+/g, ' '));
    const shown = readFileSync(join(SCREENSHOTS, 'analysis-view-summary.txt'), 'utf8').trimEnd().split('\n');
    assert.deepEqual(shown, current, 'docs/screenshots/ are stale: run npm run screenshots');
  });
});
