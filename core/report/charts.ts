import { basename } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Report, Timeline } from '../schema/generated/report.js';
import { plainText } from './escape.js';

interface RatePoint {
  second: number;
  series: string;
  rate: number;
}

/**
 * A rate over capture time, one stepped line per series, as a Vega-Lite spec. The CLI renders it to SVG
 * here; the VS Code webview draws the same specs. Vega escapes markup but keeps control characters, so
 * the title and series names (file names among them) lose theirs here.
 */
function rateOverTime(options: {
  title: string;
  points: RatePoint[];
  seriesTitle: string;
  yTitle: string;
  xTitle: string;
  order?: string[];
}): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: plainText(options.title),
    width: 720,
    height: 260,
    data: { values: options.points.map((point) => ({ ...point, series: plainText(point.series) })) },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'second', type: 'quantitative', title: options.xTitle },
      y: { field: 'rate', type: 'quantitative', title: options.yTitle },
      color: {
        field: 'series',
        type: 'nominal',
        title: options.seriesTitle,
        ...(options.order ? { sort: options.order.map(plainText) } : {}),
      },
    },
  };
}

function binStart(timeline: Timeline, bin: number): number {
  return timeline.startOffset + bin * timeline.binSeconds;
}

/** Packets per second of each protocol over the capture. */
export function packetsPerSecondSpec(timeline: Timeline, title: string): TopLevelSpec {
  return rateOverTime({
    title,
    points: timeline.series.flatMap((s) =>
      s.packets.map((packets, bin) => ({
        second: binStart(timeline, bin),
        series: s.protocol,
        rate: packets / timeline.binSeconds,
      })),
    ),
    seriesTitle: 'Protocol',
    xTitle: 'Time since the first packet (s)',
    yTitle: timeline.binSeconds === 1 ? 'Packets per second' : `Packets per second (${timeline.binSeconds} s bins)`,
    order: timeline.series.map((s) => s.protocol),
  });
}

/** All captures' packets per second on one time axis (seconds since each capture's first packet). */
export function comparisonChartSpec(reports: readonly Report[]): TopLevelSpec {
  return rateOverTime({
    title: 'Packets per second, one line per capture',
    points: reports.flatMap(({ timeline, capture, application }) =>
      Array.from({ length: timeline.series[0]?.packets.length ?? 0 }, (_, bin) => ({
        second: binStart(timeline, bin),
        series: `${basename(capture.file)} (${application.dominantActivity})`,
        rate: timeline.series.reduce((sum, s) => sum + (s.packets[bin] ?? 0), 0) / timeline.binSeconds,
      })),
    ),
    seriesTitle: 'Capture',
    xTitle: 'Time since the capture’s first packet (s)',
    yTitle: 'Packets per second',
  });
}

/**
 * Renders a Vega-Lite spec to a standalone SVG document, without a browser or a canvas. Vega is loaded here, on
 * the first chart, not with the module: loading it costs more CPU than analysing 10,000 packets.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
