import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { formatEndpoint } from '../core/model/addressing.js';
import { analyzed, sharedCapture } from './helpers.js';
import { ndpiFlows, ndpiSaysOtherApp, ndpiSaysTeams } from './ndpi.js';

interface Disagreement {
  flow: string;
  ndpi: string;
  teamshark: string;
  reason: string;
}

// nDPI is an independent Teams classifier: where it and Teamshark disagree on "is this Teams?", the
// fixture says why, flow by flow.
describe('flow labels cross-checked with nDPI (ndpiReader) on teams.pcap', function () {
  it('agrees on at least 95 % of flows, and every disagreement is listed with its reason', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const [report, ndpi, fixture] = await Promise.all([
      analyzed(capture),
      ndpiFlows(capture),
      readFile(new URL('../../test/fixtures/ndpi-teams-disagreements.json', import.meta.url), 'utf8').then(
        (t) => JSON.parse(t) as Disagreement[],
      ),
    ]);
    const ours = new Map(
      report.flows.map((f) => [
        `${f.transport} ${[formatEndpoint(f.client), formatEndpoint(f.server)].sort().join(' ')}`,
        f,
      ]),
    );
    const disagreements: Disagreement[] = [];
    let compared = 0;
    for (const flow of ndpi) {
      const key = `${flow.transport} ${flow.endpoints.join(' ')}`;
      const mine = ours.get(key);
      if (!mine?.service) continue;
      compared++;
      const weSayTeams = mine.service.teams;
      if (weSayTeams !== ndpiSaysTeams(flow.label)) {
        disagreements.push({ flow: key, ndpi: flow.label, teamshark: mine.service.name, reason: '' });
      }
      if (ndpiSaysOtherApp(flow.label))
        assert.equal(weSayTeams, false, `${key}: nDPI says ${flow.label}, we say Teams`);
    }
    assert.ok(compared >= ndpi.length * 0.9, `only ${compared} of nDPI's ${ndpi.length} flows matched ours`);
    const listed = new Map(fixture.map((d) => [d.flow, d]));
    for (const d of disagreements) {
      const entry = listed.get(d.flow);
      assert.ok(entry, `unlisted disagreement: ${JSON.stringify(d)}`);
      assert.equal(entry.ndpi, d.ndpi, d.flow);
      assert.equal(entry.teamshark, d.teamshark, d.flow);
      assert.ok(entry.reason.length > 20, `${d.flow}: the fixture must say why`);
    }
    assert.deepEqual(
      fixture.map((d) => d.flow).filter((f) => !disagreements.some((d) => d.flow === f)),
      [],
      'stale fixture entries',
    );
    const agreement = 1 - disagreements.length / compared;
    assert.ok(agreement >= 0.95, `agreement ${(agreement * 100).toFixed(1)} %`);
  });
});
