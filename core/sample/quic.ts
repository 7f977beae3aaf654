import { createCipheriv, createHmac } from 'node:crypto';
import { uint32 } from './bytes.js';

/**
 * QUIC version 1 Initial packets (RFC 9000 §17.2.2) with Initial packet protection (RFC 9001 §5): keys from
 * HKDF over the client's Destination Connection ID, AES-128-GCM for the payload, AES-ECB header protection.
 * tshark derives the same keys, so it decrypts the CRYPTO frame and shows the TLS ClientHello inside.
 */

const QUIC_V1 = 0x00000001;
const INITIAL_SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const FRAME_PADDING = 0x00;
const FRAME_ACK = 0x02;
const FRAME_CRYPTO = 0x06;
/** Clients pad datagrams with Initial packets to at least 1200 bytes (RFC 9000 §14.1). */
const MINIMUM_CLIENT_DATAGRAM = 1200;
const PACKET_NUMBER_LENGTH = 2;

export interface InitialPacket {
  /** The client's original Destination Connection ID: both directions' Initial keys come from it. */
  originalDestinationId: Buffer;
  destinationId: Buffer;
  sourceId: Buffer;
  packetNumber: number;
  /** The TLS handshake message(s) the CRYPTO frame carries. */
  crypto: Buffer;
  /** For the server's Initial: the client packet number it acknowledges. */
  acknowledges?: number;
}

export function clientInitial(packet: InitialPacket): Buffer {
  const frames = cryptoFrame(packet.crypto);
  // Pad the plaintext so the protected packet fills the minimum datagram.
  const overhead =
    1 + 4 + 1 + packet.destinationId.length + 1 + packet.sourceId.length + 1 + 2 + PACKET_NUMBER_LENGTH + 16;
  const padding = Math.max(0, MINIMUM_CLIENT_DATAGRAM - overhead - frames.length);
  return protect('client', packet, Buffer.concat([frames, Buffer.alloc(padding, FRAME_PADDING)]));
}

export function serverInitial(packet: InitialPacket): Buffer {
  const ack =
    packet.acknowledges === undefined
      ? Buffer.alloc(0)
      : Buffer.concat([Buffer.from([FRAME_ACK]), varint(packet.acknowledges), varint(0), varint(0), varint(0)]);
  return protect('server', packet, Buffer.concat([ack, cryptoFrame(packet.crypto)]));
}

/**
 * A 1-RTT (short header) packet as an observer sees it: fixed bit, spin bit clear, then bytes only the
 * endpoints can decrypt.
 */
export function shortHeaderPacket(destinationId: Buffer, protectedBytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x40 | (protectedBytes[0]! & 0x03)]), destinationId, protectedBytes]);
}

function cryptoFrame(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([FRAME_CRYPTO]), varint(0), varint(data.length), data]);
}

function protect(side: 'client' | 'server', packet: InitialPacket, plaintext: Buffer): Buffer {
  const { key, iv, hp } = initialKeys(packet.originalDestinationId, side);
  const packetNumber = Buffer.alloc(PACKET_NUMBER_LENGTH);
  packetNumber.writeUIntBE(packet.packetNumber, 0, PACKET_NUMBER_LENGTH);
  const length = PACKET_NUMBER_LENGTH + plaintext.length + 16;
  const header = Buffer.concat([
    Buffer.from([0xc0 | (PACKET_NUMBER_LENGTH - 1)]),
    uint32(QUIC_V1),
    Buffer.from([packet.destinationId.length]),
    packet.destinationId,
    Buffer.from([packet.sourceId.length]),
    packet.sourceId,
    varint(0), // no token
    varint2(length),
    packetNumber,
  ]);
  const nonce = Buffer.from(iv);
  for (let i = 0; i < PACKET_NUMBER_LENGTH; i++) nonce[nonce.length - PACKET_NUMBER_LENGTH + i]! ^= packetNumber[i]!;
  const cipher = createCipheriv('aes-128-gcm', key, nonce);
  cipher.setAAD(header);
  const payload = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);

  // Header protection: a mask from a sample of the ciphertext hides the packet number and its length bits.
  const packetNumberOffset = header.length - PACKET_NUMBER_LENGTH;
  const sample = payload.subarray(4 - PACKET_NUMBER_LENGTH, 4 - PACKET_NUMBER_LENGTH + 16);
  const ecb = createCipheriv('aes-128-ecb', hp, null);
  const mask = Buffer.concat([ecb.update(sample), ecb.final()]);
  const protectedHeader = Buffer.from(header);
  protectedHeader[0]! ^= mask[0]! & 0x0f;
  for (let i = 0; i < PACKET_NUMBER_LENGTH; i++) protectedHeader[packetNumberOffset + i]! ^= mask[1 + i]!;
  return Buffer.concat([protectedHeader, payload]);
}

function initialKeys(destinationId: Buffer, side: 'client' | 'server'): { key: Buffer; iv: Buffer; hp: Buffer } {
  const initialSecret = createHmac('sha256', INITIAL_SALT_V1).update(destinationId).digest();
  const secret = expandLabel(initialSecret, `${side} in`, 32);
  return {
    key: expandLabel(secret, 'quic key', 16),
    iv: expandLabel(secret, 'quic iv', 12),
    hp: expandLabel(secret, 'quic hp', 16),
  };
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, for outputs of one SHA-256 block at most. */
function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([0]),
  ]);
  return createHmac('sha256', secret)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

/** A QUIC variable-length integer in its shortest form (RFC 9000 §16). */
export function varint(value: number): Buffer {
  if (value < 0x40) return Buffer.from([value]);
  if (value < 0x4000) return varint2(value);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((0x80000000 | value) >>> 0);
  return out;
}

function varint2(value: number): Buffer {
  return Buffer.from([0x40 | (value >> 8), value & 0xff]);
}

/** QUIC transport parameters (RFC 9000 §18) a browser-like client sends in its ClientHello. */
export function transportParameters(sourceId: Buffer): Buffer {
  const parameter = (id: number, value: Buffer) => Buffer.concat([varint(id), varint(value.length), value]);
  return Buffer.concat([
    parameter(0x01, varint(30000)), // max_idle_timeout
    parameter(0x04, varint(15728640)), // initial_max_data
    parameter(0x05, varint(6291456)), // initial_max_stream_data_bidi_local
    parameter(0x06, varint(6291456)),
    parameter(0x07, varint(6291456)),
    parameter(0x08, varint(100)), // initial_max_streams_bidi
    parameter(0x09, varint(103)),
    parameter(0x0f, sourceId), // initial_source_connection_id
  ]);
}
