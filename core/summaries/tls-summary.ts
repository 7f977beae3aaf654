import { createHash } from 'node:crypto';
import type { ClientFingerprint, NamedCode, TlsHandshake, TlsServer } from '../schema/generated/report.js';
import { isGrease } from '../knowledge/cipher-suites.js';
import { formatEndpoint } from '../model/addressing.js';

const withoutGrease = (codes: NamedCode[]) => codes.filter((c) => !isGrease(c.code));
const codeList = (codes: NamedCode[]) =>
  withoutGrease(codes)
    .map((c) => c.code)
    .join('-');

/**
 * Distinct ClientHellos: tshark's JA3 when it computes one (it already ignores GREASE), else a stable hash
 * of the ordered, GREASE-free offer (version, suites, extensions, groups, signature algorithms).
 */
export function clientFingerprints(handshakes: readonly TlsHandshake[]): ClientFingerprint[] {
  const byFingerprint = new Map<string, ClientFingerprint>();
  for (const h of handshakes) {
    const ch = h.clientHello;
    if (!ch) continue;
    const offer = [
      ch.legacyVersion.code,
      codeList(ch.cipherSuites),
      codeList(ch.extensions),
      codeList(ch.supportedGroups),
      codeList(ch.signatureAlgorithms),
      codeList(ch.supportedVersions),
    ].join(',');
    const fingerprint = ch.ja3 ?? createHash('sha256').update(offer).digest('hex').slice(0, 32);
    let entry = byFingerprint.get(fingerprint);
    if (!entry) {
      entry = {
        fingerprint,
        handshakes: 0,
        snis: [],
        cipherSuites: withoutGrease(ch.cipherSuites),
        greaseValues: [ch.cipherSuites, ch.extensions, ch.supportedGroups, ch.supportedVersions]
          .flat()
          .filter((c) => isGrease(c.code)).length,
        extensions: withoutGrease(ch.extensions),
        supportedGroups: withoutGrease(ch.supportedGroups),
        signatureAlgorithms: ch.signatureAlgorithms,
        supportedVersions: withoutGrease(ch.supportedVersions),
        frames: [],
      };
      if (ch.ja3) entry.ja3 = ch.ja3;
      byFingerprint.set(fingerprint, entry);
    }
    entry.handshakes++;
    if (ch.sni && !entry.snis.includes(ch.sni)) entry.snis.push(ch.sni);
    if (entry.frames.length < 20) entry.frames.push(ch.frame);
  }
  return [...byFingerprint.values()].sort((a, b) => b.handshakes - a.handshakes);
}

/** Per server: the names asked for, the versions and suites it chose, and the chain it showed. */
export function tlsServers(handshakes: readonly TlsHandshake[]): TlsServer[] {
  const byServer = new Map<string, TlsServer>();
  for (const h of handshakes) {
    if (!h.serverHello) continue;
    const key = `${h.protocol}|${formatEndpoint(h.server)}`;
    let server = byServer.get(key);
    if (!server)
      byServer.set(
        key,
        (server = { server: h.server, snis: [], handshakes: 0, versions: [], cipherSuites: [], frames: [] }),
      );
    server.handshakes++;
    if (h.clientHello?.sni && !server.snis.includes(h.clientHello.sni)) server.snis.push(h.clientHello.sni);
    if (!server.versions.some((v) => v.code === h.serverHello!.version.code))
      server.versions.push(h.serverHello.version);
    if (!server.cipherSuites.some((c) => c.code === h.serverHello!.cipherSuite.code))
      server.cipherSuites.push(h.serverHello.cipherSuite);
    if (server.frames.length < 20) server.frames.push(h.serverHello.frame);
    if (!server.certificateChain && h.certificates.length) {
      server.certificateChain = h.certificates.map((c) => {
        const organization = /(?:^|, )O=([^,]+)/.exec(c.issuer)?.[1];
        const link: NonNullable<TlsServer['certificateChain']>[number] = {
          subject: c.subject,
          issuer: c.issuer,
          notBefore: c.notBefore,
          notAfter: c.notAfter,
          validityDays: Math.round((Date.parse(c.notAfter) - Date.parse(c.notBefore)) / 86_400_000),
          selfSigned: c.subject === c.issuer,
        };
        if (c.subjectCommonName) link.subjectCommonName = c.subjectCommonName;
        if (c.issuerCommonName) link.issuerCommonName = c.issuerCommonName;
        if (organization) link.issuerOrganization = organization;
        return link;
      });
    }
  }
  return [...byServer.values()];
}
