#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { copyFile, constants, link, lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeCapture } from './analyze.js';
import { expandCaptures, reportFileNames, runBatch, type BatchOutcome } from './batch.js';
import { compareReport } from './compare.js';
import { AnalysisCancelled, TeamsharkError } from './util/errors.js';
import { STDIN_NAME, withStdinCapture } from './stdin.js';
import { comparisonChartSpec, packetsPerSecondSpec, renderSvg } from './report/charts.js';
import { renderBatchSummary, renderComparison } from './report/compare-markdown.js';
import { renderMarkdown } from './report/markdown.js';
import type { Report } from './schema/generated/report.js';
import { plainText } from './report/escape.js';
import { ProgressBar } from './progress-bar.js';
import type { sampleCommand } from './sample/command.js';
import { TOOL_VERSION } from './util/version.js';

const USAGE = `Usage: teamshark analyze <capture> [--format md|json|html] [--out FILE [--force]] [--timeout SECONDS] [--tshark PATH] [--decode-as RULE]... [--workers N]
       teamshark analyze <capture|folder>... --out DIR [--jobs N] [--format md|json|html] [--force] [--timeout SECONDS]
       teamshark compare <capture> <capture>... [--format md|json] [--out FILE] [--chart FILE.svg] [--force] [--timeout SECONDS]
       teamshark sample [--scenario NAME] [--seed N] [--out FILE] [--truth FILE] [--keylog FILE] [--force] | [--list]
       teamshark export <capture|folder>... --out DATASET [--jobs N] [--format parquet|ecs-ndjson] [--force] [--timeout SECONDS]
       teamshark analyze <capture> --format parquet --out DATASET [--force]
       teamshark query DATASET "SQL"|QUESTION [--format md|json] | --list
       teamshark annotate <capture> --out ANNOTATED.pcapng [--force] [--keylog FILE] [--tshark PATH] [--decode-as RULE]...
       teamshark wireshark-profile [--out DIR] [--force] [--decode-as RULE]...

analyze   analyses a packet capture of Microsoft Teams with tshark and prints the report; "-" reads the
          capture from standard input (teamshark sample | teamshark analyze -); given several captures or
          a folder, writes one report per capture into DIR and prints a summary table
compare   analyses several captures and prints one column per capture: activity, protocols, DNS volume,
          TCP/UDP/TLS/QUIC shares, packets/s and bytes/s, who receives the packets, TLS versions
sample    writes a synthetic Teams capture (pcapng) to --out or to a pipe: the default scenario is a short
          session with DNS, TLS, QUIC, chat and a relayed call; --list shows the other scenarios
export    analyses captures into a dataset: Parquet tables (flows, dns_lookups, tls_handshakes, findings…)
          partitioned by capture_id=<sha256 of the capture>, and a manifest; captures already in it are
          skipped (--force analyses them again); docs/dataset.md describes every column. With
          --format ecs-ndjson: Elasticsearch/OpenSearch _bulk files and their index template
query     answers SQL over a dataset with DuckDB (tables: captures, flows, dns_lookups, tls_handshakes,
          certificates, media_streams, activity_segments, findings, manifest), or a named question; --list
          shows the named questions
annotate  writes a copy of the capture (pcapng, with Wireshark's editcap) whose evidence frames carry the
          findings as packet comments and whose capture comment holds the summary; the capture is only read
wireshark-profile
          writes a Wireshark configuration profile "Teamshark" (colouring rules, filter buttons, columns and
          the preferences Teamshark analyses with) to DIR (default: Wireshark's profiles folder)

Options:
  --format md|json|html  report format (default: md); html is one self-contained page with its chart;
                     parquet: the capture's partition of a dataset (--out DATASET); ecs-ndjson: its flows,
                     findings and media as Elastic Common Schema documents with _bulk action lines
  --out FILE         write to FILE instead of standard output; with md the packets-per-second chart is
                     written beside it (FILE's name + .packets-per-second.svg) and linked
  --chart FILE.svg   compare: where to write the packets-per-second chart of all captures
  --force            replace files that --out and --chart would write if they exist (otherwise: an error)
  --timeout SECONDS  stop tshark and fail when one capture's analysis takes longer (default: no limit)
  --tshark PATH      tshark to run (default: $TEAMSHARK_TSHARK, then PATH)
  --decode-as RULE   passed to tshark as -d RULE, e.g. udp.port==50000,rtp
  --jobs N           several captures: how many to analyse at once (default: the number of cores)
  --workers N        tsharks reading one large capture in parallel chunks (default: the number of cores;
                     also TEAMSHARK_WORKERS)
  --scenario NAME    sample: which scenario to write (default: default)
  --seed N           sample: the seed; the same seed writes the same bytes (default: 1)
  --truth FILE       sample: also write the scenario's ground truth (JSON) to FILE
  --list             sample: list the scenarios, one line each
  --keylog FILE      analyze, annotate: decrypt TLS with this key log (SSLKEYLOGFILE format); the report shows
                     the decrypted requests' method, host, path template, status and sizes, never secrets,
                     cookies or bodies; annotate also embeds the keys in the pcapng (which then holds them);
                     sample: write the key log of the sample's own TLS sessions to FILE
  -h, --help         show this help
  -v, --version      show the version`;

