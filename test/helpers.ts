import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { analyzeCaptureModel } from '../core/analyze.js';
import { writeSample, type WrittenSample } from '../core/sample/index.js';
import type { Report } from '../core/schema/generated/report.js';
import { describeErrors } from '../core/schema/validate.js';
import { validateReport } from '../core/schema/validate-report.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../core/tshark/run.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The real captures beside the checkout (../shared/captures); never copied into the repo. */
export const SHARED_CAPTURES = resolve(repoRoot, '../shared/captures');

export const CLI = join(repoRoot, 'out/core/cli.js');
/** The same command line bundled (scripts/build-cli.mjs): the program `teamshark` and `npm start` run. */
export const BUNDLED_CLI = join(repoRoot, 'dist/cli/teamshark.mjs');

/**
 * Path of a shared capture. In CI a missing ../shared fails the test; on a developer machine without it the
 * test is skipped, loudly.
 */
export function sharedCapture(context: Mocha.Context, name: string): string {
  const path = join(SHARED_CAPTURES, name);
  if (!existsSync(path)) {
    if (process.env.CI) throw new Error(`${path} is missing: CI must have ../shared/captures beside the checkout`);
    console.warn(`    (skipped: ${path} is missing)`);
    context.skip();
  }
  return path;
}

/** Folders of ../shared/captures whose captures the tests read, besides the top one. */
const SHARED_CAPTURE_FOLDERS = ['teams-activities', 'teams-more'];

/** Every shared capture, named as sharedCapture() takes it (`teams-activities/chat-lan-K1ME.pcapng`); none when ../shared is missing. */
export function sharedCaptureNames(): string[] {
  const capturesIn = (folder: string) => {
    try {
      return readdirSync(join(SHARED_CAPTURES, folder))
        .filter((name) => /\.(pcap|pcapng|cap)$/.test(name))
        .sort()
        .map((name) => (folder ? `${folder}/${name}` : name));
    } catch {
      return [];
    }
  };
  return ['', ...SHARED_CAPTURE_FOLDERS].flatMap(capturesIn);
}

const analyses = new Map<string, ReturnType<typeof analyzeCaptureModel>>();

/** Each capture is analysed once per test run; tests then read the same report and activity inputs. */
export function analyzedModel(path: string): ReturnType<typeof analyzeCaptureModel> {
  let analysis = analyses.get(path);
  if (!analysis) {
    analysis = analyzeCaptureModel(path);
    analyses.set(path, analysis);
  }
  return analysis;
}

/** The report of analyzedModel(): the same analysis, once per test run. */
export async function analyzed(path: string): Promise<Report> {
  return (await analyzedModel(path)).report;
}

let samplesFolder: string | undefined;
const samples = new Map<string, { path: string; sample: WrittenSample }>();

/**
 * A sample scenario and its capture file, written once per test run into one folder (removed when the run ends),
 * so that analyzed() serves every test that reads the scenario.
 */
export function sampleCapture(name: string): { path: string; sample: WrittenSample } {
  let written = samples.get(name);
  if (!written) {
    if (!samplesFolder) {
      const folder = mkdtempSync(join(tmpdir(), 'teamshark-samples-'));
      process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
      samplesFolder = folder;
    }
    written = { path: join(samplesFolder, `${name}.pcapng`), sample: writeSample(name) };
    writeFileSync(written.path, written.sample.pcapng);
    samples.set(name, written);
  }
  return written;
}

export function assertValidReport(report: unknown): asserts report is Report {
  if (!validateReport(report))
    throw new Error(`report does not match report.schema.json: ${describeErrors(validateReport.errors)}`);
}

/** A report the CLI printed or wrote, parsed and checked against report.schema.json. */
export function parseReport(json: string): Report {
  const report: unknown = JSON.parse(json);
  assertValidReport(report);
  return report;
}

export function runCli(args: string[], env: Record<string, string> = {}) {
  return runProgram(CLI, args, { env });
}

/** Runs a build of the command line (CLI or BUNDLED_CLI); its standard input is `inputFile`, else nothing. */
export function runProgram(
  program: string,
  args: string[],
  { env = {}, inputFile }: { env?: Record<string, string>; inputFile?: string } = {},
) {
  return execa(process.execPath, [program, ...args], {
    reject: false,
    env,
    timeout: 120_000,
    ...(inputFile ? { inputFile } : { stdin: 'ignore' as const }),
  });
}

