import type { Report, StreamQuality } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { describeStream } from '../quality/index.js';
import { PATH_TEXT } from '../quality/path.js';
import { QOS_GUIDANCE } from '../quality/thresholds.js';
import { markdownCode, markdownText } from './escape.js';
import { table } from './markdown-table.js';
import { LISTED_GAPS_PER_CAUSE } from '../model/capped-list.js';

/** Rows shown per table; the JSON report has everything. */
const TABLE_ROWS = 40;

/** The "Call quality" section's tables: verdict, streams, worst windows, gaps, round trips, RTCP and QoS. */
export function qualityTables(report: Report, out: string[]): void {
  const quality = report.quality;
  if (!quality) {
    out.push('No RTP media and no round trip in the capture.', '');
    return;
  }
  out.push(
    `**Verdict: ${quality.verdict}** — ${markdownText(quality.reason)}.`,
    '',
    `*${markdownText(quality.method)}*`,
    '',
  );
  const streams = quality.streams;
  if (streams.length) {
    out.push('### Streams', '');
    out.push(
      table(
        [
          'Stream',
          'Path',
          'Packets',
          'Lost (of expected)',
          'Dup / reord.',
          'Jitter mean / max (ms)',
          'Clock',
          'Max Δ (ms)',
          'Gaps ≥ 200 ms',
          'fps',
          'DSCP',
          'RTT (ms)',
          'Verdict',
        ],
        streams
          .slice(0, TABLE_ROWS)
          .map((s) => [
            `${markdownText(describeStream(s))}<br>${markdownText(`${formatEndpoint(s.source)} → ${formatEndpoint(s.destination)}`)}`,
            PATH_TEXT[s.path],
            String(s.packets),
            `${s.lost} of ${s.expected} (${s.lossPercent} %)`,
            `${s.duplicates} / ${s.reordered}`,
            s.jitter ? `${s.jitter.meanMs} / ${s.jitter.maxMs}` : '– (clock unknown)',
            clockText(s),
            String(s.maxDeltaMs),
            gapsText(s),
            s.frameRate === undefined || s.kind === 'audio' ? '' : String(s.frameRate),
            markdownText(dscpText(s)),
            s.roundTripMs === undefined ? '' : String(s.roundTripMs),
            markdownText(verdictText(s)),
          ]),
        streams.length,
      ),
    );
    out.push("### Worst windows against Microsoft's network targets", '');
    out.push(
      table(
        ['Stream', 'Loss, 15 s (target < 1 %)', 'Jitter, 15 s (target < 30 ms)', 'Burst loss, 200 ms (target < 10 %)'],
        streams
          .slice(0, TABLE_ROWS)
          .map((s) => [
            markdownText(describeStream(s)),
            windowText(s.windows.loss15s, '%'),
            windowText(s.windows.jitter15s, 'ms'),
            windowText(s.windows.burstLoss200ms, '%'),
          ]),
        streams.length,
      ),
    );
    // Losses and delays before pauses of the sender (DTX), main streams before repair streams; longest first.
    const rank = (s: StreamQuality, g: StreamQuality['gaps'][number]) =>
      (g.cause === 'dtx' ? 2 : 0) + (s.auxiliaryTo ? 1 : 0);
    const gaps = streams
      .flatMap((s) => s.gaps.map((g) => ({ s, g })))
      .sort((a, b) => rank(a.s, a.g) - rank(b.s, b.g) || b.g.durationMs - a.g.durationMs);
    if (gaps.length) {
      out.push('### Gaps of 200 ms or more', '');
      out.push(
        table(
          ['Stream', 'At (s)', 'Length (ms)', 'Cause', 'Missing', 'Frames either side'],
          gaps
            .slice(0, TABLE_ROWS)
            .map(({ s, g }) => [
              markdownText(describeStream(s)),
              g.start.toFixed(3),
              String(g.durationMs),
              g.cause,
              String(g.missing),
              g.frames.join(' → '),
            ]),
          streams.reduce((n, s) => n + gapCount(s), 0),
          streams.some((s) => s.gapsLeftOut)
            ? `the JSON report lists each stream's longest ${LISTED_GAPS_PER_CAUSE} of each cause`
            : undefined,
        ),
      );
    }
  }
  if (quality.roundTrips.length) {
    out.push('### Round trips', '');
    const rows = [...quality.roundTrips].sort((a, b) =>
      a.method === b.method ? b.samples - a.samples : a.method === 'stun' ? -1 : 1,
    );
    out.push(
      table(
        ['Method', 'To', 'Samples', 'Min / median / max (ms)', 'Filter'],
        rows
          .slice(0, TABLE_ROWS)
          .map((r) => [
            r.method === 'stun' ? 'STUN request → response' : 'TCP SYN → SYN/ACK',
            markdownText(r.label ?? formatEndpoint(r.to)),
            String(r.samples),
            `${r.minMs} / ${r.medianMs} / ${r.maxMs}`,
            markdownCode(r.filter, true),
          ]),
        rows.length,
      ),
    );
  }
  out.push(`**RTCP.** ${markdownText(quality.rtcp.note)}`, '');
  const reported = streams.filter((s) => s.receiverReports);
  if (reported.length) {
    out.push(
      table(
        [
          'Stream',
          'Receiver reports',
          'Worst fraction lost (reported)',
          'Loss (capture)',
          'Jitter, latest reported / capture mean (ms)',
          'Frames',
        ],
        reported.slice(0, TABLE_ROWS).map((s) => {
          const r = s.receiverReports!;
          return [
            markdownText(describeStream(s)),
            String(r.reports),
            `${Math.round(r.fractionLostMax * 1000) / 10} %`,
            `${s.lossPercent} %`,
            `${r.jitterMs ?? '–'} / ${s.jitter?.meanMs ?? '–'}`,
            r.frames.slice(0, 6).join(', '),
          ];
        }),
        reported.length,
      ),
    );
  }
  if (streams.some((s) => s.dscp.length)) {
    out.push(
      `**QoS marking.** ${markdownText(`Microsoft's guidance marks audio EF (46), video AF41 (34) and screen sharing AF21 (18), on client ports 50000–50019, 50020–50039 and 50040–50059 when port ranges are configured (${QOS_GUIDANCE}). A capture taken on the client shows the marking outbound packets leave with and the one inbound packets arrive with; it cannot tell whether routers on the way honoured the outbound marking or re-marked it, nor what the far end set.`)}`,
      '',
    );
  }
}

