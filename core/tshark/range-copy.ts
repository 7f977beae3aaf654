import type * as Fs from 'node:fs';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

/** What to copy: byte ranges of a file, [start, end) in file order, into a path (a FIFO tshark reads, a file). */
export interface RangeCopy {
  file: string;
  /** Flat: start, end, start, end… */
  ranges: Float64Array;
  to: string;
}

/** Bytes read from the file at a time, and written at a time: a handful of system calls per 4 MB of capture. */
const BUFFER_BYTES = { read: 4 * 1024 * 1024, write: 1024 * 1024 };

/**
 * Copies the ranges into `to`, blocking. It runs in a worker thread (see copyRangesInWorker), so it references
 * nothing outside itself: its source is the worker's. Returns without error when the reader goes away (tshark
 * stopped: its exit says why) or the file shrank (tshark sees a capture cut short).
 */
export function copyRangesSync(fs: typeof Fs, { file, ranges, to }: RangeCopy, sizes: typeof BUFFER_BYTES): void {
  const input = fs.openSync(file, 'r');
  let output = -1;
  try {
    output = fs.openSync(to, 'w'); // a FIFO: waits for tshark to open it for reading
    const window = Buffer.allocUnsafe(sizes.read);
    const pending = Buffer.allocUnsafe(sizes.write);
    let windowStart = 0;
    let windowLength = 0;
    let pendingLength = 0;
    const flush = () => {
      for (let written = 0; written < pendingLength;)
        written += fs.writeSync(output, pending, written, pendingLength - written);
      pendingLength = 0;
    };
    for (let r = 0; r < ranges.length; r += 2) {
      const end = ranges[r + 1]!;
      for (let position = ranges[r]!; position < end;) {
        if (position < windowStart || position >= windowStart + windowLength) {
          windowLength = fs.readSync(input, window, 0, window.length, position);
          windowStart = position;
          if (windowLength === 0) return flush();
        }
        const count = Math.min(end, windowStart + windowLength, position + pending.length - pendingLength) - position;
        window.copy(pending, pendingLength, position - windowStart, position - windowStart + count);
        pendingLength += count;
        position += count;
        if (pendingLength === pending.length) flush();
      }
    }
    flush();
  } catch {
    // EPIPE: tshark stopped reading.
  } finally {
    fs.closeSync(input);
    if (output >= 0) fs.closeSync(output);
  }
}

// The worker's source is the function's own text, so that it runs alike from out/ and from the extension's bundle.
const WORKER_SOURCE = `const { workerData } = require('node:worker_threads');
(${copyRangesSync.toString()})(require('node:fs'), workerData.copy, workerData.sizes);`;

/** How often a stopping copy's FIFO is opened for reading, until its worker has ended. */
const RELEASE_INTERVAL_MS = 10;

/** A copy running in a worker thread. */
export interface RunningCopy {
  /** Resolves when the copy ends: every range written, or the reader gone. */
  readonly done: Promise<void>;
  /** Ends the copy once its FIFO has no reader left (tshark has exited); resolves when its thread has ended. */
  stop(): Promise<void>;
}

/**
 * Copies the ranges into `to` in a worker thread: a call's media fast path feeds tshark tens of thousands of
 * records cut out of the capture, and the analysis' own thread, busy with tshark's output, would otherwise starve
 * the tsharks waiting on their input. The worker never keeps the process alive.
 */
export function copyRangesInWorker(copy: RangeCopy): RunningCopy {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { copy, sizes: BUFFER_BYTES } });
  worker.unref();
  let ended = false;
  const done = new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.once('error', () => resolve());
  }).then(() => void (ended = true));
  return {
    done,
    // A worker blocked opening the FIFO for writing, because tshark ended before it opened its input, waits for
    // a reader forever, and terminating its thread cannot interrupt that system call (nor close its files).
    // Opening the FIFO for reading releases it; closing it again breaks the pipe, so its writes end the copy.
    // Repeated, since the worker may reach its open only after a release.
    stop: async () => {
      while (!ended) {
        const reader = await open(copy.to, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
        await reader?.close();
        await Promise.race([done, delay(RELEASE_INTERVAL_MS)]);
      }
    },
  };
}

/** Ranges as pairs, flattened for the worker. */
export function flatRanges(ranges: readonly (readonly [number, number])[]): Float64Array {
  return Float64Array.from(ranges.flat());
}

/** Copies the ranges into `to` on this thread: a capture of some of the file's records (tests write subsets so). */
export function copyRanges(fs: typeof Fs, copy: RangeCopy): void {
  copyRangesSync(fs, copy, BUFFER_BYTES);
}
