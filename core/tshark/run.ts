import { stat } from 'node:fs/promises';
import { AnalysisCancelled, TeamsharkError, oneLine } from '../util/errors.js';
import type { Warning } from '../schema/generated/report.js';
import { indexCapture, type CaptureIndex } from '../records/capture-index.js';
import { runChunkedPass } from './chunking/chunked-pass.js';
import { planChunks, planChunksAmong, resolveChunking, type Chunk, type ChunkingOptions } from './chunking/plan.js';
import { subsetRanges } from './chunking/frame-subset.js';
import { STITCHER_FIELDS } from './chunking/stream-stitcher.js';
import type { TsharkInfo } from './locate.js';
import { PacketReader } from './packet-reader.js';
import { startTshark, type TsharkExit } from './process.js';
import { ekKey, type PacketRecord } from './record.js';

/**
 * Options every analysis run gives tshark, and why:
 * - `-n`: no name resolution — names in the report come from the capture's own DNS, not from this machine's
 *   resolver, and the run stays offline and repeatable.
 * - `rtp_udp`, `rtcp_udp`: Teams media runs on dynamic UDP ports with no signalling tshark can see (it is
 *   inside TLS), so without these heuristics RTP/RTCP decode as "data".
 * - `rtp_stun`, `rtcp_stun`: media relayed through a Teams transport relay travels inside TURN ChannelData
 *   (RFC 8656 §12.4); tshark hands the channel's payload to these heuristics, both off by default, so without
 *   them relayed audio, video and screen sharing are "data" and get no stream, kind, path or quality. Checked on
 *   tshark 4.0 (`tshark -G heuristic-decodes` lists them under `stun`); the names date from Wireshark 2.0's
 *   heuristic short names (epan/prefs.c maps the old rtp.heuristic_rtp preference onto rtp_udp and rtp_stun), so
 *   3.6 knows them too.
 * - `tcp.reassemble_out_of_order`: a TLS record (a ServerHello, a certificate chain) whose segments arrive out
 *   of order is otherwise never reassembled, and its handshake silently disappears — a third of teams.pcap's.
 */
export const TSHARK_ANALYSIS_OPTIONS: readonly string[] = Object.freeze([
  '-n',
  '-o',
  'tcp.reassemble_out_of_order:TRUE',
  '--enable-heuristic',
  'rtp_udp',
  '--enable-heuristic',
  'rtcp_udp',
  '--enable-heuristic',
  'rtp_stun',
  '--enable-heuristic',
  'rtcp_stun',
]);

export interface TsharkPassOptions {
  tshark: TsharkInfo;
  capture: string;
  fields: readonly string[];
  /** Added after TSHARK_ANALYSIS_OPTIONS, e.g. user decode-as rules (`-d udp.port==50000,rtp`). */
  extraOptions?: readonly string[];
  /** Splitting a large capture across several tsharks (core/tshark/chunking/plan.ts has the defaults). */
  chunking?: ChunkingOptions;
  signal?: AbortSignal;
  onPacket: (packet: PacketRecord) => void;
  warn: (warning: Warning) => void;
  /** Told once, before the first packet, how many packets the capture holds (its record index), or undefined for one that cannot be indexed. */
  onTotal?: (packets: number | undefined) => void;
  /** The capture's record index, when the caller made one already. */
  index?: CaptureIndex;
  /**
   * Only these frames of the indexed capture (ascending) go to tshark; their records come back under the
   * capture's own frame numbers (core/media/fast-path.ts keeps media packets out this way).
   */
  frames?: Uint32Array;
}

export interface TsharkPassResult {
  packets: number;
  /** The options given besides the input and the fields. */
  options: string[];
  /** The capture's record index, when the pass made one (to split it, or for the total). */
  index?: CaptureIndex;
}

/**
 * Runs `tshark -T ek -e …` over a capture and hands each validated packet to onPacket, in frame order, as it arrives:
 * the output is streamed line by line, never held whole. A large capture is split into chunks read by several
 * tsharks at once (core/tshark/chunking), with the same packets coming out. Records that fail the schema are counted
 * and reported as one warning; a capture cut short or damaged part-way yields the packets before the damage
 * and a warning. Everything else tshark refuses becomes a one-line TeamsharkError.
 */
