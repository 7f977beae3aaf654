import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { AnalyzeOptions } from '../analyze.js';
import { analyzeWithSavedReports, type SavedReports } from '../cache/saved-reports.js';
import { plainText } from '../report/escape.js';
import type { Report } from '../schema/generated/report.js';
import { usage, type CliValues } from './command-line.js';
import { isDirectory } from './output.js';
import { ProgressBar } from './progress-bar.js';
import { STDIN_NAME, withStdinCapture } from './stdin.js';

/** What the commands that analyse captures (analyze, compare, export, annotate) do with them. */

const FORMATS = ['md', 'json', 'html', 'parquet', 'ecs-ndjson'] as const;
export type Format = (typeof FORMATS)[number];
export const DATASET_FORMATS: readonly string[] = ['parquet', 'ecs-ndjson'];

/** --format of analyze, compare and annotate (export has its own two). */
export function formatOption(values: CliValues): Format {
  const format = values.format ?? 'md';
  if (!(FORMATS as readonly string[]).includes(format))
    throw usage(`--format must be md, json, html, parquet or ecs-ndjson, not "${format}"`);
  return format as Format;
}

/** The sample command's options given to another command: a slip worth saying. */
export function refuseSampleOptions(values: CliValues): void {
  const option = (['scenario', 'seed', 'truth', 'list'] as const).find((name) => values[name] !== undefined);
  if (option) throw usage(`--${option} goes with sample`);
}

/** --jobs and --workers, checked before the command's own arguments. */
export function countOptions(values: CliValues): { jobs?: number; workers?: number } {
  const counts = {
    jobs: values.jobs === undefined ? undefined : Number(values.jobs),
    workers: values.workers === undefined ? undefined : Number(values.workers),
  };
  for (const [name, value] of Object.entries(counts)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw usage(`--${name} must be a whole number ≥ 1`);
  }
  return counts;
}

/** Several captures, or a folder of them: analyze and export then write one result per capture. */
export async function isBatch(captures: readonly string[]): Promise<boolean> {
  return captures.length > 1 || (captures.length === 1 && (await isDirectory(captures[0]!)));
}

export interface AnalysisSettings {
  batch: boolean;
  /** Warnings name their capture: there is more than one. */
  nameCaptures: boolean;
  /** Captures analysed at once. */
  jobs: number;
  workers?: number;
  timeoutMs?: number;
  /** Where a capture's report is looked up before it is analysed, and saved after (analyze, one capture file). */
  savedReports?: SavedReports;
}

/** The settings of a command's analyses; --timeout is checked last, after the command's own arguments. */
export function analysisSettings(
  values: CliValues,
  captures: readonly string[],
  batch: boolean,
  counts: { jobs?: number; workers?: number },
): AnalysisSettings {
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && Number.isFinite(timeoutSeconds)))
    throw usage(`--timeout must be a number of seconds above 0, not "${values.timeout}"`);
  // Several captures at once share the cores: each then reads its capture with fewer tsharks.
  const jobs = batch ? (counts.jobs ?? availableParallelism()) : 1;
  return {
    batch,
    nameCaptures: captures.length > 1 || batch,
    jobs,
    workers: counts.workers ?? (batch ? Math.max(1, Math.floor(availableParallelism() / jobs)) : undefined),
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
  };
}

/** An analysis run of the CLI: Ctrl-C cancels it, warnings and progress go to stderr. */
export interface Analysis {
  analyze: (capture: string) => Promise<Report>;
  signal: AbortSignal;
  /** Writes a line to stderr, above the progress bar if there is one. */
  note: (line: string) => void;
  /** A progress bar over `total` captures, on a terminal only. */
  showBar: (total: number) => ProgressBar | undefined;
}

/** Runs `command` with an Analysis; SIGINT and SIGTERM cancel it, and a progress line is cleared if it fails. */
export async function withAnalysis<T>(
  values: CliValues,
  settings: AnalysisSettings,
  command: (analysis: Analysis) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  // `on`, not `once`: execa's exit hook re-raises a signal that no other listener is left to handle.
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const showProgress = process.stderr.isTTY === true;
  let bar: ProgressBar | undefined;
  const note = (line: string) => (bar ? bar.print(line) : process.stderr.write(line));
  const analyzeFile = async (capture: string, savedReports?: SavedReports): Promise<Report> => {
    const options: AnalyzeOptions = {
      timeoutMs: settings.timeoutMs,
      tsharkPath: values.tshark,
      tsharkOptions: (values['decode-as'] ?? []).flatMap((rule) => ['-d', rule]),
      keylog: values.keylog,
      chunking: { workers: settings.workers },
      signal: controller.signal,
      onProgress:
        showProgress && !settings.batch
          ? (n) => process.stderr.write(`\rteamshark: ${basename(capture)}: ${n} packets read…`)
          : undefined,
    };
    const report = savedReports
      ? await analyzeWithSavedReports(capture, options, savedReports)
      : await (await import('../analyze.js')).analyzeCapture(capture, options);
    if (showProgress && !settings.batch) process.stderr.write('\r\x1b[K');
    for (const warning of report.warnings)
      note(`teamshark: warning: ${plainText(`${settings.nameCaptures ? `${capture}: ` : ''}${warning.message}`)}\n`);
    return report;
  };
  // Standard input is spooled to a new temporary file each time: nothing identifies it, so it is never saved.
  const analyze = async (capture: string): Promise<Report> => {
    if (capture !== '-') return analyzeFile(capture, settings.savedReports);
    const report = await withStdinCapture(process.stdin, (path) => analyzeFile(path));
    report.capture.file = STDIN_NAME;
    return report;
  };
  const showBar = (total: number) =>
    (bar = showProgress ? new ProgressBar(process.stderr, total, 'captures') : undefined);
  try {
    return await command({ analyze, signal: controller.signal, note, showBar });
  } catch (error) {
    if (showProgress) process.stderr.write('\r\x1b[K');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
