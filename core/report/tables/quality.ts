import type { Report, StreamQuality } from '../../schema/generated/report.js';
import { formatEndpoint } from '../../model/addressing.js';
import { describeStream } from '../../quality/index.js';
import { PATH_TEXT } from '../../quality/path.js';
import { LISTED_GAPS_PER_CAUSE } from '../../model/capped-list.js';
import { markdownText } from '../escape.js';
import { clockText, dscpText, gapCount, gapsText, verdictText } from '../quality-text.js';
import { seconds, type Cell, type ItemTable, type TableDefinition } from './table.js';

type Window = StreamQuality['windows']['loss15s'];
type Gap = StreamQuality['gaps'][number];

const streamsOf = (report: Report) => report.quality?.streams ?? [];

/** A worst window against its target; what the view sorts by is the value. */
function windowCell(window: Window, unit: string): Cell | string {
  if (!window) return '–';
  const counts = window.expected !== undefined ? `, ${window.lost} of ${window.expected}` : '';
  return {
    text: `${window.met ? 'met' : 'missed'}: ${window.value} ${unit} at ${window.start.toFixed(1)} s${counts}`,
    sort: window.value,
  };
}

/** The same, a missed target in bold. */
function windowMarkdown(window: Window, unit: string): string {
  const cell = windowCell(window, unit);
  return typeof cell === 'string' ? cell : cell.text.replace(/^missed/, '**missed**');
}

export const QUALITY_STREAMS: ItemTable<StreamQuality & { index: number }> = {
  id: 'quality-streams',
  title: 'Streams',
  section: 'quality',
  rows: (report) => streamsOf(report).map((s, index) => ({ ...s, index })),
  item: (s) => `quality/stream/${s.index}`,
  columns: [
    {
      header: 'Stream',
      value: (s) => ({
        text: describeStream(s),
        title: `${formatEndpoint(s.source)} → ${formatEndpoint(s.destination)}`,
      }),
      markdown: (s) =>
        `${markdownText(describeStream(s))}<br>${markdownText(`${formatEndpoint(s.source)} → ${formatEndpoint(s.destination)}`)}`,
    },
    { header: 'Path', value: (s) => PATH_TEXT[s.path] },
    { header: 'Packets', kind: 'num', value: (s) => s.packets },
    {
      header: 'Lost (of expected)',
      kind: 'num',
      value: (s) =>
        s.lossNotMeasured
          ? { text: 'cannot measure', sort: -1 }
          : { text: `${s.lost} of ${s.expected} (${s.lossPercent} %)`, sort: s.lossPercent },
    },
    { header: 'Dup / reord.', value: (s) => `${s.duplicates} / ${s.reordered}` },
    {
      header: 'Jitter mean / max',
      unit: 'ms',
      kind: 'num',
      value: (s) =>
        s.jitter ? { text: `${s.jitter.meanMs} / ${s.jitter.maxMs}`, sort: s.jitter.meanMs } : '– (clock unknown)',
    },
    { header: 'Clock', kind: 'clip', value: clockText },
    { header: 'Max Δ', unit: 'ms', kind: 'num', value: (s) => s.maxDeltaMs },
    { header: 'Gaps ≥ 200 ms', value: gapsText },
    { header: 'fps', kind: 'num', value: (s) => (s.frameRate === undefined || s.kind === 'audio' ? '' : s.frameRate) },
    { header: 'DSCP', kind: 'clip', value: dscpText },
    { header: 'RTT', unit: 'ms', kind: 'num', value: (s) => (s.roundTripMs === undefined ? '' : s.roundTripMs) },
    { header: 'Verdict', kind: 'clip', value: verdictText },
  ],
  markdown: { capped: true },
};

export const QUALITY_WINDOWS: TableDefinition<StreamQuality> = {
  id: 'quality-windows',
  title: "Worst windows against Microsoft's network targets",
  section: 'quality',
  rows: streamsOf,
  columns: [
    { header: 'Stream', value: describeStream },
    {
      header: 'Loss, 15 s (target < 1 %)',
      value: (s) => windowCell(s.windows.loss15s, '%'),
      markdown: (s) => windowMarkdown(s.windows.loss15s, '%'),
    },
    {
      header: 'Jitter, 15 s (target < 30 ms)',
      value: (s) => windowCell(s.windows.jitter15s, 'ms'),
      markdown: (s) => windowMarkdown(s.windows.jitter15s, 'ms'),
    },
    {
      header: 'Burst loss, 200 ms (target < 10 %)',
      value: (s) => windowCell(s.windows.burstLoss200ms, '%'),
      markdown: (s) => windowMarkdown(s.windows.burstLoss200ms, '%'),
    },
  ],
  markdown: { capped: true },
};

