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

export const categoryOf = perStack((protocols: readonly string[]): string => {
  const present = new Set(protocols);
  return CATEGORIES.find(([, names]) => names.some((n) => present.has(n)))?.[0] ?? OTHER;
});

/** Packets and bytes per protocol over time: the data of the packets-per-second chart. */
export class TimelineCollector implements Collector<Timeline> {
  readonly fields = ['frame.protocols'];
  /** Per category, per whole epoch second: [packets, bytes]. */
  private readonly perSecond = new Map<string, Map<number, [number, number]>>();

  add(packet: PacketRecord): void {
    if (!packet.timed) return;
    const category = categoryOf(packet.protocols);
    let seconds = this.perSecond.get(category);
    if (!seconds) this.perSecond.set(category, (seconds = new Map<number, [number, number]>()));
    const second = Math.floor(packet.time);
    const counts = seconds.get(second) ?? [0, 0];
    counts[0]++;
    counts[1] += packet.length;
    seconds.set(second, counts);
  }

  finish({ start }: FinishContext): Timeline {
    const first = Math.floor(start);
    const last = Math.max(first, ...[...this.perSecond.values()].flatMap((m) => [...m.keys()]));
    const binSeconds = Math.max(1, Math.ceil((last - first + 1) / MAX_BINS));
    const bins = Math.floor((last - first) / binSeconds) + 1;
    const order = [...CATEGORIES.map(([name]) => name), OTHER];
    const series = [...this.perSecond.entries()]
      .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
      .map(([protocol, seconds]) => {
        const packets = new Array<number>(bins).fill(0);
        const bytes = new Array<number>(bins).fill(0);
        for (const [second, [n, b]] of seconds) {
          const bin = Math.floor((second - first) / binSeconds);
          packets[bin]! += n;
          bytes[bin]! += b;
        }
        return { protocol, packets, bytes };
      });
    return { binSeconds, startOffset: Math.round((first - start) * 1e6) / 1e6, series };
  }
}
