import forge from 'node-forge';
import type { SeededRandom } from './random.js';

/**
 * RSA key pairs from a seeded generator: node-forge's own key generation is deterministic with a seeded PRNG
 * but takes seconds for 2048 bits in pure JavaScript; BigInt primes (sieve + Miller-Rabin) take a fraction.
 */

const PUBLIC_EXPONENT = 65537n;
const SMALL_PRIMES = (() => {
  const primes: number[] = [];
  for (let n = 3; primes.length < 2000; n += 2) if (primes.every((p) => p * p > n || n % p)) primes.push(n);
  return primes;
})();
const WITNESSES = [2n, 3n, 5n, 7n, 11n, 13n, 17n];

export function generateRsaKeyPair(random: SeededRandom, bits = 2048): forge.pki.rsa.KeyPair {
  let p: bigint;
  let q: bigint;
  do {
    p = prime(random, bits / 2);
    q = prime(random, bits / 2);
  } while (p === q);
  const n = p * q;
  const d = modInverse(PUBLIC_EXPONENT, (p - 1n) * (q - 1n));
  const big = (value: bigint) => new forge.jsbn.BigInteger(value.toString(16), 16);
  return {
    publicKey: forge.pki.setRsaPublicKey(big(n), big(PUBLIC_EXPONENT)),
    privateKey: forge.pki.setRsaPrivateKey(big(n), big(PUBLIC_EXPONENT), big(d), big(p), big(q), big(d % (p - 1n)), big(d % (q - 1n)), big(modInverse(q, p))),
  };
}

/** A prime of exactly `bits` bits (top two set, so p·q has all its bits) with gcd(e, p - 1) = 1. */
function prime(random: SeededRandom, bits: number): bigint {
  let candidate = random.bigint(bits) | (3n << BigInt(bits - 2)) | 1n;
  const residues = SMALL_PRIMES.map((p) => Number(candidate % BigInt(p)));
  for (;;) {
    if (residues.every((r) => r !== 0) && (candidate - 1n) % PUBLIC_EXPONENT !== 0n && isProbablePrime(candidate)) return candidate;
    candidate += 2n;
    residues.forEach((r, i) => (residues[i] = (r + 2) % SMALL_PRIMES[i]!));
  }
}

function isProbablePrime(n: bigint): boolean {
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  witnesses: for (const a of WITNESSES) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < r; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witnesses;
    }
    return false;
  }
  return true;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return ((oldS % m) + m) % m;
}
