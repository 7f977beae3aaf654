import assert from 'node:assert/strict';
import type { Report } from '../core/schema/generated/report.js';
import { analyzed, assertValidReport, sharedCapture } from './helpers.js';

// The real 2020 Teams session from nDPI's test suite: what Teamshark must find in it, frame by frame.
describe('teams.pcap, a real Teams session', function () {
  let report: Report;

  before(async function () {
    report = await analyzed(sharedCapture(this, 'teams.pcap'));
  });

  it('produces a report that matches the report schema', function () {
    assertValidReport(report);
    assert.deepEqual(report.warnings, []);
  });

  it('counts 1540 packets over about 25.6 seconds, read by the tshark it names', function () {
    assert.equal(report.capture.packets, 1540);
    assert.ok(Math.abs(report.capture.durationSec - 25.6) < 0.05, `duration ${report.capture.durationSec}`);
    assert.equal(report.capture.start, '2020-04-16T12:54:32.419Z');
    assert.match(report.capture.tshark.version, /^\d+\.\d+\.\d+$/);
    assert.ok(report.capture.tshark.arguments.includes('rtp_udp'));
    assert.deepEqual(report.capture.linkTypes, ['Ethernet']);
  });

  it('follows euaz.tr.teams.microsoft.com through Traffic Manager to an Azure address (frames 714, 728)', function () {
    const t = report.dns.transactions.find((t) => t.name === 'euaz.tr.teams.microsoft.com' && t.type.name === 'A');
    assert.ok(t, 'no A query for euaz.tr.teams.microsoft.com');
    assert.equal(t.queryFrame, 714);
    assert.equal(t.responseFrame, 728);
    assert.equal(t.rcode?.name, 'No error');
    assert.deepEqual(t.chain, {
      names: [
        'euaz.tr.teams.microsoft.com',
        'euaz.tr.teams.trafficmanager.net',
        'b-tr-teams-euno-05.northeurope.cloudapp.azure.com',
      ],
      addresses: ['52.114.250.123'],
    });
    assert.equal(t.client.ip, '192.168.1.6');
    assert.deepEqual(t.server, { ip: '192.168.1.1', port: 53 });
  });

  it('follows config.teams.microsoft.com to Azure Front Door s-0005.s-msedge.net → 52.113.194.132 (frames 312, 333)', function () {
    const t = report.dns.transactions.find((t) => t.name === 'config.teams.microsoft.com' && t.chain);
    assert.ok(t);
    assert.equal(t.responseFrame, 333);
    assert.equal(t.chain!.names.at(-1), 's-0005.s-msedge.net');
    assert.deepEqual(t.chain!.addresses, ['52.113.194.132']);
    const finding = report.findings.find((f) => f.id === 'dns-cname-chain/config.teams.microsoft.com');
    assert.ok(finding);
    assert.deepEqual(finding.frames, [312, 333]);
    assert.equal(finding.filter, 'dns.qry.name == "config.teams.microsoft.com"');
  });

  it('reads the SOA prd1.azuredns-cloud.net from authority sections (frames 744, 1241, 1373)', function () {
    const withSoa = report.dns.transactions.filter((t) =>
      t.authority.some((r) => r.type.name === 'SOA' && r.data === 'prd1.azuredns-cloud.net'),
    );
    assert.deepEqual(
      withSoa.map((t) => t.responseFrame),
      [744, 1241, 1373],
    );
    const soa = withSoa[0]!.authority[0]!;
    assert.equal(soa.name, 'cloudapp.net');
    assert.equal(soa.responsible, 'msnhst.microsoft.com');
    assert.equal(withSoa[0]!.answers.length, 0);
    const finding = report.findings.find((f) => f.id === 'dns-soa/prd1.azuredns-cloud.net');
    assert.deepEqual(finding?.frames, [744, 1241, 1373]);
  });

  it('pairs the TLS handshake with 52.113.194.132 (SNI teams.microsoft.com): ServerHello frame 26 selects 0xc030', function () {
    const h = report.tls.handshakes.find((h) => h.server.ip === '52.113.194.132' && h.serverHello?.frame === 26);
    assert.ok(h);
    assert.equal(h.protocol, 'tls');
    assert.equal(h.clientHello?.frame, 18);
    assert.equal(h.clientHello?.sni, 'teams.microsoft.com');
    assert.deepEqual(h.clientHello?.alpn, ['h2', 'http/1.1']);
    assert.ok(h.clientHello!.cipherSuites.some((s) => s.code === 0xc030));
    assert.deepEqual(h.serverHello?.cipherSuite, { code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' });
    assert.deepEqual(h.serverHello?.version, { code: 0x0303, name: 'TLS 1.2' });
    assert.equal(h.server.port, 443);
    const flow = report.flows.find((f) => f.id === h.flowId);
    assert.equal(flow?.server.ip, '52.113.194.132');
    assert.equal(flow?.clientBy, 'syn');
  });

  it('reads the certificate chain of frame 26: teams.microsoft.com issued by Microsoft IT TLS CA 4, 2019-09-12 → 2021-09-12', function () {
    const h = report.tls.handshakes.find((h) => h.serverHello?.frame === 26)!;
    const [leaf, intermediate] = h.certificates;
    assert.equal(leaf?.frame, 26);
    assert.equal(leaf?.subjectCommonName, 'teams.microsoft.com');
    assert.equal(leaf?.issuerCommonName, 'Microsoft IT TLS CA 4');
    assert.equal(leaf?.notBefore, '2019-09-12T18:16:45.000Z');
    assert.equal(leaf?.notAfter, '2021-09-12T18:16:45.000Z');
    assert.deepEqual(leaf?.subjectAltNames, ['teams.microsoft.com']);
    assert.equal(intermediate?.subjectCommonName, 'Microsoft IT TLS CA 4');
    assert.equal(intermediate?.issuerCommonName, 'Baltimore CyberTrust Root');
    assert.equal(h.certificates.length, 2, 'the stapled OCSP response is not a chain certificate');
  });

  it('sees STUN/MS-TURN to Microsoft relays on 52.114.x.x:3478 with Microsoft attributes (frame 1238 on)', function () {
    const toRelays = report.stun.messages.filter(
      (m) => m.destination.ip.startsWith('52.114.') && m.destination.port === 3478,
    );
    assert.equal(toRelays[0]?.frame, 1238);
    assert.equal(toRelays[0]?.method, 'Allocate');
    assert.equal(toRelays[0]?.class, 'request');
    const attributes = new Set(toRelays.flatMap((m) => m.attributes.map((a) => a.name)));
    for (const name of ['MS-VERSION', 'MS-SERVICE-QUALITY', 'MS-MULTIPLEXED-TURN-SESSION-ID', 'MAGIC-COOKIE']) {
      assert.ok(attributes.has(name), `missing ${name}`);
    }
    const withVersion = toRelays.find((m) => m.microsoft?.version !== undefined);
    assert.ok(withVersion, 'no MS-VERSION value decoded');
  });

  it('finds the public address behind the NAT from XOR-MAPPED-ADDRESS (frame 1275)', function () {
    const response = report.stun.messages.find((m) => m.frame === 1275)!;
    assert.equal(response.class, 'success');
    assert.deepEqual(
      response.addresses.map((a) => [a.attribute?.name, a.ip]),
      [
        ['MAPPED-ADDRESS', '52.114.250.141'],
        ['XOR-MAPPED-ADDRESS (MS-TURN)', '80.181.206.72'],
      ],
    );
    const nat = report.findings.find((f) => f.id === 'nat-mapped-address/80.181.206.72');
    assert.ok(nat?.frames.includes(1275));
    assert.match(nat!.title, /192\.168\.1\.6 reaches the Internet as 80\.181\.206\.72/);
  });

  it('decodes Teams media as RTP thanks to the rtp_udp heuristic', function () {
    const stream = report.rtp.streams.find((s) => s.ssrc === '0x000074ec');
    assert.ok(stream);
    assert.equal(stream.source.ip, '93.71.110.205');
    assert.equal(stream.packets, 18);
  });

  it('orients flows by their SYN and accounts every byte to a direction', function () {
    for (const flow of report.flows) {
      assert.equal(flow.packets, flow.clientToServer.packets + flow.serverToClient.packets);
      assert.ok(flow.firstFrame <= flow.lastFrame);
      assert.match(flow.filter, /^(tcp|udp)\.stream eq \d+$/);
    }
    const tcp = report.flows.filter((f) => f.transport === 'tcp');
    assert.ok(tcp.filter((f) => f.clientBy === 'syn').length > tcp.length / 2);
  });

  it('gives every finding frames that exist in the capture and a display filter', function () {
    assert.ok(report.findings.length > 10);
    for (const f of report.findings) {
      assert.ok(
        f.frames.every((n) => n >= 1 && n <= report.capture.packets),
        f.id,
      );
      assert.ok(f.filter.length > 0);
    }
  });
});
