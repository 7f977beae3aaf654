import type { TlsHandshake } from '../schema/generated/report.js';

/**
 * The handshakes that are TLS: a media relay's pseudo-TLS (TlsHandshake.pseudoTls: MS-TURN in TLS 1.0 framing
 * with an anonymous RC4 suite) is not, and belongs in no TLS statistic, finding or verdict.
 */
export function tlsHandshakes(handshakes: readonly TlsHandshake[]): TlsHandshake[] {
  return handshakes.filter((h) => !h.pseudoTls);
}
