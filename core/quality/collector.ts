import type { Endpoint } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf, type PacketAddressing } from '../model/addressing.js';
import type { Collector } from '../model/collector.js';
import type { CutShort, QualityPackets, RtcpSender, StreamPackets, TcpHandshake } from '../model/quality-packets.js';
import { ssrcText } from '../model/ssrc.js';
import { readDatagram } from '../media/reader.js';
import type { RecordPayloads } from '../media/record-payloads.js';
import { FastPathMiss } from '../media/fast-path.js';
import { mergeLegs } from '../media/merge.js';
import type { TcpMediaMessage } from '../media/tcp-stream.js';
import { groupBy } from '../util/collections.js';

/** One RTP packet's header fields, from tshark's rtp.* fields or from the media-plane reader. */
interface RtpFields {
  ssrc: number;
  sequence: number;
  timestamp: number;
  payloadType: number;
  marker: boolean;
}

/** What tshark calls a datagram that may be media, or STUN making its flow a media flow. */
const MEDIA_PROTOCOLS: ReadonlySet<string> = new Set(['stun', 'classicstun', 'rtp', 'rtcp', 'srtcp', 'data']);

/** The fields every packet is read by; then the datagram's length or bytes (see the constructor). */
const PACKET_FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  ...ADDRESSING_FIELDS,
  'rtp.ssrc',
  'rtp.seq',
  'rtp.timestamp',
  'rtp.marker',
  'rtp.p_type',
  'rtcp.pt',
  'ip.dsfield.dscp',
  'ipv6.tclass.dscp',
  'tcp.flags.syn',
  'tcp.flags.ack',
];

/**
 * What the call-quality analysis needs per packet: each RTP packet's sequence number, timestamp, marker,
 * payload type, arrival time and DSCP, and the SYN → SYN/ACK times of TCP handshakes.
 *
 * RTP comes from two readers. On a UDP flow known as ICE/TURN media (a STUN message with a magic cookie seen on
 * it, in either direction, at any time of the capture) the media-plane reader (core/media/reader.ts) reads every
 * datagram's bytes, whatever relay framing wraps them; elsewhere only what tshark's RTP heuristics decode counts,
 * as the first byte alone proves nothing there. Packets are kept per leg (flow, sender and SSRC), and each SSRC's
 * legs are merged into one stream at the end (core/media/merge.ts).
 *
 * The datagrams' bytes come from the capture's records when the analysis reads them (core/media/record-payloads.ts),
 * else from tshark's `udp.payload`.
 */
export class QualityCollector implements Collector<QualityPackets> {
  readonly fields: readonly string[];
  /** The RTP streams of the report name the payload types these packets carry (core/model/rtp.ts). */
  readonly namedFields = ['rtp.p_type'];

  private readonly legs = new Map<string, GrowingStream>();
  /** The legs of packets whose addressing is shared (a fast-path record's kind), by addressing and SSRC: no key built. */
  private readonly legsBySharedAddress = new WeakMap<LegAddress, Map<number, GrowingStream>>();
  /** UDP flows a STUN message with a magic cookie was seen on: ICE candidate pairs and TURN allocations. */
  private readonly mediaFlows = new Set<string>();
  private readonly handshakes = new Map<string, TcpHandshake>();
  private readonly rtcpSenders = new Map<string, RtcpSender>();
  private readonly cutShort = new Map<string, CutShort>();
  /** Flows with a UDP packet whose datagram the capture's record did not hold, and the first such frame. */
  private readonly setAside = new Map<string, number>();

  constructor(private readonly payloads?: RecordPayloads) {
    // The records' datagrams are checked against the length of the one tshark read.
    this.fields = [...PACKET_FIELDS, payloads ? 'udp.length' : 'udp.payload'];
  }

