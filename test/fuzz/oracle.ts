/**
 * The oracle: runs one variant through the real CLI (`teamshark analyze --format json`) and decides whether
 * it behaved. Good outcomes are a schema-valid report (with a warning when the input was damaged) or a
 * one-line error naming the file; anything else — a hang, a crash, an internal error, a stack trace, a
 * process left behind, a command run from a file name — is a failure.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeErrors } from '../../core/schema/validate.js';
import { validateReport } from '../../core/schema/validate-report.js';
import { CLI } from '../helpers.js';
import type { Input, Variant } from './corpus.js';

export interface CliRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Processes of the CLI's process group still alive after it exited (a tshark left behind). */
  leftBehind: boolean;
  ms: number;
}

export type Verdict = 'report' | 'clean-error' | 'crash' | 'hang' | 'unexpected';

export interface Outcome {
  variant: string;
  verdict: Verdict;
  detail: string;
  ms: number;
  /** Where the input was kept (failures only). */
  kept?: string;
  /** The command that reruns the CLI on the kept input. */
  command: string;
}

/** The CLI and its options, the capture to follow: `--` last, so that a capture named "-r.pcap" stays a file name. */
const ANALYZE = [CLI, 'analyze', '--format', 'json', '--'];

/** A printf format that yields the name's exact bytes: how a non-UTF-8 name reaches the CLI through sh. */
function printfFormat(name: Buffer): string {
  return [...name]
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x25
        ? String.fromCharCode(b)
        : `\\${b.toString(8).padStart(3, '0')}`,
    )
    .join('');
}

/** The command line that runs the CLI on an input: argv, and the same as shell text for a reproduction. */
function commandFor(input: Input): { argv: string[]; shell: string } {
  const privilege =
    input.unprivileged && process.getuid?.() === 0
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
      : [];
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cd = input.cwd ? `cd ${quote(input.cwd)} && ` : '';
  const command = [...privilege, process.execPath, ...ANALYZE];
  if (typeof input.capture === 'string') {
    const argv = [...command, input.capture];
    return { argv, shell: cd + argv.map(quote).join(' ') };
  }
  const format = printfFormat(input.capture);
  const argv = ['/bin/sh', '-c', 'name=$(printf "$0"); exec "$@" "$name"', format, ...command];
  return { argv, shell: `${cd}${command.map(quote).join(' ')} "$(printf ${quote(format)})"` };
}

/** Runs the command in its own process group, so that a hang or a left-behind tshark can be seen and killed. */
export function runCommand(argv: string[], cwd: string | undefined, timeoutMs: number): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      let leftBehind = false;
      try {
        process.kill(-child.pid!, 0);
        leftBehind = !timedOut;
        killGroup();
      } catch {
        // nobody left in the group: as it should be
      }
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        leftBehind,
        ms: Date.now() - started,
      });
    });
  });
}

/** The capture's name as the CLI receives it (Node decodes arguments as UTF-8, replacing bad bytes). */
function nameSeenByCli(input: Input): string {
  return typeof input.capture === 'string' ? input.capture : input.capture.toString('utf8');
}

