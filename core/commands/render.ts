import { basename, dirname, join, relative } from 'node:path';
import { packetsPerSecondSpec, renderSvg } from '../report/charts.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../schema/generated/report.js';
import type { Format } from './analysis.js';
import { writeAtomically } from './output.js';

/** The report of one capture in one of the single-report formats; with md and --out, its chart is written beside it first. */
export async function renderReport(
  report: Report,
  capture: string,
  { format, out, chart, force }: { format: Exclude<Format, 'parquet'>; out?: string; chart?: string; force: boolean },
): Promise<string> {
  const chartSvg = () => renderSvg(packetsPerSecondSpec(report.timeline, `Packets per second: ${basename(capture)}`));
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'html') {
    const [{ renderHtml }, { qualityChartSvg }] = await Promise.all([
      import('../report/html.js'),
      import('../report/quality-chart.js'),
    ]);
    return renderHtml(report, await chartSvg(), await qualityChartSvg(report, `Loss and jitter: ${basename(capture)}`));
  }
  if (format === 'ecs-ndjson') {
    const [{ ecsBulkBody }, { captureId }] = await Promise.all([
      import('../dataset/ecs.js'),
      import('../dataset/partition.js'),
    ]);
    return ecsBulkBody(report, await captureId(capture));
  }
  if (!out || !chart) return `${renderMarkdown(report)}\n`;
  await writeAtomically(chart, await chartSvg(), force);
  return `${renderMarkdown(report, { chartFile: relative(dirname(out), chart) })}\n`;
}

/** The chart written beside a Markdown report: call.md → call.packets-per-second.svg */
export function chartBeside(out: string): string {
  return join(dirname(out), `${basename(out).replace(/\.md$/i, '')}.packets-per-second.svg`);
}
