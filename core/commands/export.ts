import { expandCaptures } from '../batch.js';
import { plainText } from '../report/escape.js';
import { locateTshark } from '../tshark/locate.js';
import {
  analysisSettings,
  countOptions,
  isBatch,
  refuseSampleOptions,
  withAnalysis,
  type AnalysisSettings,
} from './analysis.js';
import { EXIT, usage, type CliValues } from './command-line.js';
import { writeStdout } from './output.js';

export type DatasetFormat = 'parquet' | 'ecs-ndjson';

/**
 * `teamshark export <capture|folder>... --out DATASET`: Parquet partitions (or ECS NDJSON files) of every capture,
 * with the batch progress bar; prints the summary line.
 */
export async function run(captures: string[], values: CliValues): Promise<number> {
  refuseSampleOptions(values);
  const format = values.format ?? 'parquet';
  if (format !== 'parquet' && format !== 'ecs-ndjson')
    throw usage(`--format must be parquet or ecs-ndjson, not "${format}"`);
  const counts = countOptions(values);
  const batch = await isBatch(captures);
  checkDatasetArguments('export', captures, format, batch, values);
  return exportCaptures(captures, format, values, analysisSettings(values, captures, batch, counts));
}

/**
 * What export, and analyze --format parquet|ecs-ndjson, need: capture files (analyze: one), and the dataset
 * folder unless analyze prints one capture's ECS documents.
 */
export function checkDatasetArguments(
  command: 'analyze' | 'export',
  captures: readonly string[],
  format: DatasetFormat,
  batch: boolean,
  values: CliValues,
): void {
  if (captures.length === 0) throw usage('no capture file given');
  if (command === 'analyze' && batch)
    throw usage('a dataset of several captures: teamshark export <capture|folder>... --out DATASET');
  if (captures.includes('-'))
    throw usage(`--format ${format} needs capture files (their hash names them), not standard input`);
  if ((command === 'export' || format === 'parquet') && !values.out)
    throw usage('needs --out DATASET, the dataset folder');
  if (values.chart) throw usage('--chart goes with compare');
}

/** Exports the captures into the dataset --out; exits 1 if any capture failed. */
export async function exportCaptures(
  captures: readonly string[],
  format: DatasetFormat,
  values: CliValues,
  settings: AnalysisSettings,
): Promise<number> {
  return withAnalysis(values, settings, async (analysis) => {
    const { exportDataset } = await import('../dataset/export.js');
    const list = await expandCaptures(captures);
    const bar = settings.batch ? analysis.showBar(list.length) : undefined;
    const out = values.out!;
    const tshark = await locateTshark(values.tshark).catch(() => undefined);
    let done = 0;
    let failed = 0;
    bar?.update(0, 0);
    const summary = await exportDataset(list, {
      out,
      format,
      jobs: settings.jobs,
      force: values.force,
      analyze: analysis.analyze,
      tsharkVersion: tshark?.version,
      onSettled(_capture, outcome) {
        done++;
        if (outcome.state === 'failed') {
          failed++;
          analysis.note(`teamshark: ${plainText(outcome.error)}\n`);
        }
        bar?.update(done, failed);
      },
    });
    bar?.clear();
    const where = format === 'parquet' ? `dataset ${out}` : `${out} (ECS NDJSON)`;
    await writeStdout(
      `${where}: ${summary.exported} exported, ${summary.skipped} already there (skipped), ${summary.failed.length} failed\n`,
    );
    return summary.failed.length ? EXIT.failed : EXIT.ok;
  });
}
