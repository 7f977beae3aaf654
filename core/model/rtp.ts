import type { Endpoint, RtcpReport, RtpStream } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { namedCode, relativeTime, withoutUndefined, type Collector, type FinishContext } from './collector.js';

interface StreamState {
  ssrc: string;
  flowId: string;
  source: Endpoint;
  destination: Endpoint;
  payloadTypes: Set<number>;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  firstFrame: number;
  lastFrame: number;
  firstSequence: number;
  lastSequence: number;
  /** Highest sequence number seen, extended past 16-bit wrap-arounds (RFC 3550 A.1). */
  highestExtended: number;
  firstTimestamp: number;
  /** Latest RTP timestamp, extended past 32-bit wrap-arounds, and when it was seen. */
  lastTimestampExtended: number;
  lastTimestampTime: number;
  markers: number;
  /** Packets carrying the same RTP timestamp as the stream's packet before: one media frame split over several packets. */
  repeatedTimestamps: number;
  smallest: number;
  largest: number;
}

interface RawRtcp extends Omit<RtcpReport, 'time' | 'packetTypes'> {
  epoch: number;
  packetTypeCodes: number[];
}

export interface RtpModel {
  streams: RtpStream[];
  rtcp: RtcpReport[];
}

/** RTP streams (one per SSRC and direction) and RTCP reports, as tshark's rtp_udp/rtcp_udp heuristics find them. */
export class RtpCollector implements Collector<RtpModel> {
  readonly fields = [
    ...ADDRESSING_FIELDS,
    'rtp.ssrc',
    'rtp.p_type',
    'rtp.seq',
    'rtp.timestamp',
    'rtp.marker',
    'rtcp.pt',
    'rtcp.senderssrc',
    'rtcp.ssrc.identifier',
    'rtcp.ssrc.fraction',
    'rtcp.ssrc.cum_nr',
    'rtcp.ssrc.jitter',
  ];
  readonly namedFields = ['rtp.p_type', 'rtcp.pt'];

  private readonly streams = new Map<string, StreamState>();
  private readonly reports: RawRtcp[] = [];

  add(packet: PacketRecord): void {
    const hasRtp = packet.has('rtp.ssrc');
    const hasRtcp = packet.has('rtcp.pt');
    if (!hasRtp && !hasRtcp) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    if (hasRtp) this.addRtp(packet, addressing.flowId, addressing.source, addressing.destination);
    if (hasRtcp) {
      const fractions = packet.ints('rtcp.ssrc.fraction');
      // rtcp.ssrc.identifier also lists SDES chunks' SSRCs; SR/RR come first in a compound packet (RFC 3550
      // §6.1) and each report block has one fraction-lost field, so the first ones are the blocks'.
      const identifiers = packet.values('rtcp.ssrc.identifier').slice(0, fractions.length);
      const cumulative = packet.values('rtcp.ssrc.cum_nr').map(Number);
      const jitters = packet.ints('rtcp.ssrc.jitter');
      const sender = packet.first('rtcp.senderssrc');
      this.reports.push(
        withoutUndefined({
          frame: packet.frame,
          epoch: packet.time,
          flowId: addressing.flowId,
          senderSsrc: sender === undefined ? undefined : ssrcText(sender),
          packetTypeCodes: packet.ints('rtcp.pt'),
          blocks: identifiers.map((id, i) =>
            withoutUndefined({
              ssrc: ssrcText(id),
              fractionLost: fractions[i] === undefined ? undefined : fractions[i]! / 256,
              cumulativeLost: cumulative[i],
              jitter: jitters[i],
            }),
          ),
        }),
      );
    }
  }

