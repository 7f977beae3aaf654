import { formatEndpoint } from '../model/addressing.js';
import { describeStream } from '../quality/index.js';
import { PATH_TEXT } from '../quality/path.js';
import { gapCount } from '../report/quality-text.js';
import { markdownCode, markdownText } from '../report/escape.js';
import type { LinkedReport } from './capture-facts.js';
import { thresholdText } from '../quality/thresholds.js';

/** What a linked capture shows of one RTP stream: its call quality, verdict and evidence. */
export function streamQualityHover({ label, report }: LinkedReport, ssrc: string): string {
  const title = `**In ${markdownText(label)}:**`;
  const streams = report.quality?.streams.filter((s) => s.ssrc === ssrc) ?? [];
  if (streams.length === 0) return `${title} no RTP stream has this SSRC.`;
  return streams
    .map((s) => {
      const crossed = s.crossed.map((c) => thresholdText(c)).join(', ');
      const verdict =
        s.verdict === 'poor' ? `**poor**: ${markdownText(crossed)}` : s.verdict === 'good' ? 'good' : 'not judged';
      return [
        `${title} ${markdownText(describeStream(s))}, ${markdownText(`${formatEndpoint(s.source)} → ${formatEndpoint(s.destination)}`)}, ${PATH_TEXT[s.path]}`,
        `- Lost ${s.lost} of ${s.expected} (${s.lossPercent} %) · jitter ${s.jitter ? `${s.jitter.meanMs} ms mean, ${s.jitter.maxMs} ms max` : 'unknown (no clock rate)'} · max delta ${s.maxDeltaMs} ms · ${gapCount(s)} gap(s) of 200 ms or more`,
        `- Verdict (network-side estimate, Microsoft's poor-stream thresholds): ${verdict}`,
        `First frame ${s.firstFrame} · filter ${markdownCode(s.filter)}`,
      ].join('\n');
    })
    .join('\n\n');
}
