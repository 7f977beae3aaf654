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

  for (const capture of [Z1, 'teams.pcap'])
    it(`TURN allocations: the relays table counts each server's distinct relayed addresses, as its finding does (${capture})`, async function () {
      const report = await analyzed(sharedCapture(this, capture));
      const udpRelays = report.stun.summary.relays.filter((r) => r.transport === 'udp');
      assert.ok(
        udpRelays.some((r) => r.allocations),
        'a capture with TURN allocations',
      );
      for (const relay of udpRelays) {
        const finding = report.findings.find((f) => f.id === `turn-allocation/${relay.ip}:${relay.port}`);
        const granted = finding ? Number(/ granted (\d+) allocations?$/.exec(finding.title)?.[1]) : 0;
        assert.equal(relay.allocations, granted, `${relay.ip}:${relay.port}: ${finding?.title ?? 'no finding'}`);
      }
    });
});
