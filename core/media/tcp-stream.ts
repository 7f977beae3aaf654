import type { TcpSegment } from '../tshark/tcp-stun.js';
import { readDatagram, type DatagramContent } from './reader.js';

/**
 * The media plane of a relay's TCP connection: MS-TURN over TCP ([MS-TURN] §2.2.1 "TCP framing"), which Teams
 * uses towards its relays on 443 inside the pseudo-TLS connection (core/model/pseudo-tls.ts). Each message has a
 * 4-byte header — a type (0x02 a TURN control message, 0x03 end-to-end data), a reserved byte, a 16-bit length
 * — then the message: a STUN/TURN message (a Data indication's DATA holds media), or the datagram itself. The
 * byte stream is put together from the segments by sequence number first, as the receiver's TCP does
 * (RFC 9293 §3.10.7.4): a retransmitted segment counts once, and an out-of-order one waits for the gap before it.
 */

/** A message read from the stream: what it holds, and the segment that completed it (its arrival). */
export interface TcpMediaMessage {
  readonly content: DatagramContent;
  readonly frame: number;
  readonly time: number;
  readonly bytes: number;
  readonly dscp?: number;
}

/** What one direction of the connection gave: its messages, and the bytes it could not read as messages. */
export interface TcpStreamMedia {
  readonly messages: TcpMediaMessage[];
  /** Bytes the capture lacks (segments it never saw) and bytes skipped to find the next message after them. */
  readonly unreadBytes: number;
}

/** [MS-TURN] §2.2.1: the frame types, and the header before each message. */
const FRAME_CONTROL = 0x02;
const FRAME_DATA = 0x03;
const FRAME_HEADER_BYTES = 4;

/** The pseudo-TLS records at the start of each direction (RFC 5246 §6.2.1: type, version 3.x, 16-bit length). */
const TLS_HANDSHAKE_RECORD = 22;
const TLS_RECORD_HEADER_BYTES = 5;

/** One contiguous run of the byte stream, with the segments that made it (by their first byte's offset). */
interface Run {
  readonly start: number;
  readonly bytes: Uint8Array;
  /** The segments in stream order, each with its offset in `bytes`. */
  readonly pieces: readonly { readonly offset: number; readonly segment: TcpSegment }[];
  /**
   * For each piece, the latest-captured segment among it and those before it in the stream: a segment that came
   * before one placed earlier waited for it, so the later arrival completes both.
   */
  readonly arrivals: readonly TcpSegment[];
}

/** Reads the MS-TURN messages of one direction of a relay's TCP connection from its segments. */
export function readMsTurnTcp(segments: readonly TcpSegment[]): TcpStreamMedia {
  const messages: TcpMediaMessage[] = [];
  let unreadBytes = 0;
  const runs = reassemble(segments);
  runs.forEach((run, r) => {
    if (r > 0) unreadBytes += run.start - (runs[r - 1]!.start + runs[r - 1]!.bytes.length);
    // A direction's first bytes are the pseudo-TLS handshake; a run after a gap starts anywhere in a message.
    let at = r === 0 ? afterTlsRecords(run.bytes) : nextFrameStart(run.bytes, 0);
    if (r > 0) unreadBytes += at;
    while (at + FRAME_HEADER_BYTES <= run.bytes.length) {
      const type = run.bytes[at]!;
      const length = (run.bytes[at + 2]! << 8) | run.bytes[at + 3]!;
      const end = at + FRAME_HEADER_BYTES + length;
      if ((type !== FRAME_CONTROL && type !== FRAME_DATA) || run.bytes[at + 1] !== 0) {
        const next = nextFrameStart(run.bytes, at + 1);
        unreadBytes += next - at;
        at = next;
        continue;
      }
      if (end > run.bytes.length) break; // the rest of the message is past what the capture holds
      const arrival = completingSegment(run, end - 1);
      messages.push({
        content: readDatagram(run.bytes.subarray(at + FRAME_HEADER_BYTES, end)),
        frame: arrival.frame,
        time: arrival.time,
        bytes: length,
        ...(arrival.dscp === undefined ? {} : { dscp: arrival.dscp }),
      });
      at = end;
    }
    unreadBytes += run.bytes.length - at;
  });
  return { messages, unreadBytes };
}

/**
 * The byte stream's contiguous runs. Segments are taken by sequence number; bytes already placed (a
 * retransmission, an overlap) are not placed again, and a hole starts a new run.
 */
function reassemble(segments: readonly TcpSegment[]): Run[] {
  const ordered = segments
    .filter((s) => s.payload.length > 0)
    .map((segment, index) => ({ segment, index }))
    .sort((a, b) => a.segment.sequence - b.segment.sequence || a.index - b.index);
  const runs: Run[] = [];
  let chunks: Uint8Array[] = [];
  let pieces: { offset: number; segment: TcpSegment }[] = [];
  let start = 0;
  let next = 0; // the sequence number the run expects next
  const close = () => {
    if (chunks.length) runs.push({ start, bytes: concat(chunks), pieces, arrivals: latestSoFar(pieces) });
    chunks = [];
    pieces = [];
  };
  for (const { segment } of ordered) {
    const end = segment.sequence + segment.payload.length;
    if (chunks.length && segment.sequence > next) close();
    if (!chunks.length) {
      start = segment.sequence;
      next = segment.sequence;
    }
    if (end <= next) continue; // every byte already placed
    pieces.push({ offset: next - start, segment });
    chunks.push(segment.payload.subarray(next - segment.sequence));
    next = end;
  }
  close();
  return runs;
}

/** The segment that placed the byte at `offset`: the message it ends is complete when that segment arrives. */
function completingSegment(run: Run, offset: number): TcpSegment {
  let low = 0;
  let high = run.pieces.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (run.pieces[middle]!.offset <= offset) low = middle;
    else high = middle - 1;
  }
  return run.arrivals[low]!;
}

function latestSoFar(pieces: readonly { readonly segment: TcpSegment }[]): TcpSegment[] {
  const arrivals: TcpSegment[] = [];
  for (const { segment } of pieces) {
    const previous = arrivals.at(-1);
    arrivals.push(previous && previous.time > segment.time ? previous : segment);
  }
  return arrivals;
}

/** The offset past the TLS handshake records the stream starts with (none when it starts otherwise). */
function afterTlsRecords(bytes: Uint8Array): number {
  let at = 0;
  while (
    at + TLS_RECORD_HEADER_BYTES <= bytes.length &&
    bytes[at] === TLS_HANDSHAKE_RECORD &&
    bytes[at + 1] === 3 &&
    bytes[at + 2]! <= 3
  )
    at += TLS_RECORD_HEADER_BYTES + ((bytes[at + 3]! << 8) | bytes[at + 4]!);
  return Math.min(at, bytes.length);
}

/**
 * Where the next message starts at or after `from`: a frame header followed by another frame header exactly where
 * its length says (or by the end of the run) — one header alone could be any two bytes of a payload.
 */
function nextFrameStart(bytes: Uint8Array, from: number): number {
  for (let at = from; at + FRAME_HEADER_BYTES <= bytes.length; at++) {
    if (!isFrameHeader(bytes, at)) continue;
    const next = at + FRAME_HEADER_BYTES + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (next === bytes.length || (next + FRAME_HEADER_BYTES <= bytes.length && isFrameHeader(bytes, next))) return at;
  }
  return bytes.length;
}

function isFrameHeader(bytes: Uint8Array, at: number): boolean {
  return (bytes[at] === FRAME_CONTROL || bytes[at] === FRAME_DATA) && bytes[at + 1] === 0;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
