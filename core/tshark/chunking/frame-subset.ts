import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { CaptureIndex } from '../../records/capture-index.js';

/** Bytes read from the capture at a time: the selected records are sliced out of these windows. */
const WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Byte ranges, [start, end) in file order, that make a capture of only the given frames (ascending, 1-based): the
 * header blocks that come before the last of them, then each frame's record, adjacent ranges joined. In the
 * subset, frame n is the n-th given frame.
 */
export function subsetRanges(index: CaptureIndex, frames: Iterable<number>): [number, number][] {
  const ranges: [number, number][] = [];
  const add = (start: number, end: number) => {
    const previous = ranges.at(-1);
    if (previous && previous[1] === start) previous[1] = end;
    else ranges.push([start, end]);
  };
  const blocks = index.headerBlocks;
  let next = 0; // the first header block not yet passed
  for (const frame of frames) {
    const start = index.offsets[frame - 1]!;
    for (; next < blocks.length && blocks[next]!.offset < start; next++)
      add(blocks[next]!.offset, blocks[next]!.offset + blocks[next]!.length);
    // A pcapng record ends where the next block starts: the next packet's, or a non-packet block's in between.
    const nextPacket = frame < index.packets ? index.offsets[frame]! : index.size;
    add(start, Math.min(nextPacket, blocks[next]?.offset ?? nextPacket));
  }
  return ranges;
}

/**
 * The bytes of the ranges as one stream, read through large windows: one read per record would cost a round
 * trip to libuv's thread pool for each of hundreds of thousands of frames.
 */
export function readRanges(file: string, ranges: readonly (readonly [number, number])[]): Readable {
  return Readable.from(
    (async function* () {
      const handle = await open(file, 'r');
      try {
        // One buffer for every window: what is yielded is a copy (Buffer.concat), so it may be read over.
        const storage = Buffer.allocUnsafe(WINDOW_BYTES);
        let window = storage.subarray(0, 0);
        let windowStart = 0;
        let pending: Buffer[] = [];
        for (const [start, end] of ranges) {
          for (let position = start; position < end;) {
            if (position < windowStart || position >= windowStart + window.length) {
              if (pending.length) yield Buffer.concat(pending); // before the window they view is replaced
              pending = [];
              const { bytesRead } = await handle.read(storage, 0, storage.length, position);
              if (bytesRead === 0) return; // the file shrank: tshark sees a capture cut short
              window = storage.subarray(0, bytesRead);
              windowStart = position;
            }
            const until = Math.min(end, windowStart + window.length);
            pending.push(window.subarray(position - windowStart, until - windowStart));
            position = until;
          }
        }
        if (pending.length) yield Buffer.concat(pending);
      } finally {
        await handle.close();
      }
    })(),
    { objectMode: false },
  );
}
