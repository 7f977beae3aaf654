import { plainText } from '../report/escape.js';
import type { ProgressBar } from '../progress-bar.js';
import type { Report } from '../schema/generated/report.js';
import { locateTshark } from '../tshark/locate.js';
import { ecsBulkBody } from './ecs.js';
import { exportDataset, type DatasetFormat } from './export.js';
import { captureId } from './partition.js';
import { queryDataset, renderQuestionList, renderTable } from './query.js';

/** The CLI's dataset commands (export, query, analyze --format parquet|ecs-ndjson): loaded only when one runs. */

export interface ExportCommandOptions {
  out: string;
  format: DatasetFormat;
  jobs: number;
  force: boolean;
  tsharkPath?: string;
  analyze: (capture: string) => Promise<Report>;
  bar?: ProgressBar;
  note: (line: string) => void;
}

/** Exports, with the batch progress bar; returns the summary line(s) and whether any capture failed. */
export async function exportCommand(
  captures: string[],
  options: ExportCommandOptions,
): Promise<{ text: string; failed: boolean }> {
  const tshark = await locateTshark(options.tsharkPath).catch(() => undefined);
  let done = 0;
  let failed = 0;
  options.bar?.update(0, 0);
  const summary = await exportDataset(captures, {
    ...options,
    tsharkVersion: tshark?.version,
    onSettled(_capture, outcome) {
      done++;
      if (outcome.state === 'failed') {
        failed++;
        options.note(`teamshark: ${plainText(outcome.error)}\n`);
      }
      options.bar?.update(done, failed);
    },
  });
  options.bar?.clear();
  const where = options.format === 'parquet' ? `dataset ${options.out}` : `${options.out} (ECS NDJSON)`;
  const text = `${where}: ${summary.exported} exported, ${summary.skipped} already there (skipped), ${summary.failed.length} failed\n`;
  return { text, failed: summary.failed.length > 0 };
}

/** `query DATASET SQL|NAME` as a Markdown table or JSON; `query --list` names the built-in questions. */
export async function queryCommand(
  dataset: string | undefined,
  sqlOrName: string | undefined,
  json: boolean,
): Promise<string> {
  if (dataset === undefined || sqlOrName === undefined) return renderQuestionList();
  const result = await queryDataset(dataset, sqlOrName);
  return json ? `${JSON.stringify(result.rows, null, 2)}\n` : renderTable(result);
}

/** One capture's flows, findings and media as an Elasticsearch _bulk body. */
export async function ecsCommand(capture: string, report: Report): Promise<string> {
  return ecsBulkBody(report, await captureId(capture));
}
