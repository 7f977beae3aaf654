import type { CaptureBuilder, Endpoint } from './capture.js';
import { PROTOCOL_TCP, internetChecksum, isIpv6, pseudoHeader } from './ip.js';
import type { SeededRandom } from './random.js';

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

export interface TcpOptions {
  /** Round-trip time between the client (where the capture is taken) and the server, in seconds. */
  rtt: number;
  /** Link rate the segments of one burst are spaced by, in bit/s. */
  bitsPerSecond: number;
}

/** Window scale both ends announce, and the window field they then send (× 2^8 = 262 kB). */
const WINDOW_SCALE = 8;
const SCALED_WINDOW = 1026;
const SYN_WINDOW = 64240;
/** The time a host takes to answer a segment it received (an ACK, a SYN-ACK). */
const TURNAROUND = 0.00005;

export type Side = 'client' | 'server';

/** Application messages written back to back into the byte stream. */
export interface Messages {
  data: Buffer;
  /** The protocol tshark decodes them as (frame.protocols). */
  application: string;
  /** Offsets in `data` where each message ends. */
  ends: readonly number[];
  /** Length of a message's header (the part that says how long it is). */
  headerBytes: number;
}

/**
 * One TCP connection as the client's capture shows it: the three-way handshake, data cut into MSS-sized
 * segments with sequence and acknowledgement numbers that add up, an ACK for every second segment, and the
 * closing FIN exchange. Packets the client sends are captured when sent; the server's when they arrive.
 */
export class TcpConnection {
  private readonly next: Record<Side, number>;
  private readonly options: TcpOptions;
  private readonly mss: number;
  /** The latest time a packet of this connection was captured: later calls never go back in time. */
  private last = 0;

  constructor(
    private readonly capture: CaptureBuilder,
    readonly client: Endpoint,
    readonly server: Endpoint,
    random: SeededRandom,
    options: Partial<TcpOptions>,
  ) {
    this.options = { rtt: 0.02, bitsPerSecond: 100e6, ...options };
    this.mss = isIpv6(client.ip) ? 1440 : 1460;
    this.next = { client: random.uint32(), server: random.uint32() };
  }

  get rtt(): number {
    return this.options.rtt;
  }

  /** SYN, SYN-ACK, ACK from `time`; returns when the client may send. */
  open(time: number): number {
    const t = this.after(time);
    this.segment(t, 'client', SYN, Buffer.alloc(0), '', synOptions(this.mss));
    this.next.client++;
    this.segment(t + this.rtt, 'server', SYN | ACK, Buffer.alloc(0), '', synOptions(this.mss));
    this.next.server++;
    this.segment(t + this.rtt + TURNAROUND, 'client', ACK, Buffer.alloc(0), '');
    return this.last;
  }

  /**
   * Sends an application's messages from one side at `time` (when the client captures them), cut into
   * segments. With `answered`, the peer's reply follows at once and carries the ACK for the last segment (no
   * separate ACK). Returns when the last segment was captured.
   */
  send(time: number, from: Side, messages: Messages, answered = false, outOfOrder = false): number {
    const { data, application, ends, headerBytes } = messages;
    const to: Side = from === 'client' ? 'server' : 'client';
    let t = this.after(time);
    const segmentTime = (bytes: number) => ((bytes + 54) * 8) / this.options.bitsPerSecond;
    // The peer's ACK for a segment the client sent is captured one RTT later; the client's ACK for a segment
    // that arrived is captured right after it.
    const ackDelay = from === 'client' ? this.rtt : TURNAROUND;
    const starts = [0, ...ends.slice(0, -1)];
    let last = t;
    for (let offset = 0, index = 0; offset < data.length; offset += this.mss, index++) {
      const chunk = data.subarray(offset, offset + this.mss);
      const end = offset + chunk.length;
      // tshark hands a segment to the application's dissector when a message ends in it, or when it holds
      // part of a message's header (the dissector reads the header to learn how much more it needs).
      let dissected =
        ends.some((e) => e > offset && e <= end) || starts.some((s) => s < end && s + headerBytes > offset);
      // outOfOrder: the second segment overtakes the first on the way. tshark (reassembling out-of-order
      // segments) can only dissect it once the first arrives, and does so in the first's frame.
      let captured = t;
      if (outOfOrder && index <= 1 && data.length > this.mss) {
        captured = index === 0 ? t + 2 * segmentTime(this.mss) : t - segmentTime(this.mss) - 1e-6;
        if (index === 1) dissected = false;
        if (index === 0) dissected = true;
      }
      this.segment(captured, from, ACK | (end === data.length ? PSH : 0), chunk, dissected ? application : '');
      this.next[from] += chunk.length;
      last = t;
      if (end === data.length ? !answered : index % 2 === 1) this.segment(t + ackDelay, to, ACK, Buffer.alloc(0), '');
      t += segmentTime(chunk.length);
    }
    return last;
  }

  /** FIN from `from`, the other side's FIN, the last ACK. */
  close(time: number, from: Side = 'client'): number {
    const to: Side = from === 'client' ? 'server' : 'client';
    const t = this.after(time);
    const delay = from === 'client' ? this.rtt : TURNAROUND;
    this.segment(t, from, FIN | ACK, Buffer.alloc(0), '');
    this.next[from]++;
    this.segment(t + delay, to, FIN | ACK, Buffer.alloc(0), '');
    this.next[to]++;
    this.segment(t + delay + (from === 'client' ? TURNAROUND : this.rtt), from, ACK, Buffer.alloc(0), '');
    return this.last;
  }

  private after(time: number): number {
    return Math.max(time, this.last + 1e-6);
  }

  /** One segment with the current sequence numbers (ACKs acknowledge everything the other side sent so far). */
  private segment(
    time: number,
    from: Side,
    flags: number,
    payload: Buffer,
    application: string,
    options: Buffer = Buffer.alloc(0),
  ): void {
    const to: Side = from === 'client' ? 'server' : 'client';
    const [source, destination] = from === 'client' ? [this.client, this.server] : [this.server, this.client];
    const header = Buffer.alloc(20 + options.length);
    header.writeUInt16BE(source.port, 0);
    header.writeUInt16BE(destination.port, 2);
    header.writeUInt32BE(this.next[from] >>> 0, 4);
    header.writeUInt32BE(flags & ACK ? this.next[to] >>> 0 : 0, 8);
    header[12] = ((20 + options.length) / 4) << 4;
    header[13] = flags;
    header.writeUInt16BE(flags & SYN ? SYN_WINDOW : SCALED_WINDOW, 14);
    options.copy(header, 20);
    const length = header.length + payload.length;
    header.writeUInt16BE(
      internetChecksum(pseudoHeader(source.ip, destination.ip, PROTOCOL_TCP, length), header, payload),
      16,
    );
    this.capture.tcpSegment(time, source.ip, destination.ip, Buffer.concat([header, payload]), application);
    this.last = Math.max(this.last, time);
  }
}

/** MSS, NOP, window scale, NOP, NOP, SACK permitted: the options a Windows host puts in its SYN. */
function synOptions(mss: number): Buffer {
  return Buffer.from([2, 4, mss >> 8, mss & 0xff, 1, 3, 3, WINDOW_SCALE, 1, 1, 4, 2]);
}
