import { uint16s } from './bytes.js';
import type { SeededRandom } from './random.js';

/** TLS records and handshake messages (RFC 5246, RFC 8446): what goes on the wire up to the encrypted part. */

export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
export const VERSION = { 'TLS 1.0': 0x0301, 'TLS 1.1': 0x0302, 'TLS 1.2': 0x0303, 'TLS 1.3': 0x0304 } as const;
export type TlsVersionName = keyof typeof VERSION;

export const HANDSHAKE = {
  clientHello: 1,
  serverHello: 2,
  certificate: 11,
  serverKeyExchange: 12,
  serverHelloDone: 14,
  clientKeyExchange: 16,
} as const;
const EXTENSION = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  signedCertificateTimestamp: 18,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  supportedVersions: 43,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  quicTransportParameters: 57,
  renegotiationInfo: 0xff01,
} as const;

export const GROUP = { x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018 } as const;
const MAX_FRAGMENT = 16384;

export interface ClientHelloOptions {
  random: Buffer;
  sessionId: Buffer;
  cipherSuites: readonly number[];
  sni?: string;
  alpn?: readonly string[];
  /** supported_versions (TLS 1.3 clients); without it the legacy version field is the offer. */
  versions?: readonly number[];
  legacyVersion?: number;
  groups?: readonly number[];
  signatureAlgorithms?: readonly number[];
  /** The client's x25519 share (TLS 1.3). */
  keyShare?: Buffer;
  /** A GREASE value (RFC 8701) put where Chromium puts them: first suite, first and last extension, first group. */
  grease?: number;
  quicTransportParameters?: Buffer;
}

export interface ServerHelloOptions {
  random: Buffer;
  sessionId: Buffer;
  cipherSuite: number;
  /** The version chosen; TLS 1.3 goes in supported_versions with the legacy field at TLS 1.2. */
  version: number;
  keyShare?: Buffer;
  alpn?: string;
}

export function clientHello(o: ClientHelloOptions): Buffer {
  const extensions: [number, Buffer][] = [];
  if (o.grease !== undefined) extensions.push([o.grease, Buffer.alloc(0)]);
  if (o.sni)
    extensions.push([
      EXTENSION.serverName,
      vector(2, Buffer.concat([Buffer.from([0]), vector(2, Buffer.from(o.sni))])),
    ]);
  extensions.push([EXTENSION.extendedMasterSecret, Buffer.alloc(0)]);
  extensions.push([EXTENSION.renegotiationInfo, Buffer.from([0])]);
  const groups = [
    ...(o.grease !== undefined ? [o.grease] : []),
    ...(o.groups ?? [GROUP.x25519, GROUP.secp256r1, GROUP.secp384r1]),
  ];
  extensions.push([EXTENSION.supportedGroups, vector(2, uint16s(groups))]);
  extensions.push([EXTENSION.ecPointFormats, vector(1, Buffer.from([0]))]);
  extensions.push([EXTENSION.sessionTicket, Buffer.alloc(0)]);
  if (o.alpn?.length)
    extensions.push([EXTENSION.alpn, vector(2, Buffer.concat(o.alpn.map((p) => vector(1, Buffer.from(p)))))]);
  extensions.push([EXTENSION.statusRequest, Buffer.from([1, 0, 0, 0, 0])]);
  extensions.push([
    EXTENSION.signatureAlgorithms,
    vector(2, uint16s(o.signatureAlgorithms ?? [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601])),
  ]);
  extensions.push([EXTENSION.signedCertificateTimestamp, Buffer.alloc(0)]);
  if (o.keyShare)
    extensions.push([EXTENSION.keyShare, vector(2, Buffer.concat([uint16s([GROUP.x25519]), vector(2, o.keyShare)]))]);
  if (o.versions) {
    extensions.push([EXTENSION.pskKeyExchangeModes, vector(1, Buffer.from([1]))]);
    extensions.push([
      EXTENSION.supportedVersions,
      vector(1, uint16s([...(o.grease !== undefined ? [o.grease] : []), ...o.versions])),
    ]);
  }
  if (o.quicTransportParameters) extensions.push([EXTENSION.quicTransportParameters, o.quicTransportParameters]);
  if (o.grease !== undefined) extensions.push([nextGrease(o.grease), Buffer.from([0])]);
  const suites = [...(o.grease !== undefined ? [o.grease] : []), ...o.cipherSuites];
  const body = Buffer.concat([
    uint16s([o.legacyVersion ?? VERSION['TLS 1.2']]),
    o.random,
    vector(1, o.sessionId),
    vector(2, uint16s(suites)),
    Buffer.from([1, 0]),
    encodeExtensions(extensions),
  ]);
  return handshake(HANDSHAKE.clientHello, body);
}

