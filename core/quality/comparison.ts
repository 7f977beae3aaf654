import type { CallQuality } from '../schema/generated/report.js';
import { describeStream } from './index.js';
import { PATH_TEXT } from './path.js';

/** What `compare` shows of a capture's call quality: the verdict and the worst stream figures. */
export interface QualityComparison {
  verdict: CallQuality['verdict'] | 'no media';
  worstLoss?: { stream: string; percent: number };
  worstJitter?: { stream: string; ms: number };
  paths: string[];
}

export function compareQuality(quality: CallQuality | undefined): QualityComparison {
  const streams = quality?.streams.filter((s) => s.verdict !== 'not-judged') ?? [];
  if (!quality || quality.streams.length === 0) return { verdict: 'no media', paths: [] };
  const comparison: QualityComparison = {
    verdict: quality.verdict,
    paths: [...new Set(quality.streams.map((s) => PATH_TEXT[s.path]))],
  };
  const lossiest = streams.reduce<(typeof streams)[number] | undefined>(
    (worst, s) => (!worst || s.lossPercent > worst.lossPercent ? s : worst),
    undefined,
  );
  if (lossiest) comparison.worstLoss = { stream: describeStream(lossiest), percent: lossiest.lossPercent };
  const jittery = streams
    .filter((s) => s.jitter)
    .reduce<(typeof streams)[number] | undefined>(
      (worst, s) => (!worst || s.jitter!.meanMs > worst.jitter!.meanMs ? s : worst),
      undefined,
    );
  if (jittery) comparison.worstJitter = { stream: describeStream(jittery), ms: jittery.jitter!.meanMs };
  return comparison;
}
