import {
  CQD_STREAM_CLASSIFICATION_PAGE,
  NETWORK_REQUIREMENTS_PAGE,
  QOS_GUIDANCE_PAGE,
  rfc,
} from '../knowledge/sources.js';
import type { CallQuality, StreamQuality } from '../schema/generated/report.js';
import { describeStream } from '../quality/index.js';
import { formatEndpoint } from '../model/addressing.js';
import { PATH_TEXT, isTcpFallback } from '../quality/path.js';
import { QOS_GUIDANCE, measuredText, missedText } from '../quality/thresholds.js';
import { anyOf, sendersFilter } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';

/** Gaps shown as evidence per stream (two frames each: the packets either side). */
const EVIDENCE_GAPS = 8;

/** The call's verdict, the streams that make it, the gaps behind them, media over TCP and QoS marking. */
/** Call quality: the verdict, poor streams, missed network targets, gaps, media over TCP, DSCP marking. */
export const callQuality: FindingRule = {
  section: 'quality',
  sources: {
    'call-quality': CQD_STREAM_CLASSIFICATION_PAGE,
    'stream-poor': CQD_STREAM_CLASSIFICATION_PAGE,
    'network-targets-missed': NETWORK_REQUIREMENTS_PAGE,
    'dscp-marking': QOS_GUIDANCE_PAGE,
    'media-path-change': rfc(
      8445,
      'Interactive Connectivity Establishment (ICE): A Protocol for Network Address Translator (NAT) Traversal',
      '§8.1.1',
    ),
  },
  find: ({ quality }) => qualityFindings(quality),
};

function qualityFindings(quality: CallQuality | undefined): FindingDraft[] {
  if (!quality || quality.streams.length === 0) return [];
  const findings: FindingDraft[] = [];
  const judged = quality.streams.filter((s) => s.verdict !== 'not-judged');
  if (judged.length) {
    const concerned = quality.verdict === 'poor' ? judged.filter((s) => s.verdict === 'poor') : judged;
    findings.push({
      id: `call-quality/${quality.verdict}`,
      severity: quality.verdict === 'poor' ? 'warning' : 'info',
      title:
        quality.verdict === 'poor'
          ? 'The call was poor, as the network delivered it'
          : 'The call was good, as the network delivered it',
      detail: `${quality.reason}. A network-side estimate from the capture against Microsoft's poor-stream thresholds; the Call Quality Dashboard judges from the endpoints' own reports.`,
      frames: concerned.map(firstFrame),
      filter: streamsFilter(concerned),
    });
  }
  for (const s of judged) {
    const finding = streamFinding(s);
    if (finding) findings.push(finding);
  }
  for (const s of quality.streams) {
    const gaps = s.gaps.filter((g) => g.cause !== 'dtx');
    if (gaps.length === 0) continue;
    const longest = gaps.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    const dtx = s.gaps.length - gaps.length;
    findings.push({
      id: `media-gaps/${s.ssrc}`,
      severity: 'notice',
      title: `${gaps.length} gap(s) of 200 ms or more in ${describeStream(s)}, the longest ${longest.durationMs} ms at ${longest.start.toFixed(3)} s`,
      detail: `${gaps.filter((g) => g.cause === 'loss').length} with packets lost (${gaps.reduce((n, g) => n + g.missing, 0)} missing sequence numbers), ${gaps.filter((g) => g.cause === 'delay').length} where the packets arrived late together${gaps.some((g) => g.cause === 'unknown') ? ', some with no clock rate to tell a pause from a delay' : ''}${dtx ? `; ${dtx} more are silence (DTX: no sequence number missing, the RTP timestamp advanced with the pause)` : ''}. The frames are the packets either side of each gap.`,
      ...gapEvidence(s, gaps),
    });
  }
  for (const s of quality.streams) {
    const finding = pathChangeFinding(s);
    if (finding) findings.push(finding);
  }
  for (const s of quality.streams.filter((s) => isTcpFallback(s.path))) {
    findings.push({
      id: `media-over-tcp/${s.ssrc}`,
      severity: 'warning',
      title: `${describeStream(s)} runs over ${PATH_TEXT[s.path]}`,
      detail: `Media fell back to TCP (UDP blocked or failing): a lost segment holds back every packet behind it until it is retransmitted, so loss turns into delay and bursts. Teams needs UDP 3478–3481 to its relays.`,
      frames: [firstFrame(s)],
      filter: flowFilter(s),
    });
  }
  for (const s of quality.streams.filter((s) => s.direction === 'outbound' && s.expectedDscp !== undefined)) {
    const main = s.dscp[0];
    if (!main || main.value === s.expectedDscp) continue;
    findings.push({
      id: `dscp-marking/${s.ssrc}`,
      severity: 'notice',
      title: `${describeStream(s)} leaves marked DSCP ${main.value}${main.name ? ` (${main.name})` : ''}, not ${s.expectedDscp}`,
      detail: `Microsoft's QoS guidance marks Teams ${s.kind} ${s.expectedDscp} (${QOS_GUIDANCE}). A capture on the client shows the marking as the packets leave; whether routers on the way honour it or re-mark it cannot be told from here. Without it the network cannot prioritise the call's media.`,
      frames: [firstFrame(s)],
      filter: `${flowFilter(s)} && ${s.source.ip.includes(':') ? 'ipv6.tclass.dscp' : 'ip.dsfield.dscp'} == ${main.value}`,
    });
  }
  return findings;
}

