import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AnalysisCancelled, TeamsharkError, type ErrorCode } from './util/errors.js';

/** File names taken for captures when a folder is given: what tshark reads and capture tools write. */
const CAPTURE_NAME = /\.(pcap|pcapng|cap|pcap\.gz|pcapng\.gz|ntar)$/i;

/** The captures named: files as given, folders replaced by the captures directly inside them, in name order. */
export async function expandCaptures(paths: readonly string[]): Promise<string[]> {
  const captures: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      captures.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((name) => CAPTURE_NAME.test(name)).sort();
    if (names.length === 0)
      throw new TeamsharkError('no-captures', `${path}: no capture files (.pcap, .pcapng, .cap) in this folder`);
    captures.push(...names.map((name) => join(path, name)));
  }
  return captures;
}

export type BatchOutcome<T> = { capture: string; result: T } | ({ capture: string } & BatchFailure);

/** A capture's failure: its one-line message and what went wrong. */
export interface BatchFailure {
  error: string;
  code: ErrorCode;
}

/**
 * Runs work on every capture, `jobs` at a time, and keeps each one's result or error in the captures' order:
 * one capture failing does not stop the others. Cancelling (Ctrl-C) stops them all.
 */
export async function runBatch<T>(
  captures: readonly string[],
  jobs: number,
  work: (capture: string) => Promise<T>,
  onSettled?: (outcome: BatchOutcome<T>) => void,
): Promise<BatchOutcome<T>[]> {
  const outcomes = new Array<BatchOutcome<T>>(captures.length);
  let next = 0;
  const worker = async () => {
    while (next < captures.length) {
      const i = next++;
      const capture = captures[i]!;
      try {
        outcomes[i] = { capture, result: await work(capture) };
      } catch (error) {
        if (error instanceof AnalysisCancelled) throw error;
        outcomes[i] = { capture, ...batchFailure(error) };
      }
      onSettled?.(outcomes[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, captures.length) }, worker));
  return outcomes;
}

/** A capture's failure in one line: the user's error as it is, anything else marked as internal. */
export function batchFailure(error: unknown): BatchFailure {
  return error instanceof TeamsharkError
    ? { error: error.message, code: error.code }
    : { error: `internal error: ${(error as Error)?.message ?? String(error)}`, code: 'internal' };
}

/** Report file names in the output folder: the capture's name with the report's extension, made unique. */
export function reportFileNames(captures: readonly string[], extension: string, reserved: readonly string[]): string[] {
  const taken = new Set(reserved.map((name) => name.toLowerCase()));
  return captures.map((capture) => {
    const name = basename(capture).replace(/\.gz$/i, '');
    const stem = name.slice(0, name.length - extname(name).length) || name;
    let file = `${stem}.${extension}`;
    for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${stem}-${n}.${extension}`;
    taken.add(file.toLowerCase());
    return file;
  });
}