export async function runTsharkPass(options: TsharkPassOptions): Promise<TsharkPassResult> {
  assertDistinctKeys(options.fields);
  const tsharkOptions = [...TSHARK_ANALYSIS_OPTIONS, ...(options.extraOptions ?? [])];
  const { index, split } = await indexAndSplit(options);
  options.onTotal?.(index?.packets);
  const frames = index ? options.frames : undefined;
  let fields = split ? [...new Set([...options.fields, ...STITCHER_FIELDS])] : options.fields;
  for (;;) {
    const reader = new PacketReader(options.onPacket, frames);
    const args = ['-T', 'ek', ...tsharkOptions, ...fields.flatMap((f) => ['-e', f])];
    const input = frames ? { file: options.capture, ranges: subsetRanges(index!, frames) } : options.capture;
    const exits = split
      ? await runChunkedPass({ ...options, ...split, args, reader, frames })
      : [await startTshark(options.tshark, input, args, (line) => reader.read(line), options.signal).done];
    if (options.signal?.aborted || exits.some((exit) => exit.cancelled)) throw new AnalysisCancelled();
    const unknownFields = exits
      .map((exit) => /Some fields aren't valid:\n((?:\s+\S+\n?)+)/.exec(exit.stderr))
      .find(Boolean);
    if (unknownFields && reader.packets === 0) {
      // An older tshark lacks some fields: say which, and read the capture without them.
      const unknown = new Set(unknownFields[1]!.trim().split(/\s+/));
      const remaining = fields.filter((f) => !unknown.has(f));
      if (remaining.length === fields.length)
        throw new TeamsharkError('tshark-failed', `tshark rejected the field list: ${[...unknown].join(', ')}`);
      options.warn({
        code: 'fields-unavailable',
        message: `tshark ${options.tshark.version} does not know ${[...unknown].join(', ')}: the parts of the analysis that read them are incomplete`,
      });
      fields = remaining;
      continue;
    }
    reader.reportTo(options.warn);
    for (const exit of exits) judgeExit(exit, options, reader.packets);
    return { packets: reader.packets, options: tsharkOptions, index };
  }
}

/**
 * The capture's record index — the caller's, or one made when chunking may split it or the caller wants the
 * total (a pipe can be read once only, so it has none) — and the chunks to read it in; no split for one pass (a
 * small capture, or a file not cut safely). When tshark reads only some frames (the media fast path keeps most of
 * a call's out), the chunks are cut among those: sized by the frames a tshark reads, not by the capture's, so that
 * a call whose media is read from the records is one pass, not ten tsharks reading a few thousand frames each.
 */
async function indexAndSplit({ capture, chunking, onTotal, index: given, frames }: TsharkPassOptions): Promise<{
  index?: CaptureIndex;
  split?: { index: CaptureIndex; chunks: Chunk[]; workers: number };
}> {
  const settings = resolveChunking(chunking);
  const mayChunk = settings.chunkPackets !== 0 || settings.starts !== undefined;
  if (!given && ((!mayChunk && !onTotal) || !(await stat(capture)).isFile())) return {};
  const index = given ?? (await indexCapture(capture));
  const chunks =
    !mayChunk || !index
      ? undefined
      : frames
        ? planChunksAmong(frames, index.packets, settings)
        : planChunks(index.packets, settings);
  return { index, split: chunks && index ? { index, chunks, workers: settings.workers } : undefined };
}

/** Warns about damage past the first packet; throws for everything else tshark failed at. */
function judgeExit(exit: TsharkExit, options: TsharkPassOptions, packets: number): void {
  if (exit.exitCode === 0 && !exit.failed) return;
  const damage = captureDamage(exit.stderr);
  if (damage && packets > 0) {
    options.warn({
      code: damage.code,
      message: `${damage.message}: the analysis covers the ${packets} packet(s) before it`,
    });
  } else {
    throw tsharkFailure(options.capture, exit, damage?.message);
  }
}

/** Two fields with the same EK key would silently overwrite each other in tshark's output. */
function assertDistinctKeys(fields: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const field of fields) {
    const other = seen.get(ekKey(field));
    if (other !== undefined && other !== field)
      throw new Error(`fields ${other} and ${field} share EK key ${ekKey(field)}`);
    seen.set(ekKey(field), field);
  }
}

function captureDamage(stderr: string): { code: 'truncated-capture' | 'damaged-capture'; message: string } | undefined {
  if (/cut short in the middle of a packet/.test(stderr)) {
    return { code: 'truncated-capture', message: 'the capture is cut short in the middle of a packet' };
  }
  const damaged = /appears to be damaged or corrupt\.?\s*(?:\((.*)\))?/s.exec(stderr);
  if (damaged) {
    return {
      code: 'damaged-capture',
      message: `the capture is damaged${damaged[1] ? ` (${oneLine(damaged[1], 120)})` : ''}`,
    };
  }
  return undefined;
}

function tsharkFailure(
  capture: string,
  { stderr, exitCode, signal }: TsharkExit,
  damage: string | undefined,
): TeamsharkError {
  if (/isn't a capture file in a format TShark understands/.test(stderr)) {
    return new TeamsharkError('not-a-capture', `${capture}: not a capture file (tshark does not recognise its format)`);
  }
  if (damage) return new TeamsharkError('capture-damaged', `${capture}: ${damage}, before its first packet`);
  if (/doesn't exist/.test(stderr)) return new TeamsharkError('capture-not-found', `${capture}: capture not found`);
  if (/ermission denied/.test(stderr))
    return new TeamsharkError('permission-denied', `${capture}: cannot read the capture (permission denied)`);
  const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
  return new TeamsharkError('tshark-failed', `tshark ${how} on ${capture}: ${oneLine(stderr || 'no message', 200)}`);
}
