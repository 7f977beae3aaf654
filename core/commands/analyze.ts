import { SavedReports } from '../cache/saved-reports.js';
import { TeamsharkError } from '../util/errors.js';
import {
  DATASET_FORMATS,
  analysisSettings,
  countOptions,
  formatOption,
  isBatch,
  refuseSampleOptions,
  withAnalysis,
} from './analysis.js';
import { batchCommand } from './batch.js';
import { EXIT, usage, type CliValues } from './command-line.js';
import { checkDatasetArguments, exportCaptures, type DatasetFormat } from './export.js';
import { refuseExisting, writeAtomically, writeStdout } from './output.js';
import { chartBeside, renderReport } from './render.js';

/**
 * `teamshark analyze <capture>`: the report, on stdout or into --out; given several captures or a folder, one
 * report each into the folder --out (batch); with --format parquet, the capture's partition of a dataset.
 */
export async function run(captures: string[], values: CliValues): Promise<number> {
  refuseSampleOptions(values);
  const format = formatOption(values);
  const counts = countOptions(values);
  const batch = await isBatch(captures);
  if (DATASET_FORMATS.includes(format)) {
    checkDatasetArguments('analyze', captures, format as DatasetFormat, batch, values);
  } else {
    if (captures.length === 0) throw usage('no capture file given');
    if (values.chart) throw usage('--chart goes with compare');
    // One folder alone is more likely a slip than a batch: say what it is, in one line, like any bad capture path.
    if (batch && !values.out && captures.length === 1)
      throw new TeamsharkError(
        'is-a-directory',
        `${captures[0]}: is a directory: to analyse the captures in it, add --out DIR, the folder for their reports`,
      );
    if (batch && !values.out) throw usage('analysing several captures needs --out DIR, the folder for their reports');
    if (!batch && counts.jobs !== undefined) throw usage('--jobs goes with several captures or a folder');
  }
  // One capture file's report is saved for the next run; a batch's reports are already files of their own.
  const settings = {
    ...analysisSettings(values, captures, batch, counts),
    savedReports: batch || values['no-cache'] ? undefined : new SavedReports(),
  };
  if (format === 'parquet') return exportCaptures(captures, format, values, settings);
  return withAnalysis(values, settings, async (analysis) => {
    if (batch) return batchCommand(captures, { out: values.out!, format, force: values.force }, settings, analysis);
    const capture = captures[0]!;
    const chart = values.out && format === 'md' ? chartBeside(values.out) : undefined;
    // Refused before the analysis, not after a minute of it; writeAtomically checks again when it writes.
    if (!values.force) for (const path of [values.out, chart]) if (path) await refuseExisting(path);
    const report = await analysis.analyze(capture);
    const text = await renderReport(report, capture, { format, out: values.out, chart, force: values.force });
    if (values.out) await writeAtomically(values.out, text, values.force);
    else await writeStdout(text);
    return EXIT.ok;
  });
}
