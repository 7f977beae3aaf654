import { createCipheriv, createHash, createHmac } from 'node:crypto';

/**
 * Record protection for the sample's TLS 1.2 AES-GCM sessions (RFC 5246 §6.3, RFC 5288), so that their
 * application data really decrypts with the key log the sample writes (NSS key log format: CLIENT_RANDOM).
 * The master secret is derived from the two hello randoms, not drawn from the random stream: the bytes of
 * every other packet stay what they were.
 */
const AEAD_SUITES: Readonly<Record<number, { keyBytes: number; hash: 'sha256' | 'sha384' }>> = {
  0x009c: { keyBytes: 16, hash: 'sha256' },
  0x009d: { keyBytes: 32, hash: 'sha384' },
  0xc02b: { keyBytes: 16, hash: 'sha256' },
  0xc02c: { keyBytes: 32, hash: 'sha384' },
  0xc02f: { keyBytes: 16, hash: 'sha256' },
  0xc030: { keyBytes: 32, hash: 'sha384' },
};

/** GCM's explicit nonce and tag: what protection adds to each record (the sample's AEAD overhead). */
export const GCM_RECORD_OVERHEAD = 8 + 16;

export function isGcmSuite(suite: number): boolean {
  return suite in AEAD_SUITES;
}

/** One direction's protection: key, implicit nonce (salt) and the record sequence number. */
export class RecordProtection {
  private sequence = 0n;

  constructor(
    private readonly key: Buffer,
    private readonly salt: Buffer,
  ) {}

  /** The protected fragment of one record: explicit nonce (the sequence number), ciphertext, tag. */
  seal(contentType: number, version: number, plaintext: Buffer): Buffer {
    const explicit = Buffer.alloc(8);
    explicit.writeBigUInt64BE(this.sequence);
    const aad = Buffer.alloc(13);
    aad.writeBigUInt64BE(this.sequence, 0);
    aad.writeUInt8(contentType, 8);
    aad.writeUInt16BE(version, 9);
    aad.writeUInt16BE(plaintext.length, 11);
    this.sequence++;
    const cipher = createCipheriv(
      this.key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm',
      this.key,
      Buffer.concat([this.salt, explicit]),
    );
    cipher.setAAD(aad);
    return Buffer.concat([explicit, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }
}

export interface SessionKeys {
  client: RecordProtection;
  server: RecordProtection;
  /** The key log line tshark (or Wireshark) decrypts the session with. */
  keylogLine: string;
}

/** The keys of a TLS 1.2 session with a GCM suite, or undefined for any other suite. */
export function tls12Keys(suite: number, clientRandom: Buffer, serverRandom: Buffer): SessionKeys | undefined {
  const parameters = AEAD_SUITES[suite];
  if (!parameters) return undefined;
  const masterSecret = createHash('sha384')
    .update('teamshark sample master secret')
    .update(clientRandom)
    .update(serverRandom)
    .digest();
  const block = prf(
    parameters.hash,
    masterSecret,
    'key expansion',
    Buffer.concat([serverRandom, clientRandom]),
    2 * parameters.keyBytes + 8,
  );
  const k = parameters.keyBytes;
  return {
    client: new RecordProtection(block.subarray(0, k), block.subarray(2 * k, 2 * k + 4)),
    server: new RecordProtection(block.subarray(k, 2 * k), block.subarray(2 * k + 4, 2 * k + 8)),
    keylogLine: `CLIENT_RANDOM ${clientRandom.toString('hex')} ${masterSecret.toString('hex')}`,
  };
}

/** TLS 1.2's PRF: P_hash(secret, label + seed) (RFC 5246 §5). */
function prf(hash: string, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelled = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const out: Buffer[] = [];
  let a = labelled;
  let size = 0;
  while (size < length) {
    a = createHmac(hash, secret).update(a).digest();
    const chunk = createHmac(hash, secret)
      .update(Buffer.concat([a, labelled]))
      .digest();
    out.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(out).subarray(0, length);
}
