import { groupBy } from '../util/collections.js';
import type { LeftOut, StreamQuality } from '../schema/generated/report.js';

/**
 * How many entries a capped list keeps at each end (first N and last N in frame order). The longest lists
 * among the shared captures hold 591 STUN messages (video-4g-K3VG-60sec), 491 RTCP reports (the same call) and
 * 91 DNS transactions (badpackets.pcap), so every one of their reports still lists everything; a 1M-packet
 * capture (15 000 DNS transactions, 40 000 STUN messages) lists 2 000 of each, ≈ 3.5 MB of JSON instead of
 * 42 MB, and a 250k-packet video call's 20 000 RTCP reports, 3.2 MB of JSON, become 2 000.
 */
export const LISTED_AT_EACH_END = 1000;

/** Packets the DNS collector reads as transactions: DNS, mDNS and LLMNR, not those quoted in ICMP errors. */
export const DNS_TRANSACTIONS_FILTER = '(dns || mdns || llmnr) && !icmp && !icmpv6';
/** Packets the STUN collector reads as messages: both of tshark's STUN dissectors, not those quoted in ICMP errors. */
export const STUN_MESSAGES_FILTER = '(stun || classicstun) && !icmp && !icmpv6';
/** Packets the frame collector counts as malformed: those tshark marks with its malformed-packet expert info. */
export const MALFORMED_PACKETS_FILTER = '_ws.malformed';
/** Packets the RTP collector reads as RTCP reports (its rtcp_udp and rtcp_stun heuristics), not those quoted in ICMP errors. */
export const RTCP_REPORTS_FILTER = 'rtcp && !icmp && !icmpv6';
/** Packets the SSDP collector lists: UPnP discovery, which a LAN full of devices repeats every few seconds. */
export const SSDP_MESSAGES_FILTER = 'ssdp';

/** A list as the report carries it: every entry, or the first and last N with what is left out between them. */
export interface CappedList<T> {
  listed: T[];
  leftOut?: LeftOut;
}

/**
 * Caps a list in frame order at its first and last `atEachEnd` entries. `firstFrameOf` is the frame an entry
 * starts at; `filter` shows every packet of the list's kind in Wireshark.
 */
export function capList<T>(
  entries: readonly T[],
  firstFrameOf: (entry: T) => number,
  filter: string,
  atEachEnd = LISTED_AT_EACH_END,
): CappedList<T> {
  if (entries.length <= 2 * atEachEnd) return { listed: [...entries] };
  const head = entries.slice(0, atEachEnd);
  const tail = entries.slice(entries.length - atEachEnd);
  return {
    listed: [...head, ...tail],
    leftOut: {
      count: entries.length - head.length - tail.length,
      total: entries.length,
      afterFrame: firstFrameOf(head.at(-1)!),
      beforeFrame: firstFrameOf(tail[0]!),
      filter,
    },
  };
}

/** Gaps a stream's quality lists of each cause, at most: the longest. The most among the shared captures is 107 (a minute of 4G). */
export const LISTED_GAPS_PER_CAUSE = 250;

/**
 * A stream's quality with its gaps capped: the longest LISTED_GAPS_PER_CAUSE of each cause, in time order, and
 * how many of each were left out. An hour of audio with silence suppression has thousands of pauses; the
 * report's gap tables rank each cause's longest first, so they show what they showed with every gap listed.
 */
export function withCappedGaps(stream: StreamQuality): StreamQuality {
  const byCause = groupBy(stream.gaps, (g) => g.cause);
  if ([...byCause.values()].every((gaps) => gaps.length <= LISTED_GAPS_PER_CAUSE)) return stream;
  const listed = new Set<StreamQuality['gaps'][number]>();
  const leftOut = { loss: 0, dtx: 0, delay: 0, unknown: 0 };
  for (const [cause, gaps] of byCause) {
    const longest = [...gaps]
      .sort((a, b) => b.durationMs - a.durationMs || a.start - b.start)
      .slice(0, LISTED_GAPS_PER_CAUSE);
    for (const gap of longest) listed.add(gap);
    leftOut[cause as keyof typeof leftOut] = gaps.length - longest.length; // groupBy keys are the causes
  }
  return {
    ...stream,
    gaps: stream.gaps.filter((g) => listed.has(g)),
    gapsLeftOut: { count: stream.gaps.length - listed.size, byCause: leftOut },
  };
}