  add(packet: PacketRecord): void {
    const addressing = addressingOf(packet);
    if (!addressing) return;
    if (addressing.transport === 'tcp') {
      if (packet.flag('tcp.flags.syn'))
        this.addSyn(packet, addressing.flowId, addressing.source, addressing.destination);
      if (packet.has('rtp.ssrc')) this.addRtp(addressing, arrivalOf(packet), tsharkRtp(packet), true);
      return;
    }
    if (packet.sharedLayers) {
      // A record the fast path made: plain RTP, its header fields the bytes' (core/media/made-record.ts).
      this.addRtp(addressing, arrivalOf(packet), tsharkRtp(packet), true, true);
      return;
    }
    const payload = this.payloads ? this.recordPayload(packet, addressing) : tsharkPayload(packet);
    const content = payload && readDatagram(payload);
    if (content?.kind === 'stun') this.mediaFlows.add(addressing.flowId);
    const decoded = packet.has('rtp.ssrc');
    if (content?.kind === 'rtp') this.addRtp(addressing, arrivalOf(packet), content, decoded);
    else if (decoded) this.addRtp(addressing, arrivalOf(packet), tsharkRtp(packet), true);
    else if (content?.kind === 'rtcp')
      this.addRtcp(addressing, packet.frame, content.senderSsrc, packet.has('rtcp.pt'));
    // Too short for a header though the capture kept it whole is not a cut: only the snap length cuts.
    else if (content?.kind === 'truncated' && (packet.int('frame.cap_len') ?? packet.length) < packet.length)
      this.addCutShort(packet, addressing);
  }

  /**
   * The datagram from the capture's record. One the record does not hold (a tunnel, reassembled fragments, PPPoE)
   * only matters on a media flow: tshark's reading of it as STUN, RTP, RTCP or undecoded data says it may be one,
   * and so does its flow turning out one by the end (finish); either way the capture is read again with tshark's
   * bytes. Any other (DNS over PPPoE, say) is set aside: its bytes could change nothing.
   */
  private recordPayload(packet: PacketRecord, addressing: PacketAddressing): Uint8Array | undefined {
    const payload = this.payloads!.of(packet, addressing);
    if (payload) return payload;
    if (packet.protocols.some((protocol) => MEDIA_PROTOCOLS.has(protocol)))
      throw new FastPathMiss(`frame ${packet.frame}: its record does not hold the media datagram tshark read`);
    if (!this.setAside.has(addressing.flowId)) this.setAside.set(addressing.flowId, packet.frame);
    return undefined;
  }

  private addCutShort(packet: PacketRecord, addressing: PacketAddressing): void {
    const key = `${addressing.flowId}/${addressing.source.ip}:${addressing.source.port}`;
    const cut = this.cutShort.get(key);
    if (cut) cut.packets++;
    else
      this.cutShort.set(key, {
        flowId: addressing.flowId,
        source: addressing.source,
        destination: addressing.destination,
        packets: 1,
        firstFrame: packet.frame,
      });
  }

  /**
   * The media of a relay's TCP connection, read after the pass from the bytes tshark hands over (MS-TURN over TCP,
   * core/media/tcp-stream.ts): legs of that flow like any other, the flow known as a media flow.
   */
  addRelayTcpMessages(addressing: Omit<LegAddress, 'transport'>, messages: readonly TcpMediaMessage[]): void {
    const flow: LegAddress = { ...addressing, transport: 'tcp' };
    this.mediaFlows.add(flow.flowId);
    for (const { content, frame, time, bytes, dscp } of messages) {
      if (content.kind === 'rtp') this.addRtp(flow, { frame, time, bytes, dscp }, content, false);
      else if (content.kind === 'rtcp') this.addRtcp(flow, frame, content.senderSsrc, false);
    }
  }

