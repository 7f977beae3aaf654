import type { Report, StreamQuality } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { describeStream } from '../quality/index.js';
import { PATH_TEXT } from '../quality/path.js';
import { crossedText } from '../quality/thresholds.js';
import { plainText } from './escape.js';
import { itemMarkdown, type OutlineNode } from './outline-node.js';

// The Call quality section's items in the Captures tree: each stream with its verdict, and the round trips.

type Item = Omit<OutlineNode, 'id' | 'section'>;

export function qualityStreamNode(s: StreamQuality): Item {
  const label = `${describeStream(s)}: ${s.verdict === 'not-judged' ? 'not judged' : s.verdict}`;
  const detail = `${PATH_TEXT[s.path]} · lost ${s.lost} of ${s.expected} (${s.lossPercent} %)${s.jitter ? ` · jitter ${s.jitter.meanMs} ms` : ''} · max Δ ${s.maxDeltaMs} ms`;
  const crossed = s.crossed.map(crossedText).join(', ');
  return {
    kind: 'media',
    label: plainText(label),
    description: plainText(detail),
    tooltip: plainText(crossed ? `poor: ${crossed}` : `${formatEndpoint(s.source)} → ${formatEndpoint(s.destination)}`),
    severity: s.verdict === 'poor' ? 'warning' : undefined,
    frames: [s.firstFrame],
    filter: s.filter,
    markdown: itemMarkdown(label, crossed ? `${detail}; poor: ${crossed}` : detail, [s.firstFrame], s.filter),
    revealText: s.ssrc,
  };
}

export function roundTripNode(r: NonNullable<Report['quality']>['roundTrips'][number]): Item {
  const label = `${r.method === 'stun' ? 'STUN' : 'TCP handshake'} ${r.label ?? formatEndpoint(r.to)}`;
  const detail = `median ${r.medianMs} ms (${r.minMs}–${r.maxMs}) over ${r.samples}`;
  return {
    kind: 'flow',
    label: plainText(label),
    description: plainText(detail),
    frames: r.frames,
    filter: r.filter,
    markdown: itemMarkdown(label, detail, r.frames, r.filter),
  };
}
