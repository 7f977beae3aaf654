import type { Endpoint } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf } from '../model/addressing.js';
import type { Collector } from '../model/collector.js';
import type { QualityPackets, StreamPackets, TcpHandshake } from '../model/quality-packets.js';
import { ssrcText } from '../model/rtp.js';

/**
 * What the call-quality analysis needs per packet: each RTP packet's sequence number, timestamp, marker,
 * payload type, arrival time and DSCP (kept per stream, keyed as core/model/rtp.ts keys streams), and the
 * SYN → SYN/ACK times of TCP handshakes.
 */
export class QualityCollector implements Collector<QualityPackets> {
  readonly fields = [
    'frame.number',
    'frame.time_epoch',
    'frame.len',
    ...ADDRESSING_FIELDS,
    'rtp.ssrc',
    'rtp.seq',
    'rtp.timestamp',
    'rtp.marker',
    'rtp.p_type',
    'ip.dsfield.dscp',
    'ipv6.tclass.dscp',
    'tcp.flags.syn',
    'tcp.flags.ack',
  ];

  private readonly streams = new Map<string, StreamPackets>();
  private readonly handshakes = new Map<string, TcpHandshake>();

  add(packet: PacketRecord): void {
    const hasRtp = packet.has('rtp.ssrc');
    // Every TCP segment carries the SYN flag field; only the set ones matter.
    if (!hasRtp && !packet.flag('tcp.flags.syn')) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    if (!hasRtp) {
      if (addressing.transport === 'tcp') this.addSyn(packet, addressing.flowId, addressing.source, addressing.destination);
      return;
    }
    const ssrc = ssrcText(packet.first('rtp.ssrc')!);
    const key = `${addressing.flowId}/${addressing.source.ip}:${addressing.source.port}/${ssrc}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = {
        key,
        ssrc,
        flowId: addressing.flowId,
        transport: addressing.transport,
        source: addressing.source,
        destination: addressing.destination,
        frames: [],
        times: [],
        sequences: [],
        timestamps: [],
        payloadTypes: [],
        markers: [],
        bytes: [],
        dscp: new Map(),
      };
      this.streams.set(key, stream);
    }
    stream.frames.push(packet.frame);
    stream.times.push(packet.time);
    stream.sequences.push(packet.int('rtp.seq') ?? 0);
    stream.timestamps.push(packet.int('rtp.timestamp') ?? 0);
    stream.payloadTypes.push(packet.int('rtp.p_type') ?? -1);
    stream.markers.push(packet.flag('rtp.marker') ?? false);
    stream.bytes.push(packet.length);
    // The outermost IP header's marking: the one the networks on the way act on.
    const dscp = packet.int('ip.dsfield.dscp') ?? packet.int('ipv6.tclass.dscp');
    if (dscp !== undefined) stream.dscp.set(dscp, (stream.dscp.get(dscp) ?? 0) + 1);
  }

  private addSyn(packet: PacketRecord, flowId: string, source: Endpoint, destination: Endpoint): void {
    const existing = this.handshakes.get(flowId);
    if (!packet.flag('tcp.flags.ack')) {
      if (!existing) this.handshakes.set(flowId, { client: source, server: destination, synFrame: packet.frame, synTime: packet.time });
    } else if (existing && existing.synAckFrame === undefined && existing.server.ip === source.ip && existing.server.port === source.port) {
      existing.synAckFrame = packet.frame;
      existing.synAckTime = packet.time;
    }
  }

  finish(): QualityPackets {
    return { streams: [...this.streams.values()], handshakes: [...this.handshakes.values()] };
  }
}
