import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { classifyAddress } from '../core/knowledge/ranges.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { reportOutline, type OutlineNode } from '../core/report/outline.js';
import type { Report } from '../core/schema/generated/report.js';
import { SHARED_CAPTURES, analyzed, courseLabels, sampleCapture, sharedCapture, tsharkFrames } from './helpers.js';

const FOUR_G = courseLabels()
  .map((l) => l.file)
  .filter((f) => /-4g-/.test(f));

// Issue 15: statements the report made that tshark contradicts, each pinned on the capture where it showed.
describe('issue 15: the report is true on the captures where it was not', function () {
  describe("1. the relays' pseudo-TLS on TCP 443 is MS-TURN, not weak TLS", function () {
    let report: Report;
    before(async function () {
      report = await analyzed(sharedCapture(this, 'teams-activities/audio-4g-K1AG.pcapng'));
    });

    it('audio-4g-K1AG: every handshake with 20.202.1.6:443 is marked pseudo-TLS, its STUN records checked by tshark', async function () {
      const toRelay = report.tls.handshakes.filter((h) => h.server.ip === '20.202.1.6' && h.server.port === 443);
      assert.equal(toRelay.length, 4);
      for (const h of toRelay) assert.equal(h.pseudoTls?.kind, 'ms-turn-tcp', h.flowId);
      const stunFrames = toRelay.flatMap((h) => h.pseudoTls!.stunFrames).sort((a, b) => a - b);
      assert.deepEqual(stunFrames, [417, 433, 448, 457]);
      assert.deepEqual(
        await tsharkFrames(
          sharedCapture(this, 'teams-activities/audio-4g-K1AG.pcapng'),
          'ip.addr == 20.202.1.6 && tcp.port == 443 && tcp.payload[8:4] == 21:12:a4:42',
        ),
        stunFrames,
      );
    });

    it('audio-4g-K1AG: no TLS 1.0, anonymous or RC4 statement; a relay-over-TCP finding instead', function () {
      for (const f of report.findings) {
        assert.doesNotMatch(f.title, /TLS 1\.0 negotiated|DH_anon|RC4|insecure/, f.id);
      }
      assert.ok(
        !report.tls.cipherSuites.some((s) => s.code === 0x0018),
        'TLS_DH_anon_WITH_RC4_128_MD5 counted as a TLS suite',
      );
      assert.ok(!report.tls.servers.some((s) => s.server.ip === '20.202.1.6'));
      const relay = report.findings.find((f) => f.id === 'media-relay-over-tcp/20.202.1.6');
      assert.ok(relay, 'no relay-over-TCP finding');
      assert.match(relay.title, /Media relay 20\.202\.1\.6 .*reached over TCP 443/);
      const entry = report.stun.summary.relays.find((r) => r.ip === '20.202.1.6' && r.transport === 'tcp-443');
      assert.ok(entry, 'no tcp-443 relay entry in the NAT summary');
      const flow = report.flows.find((f) => f.id === report.tls.handshakes.find((h) => h.pseudoTls)!.flowId)!;
      assert.equal(flow.service?.name, 'teams-calling');
      assert.match(flow.service?.role ?? '', /media relay over TCP 443/);
    });

    it('every 4G course capture: no TLS 1.0 / anonymous / RC4 finding, and the relay-over-TCP finding', async function () {
      this.timeout(120_000);
      assert.ok(FOUR_G.length >= 3, 'the 4G captures are listed in LABELS.tsv');
      for (const file of FOUR_G) {
        const r = await analyzed(sharedCapture(this, `teams-activities/${file}`));
        for (const f of r.findings) assert.doesNotMatch(f.title, /TLS 1\.0 negotiated|DH_anon|RC4/, `${file}: ${f.id}`);
        if (r.tls.handshakes.some((h) => h.pseudoTls)) {
          assert.ok(
            r.findings.some((f) => f.id.startsWith('media-relay-over-tcp/')),
            `${file}: no relay-over-TCP finding`,
          );
        }
      }
    });
  });

  describe('2. TLS records in out-of-order segments are reassembled', function () {
    it('teams.pcap: 38 ServerHellos, certificates from 20 servers; the record-version finding lists what its filter matches', async function () {
      const path = sharedCapture(this, 'teams.pcap');
      const report = await analyzed(path);
      const negotiated = report.tls.handshakes.filter((h) => h.protocol === 'tls' && h.serverHello);
      assert.equal(negotiated.length, 38);
      assert.equal(
        report.findings.find((f) => f.id === 'tls-version/tls-1.2')?.title,
        'TLS 1.2 negotiated in 38 handshakes',
      );
      assert.equal(
        new Set(
          report.tls.handshakes.filter((h) => h.certificates.length).map((h) => `${h.server.ip}:${h.server.port}`),
        ).size,
        20,
      );
      const recordVersion = report.findings.find((f) => f.id === 'tls-record-version-is-not-negotiated')!;
      assert.equal(recordVersion.frames.length, (await tsharkFrames(path, recordVersion.filter)).length);
    });
  });

  describe('3. certificates by the CA that issued them, with the chain', function () {
    it('teams.pcap: the Markdown names the issuing CAs and shows each chain with its validity; so does the tree', async function () {
      const report = await analyzed(sharedCapture(this, 'teams.pcap'));
      const md = renderMarkdown(report);
      assert.match(md, /\| teams\.microsoft\.com, 2019-09-12 → 2021-09-12, 731 days \| Microsoft IT TLS CA 4 \|/);
      assert.match(md, /\| DigiCert Cloud Services CA-1 \|/);
      assert.doesNotMatch(md, /\| (Microsoft Corporation|DigiCert Inc) \|/);
      assert.match(md, /### Certificate chains/);
      assert.match(
        md,
        /Microsoft IT TLS CA 4 \(2016-05-20 → 2024-05-20, 2922 days\) ← issued by Baltimore CyberTrust Root/,
      );
      const certificates =
        (reportOutline(report).find((n) => n.section === 'security')?.children ?? []).find(
          (n: OutlineNode) => n.label === 'Certificates',
        )?.children ?? [];
      const intermediate = certificates.find((n: OutlineNode) => n.label === 'Microsoft IT TLS CA 4');
      assert.match(
        intermediate?.description ?? '',
        /issued by Baltimore CyberTrust Root, valid 2016-05-20 – 2024-05-20/,
      );
    });
  });

  describe('4. addresses are not XOR-decoded where the dialect sends them in plain', function () {
    it('audio-wifi-K1AW-60sec: the MS-TURN Data Indication of frame 200 comes from peer 109.132.195.16:50010', async function () {
      const report = await analyzed(sharedCapture(this, 'teams-activities/audio-wifi-K1AW-60sec.pcapng'));
      const indication = report.stun.messages.find((m) => m.frame === 200)!;
      assert.equal(indication.method, 'Data');
      assert.equal(indication.class, 'indication');
      assert.deepEqual(
        indication.addresses.map((a) => [a.attribute?.name, a.ip, a.port]),
        [['REMOTE-ADDRESS (MS-TURN)', '109.132.195.16', 50010]],
      );
      // The peer is real: the client talks to it directly in this capture.
      assert.ok(report.flows.some((f) => f.server.ip === '109.132.195.16' || f.client.ip === '109.132.195.16'));
      const everyAddress = report.stun.messages.flatMap((m) => m.addresses.map((a) => a.ip));
      assert.ok(
        !everyAddress.some((ip) => ip.startsWith('21.') || ip === '76.150.103.82'),
        'a twice-XORed address is left',
      );
      assert.ok(
        !report.stun.messages.some((m) => /method 0x005/.test(m.type.name ?? '')),
        'a Data Indication read as an error response',
      );
    });
  });

  describe('5. rates are divided by the time the packets span', function () {
    it('teams.pcap: 18 packets of SSRC 0x000074ec in 0.35 s are about 51 pkt/s, and too few to judge', async function () {
      const report = await analyzed(sharedCapture(this, 'teams.pcap'));
      const stream = report.media.find((m) => m.ssrc === '0x000074ec')!;
      assert.equal(stream.packets, 18);
      assert.ok(stream.pps > 45 && stream.pps < 56, `pps ${stream.pps}`);
      assert.match(stream.reason, /too few/);
    });
  });

  describe('6. the client and Microsoft are recognised', function () {
    it("chat-lan-K1ME: the client's global IPv6 address is the client; Azure addresses are Microsoft (Azure)", async function () {
      const report = await analyzed(sharedCapture(this, 'teams-activities/chat-lan-K1ME.pcapng'));
      const role = (ip: string) => report.addresses.find((a) => a.ip === ip);
      assert.equal(role('2a02:a03f:c07f:e900:5a1:cecf:ed45:1eeb')?.role, 'client');
      assert.equal(role('192.168.1.52')?.role, 'client');
      const azure = role('2603:1020:1001:6::41')!;
      assert.equal(azure.role, 'microsoft');
      assert.equal(azure.azurePrefix, '2603:1020:1000::/47');
      assert.equal(azure.service, 'azure');
    });

    it('Azure prefixes cover the addresses left "other": 2603:1020:…, 20.52.64.201, 20.50.201.200, 13.69.109.131; Microsoft 365 ranges take precedence', function () {
      for (const ip of ['2603:1020:1001:6::41', '20.52.64.201', '20.50.201.200', '13.69.109.131']) {
        assert.ok(classifyAddress(ip).azure, `${ip} is not in Azure's prefixes`);
      }
      const teams = classifyAddress('52.114.76.58');
      assert.equal(teams.microsoft?.prefix, '52.112.0.0/14');
      assert.equal(teams.azure, undefined);
      assert.equal(classifyAddress('93.71.110.205').azure, undefined);
    });

    it('reproduces core/knowledge/azure-ranges.json from ../shared/data (npm run update-azure-ranges changes nothing), with source and version', async function () {
      const input = join(SHARED_CAPTURES, '../data/azure-prefixes.txt');
      sharedCapture(this, '../data/azure-prefixes.txt');
      const folder = await mkdtemp(join(tmpdir(), 'teamshark-azure-'));
      try {
        const out = join(folder, 'azure-ranges.json');
        const run = await execa(process.execPath, ['scripts/convert-azure-prefixes.mjs', input, '--out', out], {
          reject: false,
        });
        assert.equal(run.exitCode, 0, run.stderr);
        const committed = await readFile('core/knowledge/azure-ranges.json', 'utf8');
        assert.equal(await readFile(out, 'utf8'), committed);
        const data = JSON.parse(committed) as { version: string; source: { mergedBy: string }; prefixes: string[] };
        assert.equal(data.version, '2024-10-21');
        assert.match(data.source.mergedBy, /3b1286ab03b0c9223ac208a01868d8c1f6c0ae00/);
        assert.ok(data.prefixes.length > 2000);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });
  });

  describe('7. parallel-connection advice only where it holds', function () {
    it("audio-4g-K1AG: no HTTP/2 advice for the relay's TCP candidates nor for connections without an HTTP/1.1 answer", async function () {
      const report = await analyzed(sharedCapture(this, 'teams-activities/audio-4g-K1AG.pcapng'));
      assert.ok(
        !report.transport.parallelConnections.some((p) => p.server.ip === '20.202.1.6'),
        'relay candidates counted as parallel connections',
      );
      for (const f of report.findings.filter((f) => f.id.startsWith('tcp-parallel-connections/'))) {
        const p = report.transport.parallelConnections.find((p) => f.id.endsWith(`${p.server.ip}:${p.server.port}`))!;
        if (/HTTP\/2\) could carry|HTTP\/2 connection could carry/.test(f.detail))
          assert.deepEqual(p.applicationProtocols, ['http/1.1'], f.id);
      }
    });
  });

  describe('8. no miscounted or duplicated lines', function () {
    it('video-4g-K3VG-60sec: findings have distinct titles; the call path names each pair once and counts its streams', async function () {
      const report = await analyzed(sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng'));
      const titles = report.findings.map((f) => f.title);
      assert.deepEqual(
        titles.filter((t, i) => titles.indexOf(t) !== i),
        [],
      );
      const path = report.findings.find((f) => f.id === 'call-path/p2p')!;
      const streams = Number(/^(\d+) media streams?/.exec(path.detail)?.[1]);
      assert.equal(streams, report.media.filter((m) => m.path === 'p2p').length);
      const pairs = [...path.detail.matchAll(/(\S+:\d+) ↔ (\S+:\d+)/g)].map((m) => [m[1], m[2]].sort().join(' '));
      assert.equal(new Set(pairs).size, pairs.length, `a pair is listed twice: ${path.detail}`);
    });
  });

  describe('12. readable statements', function () {
    it('teams.pcap: each weakness is named once with its suites under a set filter; rates, clocks and payload types say what they are', async function () {
      const report = await analyzed(sharedCapture(this, 'teams.pcap'));
      const weak = report.findings.find((f) => f.id === 'tls-weak-suites-offered')!;
      const sentences = weak.detail.split(/(?<=\.) /);
      assert.equal(new Set(sentences).size, sentences.length, 'a sentence is repeated');
      assert.equal(weak.detail.match(/no forward secrecy/g)?.length, 1);
      assert.match(
        weak.filter,
        /^\(tls\.handshake\.type == 1 && tls\.handshake\.ciphersuite in \{0x[0-9a-f]{4}(, 0x[0-9a-f]{4})+\}\)$/,
      );
      const audio = report.media.find((m) => m.kind === 'audio');
      if (audio) assert.match(audio.reason, /measured RTP clock/);
      const short = report.media.find((m) => m.ssrc === '0x000074ec')!;
      assert.match(short.reason, /PT 104 \(usually SILK\/16000\)/);
      assert.match(short.reason, /kbit\/s with all headers/);
      const md = renderMarkdown(report);
      assert.match(md, /\| kbit\/s \(whole frames\) \|/);
    });

    it('audio-4g-K1AG: the addresses a name resolves to are listed as a set, not chained like aliases', async function () {
      const report = await analyzed(sharedCapture(this, 'teams-activities/audio-4g-K1AG.pcapng'));
      const md = renderMarkdown(report);
      const row = md.split('\n').find((line) => line.includes('| svc.ha-teams.office.com |'))!;
      assert.match(row, /52\.123\.240\.150, 52\.123\.240\.45/);
      assert.doesNotMatch(row, /52\.123\.240\.150 → 52\.123\.240\.45/);
    });
  });

  describe('the regressions pinned on sample bytes', function () {
    const sample = async (name: string) => {
      const { path, sample: written } = sampleCapture(name);
      return { path, truth: written.truth, report: await analyzed(path) };
    };

    it('relay-tcp: the pseudo-TLS relay is MS-TURN over TCP 443, kept out of the TLS statistics, with media through it', async function () {
      const { truth, report } = await sample('relay-tcp');
      const [h] = report.tls.handshakes;
      assert.equal(report.tls.handshakes.length, 1);
      assert.equal(h!.pseudoTls?.kind, 'ms-turn-tcp');
      assert.ok(h!.pseudoTls!.stunFrames.length >= 2);
      assert.deepEqual(report.tls.cipherSuites, []);
      assert.deepEqual(report.tls.servers, []);
      assert.ok(!report.findings.some((f) => f.id.startsWith('tls-')), report.findings.map((f) => f.id).join(', '));
      const relay = report.findings.find(
        (f) => f.id === truth.findings.present.find((id) => id.startsWith('media-relay-over-tcp/')),
      );
      assert.equal(relay?.severity, 'warning');
      assert.match(relay!.title, /reached over TCP 443 \(UDP blocked or not tried\): expect worse call quality/);
      assert.deepEqual(
        report.stun.summary.relays.map((r) => `${r.ip}:${r.port}/${r.transport}`).sort(),
        truth.relays.map((r) => `${r}/${r.endsWith(':443') ? 'tcp-443' : 'udp'}`).sort(),
      );
    });

    it('ice-path-change: one stream per SSRC over both legs, the packets sent on both counted once, none lost', async function () {
      const { truth, report } = await sample('ice-path-change');
      const ssrcs = [...new Set(truth.media.map((m) => m.ssrc))];
      assert.equal(ssrcs.length, 2);
      for (const ssrc of ssrcs) {
        const stream = report.quality!.streams.find((s) => s.ssrc === ssrc)!;
        assert.deepEqual(
          stream.legs?.map((leg) => leg.destination.port === 3478 || leg.source.port === 3478),
          [true, false],
          'the relay leg, then the direct one',
        );
        assert.equal(stream.repeatedAcrossLegs, 5);
        assert.equal(stream.packets, stream.legs!.reduce((sum, leg) => sum + leg.packets, 0) - 5);
        assert.equal(stream.lost, 0);
        assert.equal(stream.duplicates, 0);
        assert.ok(report.findings.some((f) => f.id === `media-path-change/${ssrc}`));
      }
    });

    it('conference-media-server: RTCP for 8 other participants on ports of its own makes the path a conference', async function () {
      const { report } = await sample('conference-media-server');
      const server = report.quality!.mediaServer!;
      // The 8 participants the server reports on, and the mixed audio it sends the client.
      assert.equal(server.ip, '198.51.100.90');
      assert.equal(server.senderSsrcs, 9);
      assert.deepEqual(
        report.findings.filter((f) => f.id.startsWith('call-path/')).map((f) => f.id),
        ['call-path/media-server'],
      );
      assert.ok(!report.findings.some((f) => /peer to peer across the Internet/.test(f.title)));
    });

    it('relay-tcp: the STUN error response carries the refused peer in XOR-PEER-ADDRESS, decoded once', async function () {
      const { report } = await sample('relay-tcp');
      const { REFUSED_PEER } = await import('../core/sample/scenarios/relay-tcp.js');
      const error = report.stun.messages.find((m) => m.class === 'error')!;
      assert.equal(error.method, 'CreatePermission');
      assert.deepEqual(
        error.addresses.map((a) => [a.attribute?.name, a.ip, a.port]),
        [['XOR-PEER-ADDRESS', REFUSED_PEER.ip, REFUSED_PEER.port]],
      );
    });

    it('out-of-order: a ServerHello and certificate chain in swapped segments are read', async function () {
      const { truth, report } = await sample('out-of-order');
      const negotiated = report.tls.handshakes.filter((h) => h.serverHello);
      assert.equal(negotiated.length, 1);
      assert.deepEqual(
        negotiated.map((h) => h.serverHello!.version.name),
        truth.tls.versions,
      );
      assert.ok(negotiated[0]!.certificates.length >= 2, 'the chain is read');
      assert.equal(report.tls.servers[0]?.certificateChain?.[0]?.subjectCommonName, 'teams.microsoft.com');
    });
  });

  describe('9. fields are read from the message they belong to', function () {
    it("teams.pcap frame 26: the key exchange is signed with rsa_pkcs1_sha256 (0x0401), not the SCTs' ecdsa_secp256r1_sha256", async function () {
      const report = await analyzed(sharedCapture(this, 'teams.pcap'));
      const h = report.tls.handshakes.find((h) => h.serverHello?.frame === 26)!;
      assert.equal(h.serverKeyExchange?.signatureAlgorithm?.code, 0x0401);
      assert.equal(h.serverKeyExchange?.signatureAlgorithm?.name, 'rsa_pkcs1_sha256');
    });
  });
});
