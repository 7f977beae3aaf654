import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import {
  capList,
  DNS_TRANSACTIONS_FILTER,
  LISTED_AT_EACH_END,
  LISTED_GAPS_PER_CAUSE,
  MALFORMED_PACKETS_FILTER,
  SSDP_MESSAGES_FILTER,
  RTCP_REPORTS_FILTER,
  STUN_MESSAGES_FILTER,
  withCappedGaps,
} from '../core/model/capped-list.js';
import { gapCount, gapsText } from '../core/report/quality-text.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { reportOutline } from '../core/report/outline.js';
import { REPORT_TABLES } from '../core/dataset/tables.js';
import { checkNote } from '../core/notes/claims.js';
import type { LeftOut, Report, StreamQuality } from '../core/schema/generated/report.js';
import { filterMatches } from './filter-matches.js';
import { assertValidReport, sharedCapture, temporaryFolder } from './helpers.js';

const N = LISTED_AT_EACH_END;

/** The frames tshark shows for each list, read in one pass over the capture with the analysis' options. */
const TSHARK_FILTERS = {
  stun: STUN_MESSAGES_FILTER,
  rtcp: RTCP_REPORTS_FILTER,
  malformed: MALFORMED_PACKETS_FILTER,
  ssdp: SSDP_MESSAGES_FILTER,
  // A DNS transaction starts at its query, or at a response tshark links to no query.
  dnsStarts: `(${DNS_TRANSACTIONS_FILTER}) && (dns.flags.response == 0 || !dns.response_to)`,
  dnsQueries: `(${DNS_TRANSACTIONS_FILTER}) && dns.flags.response == 0 && dns.qry.name`,
};

/**
 * `copies` copies of the packets of `source` that `filter` matches, one after the other in time (editcap moves
 * each copy past the one before it, mergecap -a appends them): the same real packets, more of them.
 */
async function repeated(folder: string, source: string, filter: string, copies: number, name: string): Promise<string> {
  const picked = join(folder, `${name}-picked.pcapng`);
  await execa('tshark', ['-n', '-r', source, '-Y', filter, '-w', picked]);
  const { stdout } = await execa('capinfos', ['-u', '-T', '-r', picked]);
  const seconds = Math.ceil(Number(stdout.trim().split('\t').at(-1))) + 1;
  const parts = await Promise.all(
    Array.from({ length: copies }, async (_, i) => {
      const part = join(folder, `${name}-${i}.pcapng`);
      await execa('editcap', ['-t', String(i * seconds), picked, part]);
      return part;
    }),
  );
  const out = join(folder, `${name}.pcapng`);
  await execa('mergecap', ['-a', '-w', out, ...parts]);
  return out;
}

/**
 * A capped list checked against tshark: `starts` (the frames its entries start at, as tshark finds them) are more
 * than 2N, the report lists the first and last N of them in frame order, and its left-out block counts the rest.
 */
function assertCapped(
  what: string,
  starts: number[],
  listed: (number | undefined)[],
  leftOut: LeftOut | undefined,
  filter: string,
): void {
  assert.ok(starts.length > 2 * N, `only ${starts.length} ${what}: not over the cap`);
  assert.deepEqual(listed, [...starts.slice(0, N), ...starts.slice(-N)]);
  assert.deepEqual(leftOut, {
    count: starts.length - 2 * N,
    total: starts.length,
    afterFrame: starts[N - 1],
    beforeFrame: starts.at(-N),
    filter,
  });
}

