import { maxOf } from '../util/collections.js';
import type { Timeline } from '../schema/generated/report.js';
import { perStack, type PacketRecord } from '../tshark/record.js';
import type { Collector, FinishContext } from './collector.js';

/**
 * Each packet counts once, under the highest-level protocol of this list it carries: an RTP packet is
 * "RTP", not also "UDP"; a TCP segment without payload a dissector names is "TCP".
 */
const CATEGORIES: readonly [string, readonly string[]][] = [
  ['RTP', ['rtp']],
  ['RTCP', ['rtcp']],
  ['STUN/TURN', ['stun', 'classicstun']],
  ['QUIC', ['quic', 'gquic']],
  ['DTLS', ['dtls']],
  ['TLS', ['tls']],
  ['DNS', ['dns']],
  ['mDNS/LLMNR', ['mdns', 'llmnr']],
  ['SSDP', ['ssdp']],
  ['HTTP', ['http']],
  ['TCP', ['tcp']],
  ['UDP', ['udp']],
];
const OTHER = 'other';

/** Aim for charts of at most this many points: bins grow with the capture's length. */
const MAX_BINS = 600;
/** Packets are counted per tenth of a second, so that bins can start exactly at the capture's first packet. */
const TICKS_PER_SECOND = 10;

/** Bin lengths that divide a minute, so that the activity's windows (up to 60 s) are whole bins. */
const BIN_LADDER = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

/** The chart's bin for a capture this long: 1 s, or longer so that there are at most MAX_BINS. */
export function timelineBinSeconds(durationSec: number): number {
  const least = (Math.floor(Math.max(durationSec, 0)) + 1) / MAX_BINS;
  return BIN_LADDER.find((seconds) => seconds >= least) ?? Math.ceil(least / 60) * 60;
}

export const categoryOf = perStack((protocols: readonly string[]): string => {
  const present = new Set(protocols);
  return CATEGORIES.find(([, names]) => names.some((n) => present.has(n)))?.[0] ?? OTHER;
});

/**
 * Packets and bytes per protocol over time: the data of the packets-per-second chart. Bins count from the
 * capture's first packet (startOffset 0), the origin every other report time uses, so that a bin lines up with
 * the activity windows and call phases drawn beside it.
 */
export class TimelineCollector implements Collector<Timeline> {
  readonly fields = ['frame.protocols'];
  /** Per category, per tick since the first timed packet in file order: [packets, bytes]. */
  private readonly perTick = new Map<string, Map<number, [number, number]>>();
  /** Epoch seconds of the first timed packet in file order (the earliest may come later in a file out of order). */
  private anchor?: number;

  add(packet: PacketRecord): void {
    if (!packet.timed) return;
    this.anchor ??= packet.time;
    const category = categoryOf(packet.protocols);
    let ticks = this.perTick.get(category);
    if (!ticks) this.perTick.set(category, (ticks = new Map<number, [number, number]>()));
    const tick = Math.floor((packet.time - this.anchor) * TICKS_PER_SECOND);
    const counts = ticks.get(tick);
    if (!counts) ticks.set(tick, [1, packet.length]);
    else {
      counts[0]++;
      counts[1] += packet.length;
    }
  }

  finish({ start }: FinishContext): Timeline {
    const anchor = this.anchor ?? start;
    const secondsOf = (tick: number) => Math.max(0, anchor - start + tick / TICKS_PER_SECOND);
    const last = Math.max(0, maxOf([...this.perTick.values()].flatMap((m) => [...m.keys()].map(secondsOf))));
    const binSeconds = timelineBinSeconds(last);
    const bins = Math.floor(last / binSeconds) + 1;
    const order = [...CATEGORIES.map(([name]) => name), OTHER];
    const series = [...this.perTick.entries()]
      .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
      .map(([protocol, ticks]) => {
        const packets = new Array<number>(bins).fill(0);
        const bytes = new Array<number>(bins).fill(0);
        for (const [tick, [n, b]] of ticks) {
          const bin = Math.min(bins - 1, Math.floor(secondsOf(tick) / binSeconds));
          packets[bin]! += n;
          bytes[bin]! += b;
        }
        return { protocol, packets, bytes };
      });
    return { binSeconds, startOffset: 0, series };
  }
}