/** A fresh folder for the suite's files, removed after it; call at the top of a describe(). */
export function temporaryFolder(prefix: string): () => string {
  let folder = '';
  before(async function () {
    folder = await mkdtemp(join(tmpdir(), `teamshark-${prefix}-`));
  });
  after(async function () {
    await rm(folder, { recursive: true, force: true });
  });
  return () => folder;
}

/** Writes the first `bytes` bytes of a shared capture to `path`: a capture cut short. */
export async function writeCutCopy(
  context: Mocha.Context,
  capture: string,
  bytes: number,
  path: string,
): Promise<string> {
  const original = await readFile(sharedCapture(context, capture));
  await writeFile(path, original.subarray(0, bytes));
  return path;
}

/** The course captures' labels (teams-activities/LABELS.tsv): file, activity and network; empty when ../shared is missing. */
export function courseLabels(): { file: string; activity: string; network: string }[] {
  try {
    return readFileSync(join(SHARED_CAPTURES, 'teams-activities', 'LABELS.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .map(([file, activity, network]) => ({ file: file!, activity: activity!, network: network! }));
  } catch {
    return [];
  }
}

/**
 * A stand-in for tshark: a shell script that runs the real one for everything but the analysis pass
 * (`-T ek`), which it replaces with `analysisPass`. Only the tests of broken tools and of the arguments tshark
 * receives use one; every other test runs tshark itself.
 */
export async function tsharkWrapper(
  folder: string,
  name: string,
  analysisPass: (realTshark: string) => string,
): Promise<string> {
  const real = (await execa('sh', ['-c', 'command -v tshark'])).stdout.trim();
  const path = join(folder, name);
  await writeFile(
    path,
    `#!/bin/sh\ncase " $* " in\n  *" -T ek "*) ${analysisPass(real)} ;;\n  *) exec ${real} "$@" ;;\nesac\n`,
  );
  await chmod(path, 0o755);
  return path;
}

/**
 * The pid of the analysis pass's tshark (`-T ek`) under the Teamshark process analysing `capture`, once it runs.
 * Found by its parent: with the media fast path tshark reads a named pipe, not the capture's path.
 */
export async function analysisTsharkPid(capture: string, timeoutMs = 20_000): Promise<number> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    const analyses = (await execa('pgrep', ['-f', `analyze ${capture}`], { reject: false })).stdout.split('\n');
    for (const analysis of analyses.filter(Boolean)) {
      const { stdout } = await execa('pgrep', ['-P', analysis, '-f', 'tshark -r .* -T ek'], { reject: false });
      if (stdout.trim()) return Number(stdout.trim().split('\n')[0]);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('tshark never started');
}

/** A tshark that logs each of its runs' arguments, then runs the real one: `runs()` lists them, a line each. */
export async function countingTshark(folder: string): Promise<{ path: string; runs: () => Promise<string[]> }> {
  const real = (await execa('sh', ['-c', 'command -v tshark'])).stdout.trim();
  const path = join(folder, 'counting-tshark');
  const log = join(folder, 'runs.log');
  await writeFile(log, '');
  await writeFile(path, `#!/bin/sh\necho "$*" >> ${log}\nexec ${real} "$@"\n`);
  await chmod(path, 0o755);
  return { path, runs: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean) };
}

/** The analysis passes (`-T ek`) among a counting tshark's runs. */
export const analysisPasses = (runs: string[]) => runs.filter((run) => ` ${run} `.includes(' -T ek ')).length;

/** Frames tshark itself shows for a display filter, read with the analysis' own options unless told otherwise. */
export async function tsharkFrames(
  path: string,
  filter: string,
  options: readonly string[] = TSHARK_ANALYSIS_OPTIONS,
): Promise<number[]> {
  const { stdout } = await execa('tshark', [
    '-r',
    path,
    ...options,
    '-Y',
    filter,
    '-T',
    'fields',
    '-e',
    'frame.number',
  ]);
  return stdout.split('\n').filter(Boolean).map(Number);
}