  private addRtcp(addressing: LegAddress, frame: number, senderSsrc: number, decoded: boolean): void {
    const ssrc = ssrcText(String(senderSsrc));
    const key = `${addressing.flowId}/${addressing.source.ip}:${addressing.source.port}/${ssrc}`;
    let sender = this.rtcpSenders.get(key);
    if (!sender) {
      sender = {
        ssrc,
        flowId: addressing.flowId,
        source: addressing.source,
        packets: 0,
        decoded: 0,
        firstFrame: frame,
      };
      this.rtcpSenders.set(key, sender);
    }
    sender.packets++;
    if (decoded) sender.decoded++;
  }

  private addRtp(addressing: LegAddress, arrival: Arrival, rtp: RtpFields, decoded: boolean, shared = false): void {
    const leg = shared ? this.sharedLeg(addressing, rtp.ssrc) : this.legOf(addressing, rtp.ssrc);
    leg.add(arrival.frame, arrival.time, rtp, arrival.bytes, arrival.dscp, decoded);
  }

  private sharedLeg(addressing: LegAddress, ssrc: number): GrowingStream {
    let bySsrc = this.legsBySharedAddress.get(addressing);
    if (!bySsrc) this.legsBySharedAddress.set(addressing, (bySsrc = new Map<number, GrowingStream>()));
    let leg = bySsrc.get(ssrc);
    if (!leg) bySsrc.set(ssrc, (leg = this.legOf(addressing, ssrc)));
    return leg;
  }

  private legOf(addressing: LegAddress, ssrcNumber: number): GrowingStream {
    const ssrc = ssrcText(String(ssrcNumber));
    const key = `${addressing.flowId}/${addressing.source.ip}:${addressing.source.port}/${ssrc}`;
    let leg = this.legs.get(key);
    if (!leg) {
      leg = new GrowingStream({
        key,
        ssrc,
        flowId: addressing.flowId,
        transport: addressing.transport,
        source: addressing.source,
        destination: addressing.destination,
      });
      this.legs.set(key, leg);
    }
    return leg;
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
    for (const [flowId, frame] of this.setAside)
      if (this.mediaFlows.has(flowId))
        throw new FastPathMiss(`frame ${frame}: its record does not hold a datagram of a media flow tshark read`);
    // Off the media flows, bytes that merely look like RTP are not media: only what tshark decoded counts there.
    const legs = [...this.legs.values()].flatMap((leg) => {
      const packets = leg.finish(!this.mediaFlows.has(leg.flowId));
      return packets.frames.length ? [packets] : [];
    });
    return {
      legs,
      streams: [...groupBy(legs, (leg) => leg.ssrc).values()].map(mergeLegs),
      handshakes: [...this.handshakes.values()],
      // Off the media flows, RTCP counts only where tshark decoded it (core/model/rtp.ts reads those reports).
      rtcpSenders: [...this.rtcpSenders.values()].filter((s) => this.mediaFlows.has(s.flowId) || s.decoded > 0),
      cutShort: [...this.cutShort.values()].filter((cut) => this.mediaFlows.has(cut.flowId)),
    };
  }
}

/** The flow, sender and receiver a media packet is kept under: a packet's addressing, or a relay connection's. */
type LegAddress = Pick<PacketAddressing, 'flowId' | 'transport' | 'source' | 'destination'>;

/** When and how a media packet arrived: its frame, time, length and DSCP. */
interface Arrival {
  frame: number;
  time: number;
  bytes: number;
  dscp: number | undefined;
}

function arrivalOf(packet: PacketRecord): Arrival {
  return {
    frame: packet.frame,
    time: packet.time,
    bytes: packet.length,
    // The outermost IP header's marking: the one the networks on the way act on.
    dscp: packet.int('ip.dsfield.dscp') ?? packet.int('ipv6.tclass.dscp'),
  };
}

/** The innermost UDP layer's payload, as tshark gives it: a tunnel's outer one carries the tunnel. */
function tsharkPayload(packet: PacketRecord): Uint8Array | undefined {
  const payload = packet.values('udp.payload').at(-1);
  return payload === undefined ? undefined : Buffer.from(payload, 'hex');
}

