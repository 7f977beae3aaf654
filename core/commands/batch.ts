import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expandCaptures, reportFileNames, runBatch, type BatchOutcome } from '../batch.js';
import { compareReport } from '../report/comparison.js';
import { renderBatchSummary } from '../report/compare-markdown.js';
import { plainText } from '../report/escape.js';
import type { Report } from '../schema/generated/report.js';
import { TeamsharkError } from '../util/errors.js';
import type { Analysis, AnalysisSettings, Format } from './analysis.js';
import { EXIT } from './command-line.js';
import { refuseExisting, writeAtomically, writeStdout } from './output.js';
import { chartBeside, renderReport } from './render.js';

/**
 * `teamshark analyze <capture|folder>... --out DIR`: one report per capture in the folder `out`, `jobs` captures
 * at a time, and the comparison of them all as a summary (on stdout and beside the reports). A capture that
 * fails is listed in the summary with its error's code; the others go on.
 */
export async function batchCommand(
  captures: readonly string[],
  { out, format, force }: { out: string; format: Exclude<Format, 'parquet'>; force: boolean },
  settings: AnalysisSettings,
  analysis: Analysis,
): Promise<number> {
  const list = await expandCaptures(captures);
  const bar = analysis.showBar(list.length);
  await mkdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new TeamsharkError('write-failed', `cannot create ${out}: ${error.code ?? error.message}`);
  });
  const summaryFile = `summary.${format === 'json' ? 'json' : 'md'}`;
  if (!force) await refuseExisting(join(out, summaryFile));
  const files = reportFileNames(list, format, [summaryFile]);
  const fileOf = new Map(list.map((capture, i) => [capture, files[i]!]));
  let done = 0;
  let failed = 0;
  bar?.update(0, 0);
  const outcomes = await runBatch(
    list,
    settings.jobs,
    async (capture) => {
      const path = join(out, fileOf.get(capture)!);
      const report = await analysis.analyze(capture);
      const chart = format === 'md' ? chartBeside(path) : undefined;
      await writeAtomically(path, await renderReport(report, capture, { format, out: path, chart, force }), force);
      return report;
    },
    (outcome: BatchOutcome<Report>) => {
      done++;
      if ('error' in outcome) {
        failed++;
        analysis.note(`teamshark: ${plainText(outcome.error)}\n`);
      }
      bar?.update(done, failed);
    },
  );
  bar?.clear();
  const reports = outcomes.flatMap((o) =>
    'result' in o ? [{ file: fileOf.get(o.capture)!, comparison: compareReport(o.result) }] : [],
  );
  const failures = outcomes.flatMap((o) =>
    'error' in o ? [{ capture: o.capture, error: o.error, code: o.code }] : [],
  );
  const summary =
    format === 'json'
      ? `${JSON.stringify({ captures: reports.map((r) => ({ ...r.comparison, report: r.file })), failed: failures }, null, 2)}\n`
      : `${renderBatchSummary(reports, failures)}\n`;
  await writeAtomically(join(out, summaryFile), summary, force);
  await writeStdout(summary);
  return failures.length ? EXIT.failed : EXIT.ok;
}