/** GREASE values (RFC 8701) are 0x?a?a with the same nibble twice. */
export function greaseValue(random: SeededRandom): number {
  return greaseWithNibble(random.int(0, 15));
}

function nextGrease(value: number): number {
  return greaseWithNibble(((value >> 12) + 1) & 0xf);
}

function greaseWithNibble(nibble: number): number {
  return (nibble << 12) | 0x0a00 | (nibble << 4) | 0x0a;
}

export function serverHello(o: ServerHelloOptions): Buffer {
  const tls13 = o.version === VERSION['TLS 1.3'];
  const extensions: [number, Buffer][] = [];
  if (tls13) {
    extensions.push([EXTENSION.supportedVersions, uint16s([o.version])]);
    if (o.keyShare)
      extensions.push([EXTENSION.keyShare, Buffer.concat([uint16s([GROUP.x25519]), vector(2, o.keyShare)])]);
  } else {
    extensions.push([EXTENSION.renegotiationInfo, Buffer.from([0])]);
    extensions.push([EXTENSION.extendedMasterSecret, Buffer.alloc(0)]);
    if (o.alpn) extensions.push([EXTENSION.alpn, vector(2, vector(1, Buffer.from(o.alpn)))]);
  }
  const body = Buffer.concat([
    uint16s([tls13 ? VERSION['TLS 1.2'] : o.version]),
    o.random,
    vector(1, o.sessionId),
    uint16s([o.cipherSuite]),
    Buffer.from([0]),
    encodeExtensions(extensions),
  ]);
  return handshake(HANDSHAKE.serverHello, body);
}

/** The server's chain, leaf first (TLS 1.2 and earlier: in TLS 1.3 it travels encrypted). */
export function certificateMessage(chain: readonly Buffer[]): Buffer {
  return handshake(HANDSHAKE.certificate, vector(3, Buffer.concat(chain.map((der) => vector(3, der)))));
}

/**
 * An ECDHE ServerKeyExchange: the server's public point and its signature (RFC 8422 §5.4); TLS 1.2 names the
 * signature algorithm, TLS 1.0/1.1 do not.
 */
export function serverKeyExchange(
  group: number,
  point: Buffer,
  signature: Buffer,
  signatureAlgorithm?: number,
): Buffer {
  const algorithm = signatureAlgorithm === undefined ? Buffer.alloc(0) : uint16s([signatureAlgorithm]);
  return handshake(
    HANDSHAKE.serverKeyExchange,
    Buffer.concat([Buffer.from([3]), uint16s([group]), vector(1, point), algorithm, vector(2, signature)]),
  );
}

export function serverHelloDone(): Buffer {
  return handshake(HANDSHAKE.serverHelloDone, Buffer.alloc(0));
}

/** ECDHE: the client's point; RSA key transport: the encrypted pre-master secret. */
export function clientKeyExchange(kind: 'ecdhe' | 'rsa', value: Buffer): Buffer {
  return handshake(HANDSHAKE.clientKeyExchange, kind === 'ecdhe' ? vector(1, value) : vector(2, value));
}

/** Records of one content type, fragments at most 2^14 bytes long. */
export function records(contentType: number, version: number, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < data.length || out.length === 0; offset += MAX_FRAGMENT) {
    const fragment = data.subarray(offset, offset + MAX_FRAGMENT);
    out.push(Buffer.concat([Buffer.from([contentType]), uint16s([version]), vector(2, fragment)]));
  }
  return out;
}

export function changeCipherSpec(version: number): Buffer {
  return records(CONTENT.changeCipherSpec, version, Buffer.from([1]))[0]!;
}

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), vector(3, body).subarray(0, 3), body]);
}

function encodeExtensions(extensions: readonly [number, Buffer][]): Buffer {
  return vector(2, Buffer.concat(extensions.map(([type, data]) => Buffer.concat([uint16s([type]), vector(2, data)]))));
}

/** A length-prefixed vector (RFC 8446 §3.4) with a 1-, 2- or 3-byte length. */
export function vector(lengthBytes: 1 | 2 | 3, data: Buffer): Buffer {
  const length = Buffer.alloc(lengthBytes);
  length.writeUIntBE(data.length, 0, lengthBytes);
  return Buffer.concat([length, data]);
}
