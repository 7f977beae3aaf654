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

/** Too few packets to judge a stream by. */
const MINIMUM_PACKETS = 20;

export type StreamMeasures = Pick<
  StreamQuality,
  'kind' | 'packets' | 'lossPercent' | 'jitter' | 'frameRate' | 'roundTripMs' | 'windows'
>;

/**
 * A stream against the CQD's poor-stream thresholds (loss is measured before FEC and retransmission, so it
 * is the harsher figure), and its worst windows against the network targets.
 */
export function judgeStream(m: StreamMeasures): Pick<StreamQuality, 'verdict' | 'crossed' | 'targetsMissed'> {
  const targetsMissed = missedTargets(m.windows);
  if (m.kind === 'unknown' || m.packets < MINIMUM_PACKETS) return { verdict: 'not-judged', crossed: [], targetsMissed };
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
  } else {
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
