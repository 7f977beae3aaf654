import assert from 'node:assert/strict';
import { VERDICTS } from '../extension/view/verdicts.js';
import { analyzed, sharedCapture } from './helpers.js';

const Z1 = 'teams-more/audio-file-Z1.pcapng';

// Issue 27: where the report counts a thing once, its other places (the view's summary, the tables, the
// outline, the findings) count it the same way.
describe('one count everywhere a report states it', function () {
  it("the view's TLS line counts the handshakes the TLS statistics count, not the relays' pseudo-TLS (audio-file-Z1)", async function () {
    const report = await analyzed(sharedCapture(this, Z1));
    assert.ok(
      report.tls.handshakes.some((h) => h.pseudoTls && h.serverHello?.version.name === 'TLS 1.0'),
      'Z1 holds relay pseudo-TLS in TLS 1.0 framing',
    );
    const line = VERDICTS.map((rule) => rule(report)).find((v) => v.label === 'TLS')!;
    assert.doesNotMatch(line.text, /TLS 1\.0/);
    const negotiated = [...line.text.matchAll(/ in (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    const selected = report.tls.cipherSuites.reduce((sum, suite) => sum + suite.selectedIn, 0);
    assert.equal(negotiated, selected, `${line.text}: as many as the cipher-suite statistics' ServerHellos`);
  });
});