/** Decides what a run was. Pure: the tests feed it made-up runs to show that it can fail. */
export function judge(input: Input, run: CliRun): { verdict: Verdict; detail: string } {
  const stderr = run.stderr.replace(/\n$/, '');
  if (run.timedOut) return { verdict: 'hang', detail: `no exit within ${run.ms} ms` };
  if (run.leftBehind)
    return { verdict: 'crash', detail: 'a process of the analysis was still running after the CLI exited' };
  if (run.signal) return { verdict: 'crash', detail: `killed by ${run.signal}: ${stderr.slice(0, 300)}` };
  if (run.stderr.includes('\x1b')) return { verdict: 'crash', detail: 'a raw terminal escape (ESC) reached stderr' };
  if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr))
    return { verdict: 'crash', detail: `a stack trace: ${stderr.slice(0, 300)}` };
  if (run.exitCode === 0) {
    let report: unknown;
    try {
      report = JSON.parse(run.stdout);
    } catch {
      return { verdict: 'crash', detail: `exit 0 but stdout is not JSON: ${run.stdout.slice(0, 120)}` };
    }
    if (!validateReport(report))
      return { verdict: 'crash', detail: `the report breaks its schema: ${describeErrors(validateReport.errors)}` };
    const messages = report.warnings.map((w) => w.message);
    if (messages.some((m) => m.includes('\n'))) return { verdict: 'crash', detail: 'a warning spans several lines' };
    const warningLines = stderr === '' ? [] : stderr.split('\n');
    if (
      warningLines.length !== messages.length ||
      warningLines.some((line) => !line.startsWith('teamshark: warning: '))
    ) {
      return {
        verdict: 'crash',
        detail: `stderr is not one "teamshark: warning:" line per warning: ${stderr.slice(0, 300)}`,
      };
    }
    if (input.expect.outcome === 'error')
      return { verdict: 'unexpected', detail: 'a report where an error was expected' };
    if (input.expect.warned && messages.length === 0)
      return {
        verdict: 'unexpected',
        detail: 'a report of a damaged capture without a warning saying what was skipped',
      };
    return {
      verdict: 'report',
      detail: `${report.capture.packets} packets; warnings: ${report.warnings.map((w) => w.code).join(', ') || 'none'}`,
    };
  }
  if (run.exitCode === 1) {
    if (run.stdout !== '') return { verdict: 'crash', detail: 'exit 1 with output on stdout' };
    if (stderr.includes('\n') || !stderr.startsWith('teamshark: '))
      return { verdict: 'crash', detail: `not a one-line error: ${stderr.slice(0, 300)}` };
    if (stderr.startsWith('teamshark: internal error')) return { verdict: 'crash', detail: stderr };
    if (!stderr.includes(nameSeenByCli(input)))
      return { verdict: 'crash', detail: `the error does not name the file: ${stderr}` };
    if (input.expect.outcome === 'report')
      return { verdict: 'unexpected', detail: `an error where a report was expected: ${stderr}` };
    return { verdict: 'clean-error', detail: stderr };
  }
  return { verdict: 'crash', detail: `exit code ${run.exitCode}: ${stderr.slice(0, 300)}` };
}

/** Builds one variant in `folder`, runs and judges it; keeps the folder only when the variant failed. */
export async function runVariant(variant: Variant, folder: string, timeoutMs: number): Promise<Outcome> {
  await mkdir(folder, { recursive: true });
  const input = await variant.build(folder);
  const { argv, shell } = commandFor(input);
  const run = await runCommand(argv, input.cwd, timeoutMs);
  let { verdict, detail } = judge(input, run);
  if (existsSync(join(folder, 'pwned'))) {
    verdict = 'crash';
    detail = `a command in the file name ran (${join(folder, 'pwned')} exists)`;
  }
  const failed = verdict !== 'report' && verdict !== 'clean-error';
  if (!failed) await rm(folder, { recursive: true, force: true });
  return { variant: variant.name, verdict, detail, ms: run.ms, kept: failed ? folder : undefined, command: shell };
}

/** Runs variants with at most `concurrency` at a time; outcomes come back in the variants' order. */
export async function runVariants(
  variants: readonly Variant[],
  {
    root,
    concurrency,
    timeoutMs,
    onOutcome,
  }: { root: string; concurrency: number; timeoutMs: number; onOutcome?: (outcome: Outcome) => void },
): Promise<Outcome[]> {
  const outcomes = new Array<Outcome>(variants.length);
  let next = 0;
  const worker = async () => {
    while (next < variants.length) {
      const index = next++;
      outcomes[index] = await runVariant(variants[index]!, join(root, String(index).padStart(3, '0')), timeoutMs);
      onOutcome?.(outcomes[index]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

export interface Tally {
  variants: number;
  reports: number;
  cleanErrors: number;
  crashes: number;
  hangs: number;
  unexpected: number;
}

export function tally(outcomes: readonly Outcome[]): Tally {
  const count = (verdict: Verdict) => outcomes.filter((o) => o.verdict === verdict).length;
  return {
    variants: outcomes.length,
    reports: count('report'),
    cleanErrors: count('clean-error'),
    crashes: count('crash'),
    hangs: count('hang'),
    unexpected: count('unexpected'),
  };
}

/** A hang is bounded at this: generous for a 2-core machine running two analyses at once. */
export const VARIANT_TIMEOUT_MS = 60_000;
