/**
 * Capture files and packets built byte by byte: the odd structures (pcapng blocks of unknown types, bad
 * lengths, a 64 KiB frame) and the crafted packets (hostile DNS names, SNIs, certificates) that no real
 * capture holds. Little-endian throughout, as most writers produce.
 */

const LINKTYPE_ETHERNET = 1;

/** A pcap file: the 24-byte header, then one record (16-byte header + bytes) per packet. */
export function pcapFile(
  packets: readonly Buffer[],
  { linkType = LINKTYPE_ETHERNET, snapLength = 262_144 } = {},
): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snapLength, 16);
  header.writeUInt32LE(linkType, 20);
  const records = packets.map((packet, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + i, 0);
    record.writeUInt32LE(1000 * i, 4);
    record.writeUInt32LE(packet.length, 8);
    record.writeUInt32LE(packet.length, 12);
    return Buffer.concat([record, packet]);
  });
  return Buffer.concat([header, ...records]);
}

/** A pcapng block: type, total length, body padded to 4 bytes, total length again. */
export function pcapngBlock(type: number, body: Buffer, totalLength?: number): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const length = totalLength ?? padded.length + 12;
  const head = Buffer.alloc(8);
  head.writeUInt32LE(type, 0);
  head.writeUInt32LE(length >>> 0, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(length >>> 0, 0);
  return Buffer.concat([head, padded, tail]);
}

/** pcapng options: code, length, value padded to 4 bytes; closed by opt_endofopt. */
export function pcapngOptions(options: readonly { code: number; value: Buffer }[]): Buffer {
  const parts = options.map(({ code, value }) => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(value.length, 2);
    return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  });
  return Buffer.concat([...parts, Buffer.alloc(4)]);
}

export const BLOCK = {
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  nameResolution: 0x00000004,
  enhancedPacket: 0x00000006,
  decryptionSecrets: 0x0000000a,
  customCopiable: 0x00000bad,
  customNotCopiable: 0x40000bad,
} as const;

export function sectionHeaderBlock(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeBigInt64LE(-1n, 8); // section length unknown
  return pcapngBlock(BLOCK.sectionHeader, body);
}

export function interfaceBlock(linkType = LINKTYPE_ETHERNET): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(262_144, 4);
  return pcapngBlock(BLOCK.interfaceDescription, body);
}

export function enhancedPacketBlock(
  packet: Buffer,
  {
    interfaceId = 0,
    capturedLength = packet.length,
    options = Buffer.alloc(0),
  }: { interfaceId?: number; capturedLength?: number; options?: Buffer } = {},
): Buffer {
  const body = Buffer.alloc(20);
  body.writeUInt32LE(interfaceId, 0);
  body.writeUInt32LE(0x00060000, 4);
  body.writeUInt32LE(0, 8);
  body.writeUInt32LE(capturedLength, 12);
  body.writeUInt32LE(packet.length, 16);
  const data = Buffer.concat([packet, Buffer.alloc((4 - (packet.length % 4)) % 4)]);
  return pcapngBlock(BLOCK.enhancedPacket, Buffer.concat([body, data, options]));
}

/** Byte offsets where each pcap record or pcapng block ends (the file header's end first). */
export function recordBoundaries(file: Buffer): number[] {
  const boundaries: number[] = [];
  if (file.readUInt32LE(0) === BLOCK.sectionHeader) {
    for (let at = 0; at + 8 <= file.length;) {
      const length = file.readUInt32LE(at + 4);
      if (length < 12) break;
      at += length;
      boundaries.push(at);
    }
  } else {
    for (let at = 24; at <= file.length; at += 16 + file.readUInt32LE(at + 8)) {
      boundaries.push(at);
      if (at + 16 > file.length) break;
    }
  }
  return boundaries.filter((at) => at <= file.length);
}

// --- packets: Ethernet / IPv4 / UDP / TCP -----------------------------------------------------------

export function ethernet(payload: Buffer, etherType = 0x0800): Buffer {
  const header = Buffer.from('020000000001' + '020000000002' + '0000', 'hex'); // destination, source, type
  header.writeUInt16BE(etherType, 12);
  return Buffer.concat([header, payload]);
}

export function ipv4(source: string, destination: string, protocol: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt8(0x45, 0);
  header.writeUInt16BE(Math.min(0xffff, 20 + payload.length), 2); // saturates for the oversized frames of the corpus
  header.writeUInt8(64, 8);
  header.writeUInt8(protocol, 9);
  Buffer.from(source.split('.').map(Number)).copy(header, 12);
  Buffer.from(destination.split('.').map(Number)).copy(header, 16);
  header.writeUInt16BE(internetChecksum(header), 10);
  return Buffer.concat([header, payload]);
}

/** UDP with checksum 0 ("not computed"), which IPv4 allows. */
export function udp(sourcePort: number, destinationPort: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(sourcePort, 0);
  header.writeUInt16BE(destinationPort, 2);
  header.writeUInt16BE(Math.min(0xffff, 8 + payload.length), 4);
  return Buffer.concat([header, payload]);
}

/** A TCP segment with PSH+ACK; tshark does not check TCP checksums by default. */
export function tcp(
  sourcePort: number,
  destinationPort: number,
  sequence: number,
  acknowledgement: number,
  payload: Buffer,
): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(sourcePort, 0);
  header.writeUInt16BE(destinationPort, 2);
  header.writeUInt32BE(sequence >>> 0, 4);
  header.writeUInt32BE(acknowledgement >>> 0, 8);
  header.writeUInt8(5 << 4, 12);
  header.writeUInt8(0x18, 13);
  header.writeUInt16BE(65_535, 14);
  return Buffer.concat([header, payload]);
}

function internetChecksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A length-prefixed field: 1, 2 or 3 big-endian length bytes, then the bytes (TLS vectors). */
export function vector(lengthBytes: 1 | 2 | 3, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const length = Buffer.alloc(lengthBytes);
  length.writeUIntBE(body.length, 0, lengthBytes);
  return Buffer.concat([length, body]);
}
