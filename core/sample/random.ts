/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through SplitMix32): the same seed writes the same
 * capture, byte for byte. Every random choice in a sample goes through it, never Math.random or
 * crypto.randomBytes.
 */
export class SeededRandom {
  private readonly state: Uint32Array;

  constructor(seed: number | string) {
    let x = typeof seed === 'number' ? seed >>> 0 : hashText(seed);
    const next = () => {
      // SplitMix32 spreads a small seed over the whole state.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.state = Uint32Array.from([next(), next(), next(), next()]);
  }

  /** An independent generator for one part of a scenario: changing one part does not shift another's bytes. */
  fork(label: string): SeededRandom {
    return new SeededRandom((this.uint32() ^ hashText(label)) >>> 0);
  }

  uint32(): number {
    const s = this.state;
    let [s0, s1, s2, s3] = [s[0]!, s[1]!, s[2]!, s[3]!];
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3 >>> 0, 11);
    s.set([s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0]);
    return result;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.uint32() / 0x100000000;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 4) {
      const word = this.uint32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** A non-negative integer of exactly `bits` random bits. */
  bigint(bits: number): bigint {
    return BigInt(`0x${this.bytes(Math.ceil(bits / 8)).toString('hex')}`) & ((1n << BigInt(bits)) - 1n);
  }
}

function rotl(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** FNV-1a: a label or a seed given as text becomes a 32-bit number. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}
