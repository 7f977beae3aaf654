import {
  indexCapture,
  type RecordReader,
  type CaptureIndex,
  type CaptureRecord,
  type RecordLayout,
} from '../records/capture-index.js';
import { word16, word32 } from '../records/bytes.js';
import { addressLength, readUdpDatagram, type UdpDatagram } from '../records/datagram.js';
import type { EkRecord } from '../schema/generated/ek-record.js';
import type { PacketRecord } from '../tshark/record.js';
import { MadeRecord, madeFieldsOf, writtenFields } from './made-record.js';
import { RTP_FIRST, RTP_HEADER_BYTES, RTP_LAST, STUN_HEADER_BYTES, STUN_MAGIC_COOKIE } from './reader.js';

type Layers = EkRecord['layers'];

/**
 * The media fast path. In a call most packets are RTP, and tshark dissecting each into the EK fields the model
 * reads costs more than everything else the analysis does. So the capture's records are scanned first (core/records):
 * once a UDP flow has carried a STUN message with the magic cookie (an ICE candidate pair or a TURN allocation), its
 * plain RTP packets are kept out of tshark's input, and their records are made from their bytes instead, as tshark
 * would have written them.
 *
 * "As tshark would have written them" is checked, not assumed. RTP packets fall into kinds: the same interface,
 * link header, addresses and ports, first byte (version, padding, extension, CSRC count) and payload type. tshark still
 * reads the first packets of every kind, and one in CHECK_INTERVAL after: for each, the fields that vary per packet
 * (time, lengths, RTP header, DSCP) must be exactly what the bytes give, and every other field must be one a packet of
 * that kind shares (its protocol stack, addresses, ports, tshark's stream number); those shared fields are the
 * kind's template, and must stay the same at every check. A packet kept out whose kind tshark has not confirmed so,
 * or a check that contradicts the template, ends the fast path (FastPathMiss): the analysis then reads the whole
 * capture through tshark, so a report never rests on a guess.
 */

/** RFC 5761 §4: payload types 64–95 put an RTCP packet type in the second byte: left to tshark, as RTCP is. */
const RTCP_CONFLICT_FIRST = 64;
const RTCP_CONFLICT_LAST = 95;

/** Packets of each kind tshark reads first, and then one in CHECK_INTERVAL, to check the records made for the rest. */
const CHECKED_FIRST = 2;
const CHECK_INTERVAL = 1024;
/** Below this share of the capture, piping the rest to tshark through Node costs about what cutting saves. */
const MIN_CUT_SHARE = 0.1;

/** The fields of a record made from bytes that vary per packet; each must equal tshark's at every check. */
const PER_PACKET_FIELDS = [
  'frame_number',
  'frame_time_epoch',
  'frame_len',
  'frame_cap_len',
  'udp_length',
  'rtp_ssrc',
  'rtp_seq',
  'rtp_timestamp',
  'rtp_marker',
  'rtp_p_type',
  'ip_dsfield_dscp',
  'ipv6_tclass_dscp',
] as const;
/** The fields packets of one kind share: the template copies them from tshark's record of a checked packet. */
const SHARED_FIELDS = new Set([
  'frame_protocols',
  'frame_encap_type',
  'frame_interface_id',
  'eth_src',
  'eth_dst',
  'sll_pkttype',
  'ip_src',
  'ip_dst',
  'ipv6_src',
  'ipv6_dst',
  'udp_stream',
  'udp_srcport',
  'udp_dstport',
]);
/** Why the fast path gave up; the analysis then reads the capture whole through tshark. */
export class FastPathMiss extends Error {}

/** What the scan decided: which frames tshark reads, which the fast path makes, which are checked. */
export interface FastPathPlan {
  index: CaptureIndex;
  /** Frames tshark reads, ascending. */
  tsharkFrames: Uint32Array;
  /** Frames made from their bytes, ascending. */
  cutFrames: Uint32Array;
  /** The kind of each of them, by number (see MediaScan). */
  cutKinds: Uint32Array;
  /** Frames tshark reads whose records are compared with what their bytes give, and their kinds. */
  checkedFrames: ReadonlyMap<number, number>;
}

