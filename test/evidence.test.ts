import assert from 'node:assert/strict';
import { SCENARIOS } from '../core/sample/index.js';
import type { Finding } from '../core/schema/generated/report.js';
import { filterMatches, type Match } from './filter-matches.js';
import { analyzed, sampleCapture, sharedCapture, sharedCaptureNames } from './helpers.js';

/**
 * The counts a title may state, each with how to count it among what its own filter matches: N handshakes are
 * the Hellos it matches (one a frame), N lookups the queries, N connections the TCP streams, N streams the SSRCs.
 * Rates ("per minute"), aliases and answers are not counted by a filter and are not listed here.
 */
const COUNTED_UNITS: { unit: RegExp; count: (found: Match[]) => number }[] = [
  { unit: /^(?:server )?handshakes?$/, count: (found) => found.length },
  { unit: /^ClientHellos?$/, count: (found) => found.length },
  { unit: /^packets?$/, count: (found) => found.length },
  { unit: /^allocations?$/, count: (found) => found.length },
  { unit: /^(?:SYN )?retransmissions?$/, count: (found) => found.length },
  {
    unit: /^(?:DNS )?lookups?$/,
    count: (found) => found.filter((m) => m.dnsResponse === 'false').length,
  },
  { unit: /^TCP connections?$/, count: (found) => new Set(found.map((m) => m.tcpStream)).size },
  { unit: /^(?:media )?streams?$/, count: (found) => new Set(found.flatMap((m) => m.ssrcs)).size },
];

/** "TLS 1.2 negotiated in 38 handshakes" → { stated: 38, unit: 'handshakes' }; the first number followed by a counted unit. */
function statedCount(title: string): { stated: number; unit: string; count: (found: Match[]) => number } | undefined {
  // A whole number (not the decimals of a rate), its unit, and not "per" after it (a rate).
  for (const match of title.matchAll(/(?<![\d.])(\d+) ((?:server |DNS |TCP |media |SYN )?[A-Za-z]+)\b(?! per )/g)) {
    const unit = match[2]!;
    const counted = COUNTED_UNITS.find((u) => u.unit.test(unit));
    if (counted) return { stated: Number(match[1]), unit, count: counted.count };
  }
  return undefined;
}

/** Every finding's listed frames are among its filter's matches; a finding whose title states a count equals them. */
async function checkFindings(
  path: string,
  findings: readonly Finding[],
  { countsOnly }: { countsOnly: boolean },
): Promise<string[]> {
  const checked = findings
    .map((finding) => ({ finding, count: statedCount(finding.title) }))
    .filter(({ count }) => !countsOnly || count);
  const matches = await filterMatches(
    path,
    checked.map(({ finding }) => finding.filter),
  );
  const problems: string[] = [];
  checked.forEach(({ finding, count }, i) => {
    const found = matches[i]!;
    const shown = new Set(found.map((m) => m.frame));
    const missing = finding.frames.filter((frame) => !shown.has(frame));
    if (missing.length)
      problems.push(`${finding.id}: filter ${finding.filter} does not show frames ${missing.join(', ')}`);
    if (count && count.count(found) !== count.stated) {
      problems.push(
        `${finding.id}: "${finding.title}" states ${count.stated} ${count.unit}, its filter ${finding.filter} matches ${count.count(found)}`,
      );
    }
  });
  return problems;
}

// A finding is only as good as its evidence: Wireshark, given the finding's filter, must show its frames —
// and as many of them as the title says.
describe('finding evidence, checked by tshark itself', function () {
  for (const capture of [
    'teams.pcap',
    'stun.pcap',
    'dns_doh.pcap',
    'dns_dot.pcap',
    'webex.pcap',
    'tls_invalid_reads.pcap',
    'tls-rdn-extract.pcap',
    'teams-activities/audio-lan-K1AE.pcapng',
    'teams-activities/video-4g-K3VG-60sec.pcapng',
    'teams-more/audio-4g-E1.pcapng',
  ]) {
    it(`every finding's display filter matches its frames in ${capture}`, async function () {
      const path = sharedCapture(this, capture);
      const report = await analyzed(path);
      assert.ok(report.findings.length > 0, 'no findings to check');
      assert.deepEqual(await checkFindings(path, report.findings, { countsOnly: false }), []);
    });
  }

  it('reads the count a title states, in its unit', function () {
    assert.equal(statedCount('TLS 1.2 negotiated in 38 handshakes')?.stated, 38);
    assert.equal(
      statedCount('2 server handshakes selected insecure TLS_DH_anon_WITH_RC4_128_MD5')?.unit,
      'server handshakes',
    );
    assert.equal(statedCount('11 TCP connections to 52.113.194.132:443, up to 3 at once')?.unit, 'TCP connections');
    assert.equal(statedCount('TURN server 20.202.1.6:3478 granted 6 allocations')?.stated, 6);
    assert.equal(
      statedCount('4 SYN retransmissions to 52.114.74.116:443 on 2 TCP connections')?.unit,
      'SYN retransmissions',
    );
    assert.equal(
      statedCount('6 retransmissions of data with 20.90.156.32:443: 75 % of its 8 data segments')?.stated,
      6,
    );
    assert.equal(statedCount('3.2 DNS lookups per minute while call media flows, 58.2 outside it'), undefined);
    assert.equal(statedCount('api.flightproxy.teams.microsoft.com resolves through 2 aliases'), undefined);
  });

  describe('counts stated in titles equal what their filters match, on every shared capture', function () {
    const files = sharedCaptureNames();
    before(function () {
      if (files.length === 0) sharedCapture(this, 'teams.pcap'); // fails in CI, skips loudly elsewhere
    });
    for (const capture of files) {
      it(capture, async function () {
        const path = sharedCapture(this, capture);
        const report = await analyzed(path);
        assert.deepEqual(await checkFindings(path, report.findings, { countsOnly: true }), []);
      });
    }
  });

  describe('… and on every sample scenario (frames and counts)', function () {
    for (const { name } of SCENARIOS) {
      it(name, async function () {
        const { path } = sampleCapture(name);
        const report = await analyzed(path);
        assert.deepEqual(await checkFindings(path, report.findings, { countsOnly: false }), []);
      });
    }
  });
});