  private addRtp(packet: PacketRecord, flowId: string, source: Endpoint, destination: Endpoint): void {
    const ssrc = ssrcText(packet.first('rtp.ssrc')!);
    const sequence = packet.int('rtp.seq') ?? 0;
    const timestamp = packet.int('rtp.timestamp') ?? 0;
    const key = `${flowId}/${source.ip}:${source.port}/${ssrc}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = {
        ssrc,
        flowId,
        source,
        destination,
        payloadTypes: new Set(),
        packets: 0,
        bytes: 0,
        start: packet.time,
        end: packet.time,
        firstFrame: packet.frame,
        lastFrame: packet.frame,
        firstSequence: sequence,
        lastSequence: sequence,
        highestExtended: sequence,
        firstTimestamp: timestamp,
        lastTimestampExtended: timestamp,
        lastTimestampTime: packet.time,
        markers: 0,
        repeatedTimestamps: 0,
        smallest: packet.length,
        largest: packet.length,
      };
      this.streams.set(key, stream);
    }
    if (stream.packets > 0) {
      const previous = stream.lastTimestampExtended;
      if (timestamp === previous % 0x100000000) stream.repeatedTimestamps++;
      // Extend the 32-bit timestamp the way the sequence number is extended below.
      const base = previous - (previous % 0x100000000);
      let extendedTimestamp = base + timestamp;
      if (extendedTimestamp < previous - 0x80000000) extendedTimestamp += 0x100000000;
      if (extendedTimestamp >= previous) {
        stream.lastTimestampExtended = extendedTimestamp;
        stream.lastTimestampTime = packet.time;
      }
    }
    stream.packets++;
    stream.bytes += packet.length;
    stream.smallest = Math.min(stream.smallest, packet.length);
    stream.largest = Math.max(stream.largest, packet.length);
    if (packet.flag('rtp.marker')) stream.markers++;
    stream.end = Math.max(stream.end, packet.time);
    stream.lastFrame = packet.frame;
    stream.lastSequence = sequence;
    const payloadType = packet.int('rtp.p_type');
    if (payloadType !== undefined) stream.payloadTypes.add(payloadType);
    // Extend the 16-bit sequence number: a small step forward across 65535→0 starts a new cycle.
    const cycle = stream.highestExtended - (stream.highestExtended & 0xffff);
    let extended = cycle + sequence;
    if (extended < stream.highestExtended - 0x8000) extended += 0x10000;
    if (extended > stream.highestExtended) stream.highestExtended = extended;
  }

  finish({ start, names }: FinishContext): RtpModel {
    const streams = [...this.streams.values()].map((s): RtpStream => ({
      ssrc: s.ssrc,
      flowId: s.flowId,
      source: s.source,
      destination: s.destination,
      payloadTypes: [...s.payloadTypes].map((pt) => namedCode(names, 'rtp.p_type', pt)),
      packets: s.packets,
      bytes: s.bytes,
      start: relativeTime(s.start, start),
      end: relativeTime(s.end, start),
      firstFrame: s.firstFrame,
      lastFrame: s.lastFrame,
      firstSequence: s.firstSequence,
      lastSequence: s.lastSequence,
      lost: Math.max(0, s.highestExtended - s.firstSequence + 1 - s.packets),
      markerPackets: s.markers,
      repeatedTimestampPackets: s.repeatedTimestamps,
      frameBytes: { min: s.smallest, mean: Math.round(s.bytes / s.packets), max: s.largest },
      ...clockRate(s),
      filter: `rtp.ssrc == ${s.ssrc}`,
    }));
    // SRTCP (RFC 3711) encrypts everything after the sender's SSRC, yet tshark decodes the ciphertext as report
    // blocks. A real block reports on a source this capture shows (an RTP stream, or an RTCP sender); one
    // naming an SSRC nobody has is ciphertext.
    const knownSsrcs = new Set([
      ...streams.map((s) => s.ssrc),
      ...this.reports.flatMap((r) => (r.senderSsrc ? [r.senderSsrc] : [])),
    ]);
    const rtcp = this.reports.map(({ epoch, packetTypeCodes, blocks, ...rest }): RtcpReport => {
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
}

/** tshark writes SSRCs as "0x3a4b5c6d" (or without leading zeros); reports use eight lowercase hex digits. */
export function ssrcText(value: string): string {
  const n = value.startsWith('0x') ? parseInt(value.slice(2), 16) : Number(value);
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The RTP clock rate the stream's timestamps advance at, measured against capture time (RFC 3550 §5.1: audio
 * codecs clock at their sampling rate, 8–48 kHz; video at 90 kHz). Needs a second of stream to be meaningful.
 */
function clockRate(s: StreamState): { clockRate?: number } {
  const elapsed = s.lastTimestampTime - s.start;
  if (elapsed < 1) return {};
  return { clockRate: Math.round((s.lastTimestampExtended - s.firstTimestamp) / elapsed) };
}
