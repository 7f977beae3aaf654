import { availableParallelism } from 'node:os';

/** How a capture is split: see planChunks. */
export interface ChunkingOptions {
  /** tshark processes at a time (default: the machine's cores; TEAMSHARK_WORKERS). */
  workers?: number;
  /** Largest chunk, which bounds each tshark's memory (default 100000; TEAMSHARK_CHUNK_PACKETS; 0: never split). */
  chunkPackets?: number;
  /** Packets each chunk's tshark also reads before its range, to rebuild TCP reassembly and DNS matching state. */
  warmupPackets?: number;
  /** First frames of the chunks after the first, instead of equal sizes (tests cut at chosen frames). */
  starts?: readonly number[];
}

/** One tshark's share: it reads frames warmupFirst…last and keeps the records of first…last. */
export interface Chunk {
  first: number;
  last: number;
  warmupFirst: number;
}

const DEFAULT_CHUNK_PACKETS = 100_000;
/** Below this, a chunk's tshark start-up (about 0.2 s) and warm-up cost more than the parallelism gains. */
const MIN_CHUNK_PACKETS = 25_000;
const DEFAULT_WARMUP_PACKETS = 5_000;

export interface ResolvedChunking {
  workers: number;
  chunkPackets: number;
  warmupPackets: number;
  starts?: readonly number[];
}

/** Options first, then the environment, then defaults. */
export function resolveChunking(options: ChunkingOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedChunking {
  const fromEnv = (name: string) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : undefined);
  const workers = options.workers ?? fromEnv('TEAMSHARK_WORKERS') ?? availableParallelism();
  const chunkPackets = options.chunkPackets ?? fromEnv('TEAMSHARK_CHUNK_PACKETS') ?? DEFAULT_CHUNK_PACKETS;
  const warmupPackets = options.warmupPackets ?? DEFAULT_WARMUP_PACKETS;
  for (const [name, value] of [
    ['workers', workers],
    ['chunk packets', chunkPackets],
    ['warm-up packets', warmupPackets],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, not ${value}`);
  }
  return { workers: Math.max(1, workers), chunkPackets, warmupPackets, starts: options.starts };
}

/**
 * Cuts frames 1…packets into chunks, or returns undefined for one pass. A capture is split when it has more
 * packets than one chunk may hold (bounding tshark's memory, which grows with every frame it keeps), or when
 * several workers can each take a chunk of at least MIN_CHUNK_PACKETS.
 */
export function planChunks(packets: number, options: ResolvedChunking): Chunk[] | undefined {
  const firsts = options.starts ? [1, ...options.starts] : equalStarts(packets, options);
  if (!firsts || firsts.length < 2) return undefined;
  if (firsts.some((first, i) => i > 0 && (first <= firsts[i - 1]! || first > packets))) {
    throw new RangeError(`chunk starts must increase within frames 2…${packets}: ${firsts.slice(1).join(', ')}`);
  }
  return firsts.map((first, i) => ({
    first,
    last: (firsts[i + 1] ?? packets + 1) - 1,
    warmupFirst: Math.max(1, first - options.warmupPackets),
  }));
}

/**
 * Chunks numbered among the frames tshark reads (1… among them). Cut points given as capture frames (tests
 * choose them) start, end and warm up at the same packets as over the whole capture, so that TCP reassembly
 * and every other state tshark builds in a chunk's warm-up is what it builds without the fast path; a chunk
 * left with no frame is dropped.
 */
export function planChunksAmong(frames: Uint32Array, packets: number, settings: ResolvedChunking): Chunk[] | undefined {
  if (!settings.starts) return planChunks(frames.length, settings);
  /** How many of the frames come before the capture's frame `frame`. */
  const before = (frame: number) => {
    let low = 0;
    let high = frames.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (frames[middle]! < frame) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const mapped = planChunks(packets, settings)
    ?.map((chunk) => ({
      first: before(chunk.first) + 1,
      last: before(chunk.last + 1),
      warmupFirst: before(chunk.warmupFirst) + 1,
    }))
    .filter((chunk) => chunk.first <= chunk.last);
  return mapped && mapped.length > 1 ? mapped : undefined;
}

function equalStarts(packets: number, { workers, chunkPackets }: ResolvedChunking): number[] | undefined {
  if (chunkPackets === 0) return undefined;
  const size = Math.min(chunkPackets, Math.max(MIN_CHUNK_PACKETS, Math.ceil(packets / workers)));
  if (packets <= size) return undefined;
  return Array.from({ length: Math.ceil(packets / size) }, (_, i) => 1 + i * size);
}
