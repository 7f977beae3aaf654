import type { RtcpReport, RtpStream } from '../schema/generated/report.js';
import type { RtcpPacketReports } from './rtcp.js';
import type { StreamPackets } from './quality-packets.js';
import { namedCode, relativeTime, type FinishContext } from './collector.js';
import { sendersFilter } from '../util/display-filter.js';

export interface RtpModel {
  streams: RtpStream[];
  rtcp: RtcpReport[];
}

const SEQUENCE_CYCLE = 0x10000;
const TIMESTAMP_CYCLE = 0x100000000;

/**
 * The report's RTP streams (one per flow, sender and SSRC, as tshark's `-z rtp,streams` lists them) and RTCP
 * reports. The streams are summed up from the packets the call-quality collector gathered (core/quality/collector.ts):
 * on ICE/TURN media flows every RTP packet the media-plane reader read from the bytes, inside whatever relay framing
 * carried it; elsewhere what tshark's RTP heuristics decoded. So the media table, the activity and the call path
 * count the packets the call-quality section measures, not only the part tshark could decode.
 */
export function rtpModel(
  legs: readonly StreamPackets[],
  reports: readonly RtcpPacketReports[],
  { start, names }: Pick<FinishContext, 'start' | 'names'>,
): RtpModel {
  const streams = [...legs].sort((a, b) => a.frames[0]! - b.frames[0]!).map((leg) => rtpStream(leg, start, names));
  // SRTCP (RFC 3711) encrypts everything after the sender's SSRC, yet tshark decodes the ciphertext as report
  // blocks. A real block reports on a source this capture shows (an RTP stream, or an RTCP sender); one
  // naming an SSRC nobody has is ciphertext.
  const knownSsrcs = new Set([
    ...streams.map((s) => s.ssrc),
    ...reports.flatMap((r) => (r.senderSsrc ? [r.senderSsrc] : [])),
  ]);
  const rtcp = reports.map(({ epoch, packetTypeCodes, blocks, ...rest }): RtcpReport => {
    const readable = blocks.filter((b) => knownSsrcs.has(b.ssrc));
    const report: RtcpReport = {
      ...rest,
      time: relativeTime(epoch, start),
      packetTypes: packetTypeCodes.map((pt) => namedCode(names, 'rtcp.pt', pt)),
      blocks: readable,
    };
    if (readable.length < blocks.length) report.unreadableBlocks = blocks.length - readable.length;
    return report;
  });
  return { streams, rtcp };
}

/** One leg's packets summed up; sequence numbers and timestamps extended past their wrap-arounds (RFC 3550 A.1). */
function rtpStream(leg: StreamPackets, start: number, names: FinishContext['names']): RtpStream {
  const count = leg.frames.length;
  const payloadTypes = new Set<number>();
  let bytes = 0;
  let smallest = Number.POSITIVE_INFINITY;
  let largest = 0;
  let markers = 0;
  /** Packets carrying the same RTP timestamp as the packet before: one media frame split over several packets. */
  let repeatedTimestamps = 0;
  let end = leg.times[0]!;
  let highestSequence = leg.sequences[0]!;
  let lastTimestamp = leg.timestamps[0]!;
  let lastTimestampTime = leg.times[0]!;
  for (let i = 0; i < count; i++) {
    bytes += leg.bytes[i]!;
    smallest = Math.min(smallest, leg.bytes[i]!);
    largest = Math.max(largest, leg.bytes[i]!);
    markers += leg.markers[i]!;
    if (leg.payloadTypes[i]! >= 0) payloadTypes.add(leg.payloadTypes[i]!);
    end = Math.max(end, leg.times[i]!);
    if (i === 0) continue;
    const timestamp = leg.timestamps[i]!;
    if (timestamp === lastTimestamp % TIMESTAMP_CYCLE) repeatedTimestamps++;
    const timestampExtended = extend(lastTimestamp, timestamp, TIMESTAMP_CYCLE);
    if (timestampExtended >= lastTimestamp) {
      lastTimestamp = timestampExtended;
      lastTimestampTime = leg.times[i]!;
    }
    highestSequence = Math.max(highestSequence, extend(highestSequence, leg.sequences[i]!, SEQUENCE_CYCLE));
  }
  const first = leg.times[0]!;
  const elapsed = lastTimestampTime - first;
  const stream: RtpStream = {
    ssrc: leg.ssrc,
    flowId: leg.flowId,
    source: leg.source,
    destination: leg.destination,
    payloadTypes: [...payloadTypes].map((pt) => namedCode(names, 'rtp.p_type', pt)),
    packets: count,
    bytes,
    start: relativeTime(first, start),
    end: relativeTime(end, start),
    firstFrame: leg.frames[0]!,
    lastFrame: leg.frames[count - 1]!,
    firstSequence: leg.sequences[0]!,
    lastSequence: leg.sequences[count - 1]!,
    lost: Math.max(0, highestSequence - leg.sequences[0]! + 1 - count),
    markerPackets: markers,
    repeatedTimestampPackets: repeatedTimestamps,
    frameBytes: { min: smallest, mean: Math.round(bytes / count), max: largest },
    // RFC 3550 §5.1: audio codecs clock at their sampling rate, 8–48 kHz, video at 90 kHz; a second of stream or more.
    ...(elapsed >= 1 ? { clockRate: Math.round((lastTimestamp - leg.timestamps[0]!) / elapsed) } : {}),
    // Packets tshark left undecoded (inside TURN framings) have no rtp.ssrc: the leg's sender on its flow shows them.
    filter: leg.decoded === count ? `rtp.ssrc == ${leg.ssrc}` : sendersFilter([leg]),
  };
  if (leg.decoded < count) stream.readByBytes = count - leg.decoded;
  return stream;
}

/** `value` (one cycle's worth of bits) placed in the cycle nearest to `reference`, an already extended value. */
function extend(reference: number, value: number, cycle: number): number {
  const extended = reference - (reference % cycle) + value;
  if (extended < reference - cycle / 2) return extended + cycle;
  if (extended > reference + cycle / 2 && extended >= cycle) return extended - cycle;
  return extended;
}
