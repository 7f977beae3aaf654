import type { QualityThreshold, StreamQuality } from '../schema/generated/report.js';
import {
  CQD_STREAM_CLASSIFICATION_PAGE,
  NETWORK_REQUIREMENTS_PAGE,
  QOS_GUIDANCE_PAGE,
  citedPage,
} from '../knowledge/sources.js';
import { WINDOW_TARGETS } from './stream.js';

/** Where Microsoft publishes the numbers Teamshark judges by, as the report's text cites them. */
export const CQD_STREAM_CLASSIFICATION = citedPage(CQD_STREAM_CLASSIFICATION_PAGE);
export const NETWORK_REQUIREMENTS = citedPage(NETWORK_REQUIREMENTS_PAGE);
export const QOS_GUIDANCE = citedPage(QOS_GUIDANCE_PAGE);

/** The CQD's poor-stream thresholds: a stream crossing any of them is poor. */
export const POOR_STREAM = {
  audio: { lossPercent: 10, jitterMs: 30, roundTripMs: 500 },
  video: { lossPercent: 15, frameRate: 7 },
  'screen-sharing': { lossPercent: 15, frameRate: 2 },
} as const;

/** The CQD classifier each kind of stream falls under, as the page names them (VBSS: video-based screen sharing). */
const CQD_CLASSIFIERS = {
  audio: 'audio classifier',
  video: 'video classifier',
  'screen-sharing': 'VBSS classifier',
  unknown: 'no classifier',
} as const;

/** A measured figure with its unit: "packet loss 13.2 %". */
export function measuredText(t: QualityThreshold): string {
  return `${t.metric} ${t.value} ${t.unit}`;
}

/** A poor-stream threshold a stream crossed, with the rule that fired: "packet loss 13.2 % (> 10 %; CQD …)". */
export function crossedText(t: QualityThreshold): string {
  return `${measuredText(t)} (${t.threshold}; ${t.rule})`;
}

/** A network target a window missed, with the rule: "packet loss in a 15 s window 14.9 % (target < 1 %; …)". */
export function missedText(t: QualityThreshold): string {
  return `${measuredText(t)} (target ${t.threshold}; ${t.rule})`;
}

/** Microsoft's QoS markings for Teams media (DSCP). */
export const EXPECTED_DSCP = { audio: 46, video: 34, 'screen-sharing': 18 } as const;

/** The CQD classifies an audio stream only when its Packet Utilization is over this many packets. */
export const AUDIO_MINIMUM_PACKETS = 500;

/** Too few packets to judge a video or screen-sharing stream by. */
const MINIMUM_PACKETS = 20;

export type StreamMeasures = Pick<
  StreamQuality,
  | 'kind'
  | 'direction'
  | 'packets'
  | 'lossPercent'
  | 'jitter'
  | 'frameRate'
  | 'roundTripMs'
  | 'windows'
  | 'lossNotMeasured'
>;

/** Why the CQD's classification does not apply to a stream, or undefined when it does. */
function notJudgedBecause(m: StreamMeasures): string | undefined {
  if (m.direction === 'outbound')
    return 'sent by the capturing host: a stream is classified where it is received, which this capture does not see';
  if (m.direction !== 'inbound') return 'between two other hosts: neither end is the capturing host';
  if (m.kind === 'unknown') return 'of an unknown kind';
  if (m.lossNotMeasured) return `loss cannot be measured: ${m.lossNotMeasured}`;
  if (m.kind === 'audio' && m.packets <= AUDIO_MINIMUM_PACKETS)
    return `too short: an audio stream is classified only over ${AUDIO_MINIMUM_PACKETS} packets (Packet Utilization)`;
  if (m.packets < MINIMUM_PACKETS) return `too short: under ${MINIMUM_PACKETS} packets`;
  return undefined;
}

/**
 * A stream the capturing host received, against the CQD's poor-stream thresholds as its classifier applies them
 * (loss is measured before FEC and retransmission, so it is the harsher figure), and its worst windows against
 * the network targets. Sent streams, short audio and streams of an unknown kind get no verdict, and say why.
 */
export function judgeStream(
  m: StreamMeasures,
): Pick<StreamQuality, 'verdict' | 'crossed' | 'targetsMissed' | 'notJudgedBecause'> {
  const targetsMissed = missedTargets(m.windows);
  const because = notJudgedBecause(m);
  if (because) return { verdict: 'not-judged', notJudgedBecause: because, crossed: [], targetsMissed };
  const crossed: QualityThreshold[] = [];
  const classifier = CQD_CLASSIFIERS[m.kind];
  const cross = (
    sign: '>' | '<',
    metric: string,
    value: number | undefined,
    limit: number,
    unit: string,
    rule: string,
  ) => {
    if (value !== undefined && (sign === '>' ? value > limit : value < limit))
      crossed.push({
        metric,
        value,
        unit,
        threshold: `${sign} ${limit} ${unit}`,
        rule: `CQD ${classifier}: ${rule}`,
        source: CQD_STREAM_CLASSIFICATION,
      });
  };
  // The CQD states loss as a rate (0.1), round trip and jitter in milliseconds without a unit.
  if (m.kind === 'audio') {
    const limits = POOR_STREAM.audio;
    cross('>', 'packet loss', m.lossPercent, limits.lossPercent, '%', `Packet Loss Rate > ${limits.lossPercent / 100}`);
    cross('>', 'jitter (mean)', m.jitter?.meanMs, limits.jitterMs, 'ms', `Jitter > ${limits.jitterMs}`);
    cross('>', 'round trip', m.roundTripMs, limits.roundTripMs, 'ms', `Round Trip > ${limits.roundTripMs}`);
  } else if (m.kind !== 'unknown') {
    const limits = POOR_STREAM[m.kind];
    cross(
      '>',
      'packet loss',
      m.lossPercent,
      limits.lossPercent,
      '%',
      `Video Post FECPLR > ${limits.lossPercent / 100}`,
    );
    cross('<', 'frame rate', m.frameRate, limits.frameRate, 'fps', `Video Frame Rate Avg < ${limits.frameRate}`);
  }
  return { verdict: crossed.length ? 'poor' : 'good', crossed, targetsMissed };
}

function missedTargets(windows: StreamQuality['windows']): QualityThreshold[] {
  const missed: QualityThreshold[] = [];
  const names = {
    loss15s: 'packet loss in a 15 s window',
    jitter15s: 'jitter in a 15 s window',
    burstLoss200ms: 'burst loss in a 200 ms window',
  } as const;
  const units = { loss15s: '%', jitter15s: 'ms', burstLoss200ms: '%' } as const;
  const rules = { loss15s: 'packet loss', jitter15s: 'jitter', burstLoss200ms: 'burst packet loss' } as const;
  for (const key of Object.keys(names) as (keyof typeof names)[]) {
    const window = windows[key];
    const { target, seconds } = WINDOW_TARGETS[key];
    const interval = seconds < 1 ? `${seconds * 1000} ms` : `${seconds} s`;
    if (window && !window.met)
      missed.push({
        metric: names[key],
        value: window.value,
        unit: units[key],
        threshold: `< ${target} ${units[key]}`,
        rule: `Teams network requirement: ${rules[key]} < ${target} ${units[key]} during any ${interval} interval`,
        source: NETWORK_REQUIREMENTS,
      });
  }
  return missed;
}
