import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Where each packet record of a capture file starts, what a reader needs before a range of them, and how they read. */
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
  layout: RecordLayout;
}

/** How the records' headers read: the file's format, byte order and interfaces (pcap has one, the file's). */
export interface RecordLayout {
  format: 'pcap' | 'pcapng';
  littleEndian: boolean;
  interfaces: CaptureInterface[];
  /** pcapng blocks that are packets without a time of their own (simple packet blocks). */
  untimedPackets: number;
}

export interface CaptureInterface {
  /** LINKTYPE_* number; -1 for a pcap link-type field with flags this reader does not read (an FCS length). */
  linkType: number;
  /** Timestamp units per second (10^k, k ≤ 9); undefined for a resolution tshark's nanoseconds do not hold exactly. */
  unitsPerSecond: number | undefined;
  /** pcapng's if_tsoffset: seconds added to every timestamp. */
  offsetSeconds: number;
}

/** One packet record as the capture stores it: its interface, time, lengths and bytes. */
export interface CaptureRecord {
  frame: number;
  interfaceId: number;
  seconds: number;
  nanoseconds: number;
  capturedLength: number;
  originalLength: number;
  /** A view into the reader's buffer: valid until the next record is read. */
  bytes: Buffer;
}

const PCAP_MICROSECONDS = 0xa1b2c3d4;
const PCAP_NANOSECONDS = 0xa1b23c4d;
const PCAP_FILE_HEADER_BYTES = 24;
const PCAP_RECORD_HEADER_BYTES = 16;
const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_INTERFACE_DESCRIPTION = 0x1;
const PCAPNG_ENHANCED_PACKET = 0x6;
const PCAPNG_SIMPLE_PACKET = 0x3;
/** pcapng blocks that are packets to tshark (each gets a frame number): enhanced, simple, obsolete packet, systemd journal export. */
const PCAPNG_PACKET_BLOCKS = new Set([PCAPNG_ENHANCED_PACKET, PCAPNG_SIMPLE_PACKET, 0x2, 0x9]);
/** pcapng interface options (draft-ietf-opsawg-pcapng §4.2). */
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const MICROSECONDS = 1_000_000;
const READ_SIZE = 4 * 1024 * 1024;

/** Called for each packet the scan reads whole: pcap records and pcapng enhanced packet blocks. */
export type RecordVisitor = (record: CaptureRecord, layout: RecordLayout) => void;

/**
 * Scans a pcap or pcapng file's records, handing each packet to visit when one is given (otherwise the packet
 * bytes are skipped, not read). Returns undefined for what it does not cut safely — compressed or other formats,
 * pcapng with several sections, a file cut short or damaged — which is then read in one pass.
 */
export async function indexCapture(path: string, visit?: RecordVisitor): Promise<CaptureIndex | undefined> {
  const file = await open(path, 'r');
  try {
    const reader = new BufferedReader(file, (await file.stat()).size);
    const head = await reader.bytes(0, PCAP_FILE_HEADER_BYTES);
    if (!head) return undefined;
    const magic = head.readUInt32LE(0);
    if (magic === PCAP_MICROSECONDS || magic === PCAP_NANOSECONDS) return await scanPcap(reader, true, visit);
    const bigEndian = head.readUInt32BE(0);
    if (bigEndian === PCAP_MICROSECONDS || bigEndian === PCAP_NANOSECONDS) return await scanPcap(reader, false, visit);
    if (magic === PCAPNG_SECTION_HEADER) return await scanPcapng(reader, visit);
    return undefined;
  } finally {
    await file.close();
  }
}

async function scanPcap(
  reader: BufferedReader,
  littleEndian: boolean,
  visit: RecordVisitor | undefined,
): Promise<CaptureIndex | undefined> {
  const head = (await reader.bytes(0, PCAP_FILE_HEADER_BYTES))!;
  const read32 = (buffer: Buffer, at: number) => (littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at));
  const network = read32(head, 20);
  const layout: RecordLayout = {
    format: 'pcap',
    littleEndian,
    interfaces: [
      {
        // The upper bits hold an FCS length and flags: records then end in a checksum the reader does not expect.
        linkType: network >>> 16 === 0 ? network : -1,
        unitsPerSecond: read32(head, 0) === PCAP_NANOSECONDS ? 1e9 : MICROSECONDS,
        offsetSeconds: 0,
      },
    ],
    untimedPackets: 0,
  };
  const offsets: number[] = [];
  let position = PCAP_FILE_HEADER_BYTES;
  while (position < reader.size) {
    const header =
      reader.cached(position, PCAP_RECORD_HEADER_BYTES) ?? (await reader.bytes(position, PCAP_RECORD_HEADER_BYTES));
    if (!header) return undefined;
    const length = PCAP_RECORD_HEADER_BYTES + read32(header, 8);
    const next = position + length;
    if (next > reader.size) return undefined;
    offsets.push(position);
    if (visit) {
      const record = reader.cached(position, length) ?? (await reader.bytes(position, length))!;
      visit(pcapRecord(layout, offsets.length, record), layout);
    }
    position = next;
  }
  return { packets: offsets.length, offsets, size: reader.size, headerBlocks: [{ offset: 0, length: 24 }], layout };
}

