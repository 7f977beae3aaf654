/** pcapng (IETF draft-ietf-opsawg-pcapng): one section, its interfaces, one Enhanced Packet Block per packet. */

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;

export interface PcapngInterface {
  linkType: number;
  name: string;
  description?: string;
  /** Timestamp unit: microseconds (the default) or nanoseconds. */
  resolution: 'us' | 'ns';
}

export interface PcapngPacket {
  interfaceId: number;
  /** Nanoseconds since the Unix epoch; written in the interface's resolution. */
  timeNs: bigint;
  data: Buffer;
}

const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
const BLOCK_ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPTION_END = 0;
const OPTION_COMMENT = 1;
const SHB_USER_APPLICATION = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const SNAP_LENGTH = 262144;

/** A pcapng file, little-endian, with the given interfaces and packets (in the order given). */
export function encodePcapng(
  interfaces: readonly PcapngInterface[],
  packets: readonly PcapngPacket[],
  application: string,
  comment?: string,
): Buffer {
  const blocks: Buffer[] = [sectionHeader(application, comment)];
  for (const description of interfaces) blocks.push(interfaceDescription(description));
  for (const packet of packets) {
    const description = interfaces[packet.interfaceId];
    if (!description) throw new Error(`packet on interface ${packet.interfaceId}, which is not described`);
    blocks.push(enhancedPacket(packet, description.resolution));
  }
  return Buffer.concat(blocks);
}

function sectionHeader(application: string, comment: string | undefined): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeBigInt64LE(-1n, 8); // section length not specified
  const options: [number, Buffer][] = [[SHB_USER_APPLICATION, Buffer.from(application)]];
  if (comment) options.unshift([OPTION_COMMENT, Buffer.from(comment)]);
  return block(BLOCK_SECTION_HEADER, Buffer.concat([body, encodeOptions(options)]));
}

function interfaceDescription({ linkType, name, description, resolution }: PcapngInterface): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(SNAP_LENGTH, 4);
  const options: [number, Buffer][] = [[IF_NAME, Buffer.from(name)]];
  if (description) options.push([IF_DESCRIPTION, Buffer.from(description)]);
  options.push([IF_TSRESOL, Buffer.from([resolution === 'ns' ? 9 : 6])]);
  return block(BLOCK_INTERFACE_DESCRIPTION, Buffer.concat([body, encodeOptions(options)]));
}

function enhancedPacket({ interfaceId, timeNs, data }: PcapngPacket, resolution: 'us' | 'ns'): Buffer {
  const ticks = resolution === 'ns' ? timeNs : timeNs / 1000n;
  const header = Buffer.alloc(20);
  header.writeUInt32LE(interfaceId, 0);
  header.writeUInt32LE(Number(ticks >> 32n), 4);
  header.writeUInt32LE(Number(ticks & 0xffffffffn), 8);
  header.writeUInt32LE(data.length, 12);
  header.writeUInt32LE(data.length, 16);
  return block(BLOCK_ENHANCED_PACKET, Buffer.concat([header, padded(data)]));
}

function block(type: number, body: Buffer): Buffer {
  const total = body.length + 12;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

function encodeOptions(options: readonly [number, Buffer][]): Buffer {
  const parts = options.map(([code, value]) => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(code, 0);
    head.writeUInt16LE(value.length, 2);
    return Buffer.concat([head, padded(value)]);
  });
  const end = Buffer.alloc(4);
  end.writeUInt16LE(OPTION_END, 0);
  return Buffer.concat([...parts, end]);
}

function padded(data: Buffer): Buffer {
  const padding = (4 - (data.length % 4)) % 4;
  return padding ? Buffer.concat([data, Buffer.alloc(padding)]) : data;
}