/** RTP header fields as tshark's RTP dissector gives them. */
function tsharkRtp(packet: PacketRecord): RtpFields {
  return {
    ssrc: packet.int('rtp.ssrc') ?? 0,
    sequence: packet.int('rtp.seq') ?? 0,
    timestamp: packet.int('rtp.timestamp') ?? 0,
    payloadType: packet.int('rtp.p_type') ?? -1,
    marker: packet.flag('rtp.marker') ?? false,
  };
}

type StreamIdentity = Pick<StreamPackets, 'key' | 'ssrc' | 'flowId' | 'transport' | 'source' | 'destination'>;

/** A leg's columns while packets arrive: typed arrays that double when full, cut to length at the end. */
class GrowingStream {
  private length = 0;
  private frames = new Uint32Array(64);
  private times = new Float64Array(64);
  private sequences = new Uint16Array(64);
  private timestamps = new Uint32Array(64);
  private payloadTypes = new Int16Array(64);
  private markers = new Uint8Array(64);
  private bytes = new Uint32Array(64);
  /** DSCP (0–63), NO_DSCP where the packet had none. */
  private dscp = new Uint8Array(64);
  /** 1 where tshark decoded the packet as RTP. */
  private decoded = new Uint8Array(64);

  constructor(private readonly identity: StreamIdentity) {}

  get flowId(): string {
    return this.identity.flowId;
  }

  add(frame: number, time: number, rtp: RtpFields, bytes: number, dscp: number | undefined, decoded: boolean): void {
    if (this.length === this.frames.length) this.grow();
    const i = this.length++;
    this.frames[i] = frame;
    this.times[i] = time;
    this.sequences[i] = rtp.sequence;
    this.timestamps[i] = rtp.timestamp;
    this.payloadTypes[i] = rtp.payloadType;
    this.markers[i] = rtp.marker ? 1 : 0;
    this.bytes[i] = bytes;
    this.dscp[i] = dscp ?? NO_DSCP;
    this.decoded[i] = decoded ? 1 : 0;
  }

  /** The leg's packets: all of them, or only those tshark decoded. */
  finish(decodedOnly: boolean): StreamPackets {
    const rows = new Uint32Array(this.length);
    let kept = 0;
    for (let i = 0; i < this.length; i++) if (!decodedOnly || this.decoded[i]) rows[kept++] = i;
    const all = kept === this.length;
    const pick = <T extends Uint32Array | Float64Array | Uint16Array | Int16Array | Uint8Array>(column: T): T => {
      if (all) return column.slice(0, kept) as T;
      const picked = new (column.constructor as new (length: number) => T)(kept);
      for (let i = 0; i < kept; i++) picked[i] = column[rows[i]!]!;
      return picked;
    };
    const dscp = new Map<number, number>();
    let decoded = 0;
    for (const row of rows.subarray(0, kept)) {
      if (this.dscp[row] !== NO_DSCP) dscp.set(this.dscp[row]!, (dscp.get(this.dscp[row]!) ?? 0) + 1);
      decoded += this.decoded[row]!;
    }
    const frames = pick(this.frames);
    const times = pick(this.times);
    return {
      ...this.identity,
      frames,
      times,
      sequences: pick(this.sequences),
      timestamps: pick(this.timestamps),
      payloadTypes: pick(this.payloadTypes),
      markers: pick(this.markers),
      bytes: pick(this.bytes),
      dscp,
      decoded,
      legs: kept
        ? [
            {
              flowId: this.identity.flowId,
              transport: this.identity.transport,
              source: this.identity.source,
              destination: this.identity.destination,
              packets: kept,
              firstFrame: frames[0]!,
              lastFrame: frames[kept - 1]!,
              start: times[0]!,
              end: times[kept - 1]!,
            },
          ]
        : [],
      repeatedAcrossLegs: 0,
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
    this.dscp = double(this.dscp);
    this.decoded = double(this.decoded);
  }
}

const NO_DSCP = 0xff;