async function scanPcapng(reader: BufferedReader, visit: RecordVisitor | undefined): Promise<CaptureIndex | undefined> {
  const offsets: number[] = [];
  const headerBlocks: CaptureIndex['headerBlocks'] = [];
  const layout: RecordLayout = { format: 'pcapng', littleEndian: true, interfaces: [], untimedPackets: 0 };
  let position = 0;
  while (position < reader.size) {
    const header = reader.cached(position, 12) ?? (await reader.bytes(position, 12));
    if (!header) return undefined;
    let type = header.readUInt32LE(0);
    if (type === PCAPNG_SECTION_HEADER) {
      if (position !== 0) return undefined; // a second section: its interfaces replace the first's
      layout.littleEndian = header.readUInt32LE(8) === PCAPNG_BYTE_ORDER_MAGIC;
      if (!layout.littleEndian && header.readUInt32BE(8) !== PCAPNG_BYTE_ORDER_MAGIC) return undefined;
    } else if (!layout.littleEndian) {
      type = header.readUInt32BE(0);
    }
    const length = layout.littleEndian ? header.readUInt32LE(4) : header.readUInt32BE(4);
    if (length < 12 || length % 4 !== 0 || position + length > reader.size) return undefined;
    if (PCAPNG_PACKET_BLOCKS.has(type)) {
      offsets.push(position);
      if (type === PCAPNG_SIMPLE_PACKET) layout.untimedPackets++;
      if (visit && type === PCAPNG_ENHANCED_PACKET) {
        const block = reader.cached(position, length) ?? (await reader.bytes(position, length))!;
        const record = enhancedPacket(layout, offsets.length, block);
        if (record) visit(record, layout);
      }
    } else {
      headerBlocks.push({ offset: position, length });
      if (type === PCAPNG_INTERFACE_DESCRIPTION) {
        const block = reader.cached(position, length) ?? (await reader.bytes(position, length))!;
        layout.interfaces.push(interfaceDescription(block, layout.littleEndian));
      }
    }
    position += length;
  }
  return { packets: offsets.length, offsets, size: reader.size, headerBlocks, layout };
}

/** An interface description block's link type and timestamp resolution and offset. */
function interfaceDescription(block: Buffer, littleEndian: boolean): CaptureInterface {
  const read16 = (at: number) => (littleEndian ? block.readUInt16LE(at) : block.readUInt16BE(at));
  const description: CaptureInterface = { linkType: read16(8), unitsPerSecond: MICROSECONDS, offsetSeconds: 0 };
  const end = block.length - 4; // the trailing copy of the block length
  for (let at = 16; at + 4 <= end;) {
    const code = read16(at);
    const length = read16(at + 2);
    if (code === 0 || at + 4 + length > end) break;
    if (code === IF_TSRESOL && length >= 1) {
      const resolution = block[at + 4]!;
      // A power of two, or a power of ten finer than nanoseconds: not a whole number of tshark's nanoseconds.
      description.unitsPerSecond = resolution & 0x80 || resolution > 9 ? undefined : 10 ** resolution;
    } else if (code === IF_TSOFFSET && length >= 8) {
      description.offsetSeconds = Number(littleEndian ? block.readBigInt64LE(at + 4) : block.readBigInt64BE(at + 4));
    }
    at += 4 + ((length + 3) & ~3);
  }
  return description;
}

/** The pcap record at `start` of `buffer` (its header, then its bytes). */
function pcapRecord(layout: RecordLayout, frame: number, buffer: Buffer, start = 0): CaptureRecord {
  const read32 = (at: number) =>
    layout.littleEndian ? buffer.readUInt32LE(start + at) : buffer.readUInt32BE(start + at);
  const fraction = read32(4);
  const captured = read32(8);
  return {
    frame,
    interfaceId: 0,
    seconds: read32(0),
    nanoseconds: layout.interfaces[0]!.unitsPerSecond === MICROSECONDS ? fraction * 1000 : fraction,
    capturedLength: captured,
    originalLength: read32(12),
    bytes: buffer.subarray(start + PCAP_RECORD_HEADER_BYTES, start + PCAP_RECORD_HEADER_BYTES + captured),
  };
}