function streamFinding(s: StreamQuality): FindingDraft | undefined {
  if (s.verdict === 'poor') {
    return {
      id: `stream-poor/${s.ssrc}`,
      severity: 'warning',
      title: `${describeStream(s)} was poor: ${s.crossed.map((c) => `${measuredText(c)} ${c.threshold.startsWith('>') ? 'above' : 'below'} ${c.threshold.slice(2)} (${c.rule})`).join(', ')}`,
      detail: `${s.lost} of ${s.expected} packets lost (${s.lossPercent} %)${s.jitter ? `, jitter ${s.jitter.meanMs} ms mean` : ''}, max delta ${s.maxDeltaMs} ms. ${windowsText(s)}Thresholds: ${s.crossed[0]!.source}.`,
      ...gapEvidence(s, s.gaps),
    };
  }
  if (s.targetsMissed.length === 0) return undefined;
  return {
    id: `network-targets-missed/${s.ssrc}`,
    severity: 'notice',
    title: `${describeStream(s)} misses Microsoft's network targets: ${s.targetsMissed.map((t) => t.metric).join(', ')}`,
    detail: `${windowsText(s)}It stays within the poor-stream thresholds (loss ${s.lossPercent} %). Targets: ${s.targetsMissed[0]!.source}.`,
    ...gapEvidence(s, s.gaps),
  };
}

/**
 * A stream that moved between flows: ICE switched candidate pairs or relays mid-call (RFC 8445 §8.1.1, the
 * controlling agent nominates another pair). Its figures are measured on the merged sequence; the evidence is each
 * leg's first and last packet.
 */
function pathChangeFinding(s: StreamQuality): FindingDraft | undefined {
  if (!s.legs || s.legs.length < 2) return undefined;
  const legs = s.legs.map(
    (leg) =>
      `${formatEndpoint(leg.source)} → ${formatEndpoint(leg.destination)} (${leg.packets} packets, ${leg.start.toFixed(3)}–${leg.end.toFixed(3)} s)`,
  );
  const frames = [...new Set(s.legs.flatMap((leg) => [leg.firstFrame, leg.lastFrame]))].sort((a, b) => a - b);
  return {
    id: `media-path-change/${s.ssrc}`,
    severity: 'notice',
    title: `${describeStream(s)} changed path: ${s.legs.length} legs`,
    detail: `The same SSRC came by ${legs.join(', then ')}${s.repeatedAcrossLegs ? `; ${s.repeatedAcrossLegs} packets arrived on two legs and count once` : ''}. ICE moved the media to another candidate pair or relay during the call; loss and jitter are measured on the merged sequence. The frames are each leg's first and last packet.`,
    frames,
    filter: `${flowFilter(s)} && (${anyOf('frame.number', frames)})`,
  };
}

function windowsText(s: StreamQuality): string {
  return s.targetsMissed.length ? `Worst windows: ${s.targetsMissed.map(missedText).join('; ')}. ` : '';
}

/** The packets either side of the longest gaps, or the stream's first packet, with a filter showing exactly them. */
function gapEvidence(s: StreamQuality, gaps: StreamQuality['gaps']): Pick<FindingDraft, 'frames' | 'filter'> {
  const longest = [...gaps].sort((a, b) => b.durationMs - a.durationMs).slice(0, EVIDENCE_GAPS);
  const frames = [...new Set(longest.flatMap((g) => g.frames))].sort((a, b) => a - b);
  if (frames.length === 0) return { frames: [firstFrame(s)], filter: flowFilter(s) };
  return { frames, filter: `${flowFilter(s)} && (${anyOf('frame.number', frames)})` };
}

/** The stream's flows by tshark's stream index, each leg's if it took several: true whichever RTP heuristics the reader enables. */
function flowFilter(s: Pick<StreamQuality, 'flowId' | 'source' | 'legs'>): string {
  return sendersFilter(s.legs ?? [s]);
}

function streamsFilter(streams: StreamQuality[]): string {
  return streams.map((s) => `(${flowFilter(s)})`).join(' || ');
}

function firstFrame(s: StreamQuality): number {
  return s.firstFrame;
}
