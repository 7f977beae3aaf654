import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachLine } from '../lines.js';
import type { TsharkInfo } from '../locate.js';
import type { PacketReader } from '../packet-reader.js';
import { startTshark, type FileRanges, type RunningTshark, type TsharkExit } from '../process.js';
import type { CaptureIndex } from '../../records/capture-index.js';
import type { Chunk } from './plan.js';
import { subsetRanges } from './frame-subset.js';
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
  /** The frames tshark reads, ascending, when not all: chunks then count these, not the capture's frames. */
  frames?: Uint32Array;
}

/**
 * Runs one tshark per chunk, `workers` at a time, and feeds their records to the reader in frame order, so the
 * model is built exactly as from one pass. The first chunk is read as its tshark writes it; the others write
 * their output to a file, read once the chunks before them are: a tshark never waits for Node, and the waiting
 * output costs disk, not memory (in memory it took Node past 500 MB at 1M packets). A tshark starts as soon as
 * one finishes. Returns each chunk's exit, stopping at the first failure.
 */
export async function runChunkedPass(options: ChunkedPassOptions): Promise<TsharkExit[]> {
  const { chunks, reader } = options;
  const folder = await mkdtemp(join(tmpdir(), 'teamshark-chunks-'));
  const runs = chunks.map((chunk, i) => new ChunkRun(options, chunk, i === 0 ? undefined : join(folder, `${i}.ek`)));
  const pool = new TsharkPool(runs, options.workers);
  const stitcher = new StreamStitcher();
  const exits: TsharkExit[] = [];
  try {
    pool.fill();
    for (let i = 0; i < chunks.length; i++) {
      stitcher.startChunk(chunks[i]!, chunks[i + 1]);
      const exit = await runs[i]!.readBy((line) => reader.read(line, stitcher));
      exits.push(exit);
      if (exit.failed || exit.cancelled) break;
    }
  } finally {
    pool.stop();
    await Promise.all(runs.map((run) => run.settled()));
    await rm(folder, { recursive: true, force: true });
  }
  return exits;
}

/** Keeps `workers` chunks' tsharks running, in chunk order, until every chunk has started or the pool is stopped. */
class TsharkPool {
  private next = 0;
  private running = 0;
  private stopped = false;

  constructor(
    private readonly runs: readonly ChunkRun[],
    private readonly workers: number,
  ) {}

  fill(): void {
    while (!this.stopped && this.running < this.workers && this.next < this.runs.length) {
      const tshark = this.runs[this.next++]!.start();
      this.running++;
      void tshark.done.finally(() => {
        this.running--;
        this.fill();
      });
    }
  }

  /** No chunk starts any more; those running are stopped. */
  stop(): void {
    this.stopped = true;
    for (const run of this.runs.slice(0, this.next)) run.kill();
  }
}

/** One chunk's tshark: its lines go to the reader as they come (the first chunk), or to a file read later. */
class ChunkRun {
  private tshark?: RunningTshark;
  private readonly started: Promise<RunningTshark>;
  private begin!: (tshark: RunningTshark) => void;
  private consume?: (line: string) => void;

  constructor(
    private readonly options: ChunkedPassOptions,
    private readonly chunk: Chunk,
    /** Where tshark writes its output; undefined: it is read as it comes. */
    private readonly outputFile: string | undefined,
  ) {
    this.started = new Promise((resolve) => (this.begin = resolve));
  }

  start(): RunningTshark {
    const input = chunkInput(this.options, this.chunk);
    const output = this.outputFile ? { file: this.outputFile } : (line: string) => this.consume!(line);
    this.tshark = startTshark(this.options.tshark, input, this.options.args, output, this.options.signal);
    this.tshark.done.catch(() => undefined); // awaited in turn; a chunk abandoned after an earlier failure must not surface as unhandled
    this.begin(this.tshark);
    return this.tshark;
  }

  /** Hands every line to consume, in order, and resolves with tshark's exit once all are read. */
  async readBy(consume: (line: string) => void): Promise<TsharkExit> {
    this.consume = consume;
    const exit = await (await this.started).done;
    if (this.outputFile && !exit.cancelled) {
      // Read even after a failure: a capture damaged part-way yields the packets before the damage, as in one pass.
      await forEachLine(createReadStream(this.outputFile), consume);
      await rm(this.outputFile, { force: true });
    }
    return exit;
  }

  kill(): void {
    this.tshark?.kill();
  }

  /** Resolves once its tshark has exited, or at once when it never started. */
  async settled(): Promise<void> {
    await this.tshark?.done.catch(() => undefined);
  }
}

/** The chunk as a capture file of its own: the file's header blocks, then its packets from the warm-up on. */
function chunkInput({ capture: path, index, frames }: ChunkedPassOptions, chunk: Chunk): FileRanges {
  if (frames) return { file: path, ranges: subsetRanges(index, frames.subarray(chunk.warmupFirst - 1, chunk.last)) };
  const from = index.offsets[chunk.warmupFirst - 1]!;
  const to = chunk.last < index.packets ? index.offsets[chunk.last]! : index.size;
  const headers = index.headerBlocks
    .filter((block) => block.offset < from)
    .map((b) => [b.offset, b.offset + b.length] as const);
  return { file: path, ranges: [...headers, [from, to] as const] };
}
