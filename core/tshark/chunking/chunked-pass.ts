import type { TsharkInfo } from '../locate.js';
import type { PacketReader } from '../packet-reader.js';
import { startTshark, type FileRanges, type RunningTshark, type TsharkExit } from '../process.js';
import type { CaptureIndex } from './capture-index.js';
import type { Chunk } from './plan.js';
import { StreamStitcher } from './stream-stitcher.js';

export interface ChunkedPassOptions {
  tshark: TsharkInfo;
  capture: string;
  index: CaptureIndex;
  chunks: readonly Chunk[];
  workers: number;
  /** tshark's arguments besides the input. */
  args: readonly string[];
  signal?: AbortSignal;
  reader: PacketReader;
}

/**
 * Runs one tshark per chunk, `workers` at a time, and feeds their records to the reader in frame order, so the
 * model is built exactly as from one pass: the current chunk is read as tshark writes it, the next ones wait
 * in memory (at most workers − 1 chunks' output). Returns each chunk's exit, stopping at the first failure.
 */
export async function runChunkedPass(options: ChunkedPassOptions): Promise<TsharkExit[]> {
  const { chunks, reader } = options;
  const stitcher = new StreamStitcher();
  const runs: ChunkRun[] = [];
  const exits: TsharkExit[] = [];
  try {
    for (let i = 0; i < chunks.length; i++) {
      while (runs.length < Math.min(chunks.length, i + options.workers)) runs.push(new ChunkRun(options, chunks[runs.length]!));
      const run = runs[i]!;
      stitcher.startChunk(chunks[i]!, chunks[i + 1]);
      const exit = await run.readBy((line) => reader.read(line, stitcher));
      exits.push(exit);
      if (exit.failed || exit.cancelled) break;
    }
  } finally {
    for (const run of runs.slice(exits.length)) run.tshark.kill();
  }
  return exits;
}

/**
 * Lines handed on between two turns of the event loop while a chunk's waiting output is read: reading a whole
 * chunk's backlog at once would leave the other tsharks' pipes undrained, and those tsharks idle, for seconds.
 */
const BACKLOG_SLICE = 2_000;

/** One chunk's tshark; its lines wait, unparsed, until the chunks before it have been read. */
class ChunkRun {
  readonly tshark: RunningTshark;
  private waiting: string[] = [];
  private consume?: (line: string) => void;

  constructor(options: ChunkedPassOptions, chunk: Chunk) {
    const input = chunkInput(options.capture, options.index, chunk);
    this.tshark = startTshark(options.tshark, input, options.args, (line) => this.deliver(line), options.signal);
    this.tshark.done.catch(() => undefined); // awaited in turn; a chunk abandoned after an earlier failure must not surface as unhandled
  }

  /** Hands every line to consume, those that waited first, and resolves with tshark's exit once all are read. */
  async readBy(consume: (line: string) => void): Promise<TsharkExit> {
    // Lines arriving while the backlog is read join its end, so the order is kept.
    while (this.waiting.length > 0) {
      const backlog = this.waiting;
      this.waiting = [];
      for (let start = 0; start < backlog.length; start += BACKLOG_SLICE) {
        const end = Math.min(backlog.length, start + BACKLOG_SLICE);
        for (let i = start; i < end; i++) consume(backlog[i]!);
        if (end < backlog.length) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    this.consume = consume; // set in the same turn as the backlog's last slice: no line can slip in between
    return await this.tshark.done;
  }

  private deliver(line: string): void {
    if (this.consume) this.consume(line);
    else this.waiting.push(line);
  }
}

/** The chunk as a capture file of its own: the file's header blocks, then its packets from the warm-up on. */
function chunkInput(path: string, index: CaptureIndex, chunk: Chunk): FileRanges {
  const from = index.offsets[chunk.warmupFirst - 1]!;
  const to = chunk.last < index.packets ? index.offsets[chunk.last]! : index.size;
  const headers = index.headerBlocks.filter((block) => block.offset < from).map((b) => [b.offset, b.offset + b.length] as const);
  return { file: path, ranges: [...headers, [from, to] as const] };
}
