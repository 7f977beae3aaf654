import { open } from 'node:fs/promises';

/**
 * The first bytes of the formats people capture in (pcap in either byte order, µs or ns; pcapng) and of the
 * compressions wiretap opens them through (gzip, zstd, lz4). Wiretap also recognises dozens of other formats,
 * some by heuristics loose enough to open a text or JSON file as "IxVeriWave" or "JavaScript Object Notation".
 */
const CAPTURE_MAGICS = ['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d', '0a0d0d0a', '1f8b', '28b52ffd', '04224d18'].map(
  (hex) => Buffer.from(hex, 'hex'),
);

/** Whether a file starts as a pcap or pcapng capture does (or as one compressed). */
export async function isPcapFamily(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    const head = buffer.subarray(0, bytesRead);
    return CAPTURE_MAGICS.some((magic) => head.subarray(0, magic.length).equals(magic));
  } finally {
    await file.close();
  }
}
