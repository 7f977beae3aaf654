import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexCapture, RecordReader, type CaptureRecord } from '../../core/records/capture-index.js';
import { temporaryFolder } from '../helpers.js';

/** What a visitor sees of a record, copied (the bytes are a view into the reader's buffer). */
function seen(record: CaptureRecord) {
  const { bytes, ...rest } = record;
  return { ...rest, bytes: [...bytes] };
}

/** A pcapng block: type, length, body padded to 4 bytes, length again (little-endian). */
function block(type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const length = 12 + padded.length;
  const head = Buffer.alloc(8);
  head.writeUInt32LE(type, 0);
  head.writeUInt32LE(length, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(length, 0);
  return Buffer.concat([head, padded, tail]);
}

function option(code: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(code, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function interfaceBlock(linkType: number, options: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(linkType, 0);
  return block(0x1, Buffer.concat([head, ...options, Buffer.alloc(4)]));
}

function enhancedPacket(interfaceId: number, units: bigint, data: number[], originalLength = data.length): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt32LE(interfaceId, 0);
  head.writeUInt32LE(Number(units >> 32n), 4);
  head.writeUInt32LE(Number(units & 0xffffffffn), 8);
  head.writeUInt32LE(data.length, 12);
  head.writeUInt32LE(originalLength, 16);
  return block(0x6, Buffer.concat([head, Buffer.from(data)]));
}

describe('capture records (core/records/capture-index.ts)', function () {
  const folder = temporaryFolder('teamshark-records-');

  it('reads a pcap record’s time, lengths and bytes, in either byte order and resolution', async function () {
    for (const [magic, littleEndian, fraction, nanoseconds] of [
      [0xa1b2c3d4, true, 250_000, 250_000_000],
      [0xa1b23c4d, false, 7, 7],
    ] as const) {
      const write32 = (buffer: Buffer, value: number, at: number) =>
        littleEndian ? buffer.writeUInt32LE(value, at) : buffer.writeUInt32BE(value, at);
      const header = Buffer.alloc(24);
      write32(header, magic, 0);
      write32(header, 1, 20); // Ethernet
      const record = Buffer.alloc(16);
      write32(record, 1_700_000_000, 0);
      write32(record, fraction, 4);
      write32(record, 3, 8);
      write32(record, 60, 12);
      const path = join(folder(), `${magic}.pcap`);
      writeFileSync(path, Buffer.concat([header, record, Buffer.from([1, 2, 3])]));
      const records: ReturnType<typeof seen>[] = [];
      const index = await indexCapture(path, (r) => records.push(seen(r)));
      const expected = {
        frame: 1,
        interfaceId: 0,
        seconds: 1_700_000_000,
        nanoseconds,
        capturedLength: 3,
        originalLength: 60,
        bytes: [1, 2, 3],
      };
      assert.deepEqual(records, [expected]);
      assert.equal(index!.layout.interfaces[0]!.linkType, 1);
      const reader = new RecordReader(path, index!);
      assert.deepEqual(seen(reader.record(1)!), expected);
      reader.close();
    }
  });

  it('reads pcapng times in each interface’s resolution and offset, and counts packets that have no time', async function () {
    const nanosecondsSince2023 = 1_700_000_000_123_456_789n; // past 2^53: read exactly all the same
    const path = join(folder(), 'interfaces.pcapng');
    const section = Buffer.alloc(16);
    section.writeUInt32LE(0x1a2b3c4d, 0);
    section.writeUInt16LE(1, 4);
    section.writeBigInt64LE(-1n, 8);
    const offset = Buffer.alloc(8);
    offset.writeBigInt64LE(100n, 0);
    const simplePacket = Buffer.alloc(4);
    simplePacket.writeUInt32LE(1, 0);
    writeFileSync(
      path,
      Buffer.concat([
        block(0x0a0d0d0a, section),
        interfaceBlock(1, [option(9, Buffer.from([9])), option(14, offset)]), // nanoseconds, +100 s
        interfaceBlock(113, [option(9, Buffer.from([0x8a]))]), // 2^-10 s: no whole number of nanoseconds
        interfaceBlock(101, []), // microseconds by default
        enhancedPacket(0, nanosecondsSince2023, [0xaa]),
        enhancedPacket(1, 1024n, [0xbb]),
        block(0x3, Buffer.concat([simplePacket, Buffer.from([0xcc])])),
        enhancedPacket(2, 1_700_000_000_000_001n, [0xdd, 0xee], 70),
      ]),
    );
    const records: ReturnType<typeof seen>[] = [];
    const index = (await indexCapture(path, (r) => records.push(seen(r))))!;
    assert.equal(index.packets, 4, 'each packet block is a frame');
    assert.equal(index.layout.untimedPackets, 1);
    assert.deepEqual(
      index.layout.interfaces.map((i) => [i.linkType, i.unitsPerSecond, i.offsetSeconds]),
      [
        [1, 1e9, 100],
        [113, undefined, 0],
        [101, 1e6, 0],
      ],
    );
    const expected = [
      {
        frame: 1,
        interfaceId: 0,
        seconds: 1_700_000_100,
        nanoseconds: 123_456_789,
        capturedLength: 1,
        originalLength: 1,
        bytes: [0xaa],
      },
      {
        frame: 4,
        interfaceId: 2,
        seconds: 1_700_000_000,
        nanoseconds: 1000,
        capturedLength: 2,
        originalLength: 70,
        bytes: [0xdd, 0xee],
      },
    ];
    assert.deepEqual(records, expected, 'frames 2 (binary resolution) and 3 (simple packet) are not read');
    const reader = new RecordReader(path, index);
    assert.deepEqual(
      [1, 2, 3, 4].map((frame) => reader.record(frame) && seen(reader.record(frame)!)),
      [expected[0], undefined, undefined, expected[1]],
    );
    reader.close();
  });
});
