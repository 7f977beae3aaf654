import type { Report } from '../../schema/generated/report.js';
import { formatEndpoint } from '../../model/addressing.js';
import { appendTo } from '../../util/collections.js';
import { hex } from '../../util/display-filter.js';
import { markdownCode, markdownText } from '../escape.js';
import { certificateName, codeName, issuerName, validity } from './names.js';
import { firstOf, type TableDefinition } from './table.js';

type Server = Report['tls']['servers'][number];
type Suite = Report['tls']['cipherSuites'][number];

/** The outline ids of a server's handshakes and their certificates, so the tree's items land on its row. */
function handshakeItems(report: Report): (server: Server) => string[] {
  const handshakesOf = new Map<string, number[]>();
  report.tls.handshakes.forEach((h, index) => appendTo(handshakesOf, formatEndpoint(h.server), [index]));
  return (server) =>
    (handshakesOf.get(formatEndpoint(server.server)) ?? []).flatMap((index) => [
      `security/handshake/${index}`,
      ...report.tls.handshakes[index]!.certificates.flatMap((c) => [
        `security/handshake/${index}/certificate/${c.position}`,
        `security/certificate/${c.sha256}`,
      ]),
    ]);
}

export const TLS_SERVERS: TableDefinition<Server & { handshakeItems: string[] }> = {
  id: 'tls-servers',
  title: 'TLS servers',
  section: 'security',
  rows: (report) => {
    const items = handshakeItems(report);
    return report.tls.servers.map((s) => ({ ...s, handshakeItems: items(s) }));
  },
  shownEmpty: true,
  landing: (s) => s.handshakeItems,
  columns: [
    { header: 'Server', value: (s) => formatEndpoint(s.server) },
    { header: 'SNI', kind: 'clip', value: (s) => s.snis.join(', ') },
    { header: 'Handshakes', kind: 'num', value: (s) => s.handshakes, markdown: false },
    { header: 'Version', value: (s) => s.versions.map(codeName).join(', ') },
    {
      header: 'Cipher suite',
      kind: 'clip',
      value: (s) => s.cipherSuites.map((c) => `${codeName(c)} (${hex(c.code)})`).join(', '),
      markdown: (s) => s.cipherSuites.map((c) => `${markdownCode(codeName(c), true)} (${hex(c.code)})`).join(', '),
    },
    {
      header: 'Certificate (leaf)',
      kind: 'clip',
      value: (s) => {
        const leaf = s.certificateChain?.[0];
        return leaf ? `${certificateName(leaf)}, ${validity(leaf)}` : '';
      },
    },
    {
      header: 'Issuer',
      kind: 'clip',
      value: (s) => {
        const leaf = s.certificateChain?.[0];
        return leaf ? issuerName(leaf) + (leaf.selfSigned ? ' (self-signed)' : '') : '';
      },
    },
  ],
  markdown: { capped: true },
  view: { filter: true, note: () => 'one row per server; the tree’s handshakes and certificates land here' },
};

export const CERTIFICATE_CHAINS: TableDefinition<Server> = {
  id: 'certificate-chains',
  title: 'Certificate chains',
  section: 'security',
  rows: (report) => report.tls.servers.filter((s) => s.certificateChain?.length),
  columns: [
    { header: 'Server', value: (s) => s.snis[0] ?? formatEndpoint(s.server) },
    {
      header: 'Chain as sent (each certificate, then who issued it)',
      kind: 'clip',
      value: (s) =>
        s
          .certificateChain!.map((c) => `${certificateName(c)} (${validity(c)}) ← issued by ${issuerName(c)}`)
          .join(' · '),
    },
  ],
  markdown: { capped: true },
};

/** Grades from worst to best, to sort by. */
const GRADES = ['insecure', 'weak', 'secure', 'recommended'];

export const CIPHER_SUITES: TableDefinition<Suite> = {
  id: 'cipher-suites',
  title: 'Cipher suites',
  section: 'security',
  rows: (report) => report.tls.cipherSuites,
  columns: [
    {
      header: 'Suite',
      kind: 'code',
      value: (c) => ({ text: c.name, title: c.openssl ? `OpenSSL: ${c.openssl}` : undefined }),
    },
    { header: 'Code', value: (c) => ({ text: hex(c.code), sort: c.code }) },
    { header: 'Offered', kind: 'num', value: (c) => c.offeredIn },
    { header: 'Selected', kind: 'num', value: (c) => c.selectedIn },
    { header: 'Key exchange / auth', value: (c) => `${c.keyExchange} / ${c.authentication}` },
    { header: 'Cipher', value: (c) => [c.cipher, c.keyBits, c.mode].filter((x) => x !== undefined).join(' ') },
    { header: 'Hash', value: (c) => c.hash },
    { header: 'FS', value: (c) => (c.forwardSecrecy ? 'yes' : 'no') },
    { header: 'AEAD', value: (c) => (c.aead ? 'yes' : 'no') },
    {
      header: 'Grade',
      value: (c) => ({ text: c.grade, title: c.gradeReason, sort: GRADES.indexOf(c.grade) }),
      markdown: (c) =>
        `${c.grade}${c.grade === 'recommended' || c.grade === 'secure' ? '' : `: ${markdownText(c.gradeReason)}`}`,
      view: (c) => `<span class="grade grade-${c.grade}">${c.grade}</span>`,
    },
    { header: 'Defined in', kind: 'clip', value: (c) => c.references.join(', ') },
  ],
  markdown: { capped: true },
  view: { filter: true, note: () => 'grade reasons in the tooltips' },
};

export const CLIENT_HELLOS: TableDefinition<Report['tls']['clientFingerprints'][number]> = {
  id: 'client-hellos',
  title: 'Client hellos',
  section: 'security',
  rows: (report) => report.tls.clientFingerprints,
  columns: [
    { header: 'Fingerprint', kind: 'code', value: (f) => f.fingerprint },
    { header: 'Handshakes', kind: 'num', value: (f) => f.handshakes },
    {
      header: 'SNIs',
      kind: 'clip',
      value: (f) => f.snis.join(', '),
      markdown: (f) => markdownText(firstOf(f.snis, 3)),
    },
    {
      header: 'Suites offered (in order, GREASE left out)',
      kind: 'clip',
      value: (f) => f.cipherSuites.map((c) => hex(c.code)).join(' '),
    },
    { header: 'GREASE', kind: 'num', value: (f) => f.greaseValues },
  ],
};
