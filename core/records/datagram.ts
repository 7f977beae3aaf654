import { word16, word32 } from './bytes.js';

/**
 * The cheap per-packet path of the record scanner: the UDP datagram inside a capture record's bytes, read without
 * tshark. Anything that is not plainly one UDP datagram in one IP packet (whole, or as captured: see DatagramExtent)
 * is left to tshark (undefined), so a packet read here reads the same as tshark would read it.
 */

export interface UdpDatagram {
  ipVersion: 4 | 6;
  /** Offset of the IP header in bytes; the bytes before it are the link layer header(s). */
  ipOffset: number;
  /** Offsets of the source and destination addresses in bytes (4 bytes long for IPv4, 16 for IPv6: addressLength). */
  sourceOffset: number;
  destinationOffset: number;
  sourcePort: number;
  destinationPort: number;
  /** DSCP: top 6 bits of IPv4 TOS or of IPv6 traffic class. */
  dscp: number;
  /** UDP length field (header + payload). */
  udpLength: number;
  /** Offset of the UDP payload in bytes, and how many of its bytes the record holds (all, unless cut: see DatagramExtent). */
  payloadOffset: number;
  payloadLength: number;
}

/** LINKTYPE_* numbers of the pcap/pcapng spec (tcpdump.org/linktypes.html). */
const LINKTYPE = {
  null: 0,
  ethernet: 1,
  raw: 101,
  loop: 108,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** 802.1Q, 802.1ad and the pre-standard QinQ tag: each a 4-byte tag before the next ethertype. */
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const MAX_VLAN_TAGS = 2;
/** Cooked-capture address types whose protocol field is not an ethertype (Wireshark's packet-sll.c). */
const ARPHRD_FRAD = 770;
const ARPHRD_NETLINK = 824;
/** Address families of BSD loopback headers: AF_INET, then AF_INET6 as NetBSD/OpenBSD, FreeBSD and Darwin number it. */
const AF_INET = 2;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;
const IPPROTO_UDP = 17;
const UDP_HEADER_LENGTH = 8;
const IPV6_HEADER_LENGTH = 40;
/** Ethertype-like tag for "the IP version says which": raw IP (LINKTYPE_RAW). */
const EITHER_IP = -1;

/** How many bytes each of the datagram's addresses takes. */
export function addressLength(datagram: UdpDatagram): 4 | 16 {
  return datagram.ipVersion === 4 ? 4 : 16;
}

/**
 * How much of the IP packet a record must hold. 'whole': exactly the packet, nothing cut and nothing after it (what the
 * fast path's records need: tshark's lengths are the record's). 'as-captured': the datagram as tshark's UDP layer
 * reads it — bytes after the IP packet (Ethernet padding, a trailer) are not its, and a record the snap length cut
 * holds its datagram as far as it was captured.
 */
export type DatagramExtent = 'whole' | 'as-captured';

/** Whether readUdpDatagram reads records of this link type (LINKTYPE_* numbers of the pcap/pcapng spec). */
export function readsLinkType(linkType: number): boolean {
  return (Object.values(LINKTYPE) as number[]).includes(linkType);
}

/**
 * The UDP datagram in a record of the link type, or undefined where tshark is needed. `cut` says the snap length cut
 * the record (captured < original length): only then, and only 'as-captured', may the IP packet run past the bytes.
 */
export function readUdpDatagram(
  linkType: number,
  bytes: Uint8Array,
  extent: DatagramExtent = 'whole',
  cut = false,
): UdpDatagram | undefined {
  const limits = extent === 'whole' ? WHOLE : cut ? AS_CAPTURED_CUT : AS_CAPTURED;
  switch (linkType) {
    case LINKTYPE.ethernet:
      return readEthernet(bytes, limits);
    case LINKTYPE.linuxSll:
      if (bytes.length < 16 || isNotEthertype(word16(bytes, 2))) return undefined;
      return readIp(bytes, 16, word16(bytes, 14), limits);
    case LINKTYPE.linuxSll2:
      if (bytes.length < 20 || isNotEthertype(word16(bytes, 8))) return undefined;
      return readIp(bytes, 20, word16(bytes, 0), limits);
    case LINKTYPE.raw:
      return readIp(bytes, 0, EITHER_IP, limits);
    case LINKTYPE.ipv4:
      return readIp(bytes, 0, ETHERTYPE_IPV4, limits);
    case LINKTYPE.ipv6:
      return readIp(bytes, 0, ETHERTYPE_IPV6, limits);
    case LINKTYPE.null: {
      if (bytes.length < 4) return undefined;
      // Host byte order of the capturing machine, which the file does not say: either order is taken.
      const family = ethertypeOfFamily(word32(bytes, 0)) ?? ethertypeOfFamily(uint32LittleEndian(bytes, 0));
      return readIp(bytes, 4, family, limits);
    }
    case LINKTYPE.loop:
      if (bytes.length < 4) return undefined;
      return readIp(bytes, 4, ethertypeOfFamily(word32(bytes, 0)), limits);
    default:
      return undefined;
  }
}

/** What may surround the IP packet in the record: bytes after it (trailer), or fewer bytes than it (cut). */
interface Extent {
  trailer: boolean;
  cut: boolean;
}
const WHOLE: Extent = { trailer: false, cut: false };
const AS_CAPTURED: Extent = { trailer: true, cut: false };
const AS_CAPTURED_CUT: Extent = { trailer: true, cut: true };

function readEthernet(bytes: Uint8Array, limits: Extent): UdpDatagram | undefined {
  let offset = 12;
  for (let tags = 0; ; tags++) {
    if (offset + 2 > bytes.length) return undefined;
    const ethertype = word16(bytes, offset);
    if (ethertype !== ETHERTYPE_VLAN && ethertype !== ETHERTYPE_QINQ && ethertype !== ETHERTYPE_QINQ_OLD) {
      return readIp(bytes, offset + 2, ethertype, limits);
    }
    if (tags === MAX_VLAN_TAGS) return undefined;
    offset += 4;
  }
}

function isNotEthertype(addressType: number): boolean {
  return addressType === ARPHRD_NETLINK || addressType === ARPHRD_FRAD;
}

function ethertypeOfFamily(family: number): number | undefined {
  if (family === AF_INET) return ETHERTYPE_IPV4;
  if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) return ETHERTYPE_IPV6;
  return undefined;
}

