import type { CaptureRecord } from '../records/capture-index.js';
import { word16, word32 } from '../records/bytes.js';
import type { UdpDatagram } from '../records/datagram.js';
import type { EkRecord } from '../schema/generated/ek-record.js';
import { ekKey, PacketRecord, parseInteger } from '../tshark/record.js';

type Layers = EkRecord['layers'];

/** What varies from one RTP packet of a kind to the next, read from its bytes. */
export interface MadeFields {
  frame: number;
  seconds: number;
  nanoseconds: number;
  originalLength: number;
  capturedLength: number;
  udpLength: number;
  ssrc: number;
  sequence: number;
  timestamp: number;
  marker: 0 | 1;
  payloadType: number;
  dscp: number;
  ipVersion: 4 | 6;
}

/** The per-packet fields of a plain RTP packet: its record's header, and its datagram's IP, UDP and RTP headers. */
export function madeFieldsOf(record: CaptureRecord, datagram: UdpDatagram, bytes: Uint8Array): MadeFields {
  const at = datagram.payloadOffset;
  return {
    frame: record.frame,
    seconds: record.seconds,
    nanoseconds: record.nanoseconds,
    originalLength: record.originalLength,
    capturedLength: record.capturedLength,
    udpLength: datagram.udpLength,
    ssrc: word32(bytes, at + 8),
    sequence: word16(bytes, at + 2),
    timestamp: word32(bytes, at + 4),
    marker: bytes[at + 1]! & 0x80 ? 1 : 0,
    payloadType: bytes[at + 1]! & 0x7f,
    dscp: datagram.dscp,
    ipVersion: datagram.ipVersion,
  };
}

/** The per-packet fields by EK key, as numbers; undefined where the packet has no such field (the other IP version's DSCP). */
const NUMBERS: ReadonlyMap<string, (fields: MadeFields) => number | undefined> = new Map([
  ['frame_number', (f) => f.frame],
  ['frame_len', (f) => f.originalLength],
  ['frame_cap_len', (f) => f.capturedLength],
  ['udp_length', (f) => f.udpLength],
  ['rtp_ssrc', (f) => f.ssrc],
  ['rtp_seq', (f) => f.sequence],
  ['rtp_timestamp', (f) => f.timestamp],
  ['rtp_marker', (f) => f.marker],
  ['rtp_p_type', (f) => f.payloadType],
  ['ip_dsfield_dscp', (f) => (f.ipVersion === 4 ? f.dscp : undefined)],
  ['ipv6_tclass_dscp', (f) => (f.ipVersion === 6 ? f.dscp : undefined)],
]);
const TIME_KEY = 'frame_time_epoch';

/** The per-packet fields (PER_PACKET_FIELDS of core/media/fast-path.ts) as tshark writes them. */
export function writtenFields(fields: MadeFields): Layers {
  const layers = { [TIME_KEY]: [epochText(fields)] } as Layers;
  for (const [key, number] of NUMBERS) {
    const value = number(fields);
    if (value !== undefined) layers[key] = [text(key, value)];
  }
  return layers;
}

function epochText({ seconds, nanoseconds }: MadeFields): string {
  return `${seconds}.${String(nanoseconds).padStart(9, '0')}`;
}

/** A number as tshark writes the field: the SSRC in 8 hex digits, the rest in decimal. */
function text(key: string, value: number): string {
  return key === 'rtp_ssrc' ? `0x${value.toString(16).padStart(8, '0')}` : String(value);
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/**
 * A record the media fast path makes from a packet's bytes: its kind's template (the fields its packets share, taken
 * from tshark's record of a checked packet) and its own per-packet fields, kept as numbers. A field is written out as
 * tshark writes it only when asked for as text; collectors mostly ask for numbers, and get them without a string
 * made and parsed back — a call has hundreds of thousands of these records.
 */
export class MadeRecord extends PacketRecord {
  constructor(
    template: Layers,
    private readonly own: MadeFields,
  ) {
    super(template, 0, { frame: own.frame, time: Number(epochText(own)), length: own.originalLength });
  }

  override get sharedLayers(): Layers {
    return this.layers;
  }

  /** The whole record, as tshark would write it. */
  written(): Layers {
    return { ...this.layers, ...writtenFields(this.own) };
  }

  // Each accessor looks the field's EK key up once: the template's fields are the record's layers themselves.
  override values(field: string): readonly string[] {
    const key = ekKey(field);
    const number = NUMBERS.get(key);
    if (!number) return key === TIME_KEY ? [epochText(this.own)] : (this.layers[key] ?? NO_VALUES);
    const value = number(this.own);
    return value === undefined ? NO_VALUES : [text(key, value)];
  }

  override has(field: string): boolean {
    const key = ekKey(field);
    const number = NUMBERS.get(key);
    if (!number) return key === TIME_KEY || this.layers[key] !== undefined;
    return number(this.own) !== undefined;
  }

  override int(field: string): number | undefined {
    const key = ekKey(field);
    const number = NUMBERS.get(key);
    if (number) return number(this.own);
    const value = key === TIME_KEY ? epochText(this.own) : this.layers[key]?.[0];
    return value === undefined ? undefined : parseInteger(value);
  }

  override ints(field: string): number[] {
    const number = NUMBERS.get(ekKey(field));
    if (!number) return super.ints(field);
    const value = number(this.own);
    return value === undefined ? [] : [value];
  }

  override flag(field: string): boolean | undefined {
    const number = NUMBERS.get(ekKey(field));
    if (!number) return super.flag(field);
    const value = number(this.own);
    return value === undefined ? undefined : value === 1;
  }
}
