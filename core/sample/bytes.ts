/** Big-endian integers as bytes, the way every protocol here writes them. */

export function uint16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value & 0xffff);
  return out;
}

export function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

export function uint16s(values: readonly number[]): Buffer {
  return Buffer.concat(values.map(uint16));
}
