import type { QualityThreshold, StreamQuality } from '../schema/generated/report.js';
import { WINDOW_TARGETS } from './stream.js';

/** Where Microsoft publishes the numbers Teamshark judges by. */
export const CQD_STREAM_CLASSIFICATION =
  'Microsoft Learn, "Stream classification in Call Quality Dashboard (CQD)" (learn.microsoft.com/microsoftteams/stream-classification-in-call-quality-dashboard)';
export const NETWORK_REQUIREMENTS =
  'Microsoft Learn, "Prepare your organization\'s network for Microsoft Teams", network requirements from the customer edge to the Microsoft edge (learn.microsoft.com/microsoftteams/prepare-network)';
export const QOS_GUIDANCE =
  'Microsoft Learn, "Implement Quality of Service (QoS) in Microsoft Teams" (learn.microsoft.com/microsoftteams/qos-in-teams)';

/** The CQD's poor-stream thresholds: a stream crossing any of them is poor. */
export const POOR_STREAM = {
  audio: { lossPercent: 10, jitterMs: 30, roundTripMs: 500 },
  video: { lossPercent: 15, frameRate: 7 },
  'screen-sharing': { lossPercent: 15, frameRate: 2 },
} as const;

/** Microsoft's QoS markings for Teams media (DSCP). */
export const EXPECTED_DSCP = { audio: 46, video: 34, 'screen-sharing': 18 } as const;

/** The CQD classifies an audio stream only when its Packet Utilization is over this many packets. */
export const AUDIO_MINIMUM_PACKETS = 500;

/** Too few packets to judge a video or screen-sharing stream by. */
const MINIMUM_PACKETS = 20;

export type StreamMeasures = Pick<
  StreamQuality,
  'kind' | 'direction' | 'packets' | 'lossPercent' | 'jitter' | 'frameRate' | 'roundTripMs' | 'windows'
>;

/** Why the CQD's classification does not apply to a stream, or undefined when it does. */
function notJudgedBecause(m: StreamMeasures): string | undefined {
  if (m.direction === 'outbound')
    return 'sent by the capturing host: a stream is classified where it is received, which this capture does not see';
  if (m.direction !== 'inbound') return 'between two other hosts: neither end is the capturing host';
  if (m.kind === 'unknown') return 'of an unknown kind';
  if (m.kind === 'audio' && m.packets <= AUDIO_MINIMUM_PACKETS)
    return `too short: an audio stream is classified only over ${AUDIO_MINIMUM_PACKETS} packets (Packet Utilization)`;
  if (m.packets < MINIMUM_PACKETS) return `too short: under ${MINIMUM_PACKETS} packets`;
  return undefined;
}

/** A measured value with its unit, to one decimal at most: "16.2 %", "56.8 ms", "12 fps". */
export function measured(value: number, unit: string): string {
  return `${Number(value.toFixed(1))} ${unit}`;
}

/** The unit of a threshold ("> 10 %" → "%"). */
export function thresholdUnit(t: QualityThreshold): string {
  return t.threshold.split(' ').slice(2).join(' ');
}

/** A threshold crossed or a target missed as text: "jitter (mean) 56.8 ms (> 30 ms)"; `limit` names the limit. */
export function thresholdText(t: QualityThreshold, limit = ''): string {
  return `${t.metric} ${measured(t.value, thresholdUnit(t))} (${limit}${t.threshold})`;
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
  const over = (metric: string, value: number | undefined, limit: number, unit: string) => {
    if (value !== undefined && value > limit)
      crossed.push({ metric, value, threshold: `> ${limit} ${unit}`, source: CQD_STREAM_CLASSIFICATION });
  };
  const under = (metric: string, value: number | undefined, limit: number, unit: string) => {
    if (value !== undefined && value < limit)
      crossed.push({ metric, value, threshold: `< ${limit} ${unit}`, source: CQD_STREAM_CLASSIFICATION });
  };
  if (m.kind === 'audio') {
    const limits = POOR_STREAM.audio;
    over('packet loss', m.lossPercent, limits.lossPercent, '%');
    over('jitter (mean)', m.jitter?.meanMs, limits.jitterMs, 'ms');
    over('round trip', m.roundTripMs, limits.roundTripMs, 'ms');
  } else if (m.kind !== 'unknown') {
    const limits = POOR_STREAM[m.kind];
    over('packet loss', m.lossPercent, limits.lossPercent, '%');
    under('frame rate', m.frameRate, limits.frameRate, 'fps');
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
  for (const key of Object.keys(names) as (keyof typeof names)[]) {
    const window = windows[key];
    if (window && !window.met)
      missed.push({
        metric: names[key],
        value: window.value,
        threshold: `< ${WINDOW_TARGETS[key].target} ${units[key]}`,
        source: NETWORK_REQUIREMENTS,
      });
  }
  return missed;
}