/**
 * Scans the capture: its record index, and the fast path's plan, or none when it does not pay or cannot be taken —
 * a capture without a record index (gzip, several pcapng sections), with packets that have no time of their own
 * (tshark gives them the time of the packet before, which may be one kept out), or with too few media packets.
 */
export async function planFastPath(capture: string): Promise<{ index?: CaptureIndex; plan?: FastPathPlan }> {
  const scan = new MediaScan();
  const index = await indexCapture(capture, (record, layout) => scan.add(record, layout));
  if (!index || index.layout.untimedPackets > 0) return { index };
  const { frames: cut, kinds } = scan.cutFrames();
  if (cut.length === 0 || cut.length < MIN_CUT_SHARE * index.packets) return { index };
  const tsharkFrames = new Uint32Array(index.packets - cut.length);
  for (let frame = 1, c = 0, t = 0; frame <= index.packets; frame++) {
    if (c < cut.length && cut[c] === frame) c++;
    else tsharkFrames[t++] = frame;
  }
  return { index, plan: { index, tsharkFrames, cutFrames: cut, cutKinds: kinds, checkedFrames: scan.checked } };
}

/** What the scan knows of one direction of a UDP flow that carried STUN. */
interface Direction {
  /** The kind of its last RTP packet and what decided it: the next packet is mostly of the same kind. */
  last?: { kind: Kind; interfaceId: number; linkType: number; first: number; payloadType: number; linkHeader: Buffer };
}

interface Kind {
  id: number;
  seen: number;
}

/**
 * The scan's decisions, record by record, in frame order. Kinds are keyed by strings of their raw bytes (addresses,
 * ports, link header; latin1, one character per byte), built only when a packet is not of its direction's last
 * kind; IPv4 directions are found by numbers (address and port), IPv6 ones by those strings: a hex or dotted text,
 * or even a string, per packet would cost more than the rest of the scan.
 */
class MediaScan {
  readonly checked = new Map<number, number>();
  private cut: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private cutKinds: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private cutCount = 0;
  /** Both directions of every UDP flow a STUN message with the magic cookie was seen on, IPv4 by source then destination. */
  private readonly ipv4 = new Map<number, Map<number, Direction>>();
  private readonly ipv6 = new Map<string, Direction>();
  /** Each kind's number, and how many of its packets were seen. */
  private readonly kinds = new Map<string, Kind>();

  add(record: CaptureRecord, layout: RecordLayout): void {
    const packet = mediaPacket(record, layout);
    if (!packet) return;
    const { datagram, bytes } = packet;
    const at = datagram.payloadOffset;
    const first = bytes[at]!;
    if (first < RTP_FIRST) {
      if (datagram.payloadLength >= STUN_HEADER_BYTES && word32(bytes, at + 4) === STUN_MAGIC_COOKIE) {
        this.direction(packet, false, true);
        this.direction(packet, true, true);
      }
      return;
    }
    if (first > RTP_LAST) return;
    const direction = this.direction(packet, false, false);
    if (!direction || !isWholeRtp(bytes, at, datagram.payloadLength)) return;
    const kind = this.kindOf(record, packet, direction);
    if (kind.seen < CHECKED_FIRST || kind.seen % CHECK_INTERVAL === 0) this.checked.set(record.frame, kind.id);
    else this.keepOut(record.frame, kind.id);
    kind.seen++;
  }

  /** The frames kept out, ascending, and their kinds. */
  cutFrames(): { frames: Uint32Array; kinds: Uint32Array } {
    return { frames: this.cut.subarray(0, this.cutCount), kinds: this.cutKinds.subarray(0, this.cutCount) };
  }

  /** The packet's direction (or the reverse one) among those of STUN flows; with `add`, made one if new. */
  private direction(packet: MediaPacket, reverse: boolean, add: true): Direction;
  private direction(packet: MediaPacket, reverse: boolean, add: false): Direction | undefined;
  private direction(packet: MediaPacket, reverse: boolean, add: boolean): Direction | undefined {
    const { datagram, bytes } = packet;
    if (datagram.ipVersion === 6) {
      const key = directionOf(packet, reverse);
      let direction = this.ipv6.get(key);
      if (!direction && add) this.ipv6.set(key, (direction = {}));
      return direction;
    }
    const source = word32(bytes, datagram.sourceOffset) * 0x10000 + datagram.sourcePort;
    const destination = word32(bytes, datagram.destinationOffset) * 0x10000 + datagram.destinationPort;
    let from = this.ipv4.get(reverse ? destination : source);
    if (!from) {
      if (!add) return undefined;
      this.ipv4.set(reverse ? destination : source, (from = new Map<number, Direction>()));
    }
    let direction = from.get(reverse ? source : destination);
    if (!direction && add) from.set(reverse ? source : destination, (direction = {}));
    return direction;
  }