/**
 * The enhanced packet block of `length` bytes at `start` of `buffer` as a record (a view, not a copy: a record per
 * packet of a large capture); undefined when its interface or lengths make no sense.
 */
function enhancedPacket(
  layout: RecordLayout,
  frame: number,
  buffer: Buffer,
  start = 0,
  length = buffer.length,
): CaptureRecord | undefined {
  const read32 = (at: number) =>
    layout.littleEndian ? buffer.readUInt32LE(start + at) : buffer.readUInt32BE(start + at);
  const interfaceId = read32(8);
  const captured = read32(20);
  const description = layout.interfaces[interfaceId];
  if (!description?.unitsPerSecond || 28 + captured > length - 4) return undefined;
  const time = timeOf(read32(12), read32(16), description.unitsPerSecond);
  return {
    frame,
    interfaceId,
    seconds: time.seconds + description.offsetSeconds,
    nanoseconds: time.nanoseconds,
    capturedLength: captured,
    originalLength: read32(24),
    bytes: buffer.subarray(start + 28, start + 28 + captured),
  };
}

/** A 64-bit count of units as seconds and nanoseconds: in doubles while exact (2^53), else in BigInt. */
function timeOf(high: number, low: number, unitsPerSecond: number): { seconds: number; nanoseconds: number } {
  const scale = 1e9 / unitsPerSecond;
  if (high < 0x200000) {
    const units = high * 0x100000000 + low;
    const seconds = Math.floor(units / unitsPerSecond);
    return { seconds, nanoseconds: (units - seconds * unitsPerSecond) * scale };
  }
  const units = (BigInt(high) << 32n) | BigInt(low);
  const per = BigInt(unitsPerSecond);
  return { seconds: Number(units / per), nanoseconds: Number(units % per) * scale };
}

/**
 * Reads records of an indexed capture by frame number, synchronously, through one large window: the frames asked
 * for come in increasing order, so a window serves thousands of them.
 */
export class RecordReader {
  private readonly fd: number;
  /** The memory every window is read into: reused, since a record's bytes are valid only until the next read. */
  private storage = Buffer.alloc(0);
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    path: string,
    private readonly index: CaptureIndex,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** The frame's record; undefined for a block that is not a pcap record or enhanced packet, or cannot be read. */
  record(frame: number): CaptureRecord | undefined {
    const offset = this.index.offsets[frame - 1]!;
    const end = frame < this.index.packets ? this.index.offsets[frame]! : this.index.size;
    const start = this.load(offset, end - offset);
    if (start === undefined) return undefined;
    const { layout } = this.index;
    const window = this.window;
    if (layout.format === 'pcap') return pcapRecord(layout, frame, window, start);
    const type = layout.littleEndian ? window.readUInt32LE(start) : window.readUInt32BE(start);
    const length = layout.littleEndian ? window.readUInt32LE(start + 4) : window.readUInt32BE(start + 4);
    return type === PCAPNG_ENHANCED_PACKET
      ? enhancedPacket(layout, frame, window, start, Math.min(length, end - offset))
      : undefined;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Makes the window hold the bytes at offset…offset + length; returns where they start in it. */
  private load(offset: number, length: number): number | undefined {
    if (offset < this.windowStart || offset + length > this.windowStart + this.window.length) {
      this.storage = readBuffer(this.storage, length);
      const read = readSync(this.fd, this.storage, 0, this.storage.length, offset);
      this.window = this.storage.subarray(0, read);
      this.windowStart = offset;
      if (read < length) return undefined;
    }
    return offset - this.windowStart;
  }
}

/** The buffer to read `length` bytes or more into: the reader's own, unless it is too small (a record over 4 MB). */
function readBuffer(current: Buffer<ArrayBuffer>, length: number): Buffer<ArrayBuffer> {
  const size = Math.max(READ_SIZE, length);
  return current.length >= size ? current : Buffer.allocUnsafe(size);
}

/** Reads small pieces at increasing offsets through one large buffer: a handful of reads per 4 MB of file. */
class BufferedReader {
  /** Reused for every read: what `bytes` and `cached` return is valid only until the next read. */
  private storage = Buffer.alloc(0);
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
      this.storage = readBuffer(this.storage, length);
      const { bytesRead } = await this.file.read(this.storage, 0, this.storage.length, offset);
      this.buffer = this.storage.subarray(0, bytesRead);
      this.start = offset;
      if (bytesRead < length) return undefined;
    }
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }
}
