import type { RtcpReport } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { withoutUndefined, type Collector } from './collector.js';
import { ssrcText } from './ssrc.js';

/** An RTCP packet's reports as tshark decodes them, before the RTP streams are known (core/model/rtp.ts sorts them). */
export interface RtcpPacketReports extends Omit<RtcpReport, 'time' | 'packetTypes'> {
  /** Epoch seconds. */
  epoch: number;
  packetTypeCodes: number[];
}

/** RTCP reports (sender and receiver reports and their blocks), as tshark's rtcp_udp/rtcp_stun heuristics decode them. */
export class RtcpCollector implements Collector<RtcpPacketReports[]> {
  readonly protocols = ['rtcp', 'srtcp'];
  readonly fields = [
    ...ADDRESSING_FIELDS,
    'rtcp.pt',
    'rtcp.senderssrc',
    'rtcp.ssrc.identifier',
    'rtcp.ssrc.fraction',
    'rtcp.ssrc.cum_nr',
    'rtcp.ssrc.jitter',
  ];
  readonly namedFields = ['rtcp.pt'];

  private readonly reports: RtcpPacketReports[] = [];

  add(packet: PacketRecord): void {
    if (!packet.has('rtcp.pt')) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
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

  finish(): RtcpPacketReports[] {
    return this.reports;
  }
}
