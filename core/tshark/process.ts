import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { TsharkInfo } from './locate.js';
import { forEachLine } from './lines.js';
import { copyRangesInWorker, flatRanges, type RunningCopy } from './range-copy.js';

/** How a tshark run ended, for the caller to judge. */
export interface TsharkExit {
  exitCode?: number;
  signal?: string;
  failed: boolean;
  cancelled: boolean;
  /** Without the banner tshark prints when run as root. */
  stderr: string;
}

export interface RunningTshark {
  /** Settles once tshark has exited and every line of its output was handed over; rejects when onLine threw. */
  readonly done: Promise<TsharkExit>;
  /** Resolves once tshark is spawned (or could not be): the caller may then do other work while it runs. */
  readonly started: Promise<void>;
  kill(): void;
}

/** Byte ranges of a capture file, [start, end), that together make a capture (its header blocks, then packet records). */
export interface FileRanges {
  file: string;
  ranges: readonly (readonly [number, number])[];
}

/**
 * Starts tshark on a capture — a file, or byte ranges of a file copied into a FIFO by a worker thread
 * (core/tshark/range-copy.ts) — and hands each line of its standard output to onLine as it arrives, or has tshark
 * write its output to a file (`{ file }`), for reading once it is needed. `args` are everything but the input.
 */
export function startTshark(
  tshark: TsharkInfo,
  input: string | FileRanges,
  args: readonly string[],
  output: ((line: string) => void) | { file: string },
  signal?: AbortSignal,
): RunningTshark {
  let subprocess: ResultPromise | undefined;
  let copier: RunningCopy | undefined;
  let killed = false;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = (async (): Promise<TsharkExit> => {
    const fifo = typeof input === 'string' ? undefined : await NamedPipe.create();
    try {
      const command = [tshark.path, '-r', fifo?.path ?? (input as string), ...args];
      // Output to a file is redirected by the shell, which then becomes tshark (exec): execa's own `{ file }`
      // would copy every byte through Node's streams, hundreds of megabytes for a chunk of a large capture.
      const [file, ...rest] =
        typeof output === 'function'
          ? command
          : ['sh', '-c', 'exec "$0" "$@" > "$TEAMSHARK_TSHARK_OUTPUT"', ...command];
      subprocess = execa(file!, rest, {
        reject: false,
        stdin: 'ignore',
        stdout: typeof output === 'function' ? 'pipe' : 'ignore',
        env: typeof output === 'function' ? {} : { TEAMSHARK_TSHARK_OUTPUT: output.file },
        buffer: { stdout: false, stderr: true },
        maxBuffer: { stderr: 4 * 1024 * 1024 },
        cancelSignal: signal,
        forceKillAfterDelay: 2000,
      });
      markStarted();
      if (killed) subprocess.kill();
      // tshark stopping early (an error, a cancel) breaks the pipe: its exit status says why, not the EPIPE.
      if (fifo && typeof input !== 'string')
        copier = copyRangesInWorker({ file: input.file, ranges: flatRanges(input.ranges), to: fifo.path });
      try {
        if (typeof output === 'function') await forEachLine(subprocess.stdout!, output);
      } catch (error) {
        // An error thrown by onLine is ours, not tshark's, and must not be disguised as a tshark failure.
        if (!(error instanceof Error && 'exitCode' in error) && !signal?.aborted) {
          subprocess.kill();
          await subprocess;
          throw error;
        }
      }
      const result = await subprocess;
      return {
        exitCode: result.exitCode,
        signal: result.signal,
        failed: result.failed,
        cancelled: result.isCanceled || signal?.aborted === true,
        stderr: cleanStderr(String(result.stderr ?? '')),
      };
    } finally {
      await copier?.stop(); // before its FIFO goes: a copier still waiting to open it is released through it
      await fifo?.remove();
    }
  })();
  done.then(markStarted, markStarted); // also when it failed before tshark was spawned (no FIFO could be made)
  return {
    done,
    started,
    kill: () => {
      killed = true;
      subprocess?.kill();
    },
  };
}

/**
 * A FIFO for feeding tshark capture bytes: tshark refuses to read a socket, which is what Node gives a child
 * as its standard input.
 */
class NamedPipe {
  private constructor(
    private readonly folder: string,
    readonly path: string,
  ) {}

  static async create(): Promise<NamedPipe> {
    const folder = await mkdtemp(join(tmpdir(), 'teamshark-chunk-'));
    const path = join(folder, 'capture');
    await execa('mkfifo', ['-m', '600', path]);
    return new NamedPipe(folder, path);
  }

  async remove(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** tshark's stderr without the banner it prints when run as root. */
export function cleanStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() && !/^Running as user .* This could be dangerous\.$/.test(line.trim()))
    .map((line) => line.replace(/^tshark: /, ''))
    .join('\n');
}