describe('capped lists: the first and last N DNS transactions, STUN messages, RTCP reports, SSDP messages and malformed packets, and what is left out', function () {
  const folder = temporaryFolder('capped');
  let capture: string;
  let report: Report;
  const frames = new Map<string, number[]>();

  before(async function () {
    // The shared captures with the most DNS transactions (115), STUN messages (591) and RTCP reports (491), repeated past the cap.
    const dns = await repeated(
      folder(),
      sharedCapture(this, 'teams-activities/video-wifi-VideoCallWiFi_Kacper.pcapng'),
      DNS_TRANSACTIONS_FILTER,
      20,
      'dns',
    );
    const stun = await repeated(
      folder(),
      sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng'),
      STUN_MESSAGES_FILTER,
      4,
      'stun',
    );
    const rtcp = await repeated(
      folder(),
      sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng'),
      RTCP_REPORTS_FILTER,
      5,
      'rtcp',
    );
    // The same call's 426 malformed packets (RTCP tshark cannot read to the end).
    const malformed = await repeated(
      folder(),
      sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng'),
      MALFORMED_PACKETS_FILTER,
      5,
      'malformed',
    );
    // The shared capture with the most SSDP (309 messages from a LAN's devices).
    const ssdp = await repeated(
      folder(),
      sharedCapture(this, 'teams-activities/audio-lan-K2AE-60sec.pcapng'),
      SSDP_MESSAGES_FILTER,
      7,
      'ssdp',
    );
    capture = join(folder(), 'over-the-cap.pcapng');
    await execa('mergecap', ['-a', '-w', capture, dns, stun, rtcp, malformed, ssdp]);
    report = await analyzeCapture(capture);
    assertValidReport(report);
    const matches = await filterMatches(capture, Object.values(TSHARK_FILTERS));
    for (const [i, list] of Object.keys(TSHARK_FILTERS).entries())
      frames.set(
        list,
        matches[i]!.map((m) => m.frame),
      );
  });

  it('STUN: the first and last N messages in frame order, and a true count of those left out', function () {
    assertCapped(
      'STUN messages',
      frames.get('stun')!,
      report.stun.messages.map((m) => m.frame),
      report.stun.messagesLeftOut,
      STUN_MESSAGES_FILTER,
    );
  });

  it('RTCP: the first and last N reports in frame order, and a true count of those left out', function () {
    assertCapped(
      'RTCP packets',
      frames.get('rtcp')!,
      report.rtp.rtcp.map((r) => r.frame),
      report.rtp.rtcpLeftOut,
      RTCP_REPORTS_FILTER,
    );
  });

  it('SSDP: the first and last N messages in frame order, and a true count of those left out', function () {
    assertCapped(
      'SSDP messages',
      frames.get('ssdp')!,
      report.ssdp.messages.map((m) => m.frame),
      report.ssdp.messagesLeftOut,
      SSDP_MESSAGES_FILTER,
    );
  });

  it('malformed packets: the first and last N, and a true count (the dataset counts them all)', function () {
    const malformed = frames.get('malformed')!;
    assertCapped(
      'malformed packets',
      malformed,
      report.capture.malformedPackets!,
      report.capture.malformedPacketsLeftOut,
      MALFORMED_PACKETS_FILTER,
    );
    const captures = REPORT_TABLES.find((t) => t.name === 'captures')!;
    assert.equal(
      captures.columns.find((c) => c.name === 'malformed_packets')!.value(captures.rows(report)[0]!),
      malformed.length,
    );
  });

  it('DNS: the first and last N transactions (a query, or a response whose query is missing), and a true count', function () {
    assertCapped(
      'DNS transactions',
      frames.get('dnsStarts')!,
      report.dns.transactions.map((t) => t.queryFrame ?? t.responseFrame),
      report.dns.transactionsLeftOut,
      DNS_TRANSACTIONS_FILTER,
    );
  });

  it('the aggregates still count every entry, listed or not', function () {
    assert.equal(
      report.dns.names.reduce((sum, n) => sum + n.queries, 0),
      frames.get('dnsQueries')!.length,
    );
    const captures = REPORT_TABLES.find((t) => t.name === 'captures')!;
    const leftOutColumn = captures.columns.find((c) => c.name === 'dns_lookups_left_out')!;
    assert.equal(leftOutColumn.value(captures.rows(report)[0]!), report.dns.transactionsLeftOut!.count);
  });

  it('Markdown and the capture tree say how many were left out and give the filter', function () {
    const markdown = renderMarkdown(report);
    for (const [what, leftOut] of [
      ['DNS transactions', report.dns.transactionsLeftOut!],
      ['STUN/TURN messages', report.stun.messagesLeftOut!],
      ['RTCP reports', report.rtp.rtcpLeftOut!],
      ['malformed packets', report.capture.malformedPacketsLeftOut!],
      ['SSDP messages', report.ssdp.messagesLeftOut!],
    ] as const) {
      assert.ok(
        markdown.includes(
          `*${leftOut.count} more ${what} left out: the JSON report lists the first and last ${N} of ${leftOut.total}`,
        ),
        `${what} in the Markdown`,
      );
      const node = reportOutline(report)
        .flatMap((s) => s.children ?? [])
        .find((n) => n.kind === 'left-out' && n.label === `${leftOut.count} more ${what} left out`);
      assert.equal(node?.filter, leftOut.filter, `${what} in the tree`);
    }
    assert.ok(
      markdown.includes(`*40 of ${2 * N} shown; the JSON report lists the first and last messages, see below.*`),
      'the STUN table does not claim the JSON report has all',
    );
  });

  it('notes: a capped report does not claim an address, a name or the AD bit is absent (it may be in what was left out)', function () {
    const note = 'The client connected to 10.9.9.9 and resolved teams.example.net. DNSSEC validated the answers.';
    assert.deepEqual(checkNote(note, [{ label: 'over-the-cap.pcapng', report }]), []);
    const uncapped = structuredClone(report);
    delete uncapped.dns.transactionsLeftOut;
    delete uncapped.stun.messagesLeftOut;
    assert.deepEqual(
      checkNote(note, [{ label: 'listed-only', report: uncapped }]).map((p) => p.kind),
      ['unseen-address', 'unseen-domain', 'dnssec'],
    );
  });
});

