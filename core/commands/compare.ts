import { dirname, relative } from 'node:path';
import { compareReport } from '../report/comparison.js';
import { comparisonChartSpec, renderSvg } from '../report/charts.js';
import { renderComparison } from '../report/compare-markdown.js';
import type { Report } from '../schema/generated/report.js';
import { analysisSettings, countOptions, formatOption, refuseSampleOptions, withAnalysis } from './analysis.js';
import { EXIT, usage, type CliValues } from './command-line.js';
import { refuseExisting, writeAtomically, writeStdout } from './output.js';
import { chartBeside } from './render.js';

/**
 * `teamshark compare <capture> <capture>...`: one column per capture, and the packets-per-second chart of all
 * of them (--chart, or beside a Markdown --out).
 */
export async function run(captures: string[], values: CliValues): Promise<number> {
  refuseSampleOptions(values);
  const format = formatOption(values);
  const counts = countOptions(values);
  if (captures.length < 2) throw usage('compare needs two captures or more');
  if (format !== 'md' && format !== 'json') throw usage('compare writes md or json');
  const settings = analysisSettings(values, captures, false, counts);
  const { out, force } = values;
  const chart = values.chart ?? (out && format === 'md' ? chartBeside(out) : undefined);
  return withAnalysis(values, settings, async (analysis) => {
    if (!force) for (const path of [out, chart]) if (path) await refuseExisting(path);
    // One after the other: each tshark pass already keeps a core busy.
    const reports: Report[] = [];
    for (const capture of captures) reports.push(await analysis.analyze(capture));
    const columns = reports.map(compareReport);
    if (chart) await writeAtomically(chart, await renderSvg(comparisonChartSpec(reports)), force);
    const chartLink = chart && out ? relative(dirname(out), chart) : chart;
    const text =
      format === 'json'
        ? `${JSON.stringify({ captures: columns }, null, 2)}\n`
        : `${renderComparison(columns, chartLink)}\n`;
    if (out) await writeAtomically(out, text, force);
    else await writeStdout(text);
    return EXIT.ok;
  });
}
