import type { CaptureIndex } from '../../records/capture-index.js';

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
