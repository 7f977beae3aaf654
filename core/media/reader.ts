/**
 * The media plane read from a datagram's bytes: RTP and RTCP headers inside every framing Teams and WebRTC use
 * over UDP, demultiplexed by the first byte as RFC 7983 §7 says. Only called on flows already known as ICE/TURN
 * media flows (core/media/collector.ts): QUIC's short headers share the ChannelData range, and a DNS ID can start
 * like RTP, so the first byte alone decides nothing on other flows.
 *
 * The bytes may come from tshark's `udp.payload` or straight from the capture's records: the reader only needs
 * the datagram.
 */

import { word16, word32 } from '../records/bytes.js';

/** How the RTP or RTCP packet reached the wire: plain, or inside which relay framing. */
export type MediaFraming = 'plain' | 'channel-data' | 'turn-indication' | 'ms-turn' | 'ms-multiplexed';

export interface RtpHeader {
  readonly kind: 'rtp';
  readonly ssrc: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly framing: MediaFraming;
}

export interface RtcpHeader {
  readonly kind: 'rtcp';
  /** The first packet's sender SSRC: in clear even in SRTCP (RFC 3711 §3.4 encrypts from byte 8 on). */
  readonly senderSsrc: number;
  /** The first packet's type (RFC 3550 §12.1: SR 200, RR 201, …; RFC 4585 feedback 205/206). */
  readonly packetType: number;
  readonly framing: MediaFraming;
}

/** What a datagram on a media flow holds, as far as its bytes tell. */
export type DatagramContent =
  | RtpHeader
  | RtcpHeader
  /** A STUN message with a magic cookie (RFC 8489's in its header, or MS-TURN's as its first attribute). */
  | { readonly kind: 'stun' }
  /** Anything else (DTLS, ZRTP, a framing the reader does not know), or a header cut short by the snap length. */
  | { readonly kind: 'other' | 'truncated' };

/** RFC 7983 §7 first-byte ranges. */
const STUN_LAST = 3;
const CHANNEL_DATA_FIRST = 64;
const CHANNEL_DATA_LAST = 79;
export const RTP_FIRST = 128;
export const RTP_LAST = 191;

/** RFC 5761 §4: with RTP and RTCP on one port, a second byte of 192–223 is an RTCP packet type. */
const RTCP_TYPE_FIRST = 192;
const RTCP_TYPE_LAST = 223;

export const RTP_HEADER_BYTES = 12;
/** Version, type, length and the sender's SSRC: the part of an RTCP packet SRTCP leaves clear. */
const RTCP_CLEAR_BYTES = 8;

/** RFC 8489 §5. */
export const STUN_HEADER_BYTES = 20;
export const STUN_MAGIC_COOKIE = 0x2112a442;
/** [MS-TURN] §2.2.2.6: MS-TURN puts its own magic cookie in a MAGIC-COOKIE attribute, first after the header. */
const MS_TURN_MAGIC_COOKIE_ATTRIBUTE = 0x000f;
const MS_TURN_MAGIC_COOKIE = 0x72c64bc6;
/** DATA: RFC 8656 §18.4 and [MS-TURN] §2.2.2.11 give it the same number. */
const DATA_ATTRIBUTE = 0x0013;

/** The STUN message types that carry a datagram in their DATA attribute, and the framing each stands for. */
const DATA_CARRIERS: ReadonlyMap<number, MediaFraming> = new Map([
  [0x0016, 'turn-indication'], // RFC 8656 §10.1: Send indication
  [0x0017, 'turn-indication'], // RFC 8656 §10.4: Data indication
  [0x0004, 'ms-turn'], // [MS-TURN] §2.2.1: Send request
  [0x0115, 'ms-turn'], // [MS-TURN] §2.2.1: Data indication (its bits read as an error response)
]);

/** RFC 8656 §12.4: channel number and length, then the data (padded to 4 bytes over TCP, maybe not over UDP). */
const CHANNEL_DATA_HEADER_BYTES = 4;

/**
 * Microsoft's multiplexed relay header, seen towards Teams relays on UDP 3479–3481: 0xFF10, a 16-bit length of what
 * follows it, an 8-byte session identifier, then the datagram (STUN or media). nDPI reads it as multiplexed MS-TURN.
 */
const MS_MULTIPLEXED_TYPE = 0xff10;
const MS_MULTIPLEXED_HEADER_BYTES = 12;

/** A framing inside a framing (media in a Data indication inside the multiplexed header) and no deeper. */
const MAX_NESTING = 2;

