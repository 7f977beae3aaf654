import { checkPrimeSync } from 'node:crypto';
import forge from 'node-forge';
import type { SeededRandom } from './random.js';

/**
 * RSA key pairs from a seeded generator: node-forge's own key generation is deterministic with a seeded PRNG
 * but takes seconds for 2048 bits in pure JavaScript. Here the seed picks where the search starts, a sieve
 * skips multiples of small primes, and OpenSSL's Miller-Rabin test (checkPrimeSync) decides: its random
 * witnesses cannot change the answer for a prime, and a composite passes with probability below 2^-128, so
 * the key follows the seed.
 */

const PUBLIC_EXPONENT = 65537n;
const SMALL_PRIMES = (() => {
  const primes: number[] = [];
  for (let n = 3; primes.length < 2000; n += 2) if (primes.every((p) => p * p > n || n % p)) primes.push(n);
  return primes;
})();

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
    privateKey: forge.pki.setRsaPrivateKey(
      big(n),
      big(PUBLIC_EXPONENT),
      big(d),
      big(p),
      big(q),
      big(d % (p - 1n)),
      big(d % (q - 1n)),
      big(modInverse(q, p)),
    ),
  };
}

/** A prime of exactly `bits` bits (top two set, so p·q has all its bits) with gcd(e, p - 1) = 1. */
function prime(random: SeededRandom, bits: number): bigint {
  let candidate = random.bigint(bits) | (3n << BigInt(bits - 2)) | 1n;
  const residues = SMALL_PRIMES.map((p) => Number(candidate % BigInt(p)));
  for (;;) {
    if (residues.every((r) => r !== 0) && (candidate - 1n) % PUBLIC_EXPONENT !== 0n && checkPrimeSync(candidate))
      return candidate;
    candidate += 2n;
    residues.forEach((r, i) => (residues[i] = (r + 2) % SMALL_PRIMES[i]!));
  }
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
