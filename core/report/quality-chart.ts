import type { TopLevelSpec } from 'vega-lite';
import type { Report } from '../schema/generated/report.js';
import { describeStream } from '../quality/index.js';
import { renderSvg } from './charts.js';
import { plainText } from './escape.js';

/**
 * Loss and jitter over time, one line per stream, one chart above the other (Vega-Lite, drawn like the
 * packets-per-second chart). Undefined when the capture has no RTP stream.
 */
export function qualityChartSpec(report: Report, title: string): TopLevelSpec | undefined {
  const quality = report.quality;
  if (!quality?.streams.length) return undefined;
  const points = quality.streams.flatMap((s) => {
    const stream = plainText(describeStream(s));
    return s.series.lossPercent.map((loss, bin) => ({
      second: s.series.start + bin * quality.binSeconds,
      stream,
      loss,
      jitter: s.series.jitterMs?.[bin] ?? null,
    }));
  });
  const x = { field: 'second', type: 'quantitative' as const, title: 'Time since the first packet (s)' };
  const color = { field: 'stream', type: 'nominal' as const, title: 'Stream' };
  const bins = quality.binSeconds === 1 ? 'per second' : `per ${quality.binSeconds} s`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: plainText(title),
    data: { values: points },
    vconcat: [
      {
        width: 720,
        height: 180,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y: { field: 'loss', type: 'quantitative', title: `Packet loss % (${bins})` }, color },
      },
      {
        width: 720,
        height: 180,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x,
          y: { field: 'jitter', type: 'quantitative', title: `Jitter, ms (RFC 3550, mean ${bins})` },
          color,
        },
      },
    ],
  };
}

/** The loss-and-jitter chart as SVG, or undefined without RTP streams. */
export async function qualityChartSvg(report: Report, title: string): Promise<string | undefined> {
  const spec = qualityChartSpec(report, title);
  return spec ? renderSvg(spec) : undefined;
}