/** The IP packet at `ipOffset`, within the limits, carrying one UDP datagram. */
function readIp(
  bytes: Uint8Array,
  ipOffset: number,
  ethertype: number | undefined,
  limits: Extent,
): UdpDatagram | undefined {
  const ipBytes = bytes.length - ipOffset;
  if (ipBytes < 1) return undefined;
  const version = bytes[ipOffset] >> 4;
  if (version === 4 && (ethertype === ETHERTYPE_IPV4 || ethertype === EITHER_IP))
    return readIpv4(bytes, ipOffset, limits);
  if (version === 6 && (ethertype === ETHERTYPE_IPV6 || ethertype === EITHER_IP))
    return readIpv6(bytes, ipOffset, limits);
  return undefined;
}

/** Where an IP packet of the declared length ends in the record, or undefined if the limits do not allow it. */
function ipEnd(bytes: Uint8Array, ipOffset: number, ipLength: number, limits: Extent): number | undefined {
  const end = ipOffset + ipLength;
  if (end === bytes.length) return end;
  if (end < bytes.length) return limits.trailer ? end : undefined; // padded or trailed
  return limits.cut ? bytes.length : undefined; // cut short
}

function readIpv4(bytes: Uint8Array, ipOffset: number, limits: Extent): UdpDatagram | undefined {
  const headerLength = (bytes[ipOffset] & 0x0f) * 4;
  if (headerLength < 20 || bytes.length < ipOffset + headerLength) return undefined;
  const ipLength = word16(bytes, ipOffset + 2);
  const end = ipEnd(bytes, ipOffset, ipLength, limits);
  if (end === undefined) return undefined;
  if ((word16(bytes, ipOffset + 6) & 0x3fff) !== 0) return undefined; // more fragments, or a fragment offset
  if (bytes[ipOffset + 9] !== IPPROTO_UDP) return undefined;
  return readUdp(
    bytes,
    ipOffset,
    4,
    ipOffset + 12,
    ipOffset + 16,
    bytes[ipOffset + 1] >> 2,
    ipOffset + headerLength,
    ipLength - headerLength,
    end,
  );
}

function readIpv6(bytes: Uint8Array, ipOffset: number, limits: Extent): UdpDatagram | undefined {
  if (bytes.length < ipOffset + IPV6_HEADER_LENGTH) return undefined;
  const payloadLength = word16(bytes, ipOffset + 4);
  const end = ipEnd(bytes, ipOffset, IPV6_HEADER_LENGTH + payloadLength, limits);
  if (end === undefined) return undefined;
  if (bytes[ipOffset + 6] !== IPPROTO_UDP) return undefined; // extension headers included: left to tshark
  return readUdp(
    bytes,
    ipOffset,
    6,
    ipOffset + 8,
    ipOffset + 24,
    ((bytes[ipOffset] & 0x0f) << 2) | (bytes[ipOffset + 1] >> 6),
    ipOffset + IPV6_HEADER_LENGTH,
    payloadLength,
    end,
  );
}

/**
 * The UDP header at `udpOffset`, whose length field must be what the IP header leaves for it (`udpLength`); the
 * record's bytes of the datagram end at `end`.
 */
function readUdp(
  bytes: Uint8Array,
  ipOffset: number,
  ipVersion: 4 | 6,
  sourceOffset: number,
  destinationOffset: number,
  dscp: number,
  udpOffset: number,
  udpLength: number,
  end: number,
): UdpDatagram | undefined {
  if (udpLength < UDP_HEADER_LENGTH || end < udpOffset + UDP_HEADER_LENGTH) return undefined;
  if (word16(bytes, udpOffset + 4) !== udpLength) return undefined;
  return {
    ipVersion,
    ipOffset,
    sourceOffset,
    destinationOffset,
    sourcePort: word16(bytes, udpOffset),
    destinationPort: word16(bytes, udpOffset + 2),
    dscp,
    udpLength,
    payloadOffset: udpOffset + UDP_HEADER_LENGTH,
    payloadLength: end - udpOffset - UDP_HEADER_LENGTH,
  };
}

function uint32LittleEndian(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset + 3] << 24) | (bytes[offset + 2] << 16) | (bytes[offset + 1] << 8) | bytes[offset]) >>> 0;
}
