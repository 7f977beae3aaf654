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

  private readonly streams = new Map<string, GrowingStream>();
  private readonly handshakes = new Map<string, TcpHandshake>();

  add(packet: PacketRecord): void {
    const hasRtp = packet.has('rtp.ssrc');
    // Every TCP segment carries the SYN flag field; only the set ones matter.
    if (!hasRtp && !packet.flag('tcp.flags.syn')) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    if (!hasRtp) {
      if (addressing.transport === 'tcp')
        this.addSyn(packet, addressing.flowId, addressing.source, addressing.destination);
      return;
    }
    const ssrc = ssrcText(packet.first('rtp.ssrc')!);
    const key = `${addressing.flowId}/${addressing.source.ip}:${addressing.source.port}/${ssrc}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new GrowingStream({
        key,
        ssrc,
        flowId: addressing.flowId,
        transport: addressing.transport,
        source: addressing.source,
        destination: addressing.destination,
      });
      this.streams.set(key, stream);
    }
    stream.add(
      packet.frame,
      packet.time,
      packet.int('rtp.seq') ?? 0,
      packet.int('rtp.timestamp') ?? 0,
      packet.int('rtp.p_type') ?? -1,
      packet.flag('rtp.marker') ?? false,
      packet.length,
      // The outermost IP header's marking: the one the networks on the way act on.
      packet.int('ip.dsfield.dscp') ?? packet.int('ipv6.tclass.dscp'),
    );
  }

  private addSyn(packet: PacketRecord, flowId: string, source: Endpoint, destination: Endpoint): void {
    const existing = this.handshakes.get(flowId);
    if (!packet.flag('tcp.flags.ack')) {
      if (!existing)
        this.handshakes.set(flowId, {
          client: source,
          server: destination,
          synFrame: packet.frame,
          synTime: packet.time,
          syns: 1,
        });
      else if (existing.synAckFrame === undefined && existing.client.ip === source.ip) existing.syns += 1;
    } else if (
      existing &&
      existing.synAckFrame === undefined &&
      existing.server.ip === source.ip &&
      existing.server.port === source.port
    ) {
      existing.synAckFrame = packet.frame;
      existing.synAckTime = packet.time;
    }
  }

  finish(): QualityPackets {
    return { streams: [...this.streams.values()].map((s) => s.finish()), handshakes: [...this.handshakes.values()] };
  }
}

type StreamIdentity = Pick<StreamPackets, 'key' | 'ssrc' | 'flowId' | 'transport' | 'source' | 'destination'>;

/** A stream's columns while packets arrive: typed arrays that double when full, cut to length at the end. */
class GrowingStream {
  private length = 0;
  private frames = new Uint32Array(64);
  private times = new Float64Array(64);
  private sequences = new Uint16Array(64);
  private timestamps = new Uint32Array(64);
  private payloadTypes = new Int16Array(64);
  private markers = new Uint8Array(64);
  private bytes = new Uint32Array(64);
  private readonly dscp = new Map<number, number>();

  constructor(private readonly identity: StreamIdentity) {}

  add(
    frame: number,
    time: number,
    sequence: number,
    timestamp: number,
    payloadType: number,
    marker: boolean,
    bytes: number,
    dscp: number | undefined,
  ): void {
    if (this.length === this.frames.length) this.grow();
    const i = this.length++;
    this.frames[i] = frame;
    this.times[i] = time;
    this.sequences[i] = sequence;
    this.timestamps[i] = timestamp;
    this.payloadTypes[i] = payloadType;
    this.markers[i] = marker ? 1 : 0;
    this.bytes[i] = bytes;
    if (dscp !== undefined) this.dscp.set(dscp, (this.dscp.get(dscp) ?? 0) + 1);
  }

  finish(): StreamPackets {
    const n = this.length;
    return {
      ...this.identity,
      frames: this.frames.slice(0, n),
      times: this.times.slice(0, n),
      sequences: this.sequences.slice(0, n),
      timestamps: this.timestamps.slice(0, n),
      payloadTypes: this.payloadTypes.slice(0, n),
      markers: this.markers.slice(0, n),
      bytes: this.bytes.slice(0, n),
      dscp: this.dscp,
    };
  }

  private grow(): void {
    const double = <T extends Uint32Array | Float64Array | Uint16Array | Int16Array | Uint8Array>(column: T): T => {
      const larger = new (column.constructor as new (length: number) => T)(column.length * 2);
      larger.set(column);
      return larger;
    };
    this.frames = double(this.frames);
    this.times = double(this.times);
    this.sequences = double(this.sequences);
    this.timestamps = double(this.timestamps);
    this.payloadTypes = double(this.payloadTypes);
    this.markers = double(this.markers);
    this.bytes = double(this.bytes);
  }
}
