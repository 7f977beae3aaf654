import { createHash, createHmac } from 'node:crypto';
import { uint32 } from './bytes.js';
import { addressBytes, isIpv6 } from './ip.js';
import { MS_TURN_REMOTE_ADDRESS, STUN_ATTRIBUTE } from '../model/stun-registry.js';

/**
 * STUN (RFC 8489) and TURN (RFC 8656) messages with the attributes Microsoft's Teams stack adds (MS-TURN,
 * MS-ICE2): MS-VERSION, MS-SEQUENCE-NUMBER, MS-SERVICE-QUALITY, MS-APP-ID, MS-IMPLEMENTATION-VERSION.
 * Unlike the captured Teams clients, attributes are padded to four bytes, so tshark reads every one.
 */

const MAGIC_COOKIE = 0x2112a442;
export const METHOD = { binding: 0x001, allocate: 0x003, channelBind: 0x009 } as const;
/** [MS-TURN] §2.2.1: the message types that carry a datagram between client and relay. */
const MS_TURN_SEND_REQUEST = 0x0004;
const MS_TURN_DATA_INDICATION = 0x0115;
/** [MS-TURN] §2.2.2.6: MS-TURN's own magic cookie, in an attribute of its own right after the header. */
const MS_TURN_MAGIC_COOKIE = 0x72c64bc6;
export const CLASS = { request: 0x000, success: 0x100, error: 0x110 } as const;

export type Attribute = [type: number, value: Buffer];

export interface StunMessageOptions {
  method: number;
  class: number;
  transactionId: Buffer;
  attributes: readonly Attribute[];
  /** Appends MESSAGE-INTEGRITY (HMAC-SHA1) with this key (RFC 8489 §14.5). */
  integrityKey?: Buffer;
  /** Appends FINGERPRINT (CRC-32 XOR 0x5354554e, RFC 8489 §14.7). */
  fingerprint?: boolean;
}

export function stunMessage(o: StunMessageOptions): Buffer {
  let body = Buffer.concat(o.attributes.map(([type, value]) => attribute(type, value)));
  const header = (bodyLength: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(messageType(o.method, o.class), 0);
    h.writeUInt16BE(bodyLength, 2);
    h.writeUInt32BE(MAGIC_COOKIE, 4);
    o.transactionId.copy(h, 8);
    return h;
  };
  if (o.integrityKey) {
    // The HMAC covers the message with its length already counting the MESSAGE-INTEGRITY attribute.
    const hmac = createHmac('sha1', o.integrityKey)
      .update(Buffer.concat([header(body.length + 24), body]))
      .digest();
    body = Buffer.concat([body, attribute(STUN_ATTRIBUTE.MESSAGE_INTEGRITY, hmac)]);
  }
  if (o.fingerprint) {
    const crc = (crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0;
    body = Buffer.concat([body, attribute(STUN_ATTRIBUTE.FINGERPRINT, uint32(crc))]);
  }
  return Buffer.concat([header(body.length), body]);
}

/** RFC 8489 §5: the method's bits around the two class bits. */
function messageType(method: number, cls: number): number {
  return ((method & 0xf80) << 2) | ((method & 0x070) << 1) | (method & 0x00f) | cls;
}

function attribute(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

/** A MAPPED-ADDRESS-style value, or with a transaction id the XOR-ed form (RFC 8489 §14.2). */
export function addressValue(ip: string, port: number, xorWith?: Buffer): Buffer {
  const family = isIpv6(ip) ? 2 : 1;
  const address = addressBytes(ip);
  const head = Buffer.from([0, family, 0, 0]);
  if (!xorWith) {
    head.writeUInt16BE(port, 2);
    return Buffer.concat([head, address]);
  }
  const key = Buffer.concat([uint32(MAGIC_COOKIE), xorWith]);
  head.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  return Buffer.concat([head, Buffer.from(address.map((byte, i) => byte ^ key[i]!))]);
}

export function errorCodeValue(code: number, reason: string): Buffer {
  return Buffer.concat([Buffer.from([0, 0, Math.floor(code / 100), code % 100]), Buffer.from(reason)]);
}

/** The long-term credential key (RFC 8489 §9.2.2): MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A datagram between client and relay as Teams clients frame it ([MS-TURN] §2.2.1): a Send request naming the peer in
 * DESTINATION-ADDRESS (client to relay) or a Data indication naming it in REMOTE-ADDRESS (relay to client), the
 * addresses in plain, after MS-TURN's MAGIC-COOKIE attribute, and the datagram last in DATA — left unpadded, as the
 * captured clients and relays send it (the message length counts the DATA exactly). tshark 4.0 then reads past the
 * end for the padding and marks the frame malformed, and its rtp_stun heuristic misses what DATA carries.
 */
export function msTurnData(
  toRelay: boolean,
  transactionId: Buffer,
  peer: { ip: string; port: number },
  data: Buffer,
): Buffer {
  const cookie = attribute(STUN_ATTRIBUTE.MS_MAGIC_COOKIE, uint32(MS_TURN_MAGIC_COOKIE));
  const address = attribute(
    toRelay ? STUN_ATTRIBUTE.DESTINATION_ADDRESS : MS_TURN_REMOTE_ADDRESS,
    addressValue(peer.ip, peer.port),
  );
  const head = Buffer.alloc(4);
  head.writeUInt16BE(STUN_ATTRIBUTE.DATA, 0);
  head.writeUInt16BE(data.length, 2);
  const body = Buffer.concat([cookie, address, head, data]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(toRelay ? MS_TURN_SEND_REQUEST : MS_TURN_DATA_INDICATION, 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  return Buffer.concat([header, body]);
}

/** TURN ChannelData (RFC 8656 §12.4): channel number, length, the data; padded to 4 bytes as over TCP. */
export function channelData(channel: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(channel, 0);
  head.writeUInt16BE(data.length, 2);
  return Buffer.concat([head, data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
}
