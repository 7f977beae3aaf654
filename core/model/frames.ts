import type { Capture, ProtocolShare } from '../schema/generated/report.js';
import { perStack, type PacketRecord } from '../tshark/record.js';
import type { Collector, FinishContext } from './collector.js';

export interface FrameSummary {
  packets: number;
  bytes: number;
  /** Epoch seconds of the first and last packet (file order), undefined for an empty capture. */
  firstTime?: number;
  lastTime?: number;
  ipPackets: number;
  untimedPackets: number;
  malformedPackets: number[];
  linkTypes: string[];
  protocols: ProtocolShare[];
  /** Epoch seconds of a frame (by its number), undefined for a frame the capture does not hold. */
  timeOf: (frame: number) => number | undefined;
}

/** Frames the time table holds before it first grows (it doubles as needed). */
const INITIAL_FRAMES = 4096;

/** Counts, time span, link types, malformed frames and the protocol mix of the whole capture. */
export class FrameCollector implements Collector<FrameSummary> {
  readonly fields = [
    'frame.number',
    'frame.time_epoch',
    'frame.len',
    'frame.protocols',
    'frame.encap_type',
    '_ws.malformed',
  ];
  readonly namedFields = ['frame.encap_type'];

  private packets = 0;
  private bytes = 0;
  private firstTime?: number;
  private lastTime?: number;
  private ipPackets = 0;
  private untimed = 0;
  private readonly malformed: number[] = [];
  private readonly encapsulations = new Set<number>();
  private readonly shares = new Map<string, ProtocolShare>();
  /** Each frame's epoch time by frame number (NaN: not seen): 8 bytes a frame, so a finding can say when it starts. */
  private times = new Float64Array(INITIAL_FRAMES).fill(NaN);
  /** Per distinct stack: the shares of its protocols, each once (a tunnel repeats ip, udp…), and whether it has IP. */
  private readonly stackShares = perStack((stack) => {
    const protocols = [...new Set(stack)];
    return {
      ip: protocols.includes('ip') || protocols.includes('ipv6'),
      shares: protocols.map((protocol) => {
        let share = this.shares.get(protocol);
        if (!share) this.shares.set(protocol, (share = { protocol, packets: 0, bytes: 0 }));
        return share;
      }),
    };
  });

  add(packet: PacketRecord): void {
    this.packets++;
    this.recordTime(packet.frame, packet.time);
    this.bytes += packet.length;
    if (!packet.timed) {
      this.untimed++;
    } else {
      // Packets in a file are not always in time order: the span runs from the earliest to the latest.
      if (this.firstTime === undefined || packet.time < this.firstTime) this.firstTime = packet.time;
      if (this.lastTime === undefined || packet.time > this.lastTime) this.lastTime = packet.time;
    }
    const encapsulation = packet.int('frame.encap_type');
    if (encapsulation !== undefined) this.encapsulations.add(encapsulation);
    if (packet.has('_ws.malformed')) this.malformed.push(packet.frame);
    const { ip, shares } = this.stackShares(packet.protocols);
    if (ip) this.ipPackets++;
    for (const share of shares) {
      share.packets++;
      share.bytes += packet.length;
    }
  }

  private recordTime(frame: number, time: number): void {
    if (frame >= this.times.length) {
      const grown = new Float64Array(Math.max(this.times.length * 2, frame + 1)).fill(NaN);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[frame] = time;
  }

  finish({ names, warn }: FinishContext): FrameSummary {
    if (this.untimed) {
      warn({
        code: 'untimed-packets',
        message: `${this.untimed} packet(s) have no timestamp: they are placed at the time of the packet before them`,
        count: this.untimed,
      });
    }
    return {
      packets: this.packets,
      bytes: this.bytes,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      ipPackets: this.ipPackets,
      untimedPackets: this.untimed,
      malformedPackets: this.malformed,
      linkTypes: [...this.encapsulations].map((code) => names('frame.encap_type', code) ?? `encapsulation ${code}`),
      protocols: [...this.shares.values()].sort(
        (a, b) => b.packets - a.packets || a.protocol.localeCompare(b.protocol),
      ),
      timeOf: (frame) => {
        const time = this.times[frame];
        return time === undefined || Number.isNaN(time) ? undefined : time;
      },
    };
  }
}

export function captureTimes(summary: FrameSummary): Pick<Capture, 'start' | 'end' | 'durationSec'> {
  if (summary.firstTime === undefined || summary.lastTime === undefined) return { durationSec: 0 };
  return {
    start: new Date(summary.firstTime * 1000).toISOString(),
    end: new Date(summary.lastTime * 1000).toISOString(),
    durationSec: Math.round((summary.lastTime - summary.firstTime) * 1e6) / 1e6,
  };
}