export function clockText(s: StreamQuality): string {
  if (!s.clock.rate) return s.clock.measured ? `unknown (${s.clock.measured} Hz measured)` : 'unknown';
  const khz = `${s.clock.rate / 1000} kHz`;
  return s.clock.source === 'inferred' ? `${khz} (inferred from ${s.clock.measured} Hz)` : `${khz} (payload type)`;
}

/** A stream's gaps counted by cause, in the order the causes first occur; those the report left out count too. */
export function gapsText(s: StreamQuality): string {
  if (s.gaps.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const g of s.gaps) counts.set(g.cause, (counts.get(g.cause) ?? 0) + 1);
  return [...counts.entries()]
    .map(
      ([cause, n]) => `${n + (s.gapsLeftOut?.byCause[cause as StreamQuality['gaps'][number]['cause']] ?? 0)} ${cause}`,
    )
    .join(', ');
}

/** All of a stream's gaps, listed or left out. */
export function gapCount(s: StreamQuality): number {
  return s.gaps.length + (s.gapsLeftOut?.count ?? 0);
}

export function dscpText(s: StreamQuality): string {
  const seen =
    s.dscp
      .map((d) => `${d.value}${d.name ? ` ${d.name}` : ''}${s.dscp.length > 1 ? ` ×${d.packets}` : ''}`)
      .join(', ') || '–';
  return s.expectedDscp === undefined ? seen : `${seen} (guidance ${s.expectedDscp})`;
}

export function verdictText(s: StreamQuality): string {
  if (s.auxiliaryTo) return `not judged: beside ${s.auxiliaryTo} (repair data or a second layer)`;
  if (s.verdict === 'not-judged') return 'not judged';
  if (s.verdict === 'good') return 'good';
  return `poor: ${s.crossed.map((c) => `${c.metric} ${c.value} (${c.threshold})`).join(', ')}`;
}

function windowText(window: StreamQuality['windows']['loss15s'], unit: string): string {
  if (!window) return '–';
  const counts = window.expected !== undefined ? `, ${window.lost} of ${window.expected}` : '';
  return `${window.met ? 'met' : '**missed**'}: ${window.value} ${unit} at ${window.start.toFixed(1)} s${counts}`;
}
