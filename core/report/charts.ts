import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Timeline } from '../schema/generated/report.js';

/**
 * The packets-per-second chart as a Vega-Lite spec: one line per protocol over capture time. The CLI renders
 * it to SVG here; the VS Code webview draws the same spec.
 */
export function packetsPerSecondSpec(timeline: Timeline, title: string): TopLevelSpec {
  const values = timeline.series.flatMap((s) =>
    s.packets.map((packets, bin) => ({
      second: timeline.startOffset + bin * timeline.binSeconds,
      protocol: s.protocol,
      rate: packets / timeline.binSeconds,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 720,
    height: 260,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'second', type: 'quantitative', title: 'Time since the first packet (s)' },
      y: { field: 'rate', type: 'quantitative', title: timeline.binSeconds === 1 ? 'Packets per second' : `Packets per second (${timeline.binSeconds} s bins)` },
      color: { field: 'protocol', type: 'nominal', title: 'Protocol', sort: timeline.series.map((s) => s.protocol) },
    },
  };
}

/** Renders a Vega-Lite spec to a standalone SVG document, without a browser or a canvas. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
