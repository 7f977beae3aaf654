import assert from 'node:assert/strict';
import type { Report } from '../core/schema/generated/report.js';
import { analyzed, sharedCapture } from './helpers.js';

// The report's section tables on the real Teams session: what a student would otherwise tabulate by hand.
describe('report sections on teams.pcap', function () {
  let report: Report;
  before(async function () {
    report = await analyzed(sharedCapture(this, 'teams.pcap'));
  });

  it('DNS: each name with its types, first frame, answers, platforms and service', function () {
    const name = (n: string) => report.dns.names.find((row) => row.name === n);
    const config = name('config.teams.microsoft.com')!;
    assert.equal(config.firstFrame, 312);
    assert.deepEqual(config.types, [{ type: 'A', count: 1 }]);
    assert.equal(config.aliases.at(-1), 's-0005.s-msedge.net');
    assert.ok(config.platforms.includes('Azure Front Door'), JSON.stringify(config.platforms));
    assert.equal(config.service, 'teams');
    assert.equal(name('emea.ng.msg.teams-msgapi.trafficmanager.net')?.service, 'teams');
    assert.deepEqual(name('euaz.tr.teams.microsoft.com')?.platforms, ['Azure Traffic Manager', 'Azure compute']);
    assert.deepEqual(name('trouter2-asse-a.trouter.teams.microsoft.com')?.types, [
      { type: 'AAAA', count: 1 },
      { type: 'A', count: 1 },
    ]);
    assert.equal(
      name('trouter2-asse-a.trouter.teams.microsoft.com')?.loadBalanced,
      false,
      'A and AAAA answers differ by nature',
    );
  });

  it('Security: client hellos grouped by JA3 with their ordered suites, GREASE set apart', function () {
    const chrome = report.tls.clientFingerprints.find((f) => f.ja3 === 'ebf5e0e525258d7a8dcb54aa1564ecbd')!;
    assert.equal(chrome.handshakes, 11);
    assert.ok(chrome.snis.includes('teams.microsoft.com'));
    assert.deepEqual(
      chrome.cipherSuites.slice(0, 6).map((c) => c.code),
      [0xcca9, 0xcca8, 0xc02b, 0xc02f, 0xc02c, 0xc030],
    );
    assert.ok(chrome.greaseValues > 0);
    assert.ok(chrome.cipherSuites.every((c) => (c.code & 0x0f0f) !== 0x0a0a));
  });

  it('Security: per server the negotiated version, the selected suite and the certificate chain', function () {
    const issuers = new Set(
      report.tls.servers.flatMap((s) => s.certificateChain ?? []).map((c) => /CN=([^,]+)$/.exec(c.issuer)?.[1]),
    );
    for (const issuer of ['Microsoft IT TLS CA 1', 'Microsoft IT TLS CA 4', 'DigiCert Cloud Services CA-1'])
      assert.ok(issuers.has(issuer), issuer);
    const teams = report.tls.servers.find((s) => s.server.ip === '52.113.194.132')!;
    assert.deepEqual(teams.versions, [{ code: 0x0303, name: 'TLS 1.2' }]);
    assert.deepEqual(
      teams.cipherSuites.map((c) => c.code),
      [0xc030],
    );
    assert.equal(teams.certificateChain?.[0]?.validityDays, 731);
    assert.equal(teams.certificateChain?.[0]?.selfSigned, false);
  });

  it('Security: the selected suite 0xc030 taken apart: ECDHE / RSA / AES-256 / GCM / SHA-384, forward secret, AEAD', function () {
    const suite = report.tls.cipherSuites.find((s) => s.code === 0xc030)!;
    assert.equal(suite.name, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    assert.deepEqual(
      [suite.keyExchange, suite.authentication, suite.cipher, suite.keyBits, suite.mode, suite.hash],
      ['ECDHE', 'RSA', 'AES', 256, 'GCM', 'SHA384'],
    );
    assert.equal(suite.forwardSecrecy, true);
    assert.equal(suite.aead, true);
    assert.equal(suite.grade, 'recommended');
    assert.deepEqual(suite.references, ['RFC5289']);
    assert.equal(suite.selectedIn, 36); // of 38 handshakes, once out-of-order segments are reassembled (issue 15: it said 22)
    assert.ok(suite.frames.includes(26));
  });

  it('Security: tells the ClientHello record-layer "TLS 1.0" from the negotiated TLS 1.2', function () {
    const finding = report.findings.find((f) => f.id === 'tls-record-version-is-not-negotiated')!;
    assert.equal(finding.title, 'ClientHellos travel in TLS 1.0 records, yet TLS 1.2 is negotiated');
    assert.ok(finding.frames.includes(18));
  });

  it('Network: the names the issue lists, with their services (telemetry, identity, chat)', function () {
    const serviceOf = (name: string) => report.addresses.find((a) => a.names.includes(name))?.service;
    assert.equal(serviceOf('teams.microsoft.com'), 'teams');
    assert.equal(serviceOf('emea.ng.msg.teams-msgapi.trafficmanager.net'), 'teams');
    assert.equal(serviceOf('mobile.pipe.aria.microsoft.com'), 'telemetry');
    assert.equal(serviceOf('login.microsoftonline.com'), 'identity');
  });

  it('Timeline: every packet counted once, under its highest-level protocol, per second since the first packet', function () {
    const { timeline } = report;
    assert.equal(timeline.binSeconds, 1);
    const total = timeline.series.reduce((sum, s) => sum + s.packets.reduce((a, b) => a + b, 0), 0);
    assert.equal(total, report.capture.packets);
    const packetsOf = (protocol: string) =>
      timeline.series.find((s) => s.protocol === protocol)?.packets.reduce((a, b) => a + b, 0);
    // The RTCP packet tshark reaches through the RTP dissector ("rtp:rtcp") is RTCP, not RTP.
    assert.equal(packetsOf('RTP'), 18);
    assert.equal(packetsOf('RTCP'), 1);
    assert.equal(packetsOf('DNS'), 45);
    assert.ok(timeline.series.every((s) => s.packets.length === Math.floor(report.capture.durationSec) + 1));
  });

  it('Transport: parallel connections to the telemetry server, and the IP versions', function () {
    const telemetry = report.transport.parallelConnections.find((p) => p.server.ip === '52.114.77.33')!;
    assert.equal(telemetry.connections, 9);
    assert.ok(telemetry.maxConcurrent >= 2);
    assert.equal(telemetry.names[0], 'mobile.pipe.aria.microsoft.com', 'the SNI first');
    const finding = report.findings.find((f) => f.id === 'tcp-parallel-connections/52.114.77.33:443')!;
    assert.match(
      finding.title,
      /^9 TCP connections to 52\.114\.77\.33:443 \(mobile\.pipe\.aria\.microsoft\.com\), up to \d at once$/,
    );
    assert.match(finding.detail, /slow start/);
    assert.equal(report.transport.ipVersions.ipv6.packets, 0);
    assert.equal(report.transport.ipVersions.ipv4.packets, 1498);
  });
});

describe('TLS security findings on other captures', function () {
  it('tls_invalid_reads.pcap: RC4-MD5 offered and selected, TLS 1.0 negotiated, each with its frames', async function () {
    const report = await analyzed(sharedCapture(this, 'tls_invalid_reads.pcap'));
    const ids = report.findings.map((f) => f.id);
    for (const id of ['tls-insecure-suites-offered', 'tls-insecure-suite-selected/0x0004', 'tls-version/tls-1.0'])
      assert.ok(ids.includes(id), `${id} missing from ${ids.join(',')}`);
    const selected = report.findings.find((f) => f.id === 'tls-insecure-suite-selected/0x0004')!;
    assert.equal(selected.severity, 'warning');
    assert.match(selected.detail, /RC4/);
    assert.doesNotMatch(selected.detail, /\.\./);
  });
});

describe('QUIC, SSDP and certificates on the other reference captures', function () {
  it('quic_0RTT.pcap: IETF QUIC version 1 with SNI ssl.gstatic.com', async function () {
    const report = await analyzed(sharedCapture(this, 'quic_0RTT.pcap'));
    const quic = report.quic.connections.find((q) => q.sni === 'ssl.gstatic.com')!;
    assert.equal(quic.protocol, 'quic');
    assert.deepEqual(quic.versions, ['0x00000001']);
    assert.deepEqual(quic.alpn, ['h3']);
  });

  it('quic.pcap: Google QUIC, not IETF QUIC', async function () {
    const report = await analyzed(sharedCapture(this, 'quic.pcap'));
    assert.ok(report.quic.connections.length > 0);
    assert.ok(report.quic.connections.every((q) => q.protocol === 'gquic'));
    assert.equal(report.quic.connections[0]?.sni, 'mail.google.com');
  });

  it('ssdp-m-search-ua.pcap: SSDP M-SEARCH discovery with its user agent', async function () {
    const report = await analyzed(sharedCapture(this, 'ssdp-m-search-ua.pcap'));
    assert.equal(report.ssdp.messages.length, 4);
    assert.equal(report.ssdp.messages[0]?.method, 'M-SEARCH');
    assert.match(report.ssdp.messages[0]?.userAgent ?? '', /Chrome/);
  });

  it('tls_long_cert.pcap and tls-rdn-extract.pcap: their certificate chains', async function () {
    const long = await analyzed(sharedCapture(this, 'tls_long_cert.pcap'));
    assert.deepEqual(
      long.tls.servers[0]?.certificateChain?.map((c) => /CN=([^,]+)/.exec(c.subject)?.[1]),
      ['www.repstatic.it', 'GeoTrust RSA CA 2018'],
    );
    const rdn = await analyzed(sharedCapture(this, 'tls-rdn-extract.pcap'));
    const leaf = rdn.tls.handshakes.flatMap((h) => h.certificates)[0]!;
    assert.equal(leaf.subjectCommonName, '*.officeapps.live.com');
    assert.equal(leaf.issuerCommonName, 'Microsoft Secure Server Authority');
  });
});

describe('DNS volume around a call', function () {
  it('audio-lan-K1AE.pcapng: several times more lookups per minute while call media flows', async function () {
    const report = await analyzed(sharedCapture(this, 'teams-activities/audio-lan-K1AE.pcapng'));
    const finding = report.findings.find((f) => f.id === 'dns-volume-during-call')!;
    const [during, outside] = /^([\d.]+) DNS lookups per minute while call media flows, ([\d.]+) outside it$/
      .exec(finding.title)!
      .slice(1)
      .map(Number);
    assert.ok(during! > 2 * outside!, finding.title);
    assert.match(finding.filter, /^dns && frame\.time_relative >= [\d.]+ && frame\.time_relative <= [\d.]+$/);
  });
});