/** Exit codes: 0 done, 1 the analysis failed (the message says why), 2 usage, 70 internal error, 130 Ctrl-C. */
const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70, interrupted: 130 } as const;

const FORMATS = ['md', 'json', 'html', 'parquet', 'ecs-ndjson'] as const;
const DATASET_FORMATS: readonly string[] = ['parquet', 'ecs-ndjson'];
type Format = (typeof FORMATS)[number];
type DatasetFormat = 'parquet' | 'ecs-ndjson';

interface CommandOptions {
  format: Format;
  out?: string;
  /** The chart file: --chart, or beside a Markdown --out. */
  chart?: string;
  force: boolean;
  analyze: (capture: string) => Promise<Report>;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        chart: { type: 'string' },
        force: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        tshark: { type: 'string' },
        'decode-as': { type: 'string', multiple: true },
        jobs: { type: 'string' },
        workers: { type: 'string' },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        truth: { type: 'string' },
        list: { type: 'boolean' },
        keylog: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (values.version) {
    process.stdout.write(`teamshark ${TOOL_VERSION}\n`);
    return EXIT.ok;
  }
  const [command, ...captures] = positionals;
  if (command === 'query') return query(captures, values);
  if (command === 'sample')
    return captures.length ? usageError(`unexpected argument "${captures[0]}"`) : sample(values);
  if (command === 'wireshark-profile')
    return captures.length ? usageError(`unexpected argument "${captures[0]}"`) : profile(values);
  const sampleOption = (['scenario', 'seed', 'truth', 'list'] as const).find((option) => values[option] !== undefined);
  if (sampleOption) return usageError(`--${sampleOption} goes with sample`);
  const format = values.format ?? (command === 'export' ? 'parquet' : 'md');
  if (command === 'export' ? !DATASET_FORMATS.includes(format) : !(FORMATS as readonly string[]).includes(format))
    return usageError(
      `--format must be ${command === 'export' ? 'parquet or ecs-ndjson' : 'md, json, html, parquet or ecs-ndjson'}, not "${format}"`,
    );
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  for (const [name, value] of [
    ['--jobs', jobs],
    ['--workers', workers],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      return usageError(`${name} must be a whole number ≥ 1`);
  }
  const datasetOut = command === 'export' || format === 'parquet';
  const batch =
    (command === 'analyze' || command === 'export') &&
    (captures.length > 1 || (captures.length === 1 && (await isDirectory(captures[0]!))));
  if (command === 'export' || (command === 'analyze' && DATASET_FORMATS.includes(format))) {
    if (captures.length === 0) return usageError('no capture file given');
    if (command === 'analyze' && batch)
      return usageError('a dataset of several captures: teamshark export <capture|folder>... --out DATASET');
    if (captures.includes('-'))
      return usageError(`--format ${format} needs capture files (their hash names them), not standard input`);
    if (datasetOut && !values.out) return usageError('needs --out DATASET, the dataset folder');
    if (values.chart) return usageError('--chart goes with compare');
  } else if (command === 'analyze') {
    if (captures.length === 0) return usageError('no capture file given');
    if (values.chart) return usageError('--chart goes with compare');
    // One folder alone is more likely a slip than a batch: say what it is, in one line, like any bad capture path.
    if (batch && !values.out && captures.length === 1)
      return failure(
        new TeamsharkError(
          'is-a-directory',
          `${captures[0]}: is a directory: to analyse the captures in it, add --out DIR, the folder for their reports`,
        ),
      );
    if (batch && !values.out)
      return usageError('analysing several captures needs --out DIR, the folder for their reports');
    if (!batch && jobs !== undefined) return usageError('--jobs goes with several captures or a folder');
  } else if (command === 'annotate') {
    if (captures.length !== 1) return usageError('annotate takes one capture');
    if (!values.out) return usageError('annotate needs --out ANNOTATED.pcapng');
  } else if (command === 'compare') {
    if (captures.length < 2) return usageError('compare needs two captures or more');
    if (format !== 'md' && format !== 'json') return usageError('compare writes md or json');
  } else {
    return usageError(command ? `unknown command "${command}"` : 'no command given');
  }
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && Number.isFinite(timeoutSeconds)))
    return usageError(`--timeout must be a number of seconds above 0, not "${values.timeout}"`);
  const chart =
    values.chart ??
    (values.out && format === 'md' && !batch && command !== 'annotate' ? chartBeside(values.out) : undefined);

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  // `on`, not `once`: execa's exit hook re-raises a signal that no other listener is left to handle.
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const showProgress = process.stderr.isTTY === true;
  // Several captures at once share the cores: each then reads its capture with fewer tsharks.
  const jobCount = batch ? (jobs ?? availableParallelism()) : 1;
  let bar: ProgressBar | undefined;
  const note = (line: string) => (bar ? bar.print(line) : process.stderr.write(line));
  const options: CommandOptions = {
    format: format as Format,
    out: values.out,
    chart,
    force: values.force,
    analyze: async (capture) => {
      if (capture === '-') {
        const report = await withStdinCapture(process.stdin, (path) => options.analyze(path));
        report.capture.file = STDIN_NAME;
        return report;
      }
      const report = await analyzeCapture(capture, {
        timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
        tsharkPath: values.tshark,
        tsharkOptions: (values['decode-as'] ?? []).flatMap((rule) => ['-d', rule]),
        keylog: values.keylog,
        chunking: {
          workers: workers ?? (batch ? Math.max(1, Math.floor(availableParallelism() / jobCount)) : undefined),
        },
        signal: controller.signal,
        onProgress:
          showProgress && !batch
            ? (n) => process.stderr.write(`\rteamshark: ${basename(capture)}: ${n} packets read…`)
            : undefined,
      });
      if (showProgress && !batch) process.stderr.write('\r\x1b[K');
      for (const warning of report.warnings)
        note(
          `teamshark: warning: ${plainText(`${captures.length > 1 || batch ? `${capture}: ` : ''}${warning.message}`)}\n`,
        );
      return report;
    },
  };
  try {
    if (datasetOut) {
      const { exportCommand } = await import('./dataset/command.js');
      const list = await expandCaptures(captures);
      if (showProgress && batch) bar = new ProgressBar(process.stderr, list.length, 'captures');
      const exported = await exportCommand(list, {
        out: values.out!,
        format: format as DatasetFormat,
        jobs: jobCount,
        force: values.force,
        tsharkPath: values.tshark,
        analyze: options.analyze,
        bar,
        note,
      });
      await writeStdout(exported.text);
      return exported.failed ? EXIT.failed : EXIT.ok;
    }
    if (batch) {
      const list = await expandCaptures(captures);
      if (showProgress) bar = new ProgressBar(process.stderr, list.length, 'captures');
      return await batchCommand(list, jobCount, values.out!, options, { bar, note });
    }
    // Refused before the analysis, not after a minute of it; writeAtomically checks again when it writes.
    if (!values.force) for (const path of [values.out, chart]) if (path) await refuseExisting(path);
    if (command === 'annotate') {
      await annotateCommand(captures[0]!, values.out!, {
        ...options,
        keylog: values.keylog,
        tsharkPath: values.tshark,
        signal: controller.signal,
      });
      return EXIT.ok;
    }
    const text =
      command === 'analyze' ? await analyzeCommand(captures[0]!, options) : await compareCommand(captures, options);
    if (values.out) await writeAtomically(values.out, text, values.force);
    else await writeStdout(text);
    return EXIT.ok;
  } catch (error) {
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (error instanceof AnalysisCancelled) {
      process.stderr.write('teamshark: interrupted\n');
      return EXIT.interrupted;
    }
    return failure(error);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** `teamshark sample`: writes the files it asks for, then its standard output. */
async function sample(values: Parameters<typeof sampleCommand>[0] & { force?: boolean }): Promise<number> {
  try {
    const { sampleCommand } = await import('./sample/command.js'); // node-forge and the scenarios: loaded for this command only
    const output = sampleCommand(values, process.stdout.isTTY === true);
    for (const file of output.files) await writeAtomically(file.path, file.content, values.force === true);
    if (output.stdout !== undefined) await writeStdout(output.stdout);
    return EXIT.ok;
  } catch (error) {
    return failure(error);
  }
}

/** `teamshark query DATASET SQL|QUESTION` and `query --list`: DuckDB is loaded only here. */
async function query(args: string[], values: { format?: string; list?: boolean }): Promise<number> {
  const json = values.format === 'json';
  if (values.format !== undefined && !json && values.format !== 'md')
    return usageError(`query prints md or json, not "${values.format}"`);
  if (values.list ? args.length > 1 : args.length !== 2)
    return usageError('query needs DATASET and "SQL" (or a question\'s name), or --list');
  try {
    const { queryCommand } = await import('./dataset/command.js');
    await writeStdout(await queryCommand(args[0], values.list ? undefined : args[1], json));
    return EXIT.ok;
  } catch (error) {
    return failure(error);
  }
}

/** `teamshark wireshark-profile`: the Teamshark profile, into Wireshark's profiles folder unless --out says where. */
async function profile(values: { out?: string; force?: boolean; 'decode-as'?: string[] }): Promise<number> {
  try {
    const { writeWiresharkProfile } = await import('./wireshark/profile.js');
    const folder = await writeWiresharkProfile({
      folder: values.out,
      force: values.force === true,
      decodeAs: values['decode-as'],
    });
    process.stdout.write(`teamshark: Wireshark profile written to ${folder}\n`);
    return EXIT.ok;
  } catch (error) {
    return failure(error);
  }
}

/** `teamshark annotate`: the analysis, then editcap writes the annotated copy (moved into place like a report). */
async function annotateCommand(
  capture: string,
  out: string,
  options: CommandOptions & { keylog?: string; tsharkPath?: string; signal: AbortSignal },
): Promise<void> {
  if (capture === '-')
    throw new TeamsharkError(
      'needs-capture-file',
      'annotate needs a capture file, not standard input: editcap reads it after the analysis',
    );
  if (await sameFile(capture, out))
    throw new TeamsharkError(
      'output-is-capture',
      `${out}: is the capture itself: annotate never modifies the capture, choose another --out`,
    );
  // Said before the analysis, not after it: editcap would name its temporary file instead.
  if (!(await isDirectory(dirname(out))))
    throw new TeamsharkError('write-failed', `cannot write ${out}: its folder does not exist`);
  const [{ checkEditcap, editcapCommand }, { frameComments, writeAnnotatedCapture }] = await Promise.all([
    import('./wireshark/editcap.js'),
    import('./wireshark/annotate.js'),
  ]);
  const editcap = editcapCommand(options.tsharkPath);
  await checkEditcap(editcap);
  const report = await options.analyze(capture);
  await writeAtomically(
    out,
    (temporary) =>
      writeAnnotatedCapture(report, {
        editcap,
        capture,
        out: temporary,
        keylog: options.keylog,
        signal: options.signal,
      }),
    options.force,
  );
  const annotated = frameComments(report.findings).size;
  process.stderr.write(
    `teamshark: ${out}: ${annotated} frame(s) annotated with ${report.findings.length} finding(s)\n`,
  );
  if (options.keylog)
    process.stderr.write(
      `teamshark: warning: ${out} now holds the TLS keys of ${options.keylog}: whoever has the file can decrypt the sessions\n`,
    );
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** One line on stderr and the exit code: the user's error as it is, anything else as a bug to report. */
function failure(error: unknown): number {
  if (error instanceof TeamsharkError) {
    process.stderr.write(`teamshark: ${plainText(error.message)}\n`);
    return EXIT.failed;
  }
  const detail = process.env.TEAMSHARK_DEBUG ? (error as Error).stack : (error as Error)?.message;
  process.stderr.write(
    `teamshark: internal error: ${plainText(String(detail))} (please report it; TEAMSHARK_DEBUG=1 shows the stack)\n`,
  );
  return EXIT.internal;
}

/** The report in the chosen format; with md and --out, its chart is written beside it first. */
async function analyzeCommand(
  capture: string,
  { format, out, chart, force, analyze }: CommandOptions,
): Promise<string> {
  const report = await analyze(capture);
  const chartSvg = () => renderSvg(packetsPerSecondSpec(report.timeline, `Packets per second: ${basename(capture)}`));
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'html') {
    const [{ renderHtml }, { qualityChartSvg }] = await Promise.all([
      import('./report/html.js'),
      import('./report/quality-chart.js'),
    ]);
    return renderHtml(report, await chartSvg(), await qualityChartSvg(report, `Loss and jitter: ${basename(capture)}`));
  }
  if (format === 'ecs-ndjson') return (await import('./dataset/command.js')).ecsCommand(capture, report);
  if (!out || !chart) return `${renderMarkdown(report)}\n`;
  await writeAtomically(chart, await chartSvg(), force);
  return `${renderMarkdown(report, { chartFile: relative(dirname(out), chart) })}\n`;
}

/** One column per capture, analysed one after the other (each tshark pass already keeps a core busy). */
async function compareCommand(
  captures: string[],
  { format, out, chart, force, analyze }: CommandOptions,
): Promise<string> {
  const reports: Report[] = [];
  for (const capture of captures) reports.push(await analyze(capture));
  const columns = reports.map(compareReport);
  if (chart) await writeAtomically(chart, await renderSvg(comparisonChartSpec(reports)), force);
  if (format === 'json') return `${JSON.stringify({ captures: columns }, null, 2)}\n`;
  const chartLink = chart && out ? relative(dirname(out), chart) : chart;
  return `${renderComparison(columns, chartLink)}\n`;
}

/** The chart written beside a Markdown report: call.md → call.packets-per-second.svg */
function chartBeside(out: string): string {
  return join(dirname(out), `${basename(out).replace(/\.md$/i, '')}.packets-per-second.svg`);
}

/**
 * One report per capture in the folder `out`, `jobs` captures at a time, and the comparison of them all as a
 * summary (on stdout and beside the reports). A capture that fails is listed in the summary; the others go on.
 */
async function batchCommand(
  captures: string[],
  jobs: number,
  out: string,
  options: CommandOptions,
  { bar, note }: { bar?: ProgressBar; note: (line: string) => void },
): Promise<number> {
  await mkdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new TeamsharkError('write-failed', `cannot create ${out}: ${error.code ?? error.message}`);
  });
  const summaryFile = `summary.${options.format === 'json' ? 'json' : 'md'}`;
  if (!options.force) await refuseExisting(join(out, summaryFile));
  const files = reportFileNames(captures, options.format, [summaryFile]);
  const fileOf = new Map(captures.map((capture, i) => [capture, files[i]!]));
  let done = 0;
  let failed = 0;
  bar?.update(0, 0);
  const outcomes = await runBatch(
    captures,
    jobs,
    async (capture) => {
      const path = join(out, fileOf.get(capture)!);
      const report = await options.analyze(capture);
      const chart = options.format === 'md' ? chartBeside(path) : undefined;
      await writeAtomically(
        path,
        await analyzeCommand(capture, { ...options, out: path, chart, analyze: () => Promise.resolve(report) }),
        options.force,
      );
      return report;
    },
    (outcome: BatchOutcome<Report>) => {
      done++;
      if ('error' in outcome) {
        failed++;
        note(`teamshark: ${plainText(outcome.error)}\n`);
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
    options.format === 'json'
      ? `${JSON.stringify({ captures: reports.map((r) => ({ ...r.comparison, report: r.file })), failed: failures }, null, 2)}\n`
      : `${renderBatchSummary(reports, failures)}\n`;
  await writeAtomically(join(out, summaryFile), summary, options.force);
  await writeStdout(summary);
  return failures.length ? EXIT.failed : EXIT.ok;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

function usageError(message: string): number {
  process.stderr.write(`teamshark: ${message}\n${USAGE}\n`);
  return EXIT.usage;
}

/** An existing file (or a link, even a dangling one) at a path the command would write. */
async function refuseExisting(path: string): Promise<void> {
  const exists = await lstat(path).then(
    () => true,
    () => false,
  );
  if (exists) throw alreadyExists(path);
}

function alreadyExists(path: string): TeamsharkError {
  return new TeamsharkError('file-exists', `${path} already exists: add --force to replace it`);
}

/**
 * Writes next to the target, then moves the whole file into place: a failed or interrupted write (a full
 * disk) never leaves half a report, nor harms the file already there. Without `overwrite`, the move is a
 * hard link, which fails rather than replace a file that appeared meanwhile.
 */
async function writeAtomically(
  path: string,
  text: string | Buffer | ((temporary: string) => Promise<void>),
  overwrite: boolean,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // A function writes the file itself (editcap writing the annotated capture).
    if (typeof text === 'function') await text(temporary);
    else await writeFile(temporary, text);
    if (overwrite) await rename(temporary, path);
    else await linkWithoutReplacing(temporary, path);
  } catch (error) {
    if (error instanceof TeamsharkError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(path);
    throw new TeamsharkError(
      'write-failed',
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  } finally {
    await rm(temporary, { force: true });
  }
}

async function linkWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    // Some filesystems (FAT, some network shares) have no hard links: an exclusive copy also never replaces.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((error as NodeJS.ErrnoException).code ?? ''))
      throw error;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

/**
 * Resolves once stdout has taken the text; a closed pipe (| head) is not an error. A failed write (a full
 * disk behind a redirection) is also emitted as an 'error' event, which would crash the process unheard.
 */
function writeStdout(text: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error | null) => {
      if (!error || (error as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else
        reject(
          new TeamsharkError(
            'write-failed',
            `cannot write the report to standard output: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
          ),
        );
    };
    process.stdout.on('error', settle);
    process.stdout.write(text, settle);
  });
}

/** True when this file is the program (run as `teamshark`, through npm's bin link, or by path), not imported. */
function isMainModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