  /** The packet's kind: its direction's last one when the packet matches it, else found (or numbered) by its key. */
  private kindOf(record: CaptureRecord, packet: MediaPacket, direction: Direction): Kind {
    const { datagram, bytes, linkType } = packet;
    const first = bytes[datagram.payloadOffset]!;
    const payloadType = bytes[datagram.payloadOffset + 1]! & 0x7f;
    const last = direction.last;
    if (
      last &&
      last.first === first &&
      last.payloadType === payloadType &&
      last.interfaceId === record.interfaceId &&
      last.linkType === linkType &&
      startsWith(bytes, last.linkHeader, datagram.ipOffset)
    )
      return last.kind;
    const key = kindKey(record, packet, directionOf(packet));
    let kind = this.kinds.get(key);
    if (!kind) this.kinds.set(key, (kind = { id: this.kinds.size, seen: 0 }));
    // A copy: the record's bytes are read over by the next record.
    const linkHeader = Buffer.from(bytes.subarray(0, datagram.ipOffset));
    direction.last = { kind, interfaceId: record.interfaceId, linkType, first, payloadType, linkHeader };
    return kind;
  }

  private keepOut(frame: number, kind: number): void {
    if (this.cutCount === this.cut.length) {
      this.cut = doubled(this.cut);
      this.cutKinds = doubled(this.cutKinds);
    }
    this.cutKinds[this.cutCount] = kind;
    this.cut[this.cutCount++] = frame;
  }
}