/** Losses and delays before pauses of the sender (DTX), main streams before repair streams; longest first. */
function gapRank(s: StreamQuality, g: Gap): number {
  return (g.cause === 'dtx' ? 2 : 0) + (s.auxiliaryTo ? 1 : 0);
}

export const QUALITY_GAPS: TableDefinition<{ s: StreamQuality; g: Gap }> = {
  id: 'quality-gaps',
  title: 'Gaps of 200 ms or more',
  section: 'quality',
  rows: (report) =>
    streamsOf(report)
      .flatMap((s) => s.gaps.map((g) => ({ s, g })))
      .sort((a, b) => gapRank(a.s, a.g) - gapRank(b.s, b.g) || b.g.durationMs - a.g.durationMs),
  time: ({ g }) => [g.start, g.start + g.durationMs / 1000],
  columns: [
    { header: 'Stream', value: ({ s }) => describeStream(s) },
    { header: 'At', unit: 's', kind: 'num', value: ({ g }) => seconds(g.start) },
    { header: 'Length', unit: 'ms', kind: 'num', value: ({ g }) => g.durationMs },
    { header: 'Cause', value: ({ g }) => g.cause },
    { header: 'Missing', kind: 'num', value: ({ g }) => g.missing },
    { header: 'Frames either side', value: ({ g }) => g.frames.join(' → ') },
  ],
  markdown: {
    capped: true,
    total: (report) => streamsOf(report).reduce((n, s) => n + gapCount(s), 0),
    more: (report) =>
      streamsOf(report).some((s) => s.gapsLeftOut)
        ? `the JSON report lists each stream's longest ${LISTED_GAPS_PER_CAUSE} of each cause`
        : undefined,
  },
};

type RoundTrip = NonNullable<Report['quality']>['roundTrips'][number];

export const ROUND_TRIPS: ItemTable<RoundTrip & { index: number }> = {
  id: 'round-trips',
  title: 'Round trips',
  section: 'quality',
  // STUN first, then the most measured.
  rows: (report) =>
    (report.quality?.roundTrips ?? [])
      .map((r, index) => ({ ...r, index }))
      .sort((a, b) => (a.method === b.method ? b.samples - a.samples : a.method === 'stun' ? -1 : 1)),
  item: (r) => `quality/round-trip/${r.index}`,
  columns: [
    { header: 'Method', value: (r) => (r.method === 'stun' ? 'STUN request → response' : 'TCP SYN → SYN/ACK') },
    { header: 'To', value: (r) => r.label ?? formatEndpoint(r.to) },
    { header: 'Samples', kind: 'num', value: (r) => r.samples },
    {
      header: 'Min / median / max',
      unit: 'ms',
      kind: 'num',
      value: (r) => ({ text: `${r.minMs} / ${r.medianMs} / ${r.maxMs}`, sort: r.medianMs }),
    },
    { header: 'Filter', kind: 'filter', value: (r) => r.filter },
  ],
  markdown: { capped: true },
};

export const RTCP_REPORTS: TableDefinition<StreamQuality> = {
  id: 'rtcp-reports',
  title: 'RTCP receiver reports',
  section: 'quality',
  rows: (report) => streamsOf(report).filter((s) => s.receiverReports),
  columns: [
    { header: 'Stream', value: describeStream },
    { header: 'Receiver reports', kind: 'num', value: (s) => s.receiverReports!.reports },
    {
      header: 'Worst fraction lost (reported)',
      kind: 'num',
      value: (s) => {
        const percent = Math.round(s.receiverReports!.fractionLostMax * 1000) / 10;
        return { text: `${percent} %`, sort: percent };
      },
    },
    { header: 'Loss (capture)', kind: 'num', value: (s) => ({ text: `${s.lossPercent} %`, sort: s.lossPercent }) },
    {
      header: 'Jitter, latest reported / capture mean',
      unit: 'ms',
      value: (s) => `${s.receiverReports!.jitterMs ?? '–'} / ${s.jitter?.meanMs ?? '–'}`,
    },
    { header: 'Frames', value: (s) => s.receiverReports!.frames.slice(0, 6).join(', ') },
  ],
  // Under the RTCP paragraph, which says what the reports are.
  markdown: { capped: true, heading: false },
};
