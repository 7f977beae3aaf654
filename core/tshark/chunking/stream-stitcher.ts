import type { EkRecord } from '../../schema/generated/ek-record.js';
import { isSetFlag } from '../record.js';
import type { Chunk } from './plan.js';

type Layers = EkRecord['layers'];
type Transport = 'tcp' | 'udp';

/** What the stitcher reads from each record, besides what it renumbers. */
export const STITCHER_FIELDS = [
  'frame.number',
  'tcp.stream',
  'udp.stream',
  'tcp.flags.syn',
  'tcp.flags.ack',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'dns.response_to',
] as const;

/**
 * Turns the records of each chunk's tshark into those one tshark over the whole capture gives: frame numbers
 * (and dns.response_to, a frame number) shifted by where the chunk's input starts, and tcp.stream/udp.stream
 * renumbered. tshark numbers streams in order of first appearance; chunks are fed in frame order, so a stream
 * first seen in a chunk's own range takes the next number — unless it continues one an earlier chunk saw: a
 * stream present in the warm-up keeps the number the earlier chunk gave it at that very frame; a stream whose
 * 5-tuple an earlier chunk saw before this chunk's input began continues it (UDP always; TCP unless it opens
 * with a SYN, which tshark takes as a new connection).
 */
export class StreamStitcher {
  private readonly streams: Record<Transport, TransportStreams> = {
    tcp: new TransportStreams('tcp'),
    udp: new TransportStreams('udp'),
  };
  private chunk?: Chunk;
  private offset = 0;
  private rememberFrom = Infinity;

  /** Chunks come in order; next is the one after (whose warm-up this chunk's records will meet again). */
  startChunk(chunk: Chunk, next: Chunk | undefined): void {
    this.chunk = chunk;
    this.offset = chunk.warmupFirst - 1;
    this.rememberFrom = next?.warmupFirst ?? Infinity;
    for (const streams of Object.values(this.streams)) streams.startChunk(chunk.warmupFirst);
  }

  /** Whether the current chunk's tshark frame number falls in its warm-up. */
  isWarmup(localFrame: number): boolean {
    return localFrame + this.offset < this.chunk!.first;
  }

  /** Renumbers a record of the current chunk; false for a warm-up record (its frame belongs to an earlier chunk). */
  accept(layers: Layers): boolean {
    const chunk = this.chunk!;
    const frame = Number(layers.frame_number[0]) + this.offset;
    if (frame < chunk.first) {
      for (const streams of Object.values(this.streams)) streams.observeWarmup(layers, frame);
      return false;
    }
    layers.frame_number = [String(frame)];
    const remember = frame >= this.rememberFrom;
    for (const streams of Object.values(this.streams)) streams.renumber(layers, frame, remember);
    if (layers.dns_response_to)
      layers.dns_response_to = layers.dns_response_to.map((query) => String(Number(query) + this.offset));
    return true;
  }
}

/** The renumbering of one transport's streams. */
class TransportStreams {
  private readonly key: 'tcp_stream' | 'udp_stream';
  private next = 0;
  /** Last frame of each stream, by its final number. */
  private readonly lastFrame: number[] = [];
  private readonly latestByTuple = new Map<string, number>();
  /** Final stream numbers of the frames the next chunk reads again as warm-up. */
  private readonly atFrame = new Map<number, number[]>();
  private localToFinal = new Map<number, number>();
  private warmupFirst = 1;

  constructor(private readonly transport: Transport) {
    this.key = `${transport}_stream`;
  }

  startChunk(warmupFirst: number): void {
    this.localToFinal = new Map();
    this.warmupFirst = warmupFirst;
    for (const frame of this.atFrame.keys()) {
      if (frame >= warmupFirst) break;
      this.atFrame.delete(frame);
    }
  }

  observeWarmup(layers: Layers, frame: number): void {
    const locals = layers[this.key];
    const finals = this.atFrame.get(frame);
    if (!locals || !finals) return;
    locals.forEach((local, i) => {
      if (finals[i] !== undefined && !this.localToFinal.has(Number(local)))
        this.localToFinal.set(Number(local), finals[i]!);
    });
  }

  renumber(layers: Layers, frame: number, remember: boolean): void {
    const locals = layers[this.key];
    if (!locals) return;
    const finals = locals.map((text) => {
      const local = Number(text);
      let final = this.localToFinal.get(local);
      if (final === undefined) this.localToFinal.set(local, (final = this.assign(layers)));
      this.lastFrame[final] = frame;
      return final;
    });
    layers[this.key] = finals.map(String);
    if (remember) this.atFrame.set(frame, finals);
  }

  /** The number of a stream this chunk's tshark saw begin in the chunk's own range. */
  private assign(layers: Layers): number {
    const tuple = this.tuple(layers);
    const earlier = this.latestByTuple.get(tuple);
    const opensConnection =
      this.transport === 'tcp' &&
      isSetFlag(layers.tcp_flags_syn?.[0] ?? '') &&
      !isSetFlag(layers.tcp_flags_ack?.[0] ?? '');
    const final =
      earlier !== undefined && this.lastFrame[earlier]! < this.warmupFirst && !opensConnection ? earlier : this.next++;
    this.latestByTuple.set(tuple, final);
    return final;
  }

  /** The innermost addresses and ports, the same string whichever way the packet goes. */
  private tuple(layers: Layers): string {
    const t = this.transport;
    const a = `${last(layers.ipv6_src) ?? last(layers.ip_src)}/${last(layers[`${t}_srcport`])}`;
    const b = `${last(layers.ipv6_dst) ?? last(layers.ip_dst)}/${last(layers[`${t}_dstport`])}`;
    return a < b ? `${a} ${b}` : `${b} ${a}`;
  }
}

function last(values: readonly string[] | undefined): string | undefined {
  return values?.[values.length - 1];
}