/** Whether the packet's first `length` bytes are `prefix` (a link header: a loop beats a Buffer view per packet). */
function startsWith(bytes: Uint8Array, prefix: Uint8Array, length: number): boolean {
  if (prefix.length !== length) return false;
  for (let i = 0; i < length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function doubled(column: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const larger = new Uint32Array(column.length * 2);
  larger.set(column);
  return larger;
}

/** A record's UDP datagram, and the link type it was read under. */
interface MediaPacket {
  datagram: UdpDatagram;
  bytes: Buffer;
  linkType: number;
}

/** A record the fast path may take: whole (not cut by the snap length), timed from the epoch on, one UDP datagram. */
function mediaPacket(record: CaptureRecord, layout: RecordLayout): MediaPacket | undefined {
  if (record.capturedLength !== record.originalLength || record.seconds < 0) return undefined;
  const linkType = layout.interfaces[record.interfaceId]?.linkType ?? -1;
  const datagram = readUdpDatagram(linkType, record.bytes);
  return datagram && datagram.payloadLength > 0 ? { datagram, bytes: record.bytes, linkType } : undefined;
}

/**
 * An RTP packet whose header tshark reads whole: version 2 (the first byte's range), a payload type outside the
 * RTCP conflict range, its CSRCs, extension and padding inside the datagram.
 */
function isWholeRtp(bytes: Uint8Array, at: number, length: number): boolean {
  if (length < RTP_HEADER_BYTES) return false;
  const payloadType = bytes[at + 1]! & 0x7f;
  if (payloadType >= RTCP_CONFLICT_FIRST && payloadType <= RTCP_CONFLICT_LAST) return false;
  let header = RTP_HEADER_BYTES + 4 * (bytes[at]! & 0x0f);
  if (bytes[at]! & 0x10) {
    if (header + 4 > length) return false;
    header += 4 + 4 * word16(bytes, at + header + 2);
  }
  if (header > length) return false;
  if (bytes[at]! & 0x20) {
    const padding = bytes[at + length - 1]!;
    if (padding === 0 || header + padding > length) return false;
  }
  return true;
}

/** A datagram's addresses and ports as a key, or the reverse direction's. */
function directionOf({ datagram, bytes }: MediaPacket, reverse = false): string {
  const length = addressLength(datagram);
  const source = bytes.toString('latin1', datagram.sourceOffset, datagram.sourceOffset + length);
  const destination = bytes.toString('latin1', datagram.destinationOffset, datagram.destinationOffset + length);
  return reverse
    ? destination + source + String.fromCharCode(datagram.destinationPort, datagram.sourcePort)
    : source + destination + String.fromCharCode(datagram.sourcePort, datagram.destinationPort);
}

/** What makes two RTP packets read alike but for their per-packet fields (see the module comment). */
function kindKey(record: CaptureRecord, { datagram, bytes, linkType }: MediaPacket, direction: string): string {
  const at = datagram.payloadOffset;
  return (
    String.fromCharCode(record.interfaceId, linkType & 0xffff, bytes[at]!, bytes[at + 1]! & 0x7f) +
    direction +
    bytes.toString('latin1', 0, datagram.ipOffset)
  );
}

/**
 * Feeds the analysis tshark's records and the fast path's, in frame order: before each of tshark's records, the
 * packets kept out that come before it, made from their bytes; each checked record is compared first.
 */
export class FastPathMerge {
  /** By kind number. */
  private readonly templates: (Layers | 'contradicted' | undefined)[] = [];
  private next = 0;

  /** `reader` reads the plan's capture again; the caller closes it. */
  constructor(
    private readonly reader: RecordReader,
    private readonly plan: FastPathPlan,
    private readonly onPacket: (packet: PacketRecord) => void,
  ) {}

  /** One of tshark's records, under the capture's own frame number. */
  add(packet: PacketRecord): void {
    this.emitUntil(packet.frame);
    const kind = this.plan.checkedFrames.get(packet.frame);
    if (kind !== undefined) this.check(packet, kind);
    this.onPacket(packet);
  }

  /** After tshark's last record: the packets kept out after it. */
  finish(): void {
    this.emitUntil(Infinity);
  }

  private emitUntil(frame: number): void {
    const cut = this.plan.cutFrames;
    while (this.next < cut.length && cut[this.next]! < frame) {
      const template = this.templates[this.plan.cutKinds[this.next]!];
      const frame = cut[this.next++]!;
      const { record, packet } = this.read(frame);
      if (template === undefined || template === 'contradicted')
        throw new FastPathMiss(`frame ${frame}: tshark did not read a packet of its kind as expected`);
      this.onPacket(new MadeRecord(template, madeFieldsOf(record, packet.datagram, packet.bytes)));
    }
  }

  /** Compares tshark's record of a checked packet with what its bytes give, and takes or checks its kind's template. */
  private check(packet: PacketRecord, kind: number): void {
    const read = this.read(packet.frame);
    const fields = writtenFields(madeFieldsOf(read.record, read.packet.datagram, read.packet.bytes));
    const template = {} as Layers;
    let agrees = PER_PACKET_FIELDS.every((field) => sameValues(packet.layers[field], fields[field]));
    for (const [field, values] of Object.entries(packet.layers)) {
      if ((PER_PACKET_FIELDS as readonly string[]).includes(field)) continue;
      if (SHARED_FIELDS.has(field)) template[field] = values;
      else agrees = false;
    }
    const known = this.templates[kind];
    if (known === undefined) {
      this.templates[kind] = agrees ? template : 'contradicted';
      return;
    }
    // Packets of this kind may have been made from the template already: it must still hold.
    if (known === 'contradicted' || !agrees || !sameTemplate(known, template))
      throw new FastPathMiss(`frame ${packet.frame}: tshark read a packet of a checked kind otherwise`);
  }

  /** A packet's record and datagram, read again from the capture. */
  private read(frame: number): { record: CaptureRecord; packet: MediaPacket } {
    const record = this.reader.record(frame);
    const packet = record && mediaPacket(record, this.plan.index.layout);
    if (!record || !packet) throw new FastPathMiss(`frame ${frame}: its record could not be read again`);
    return { record, packet };
  }
}

function sameValues(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function sameTemplate(a: Layers, b: Layers): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => sameValues(a[key], b[key]));
}
