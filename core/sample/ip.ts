import ipaddr from 'ipaddr.js';

export const PROTOCOL_TCP = 6;
export const PROTOCOL_UDP = 17;

export function isIpv6(address: string): boolean {
  return address.includes(':');
}

export function addressBytes(address: string): Buffer {
  return Buffer.from(ipaddr.parse(address).toByteArray());
}

/** The Internet checksum (RFC 1071) over the concatenated buffers. */
export function internetChecksum(...parts: Buffer[]): number {
  const data = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 2) sum += data.readUInt16BE(i);
  if (data.length % 2) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The pseudo-header TCP and UDP checksums cover (RFC 793, RFC 768; RFC 8200 §8.1 for IPv6). */
export function pseudoHeader(source: string, destination: string, protocol: number, length: number): Buffer {
  if (isIpv6(source)) {
    const tail = Buffer.alloc(8);
    tail.writeUInt32BE(length, 0);
    tail[7] = protocol;
    return Buffer.concat([addressBytes(source), addressBytes(destination), tail]);
  }
  const tail = Buffer.from([0, protocol, length >> 8, length & 0xff]);
  return Buffer.concat([addressBytes(source), addressBytes(destination), tail]);
}

export interface IpHeaderOptions {
  source: string;
  destination: string;
  protocol: number;
  /** IPv4 identification. */
  identification: number;
  ttl: number;
  /** DSCP (Teams marks media with EF, 46, when QoS is configured). */
  dscp?: number;
}

/** An IPv4 (with its header checksum, don't-fragment set) or IPv6 packet around a transport payload. */
export function ipPacket(options: IpHeaderOptions, payload: Buffer): Buffer {
  return isIpv6(options.source) ? ipv6Packet(options, payload) : ipv4Packet(options, payload);
}

function ipv4Packet(
  { source, destination, protocol, identification, ttl, dscp = 0 }: IpHeaderOptions,
  payload: Buffer,
): Buffer {
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header[1] = dscp << 2;
  header.writeUInt16BE(20 + payload.length, 2);
  header.writeUInt16BE(identification & 0xffff, 4);
  header.writeUInt16BE(0x4000, 6);
  header[8] = ttl;
  header[9] = protocol;
  addressBytes(source).copy(header, 12);
  addressBytes(destination).copy(header, 16);
  header.writeUInt16BE(internetChecksum(header), 10);
  return Buffer.concat([header, payload]);
}

function ipv6Packet({ source, destination, protocol, ttl, dscp = 0 }: IpHeaderOptions, payload: Buffer): Buffer {
  const header = Buffer.alloc(40);
  header.writeUInt32BE(((6 << 28) | (dscp << 22)) >>> 0, 0);
  header.writeUInt16BE(payload.length, 4);
  header[6] = protocol;
  header[7] = ttl;
  addressBytes(source).copy(header, 8);
  addressBytes(destination).copy(header, 24);
  return Buffer.concat([header, payload]);
}