/** What one UDP datagram of a media flow carries. */
export function readDatagram(bytes: Uint8Array): DatagramContent {
  return readNested(bytes, 'plain', 0);
}

function readNested(bytes: Uint8Array, framing: MediaFraming, depth: number): DatagramContent {
  if (bytes.length === 0) return OTHER;
  const first = bytes[0]!;
  if (first >= RTP_FIRST && first <= RTP_LAST) return readRtpOrRtcp(bytes, framing);
  if (depth >= MAX_NESTING) return OTHER;
  if (first <= STUN_LAST) return readStun(bytes, depth);
  if (first >= CHANNEL_DATA_FIRST && first <= CHANNEL_DATA_LAST) {
    const inner = framed(bytes, CHANNEL_DATA_HEADER_BYTES, CHANNEL_DATA_HEADER_BYTES);
    return inner ? readNested(inner, 'channel-data', depth + 1) : TRUNCATED;
  }
  if (bytes.length >= 2 && word16(bytes, 0) === MS_MULTIPLEXED_TYPE) {
    const inner = framed(bytes, CHANNEL_DATA_HEADER_BYTES, MS_MULTIPLEXED_HEADER_BYTES);
    return inner ? readNested(inner, 'ms-multiplexed', depth) : TRUNCATED;
  }
  return OTHER;
}

function readRtpOrRtcp(bytes: Uint8Array, framing: MediaFraming): DatagramContent {
  if (bytes.length < 2) return TRUNCATED;
  const second = bytes[1]!;
  if (second >= RTCP_TYPE_FIRST && second <= RTCP_TYPE_LAST) {
    if (bytes.length < RTCP_CLEAR_BYTES) return TRUNCATED;
    return { kind: 'rtcp', senderSsrc: word32(bytes, 4), packetType: second, framing };
  }
  if (bytes.length < RTP_HEADER_BYTES) return TRUNCATED;
  return {
    kind: 'rtp',
    ssrc: word32(bytes, 8),
    sequence: word16(bytes, 2),
    timestamp: word32(bytes, 4),
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    framing,
  };
}

/**
 * A STUN message: a data carrier's DATA read on, any other message with a magic cookie reported as STUN. DATA is
 * found walking the attributes on 4-byte boundaries (RFC 8489 §14); MS-TURN leaves DATA itself unpadded, which
 * matters not, since the walk stops at it.
 */
function readStun(bytes: Uint8Array, depth: number): DatagramContent {
  const framing = bytes.length >= 2 ? DATA_CARRIERS.get(word16(bytes, 0)) : undefined;
  if (bytes.length < STUN_HEADER_BYTES) return bytes.length >= 8 && hasCookie(bytes) && !framing ? STUN : TRUNCATED;
  if (!hasCookie(bytes)) return OTHER;
  if (!framing) return STUN;
  const end = Math.min(bytes.length, STUN_HEADER_BYTES + word16(bytes, 2));
  for (let at = STUN_HEADER_BYTES; at + 4 <= end; at += 4 + padded(word16(bytes, at + 2))) {
    if (word16(bytes, at) !== DATA_ATTRIBUTE) continue;
    const length = word16(bytes, at + 2);
    return readNested(bytes.subarray(at + 4, Math.min(bytes.length, at + 4 + length)), framing, depth + 1);
  }
  // The DATA attribute lies past what the capture kept, or the message has none.
  return bytes.length < STUN_HEADER_BYTES + word16(bytes, 2) ? TRUNCATED : STUN;
}

function hasCookie(bytes: Uint8Array): boolean {
  if (word32(bytes, 4) === STUN_MAGIC_COOKIE) return true;
  return (
    bytes.length >= STUN_HEADER_BYTES + 8 &&
    word16(bytes, STUN_HEADER_BYTES) === MS_TURN_MAGIC_COOKIE_ATTRIBUTE &&
    word32(bytes, STUN_HEADER_BYTES + 4) === MS_TURN_MAGIC_COOKIE
  );
}

/** The datagram after a header whose 16-bit length (at byte 2) counts from byte `countedFrom`; cut to what was captured. */
function framed(bytes: Uint8Array, countedFrom: number, headerBytes: number): Uint8Array | undefined {
  if (bytes.length < headerBytes) return undefined;
  return bytes.subarray(headerBytes, Math.min(bytes.length, countedFrom + word16(bytes, 2)));
}

function padded(length: number): number {
  return (length + 3) & ~3;
}

const OTHER: DatagramContent = { kind: 'other' };
const TRUNCATED: DatagramContent = { kind: 'truncated' };
const STUN: DatagramContent = { kind: 'stun' };
