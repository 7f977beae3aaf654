import assert from 'node:assert/strict';
import { analyzed, sharedCapture } from './helpers.js';

const troubleIds = (findings: { id: string }[]) =>
  findings.map((f) => f.id).filter((id) => /^tcp-(syn-retries|retransmissions|zero-window)\//.test(id));

// TCP health on real captures: trouble where the path failed, silence where resets are routine.
describe('TCP health on real captures', function () {
  it('teams-more/audio-4g-E1: SYN retries to the flight proxy and lost data on a dying 4G link', async function () {
    const report = await analyzed(sharedCapture(this, 'teams-more/audio-4g-E1.pcapng'));
    const proxy = report.findings.find((f) => f.id === 'tcp-syn-retries/52.114.74.116:443');
    assert.match(proxy?.title ?? '', /^4 SYN retransmissions to 52\.114\.74\.116:443 .* on 2 TCP connections$/);
    assert.ok(report.findings.some((f) => f.id === 'tcp-retransmissions/20.90.156.32:443'));
    const server = report.transport.tcpHealth.servers.find((s) => s.server.ip === '52.114.74.116')!;
    assert.equal(server.counts.synRetries, 4);
  });

  it('audio-lan-K1AE: raced connections the client abandoned after the SYN-ACK are counted, not called trouble', async function () {
    const report = await analyzed(sharedCapture(this, 'teams-activities/audio-lan-K1AE.pcapng'));
    const raced = report.transport.tcpHealth.servers.find((s) => s.server.ip === '13.107.237.67')!;
    assert.deepEqual([raced.counts.resets, raced.counts.retransmissions, raced.counts.synRetries], [1, 0, 0]);
    assert.deepEqual(
      troubleIds(report.findings).filter((id) => id.includes('13.107.')),
      [],
    );
  });
});
