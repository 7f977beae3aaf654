import { open, type FileHandle } from 'node:fs/promises';

/** Where each packet record of a capture file starts, and what a reader needs before a range of them. */
export interface CaptureIndex {
  packets: number;
  /** Byte offset of frame n's record at offsets[n - 1]. */
  offsets: number[];
  size: number;
  /**
   * Blocks a reader needs before any packet: the pcap file header, or pcapng's section header, interface
   * descriptions and other non-packet blocks, in file order.
   */
  headerBlocks: { offset: number; length: number }[];
}

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]); // microsecond, nanosecond timestamps
const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** pcapng blocks that are packets to tshark (each gets a frame number): enhanced, simple, obsolete packet, systemd journal export. */
const PCAPNG_PACKET_BLOCKS = new Set([0x6, 0x3, 0x2, 0x9]);
const READ_SIZE = 4 * 1024 * 1024;

/**
 * Scans a pcap or pcapng file's record headers (the packet bytes are skipped, not parsed). Returns undefined
 * for what it does not cut safely — compressed or other formats, pcapng with several sections, a file cut short
 * or damaged — which is then read in one pass.
 */
export async function indexCapture(path: string): Promise<CaptureIndex | undefined> {
  const file = await open(path, 'r');
  try {
    const reader = new BufferedReader(file, (await file.stat()).size);
    const head = await reader.bytes(0, 8);
    if (!head) return undefined;
    const magic = head.readUInt32LE(0);
    if (PCAP_MAGICS.has(magic)) return await scanPcap(reader, true);
    if (PCAP_MAGICS.has(head.readUInt32BE(0))) return await scanPcap(reader, false);
    if (magic === PCAPNG_SECTION_HEADER) return await scanPcapng(reader);
    return undefined;
  } finally {
    await file.close();
  }
}

async function scanPcap(reader: BufferedReader, littleEndian: boolean): Promise<CaptureIndex | undefined> {
  const offsets: number[] = [];
  let position = 24;
  while (position < reader.size) {
    const header = reader.cached(position, 16) ?? (await reader.bytes(position, 16));
    if (!header) return undefined;
    const captured = littleEndian ? header.readUInt32LE(8) : header.readUInt32BE(8);
    const next = position + 16 + captured;
    if (next > reader.size) return undefined;
    offsets.push(position);
    position = next;
  }
  return { packets: offsets.length, offsets, size: reader.size, headerBlocks: [{ offset: 0, length: 24 }] };
}

async function scanPcapng(reader: BufferedReader): Promise<CaptureIndex | undefined> {
  const offsets: number[] = [];
  const headerBlocks: CaptureIndex['headerBlocks'] = [];
  let littleEndian = true;
  let position = 0;
  while (position < reader.size) {
    const header = reader.cached(position, 12) ?? (await reader.bytes(position, 12));
    if (!header) return undefined;
    let type = header.readUInt32LE(0);
    if (type === PCAPNG_SECTION_HEADER) {
      if (position !== 0) return undefined; // a second section: its interfaces replace the first's
      littleEndian = header.readUInt32LE(8) === PCAPNG_BYTE_ORDER_MAGIC;
      if (!littleEndian && header.readUInt32BE(8) !== PCAPNG_BYTE_ORDER_MAGIC) return undefined;
    } else if (!littleEndian) {
      type = header.readUInt32BE(0);
    }
    const length = littleEndian ? header.readUInt32LE(4) : header.readUInt32BE(4);
    if (length < 12 || length % 4 !== 0 || position + length > reader.size) return undefined;
    if (PCAPNG_PACKET_BLOCKS.has(type)) offsets.push(position);
    else headerBlocks.push({ offset: position, length });
    position += length;
  }
  return { packets: offsets.length, offsets, size: reader.size, headerBlocks };
}

/** Reads small pieces at increasing offsets through one large buffer: a handful of reads per 4 MB of file. */
class BufferedReader {
  private buffer = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  /** The bytes when the buffer holds them already: no promise per record header. */
  cached(offset: number, length: number): Buffer | undefined {
    if (offset < this.start || offset + length > this.start + this.buffer.length) return undefined;
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }

  async bytes(offset: number, length: number): Promise<Buffer | undefined> {
    if (offset + length > this.size) return undefined;
    if (!this.cached(offset, length)) {
      const buffer = Buffer.alloc(Math.max(READ_SIZE, length));
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, offset);
      this.buffer = buffer.subarray(0, bytesRead);
      this.start = offset;
      if (bytesRead < length) return undefined;
    }
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }
}
