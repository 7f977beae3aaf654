import ipaddr from 'ipaddr.js';
import type { Report, TlsHandshake } from '../schema/generated/report.js';
import type { TlsParameter } from '../knowledge/tls-parameters.js';

/** A report the note is linked to, and the name the note knows its capture by (e.g. 'call.pcapng'). */
export interface LinkedReport {
  label: string;
  report: Report;
}

export function sortedFrames(frames: Iterable<number | undefined>): number[] {
  return [...new Set([...frames].filter((f): f is number => f !== undefined))].sort((a, b) => a - b);
}

/** Handshakes of one server, named by SNI (or a certificate name when no SNI was sent) or by address. */
export function handshakesWith(report: Report, server: { name?: string; ip?: string }): TlsHandshake[] {
  const name = server.name?.toLowerCase();
  return report.tls.handshakes.filter((h) =>
    name
      ? h.clientHello?.sni?.toLowerCase() === name ||
        (!h.clientHello?.sni && h.certificates.some((c) => c.position === 0 && certificateNames(c).includes(name)))
      : h.server.ip === server.ip,
  );
}

function certificateNames(certificate: TlsHandshake['certificates'][number]): string[] {
  return [certificate.subjectCommonName, ...certificate.subjectAltNames]
    .filter((n): n is string => Boolean(n))
    .map((n) => n.toLowerCase());
}

/** The handshakes that offered and selected a cipher suite. */
export function suiteUse(report: Report, code: number): { offered: TlsHandshake[]; selected: TlsHandshake[] } {
  return {
    offered: report.tls.handshakes.filter((h) => h.clientHello?.cipherSuites.some((c) => c.code === code)),
    selected: report.tls.handshakes.filter((h) => h.serverHello?.cipherSuite.code === code),
  };
}

/** Where a signature scheme, group or version was offered (ClientHello) and used (ServerHello, key exchange). */
export function parameterUse(
  report: Report,
  parameter: TlsParameter,
): { offered: TlsHandshake[]; used: TlsHandshake[] } {
  const { code } = parameter;
  const handshakes = report.tls.handshakes;
  switch (parameter.kind) {
    case 'protocol version':
      return {
        offered: handshakes.filter(
          (h) =>
            h.clientHello?.supportedVersions.some((v) => v.code === code) ||
            (!h.clientHello?.supportedVersions.length && h.clientHello?.legacyVersion.code === code),
        ),
        used: handshakes.filter((h) => h.serverHello?.version.code === code),
      };
    case 'named group':
      return {
        offered: handshakes.filter((h) => h.clientHello?.supportedGroups.some((g) => g.code === code)),
        used: handshakes.filter((h) => h.serverKeyExchange?.namedCurve?.code === code),
      };
    case 'signature scheme':
      return {
        offered: handshakes.filter((h) => h.clientHello?.signatureAlgorithms.some((s) => s.code === code)),
        used: handshakes.filter((h) => h.serverKeyExchange?.signatureAlgorithm?.code === code),
      };
  }
}

/** Every name the capture shows: DNS questions and aliases, SNIs, certificate names, QUIC SNIs. */
export function domainsSeen(report: Report): Set<string> {
  const names = new Set<string>();
  const add = (name: string | undefined) => name && names.add(name.toLowerCase().replace(/\.$/, ''));
  for (const n of report.dns.names) [n.name, ...n.aliases].forEach(add);
  for (const t of report.dns.transactions) [t.name, ...(t.chain?.names ?? [])].forEach(add);
  for (const h of report.tls.handshakes) {
    add(h.clientHello?.sni);
    h.certificates.flatMap(certificateNames).forEach(add);
  }
  for (const q of report.quic.connections) add(q.sni);
  for (const a of report.addresses) a.names.forEach(add);
  return names;
}

/**
 * True when the capture shows the name, a name below it ('microsoft.com' for 'teams.microsoft.com'), or a
 * certificate covers it with a wildcard ('*.teams.microsoft.com').
 */
export function domainSeen(report: Report, name: string): boolean {
  const lower = name.toLowerCase();
  return [...domainsSeen(report)].some(
    (seen) => seen === lower || seen.endsWith(`.${lower}`) || (seen.startsWith('*.') && lower.endsWith(seen.slice(1))),
  );
}

/** Every address the capture shows: in packet headers, DNS answers and STUN attributes. */
export function addressSeen(report: Report, ip: string): boolean {
  const wanted = ipaddr.process(ip).toString();
  const seen = new Set<string>(report.addresses.map((a) => a.ip));
  for (const t of report.dns.transactions) t.chain?.addresses.forEach((a) => seen.add(a));
  for (const n of report.dns.names) n.addresses.forEach((a) => seen.add(a)); // the names' answers count every lookup, listed or not
  for (const m of report.stun.messages) m.addresses.forEach((a) => seen.add(a.ip));
  return [...seen].some((a) => ipaddr.isValid(a) && ipaddr.process(a).toString() === wanted);
}

/** True when the report lists only the first and last DNS transactions or STUN messages: what it misses may be in those left out. */
export function listsCapped(report: Report): boolean {
  return Boolean(report.dns.transactionsLeftOut ?? report.stun.messagesLeftOut);
}
