import type { EkRecord } from '../schema/generated/ek-record.js';

const ekKeys = new Map<string, string>();

/** The EK key tshark writes for a field: "tls.handshake.type" → "tls_handshake_type" (looked up per packet: cached). */
export function ekKey(field: string): string {
  let key = ekKeys.get(field);
  if (key === undefined) ekKeys.set(field, (key = field.replaceAll('.', '_')));
  return key;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/**
 * One packet as tshark's `-T ek -e …` output gives it: every field is a list of strings, in the order the
 * dissectors added them, absent when the packet has none. Accessors parse on demand and never throw: the
 * record was validated against core/schema/ek-record.schema.json, which fixes the shape of the numeric fields.
 */
export class PacketRecord {
  readonly frame: number;
  /** Epoch seconds; for a packet the file stores without a timestamp, the time of the packet before it. */
  readonly time: number;
  readonly timed: boolean;
  readonly length: number;

  /**
   * `header`: the frame number, time and length, when the record is made without them in its layers (a record the
   * media fast path makes shares its layers with the other packets of its kind: see core/media/fast-path.ts).
   */
  constructor(
    readonly layers: EkRecord['layers'],
    previousTime = 0,
    header?: { frame: number; time: number; length: number },
  ) {
    if (header) {
      ({ frame: this.frame, time: this.time, length: this.length } = header);
      this.timed = true;
      return;
    }
    this.frame = Number(layers.frame_number[0]);
    this.timed = layers.frame_time_epoch !== undefined;
    this.time = this.timed ? Number(layers.frame_time_epoch![0]) : previousTime;
    this.length = Number(layers.frame_len[0]);
  }

  /** The layers this record shares with others of its kind, whatever is derived from them once serving all; or none. */
  get sharedLayers(): EkRecord['layers'] | undefined {
    return undefined;
  }

  values(field: string): readonly string[] {
    return this.layers[ekKey(field)] ?? NO_VALUES;
  }

  has(field: string): boolean {
    return this.layers[ekKey(field)] !== undefined;
  }

  first(field: string): string | undefined {
    return this.values(field)[0];
  }

  /** First value as a number; tshark writes decimal or, for hex-displayed fields, "0x…". */
  int(field: string): number | undefined {
    const value = this.first(field);
    return value === undefined ? undefined : parseInteger(value);
  }

  ints(field: string): number[] {
    const values = this.values(field);
    // Asked of every packet for fields most lack (handshake types, lengths): one array, not three, for those.
    if (values.length === 0) return [];
    return values.map(parseInteger).filter((n) => !Number.isNaN(n));
  }

  flag(field: string): boolean | undefined {
    const value = this.first(field);
    return value === undefined ? undefined : isSetFlag(value);
  }

  private stack?: readonly string[];

  /** The protocol stack, outermost first, e.g. ["eth", "ethertype", "ip", "udp", "dns"]: one shared, frozen list per distinct stack. */
  get protocols(): readonly string[] {
    return (this.stack ??= protocolStack(this.first('frame.protocols') ?? ''));
  }
}

/*
 * RTCP sharing a port with RTP (RFC 5761) reaches tshark's RTCP dissector either through the RTP dissector
 * ("…:udp:rtp:rtcp") or through the RTCP heuristic ("…:udp:rtcp"), depending on which heuristic last claimed the
 * conversation — state that earlier packets of the capture leave behind. Either way the packet is RTCP and
 * nothing else, so the stack drops that "rtp": it is counted, charted and classified as RTCP alone.
 */

/** Distinct protocol stacks seen so far: a capture has tens of them, so each is split once and shared by its packets. */
const STACKS = new Map<string, readonly string[]>();
/** A bound for a capture crafted to have a new stack in every packet. */
const MAX_STACKS = 10_000;

function protocolStack(text: string): readonly string[] {
  let stack = STACKS.get(text);
  if (!stack) {
    if (STACKS.size >= MAX_STACKS) STACKS.clear();
    const layers = text.split(':').filter((layer, i, all) => layer && !(layer === 'rtp' && all[i + 1] === 'rtcp'));
    STACKS.set(text, (stack = Object.freeze(layers)));
  }
  return stack;
}

/**
 * What a collector derives from a protocol stack, worked out once per distinct stack (stacks are shared, see
 * PacketRecord.protocols) instead of once per packet.
 */
export function perStack<T>(derive: (stack: readonly string[]) => T): (stack: readonly string[]) => T {
  const derived = new WeakMap<readonly string[], T>();
  return (stack) => {
    if (derived.has(stack)) return derived.get(stack)!;
    const value = derive(stack);
    derived.set(stack, value);
    return value;
  };
}

/**
 * What a collector derives from a packet's shared layers alone (the fields all packets of a fast-path record's kind
 * share: core/media/made-record.ts), worked out once per kind; a packet without shared layers derives it afresh.
 */
export function perSharedLayers<T>(derive: (packet: PacketRecord) => T): (packet: PacketRecord) => T {
  const derived = new WeakMap<object, T>();
  return (packet) => {
    const shared = packet.sharedLayers;
    if (!shared) return derive(packet);
    if (derived.has(shared)) return derived.get(shared)!;
    const value = derive(packet);
    derived.set(shared, value);
    return value;
  };
}

/** tshark writes a set flag as 1 (True in some versions). */
export function isSetFlag(value: string): boolean {
  return value === '1' || value === 'true' || value === 'True';
}

export function parseInteger(text: string): number {
  const hex = text.charCodeAt(0) === 48 && (text.charCodeAt(1) | 32) === 120; // "0x" or "0X": called for most fields of every packet
  return hex ? parseInt(text.slice(2), 16) : parseInt(text, 10);
}
