import type { StreamPackets } from '../model/quality-packets.js';

/**
 * One SSRC's legs merged into one stream, packets in capture order. An SSRC names one sender's stream (RFC 3550
 * §8.1) whichever candidate pair or relay carries it, so loss, reordering and jitter are measured on the merged
 * sequence: a leg alone would count as lost what the other leg carried. A packet that arrived on two legs (an
 * endpoint sends on both while ICE switches paths) counts once: the same sequence number with the same RTP
 * timestamp on another leg is that packet again, where a repeat on its own leg is a duplicate as RFC 3550 counts it.
 * The main leg, whose flow and endpoints the stream takes, is the one that carried most packets.
 */
export function mergeLegs(legs: readonly StreamPackets[]): StreamPackets {
  if (legs.length === 1) return legs[0]!;
  const order = legs.flatMap((leg, l) => Array.from(leg.frames, (frame, row) => ({ frame, l, row })));
  order.sort((a, b) => a.frame - b.frame);
  const firstLeg = new Map<string, number>();
  const kept = order.filter(({ l, row }) => {
    const leg = legs[l]!;
    const packet = `${leg.sequences[row]}/${leg.timestamps[row]}`;
    const seenOn = firstLeg.get(packet);
    if (seenOn === undefined) firstLeg.set(packet, l);
    return seenOn === undefined || seenOn === l;
  });
  const column = <T extends Uint32Array | Float64Array | Uint16Array | Int16Array | Uint8Array>(
    of: (leg: StreamPackets) => T,
  ): T => {
    const merged = new (of(legs[0]!).constructor as new (length: number) => T)(kept.length);
    kept.forEach(({ l, row }, i) => (merged[i] = of(legs[l]!)[row]!));
    return merged;
  };
  const main = legs.reduce((a, b) => (b.frames.length > a.frames.length ? b : a));
  const dscp = new Map<number, number>();
  for (const leg of legs) for (const [value, count] of leg.dscp) dscp.set(value, (dscp.get(value) ?? 0) + count);
  return {
    key: main.ssrc,
    ssrc: main.ssrc,
    flowId: main.flowId,
    transport: main.transport,
    source: main.source,
    destination: main.destination,
    frames: column((leg) => leg.frames),
    times: column((leg) => leg.times),
    sequences: column((leg) => leg.sequences),
    timestamps: column((leg) => leg.timestamps),
    payloadTypes: column((leg) => leg.payloadTypes),
    markers: column((leg) => leg.markers),
    bytes: column((leg) => leg.bytes),
    dscp,
    decoded: legs.reduce((sum, leg) => sum + leg.decoded, 0),
    legs: legs.flatMap((leg) => leg.legs).sort((a, b) => a.firstFrame - b.firstFrame),
    repeatedAcrossLegs: order.length - kept.length,
  };
}
