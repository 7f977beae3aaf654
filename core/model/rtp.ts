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
      const identifiers = packet.values('rtcp.ssrc.identifier');
      const fractions = packet.ints('rtcp.ssrc.fraction');
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
      };
      this.streams.set(key, stream);
    }
    stream.packets++;
    stream.bytes += packet.length;
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
    const streams = [...this.streams.values()].map(
      (s): RtpStream => ({
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
        filter: `rtp.ssrc == ${s.ssrc}`,
      }),
    );
    const rtcp = this.reports.map(({ epoch, packetTypeCodes, ...rest }) => ({
      ...rest,
      time: relativeTime(epoch, start),
      packetTypes: packetTypeCodes.map((pt) => namedCode(names, 'rtcp.pt', pt)),
    }));
    return { streams, rtcp };
  }
}

/** tshark writes SSRCs as "0x3a4b5c6d" (or without leading zeros); reports use eight lowercase hex digits. */
function ssrcText(value: string): string {
  const n = value.startsWith('0x') ? parseInt(value.slice(2), 16) : Number(value);
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