describe('capList', function () {
  const frameOf = (n: number) => n;
  it('keeps a list of up to 2N entries whole, saying nothing left out', function () {
    for (const length of [0, 1, 2 * N]) {
      const entries = Array.from({ length }, (_, i) => i + 1);
      assert.deepEqual(capList(entries, frameOf, 'x'), { listed: entries });
    }
  });

  it('keeps the first and last N of a longer list', function () {
    const entries = Array.from({ length: 5 }, (_, i) => (i + 1) * 10);
    assert.deepEqual(capList(entries, frameOf, 'udp', 2), {
      listed: [10, 20, 40, 50],
      leftOut: { count: 1, total: 5, afterFrame: 20, beforeFrame: 40, filter: 'udp' },
    });
  });
});

describe('withCappedGaps: a stream lists the longest gaps of each cause', function () {
  const G = LISTED_GAPS_PER_CAUSE;
  const gap = (i: number, cause: StreamQuality['gaps'][number]['cause'], durationMs: number) => ({
    start: i,
    durationMs,
    cause,
    missing: cause === 'loss' ? 1 : 0,
    frames: [2 * i, 2 * i + 1],
  });
  const stream = (gaps: StreamQuality['gaps']) => ({ ssrc: '0x00000001', gaps }) as unknown as StreamQuality;

  it('keeps a stream with at most G gaps of each cause as it is', function () {
    const s = stream([
      ...Array.from({ length: G }, (_, i) => gap(i, 'dtx', 300)),
      ...Array.from({ length: G }, (_, i) => gap(G + i, 'loss', 250)),
    ]);
    assert.equal(withCappedGaps(s), s);
  });

  it('lists the G longest of a cause in time order, the others whole, and counts what it left out by cause', function () {
    // 2G + 10 loss gaps, every third one long; 5 DTX pauses.
    const loss = Array.from({ length: 2 * G + 10 }, (_, i) => gap(i, 'loss', i % 3 === 0 ? 1000 + i : 200 + i));
    const dtx = Array.from({ length: 5 }, (_, i) => gap(1000 + i, 'dtx', 400));
    const capped = withCappedGaps(stream([...loss, ...dtx]));
    const longestLoss = [...loss].sort((a, b) => b.durationMs - a.durationMs).slice(0, G);
    assert.deepEqual(capped.gaps, [...loss.filter((g) => longestLoss.includes(g)), ...dtx]);
    assert.deepEqual(capped.gapsLeftOut, { count: G + 10, byCause: { loss: G + 10, dtx: 0, delay: 0, unknown: 0 } });
    assert.equal(gapCount(capped), loss.length + dtx.length);
    assert.equal(gapsText(capped), `${loss.length} loss, 5 dtx`);
  });
});
