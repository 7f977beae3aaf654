import assert from 'node:assert/strict';
import type { Report } from '../core/schema/generated/report.js';
import { analyzed, assertValidReport, courseLabels, sharedCapture } from './helpers.js';

function flowTo(report: Report, ip: string, port: number) {
  return report.flows.find((f) => f.server.ip === ip && f.server.port === port);
}

describe('Teams classifiers on teams.pcap', function () {
  let report: Report;
  before(async function () {
    report = await analyzed(sharedCapture(this, 'teams.pcap'));
  });

  it('keeps the report schema-valid with the classifiers’ additions', function () {
    assertValidReport(report);
  });

  it('finds the capturing client, its resolver, the relays and the LAN peer', function () {
    const role = (ip: string) => report.addresses.find((a) => a.ip === ip)?.role;
    assert.equal(role('192.168.1.6'), 'client');
    assert.equal(role('192.168.1.1'), 'dns-resolver');
    assert.equal(role('52.114.250.123'), 'relay');
    assert.equal(
      role('52.113.194.132'),
      'cdn',
      'config.teams.microsoft.com is served by Azure Front Door (s-msedge.net)',
    );
    const relay = report.addresses.find((a) => a.ip === '52.114.250.123')!;
    assert.ok(relay.names.includes('euaz.tr.teams.microsoft.com'));
    assert.equal(relay.microsoftPrefix, '52.112.0.0/14');
  });

  it('labels flows by SNI, DNS name and STUN attributes', function () {
    const teams = flowTo(report, '52.113.194.132', 443)!;
    assert.equal(teams.service?.name, 'teams');
    assert.equal(teams.service?.evidence[0]?.kind, 'sni');
    assert.equal(flowTo(report, '52.114.77.33', 443)?.service?.name, 'telemetry');
    const relayFlow = report.flows.find((f) => f.server.ip === '52.114.250.123' && f.transport === 'udp')!;
    assert.equal(relayFlow.service?.name, 'teams-calling');
    assert.equal(relayFlow.service?.teams, true);
    const relayLookup = report.dns.transactions.find((t) => t.name === 'euaz.tr.teams.microsoft.com')!;
    const dnsFlow = report.flows.find(
      (f) =>
        f.transport === 'udp' && f.client.port === relayLookup.client.port && f.server.ip === relayLookup.server.ip,
    )!;
    assert.equal(dnsFlow.service?.name, 'teams-calling', 'a DNS flow takes the service of the name it looks up');
    const dropbox = report.flows.filter((f) => f.protocols.includes('db-lsp-disc'));
    assert.ok(dropbox.length > 0 && dropbox.every((f) => !f.service?.teams));
  });

  it('summarises NAT traversal: public address 80.181.206.72 for 192.168.1.6, learned by STUN, and the TURN relays', function () {
    const { summary } = report.stun;
    assert.equal(summary.behindNat, true);
    const nat = summary.publicAddresses.find((p) => p.ip === '80.181.206.72')!;
    assert.deepEqual(nat.privateAddresses, ['192.168.1.6']);
    assert.ok(nat.frames.includes(1275));
    const relay = summary.relays.find((r) => r.ip === '52.114.250.123' && r.port === 3478)!;
    assert.ok((relay.allocations ?? 0) >= 2);
    assert.ok(relay.names.includes('euaz.tr.teams.microsoft.com'));
    assert.ok(summary.malformedMessages > 0, 'tshark 4.0 marks MS-TURN messages malformed; they still count');
  });
});

// The course captures: each one activity. Media kinds must come out right from the traffic alone.
describe('media kinds and call paths on the labelled course captures', function () {
  const rows = courseLabels();
  it('has the labelled captures to test', function () {
    if (rows.length === 0) sharedCapture(this, 'teams-activities/LABELS.tsv');
    assert.equal(rows.length, 40);
  });

  for (const { file, activity } of rows) {
    it(`${file} (${activity})`, async function () {
      const report = await analyzed(sharedCapture(this, `teams-activities/${file}`));
      const kinds = new Set(report.media.filter((m) => m.ssrc).map((m) => m.kind));
      if (activity === 'audio') {
        assert.ok(kinds.has('audio'), `no audio stream: ${[...kinds].join(',')}`);
        assert.ok(
          !kinds.has('video') && !kinds.has('screen-sharing'),
          `video in an audio call: ${JSON.stringify(report.media.map((m) => [m.kind, m.reason]))}`,
        );
      } else if (activity === 'video') {
        assert.ok(
          kinds.has('video'),
          `no video stream: ${JSON.stringify(report.media.map((m) => [m.kind, m.reason]))}`,
        );
      } else {
        assert.equal(
          kinds.size,
          0,
          `media in a ${activity} capture: ${JSON.stringify(report.media.map((m) => [m.kind, m.reason]))}`,
        );
      }
      if (activity === 'audio' || activity === 'video') {
        assert.ok(report.call, 'no call path');
        assert.match(report.call.reason, /%/);
        assert.ok(report.findings.some((f) => f.id.startsWith('call-path/')));
      }
    });
  }
});

// Other conferencing apps: nothing in them may be called Teams media.
describe('negative controls: Zoom, Webex, Google Meet', function () {
  for (const name of ['zoom.pcap', 'webex.pcap', 'google_meet.pcapng']) {
    it(`${name} has no Teams media and no Teams-calling flow`, async function () {
      const report = await analyzed(sharedCapture(this, name));
      const teamsFlows = new Set(report.flows.filter((f) => f.service?.teams).map((f) => f.id));
      assert.deepEqual(
        report.media.filter((m) => teamsFlows.has(m.flowId)),
        [],
      );
      assert.deepEqual(
        report.flows.filter((f) => f.service?.name === 'teams-calling').map((f) => f.id),
        [],
      );
    });
  }
});
