import { rfc, type RuleSource } from '../knowledge/sources.js';
import { groupBy } from '../util/collections.js';
import { formatEndpoint } from '../model/addressing.js';
import { anyOf, hex } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { count } from '../util/plural.js';

const TLS_1_0_AND_1_1 = rfc(8996, 'Deprecating TLS 1.0 and TLS 1.1');

/** The RFC that retires each old version, by the id of its finding (core/knowledge/tls-parameters.json's notes). */
const RETIRED_BY: Readonly<Record<string, RuleSource>> = {
  'tls-version/ssl-3.0': rfc(7568, 'Deprecating Secure Sockets Layer Version 3.0'),
  'tls-version/tls-1.0': TLS_1_0_AND_1_1,
  'tls-version/tls-1.1': TLS_1_0_AND_1_1,
};

/** The TLS and DTLS versions servers negotiated; TLS 1.1 and older are deprecated. */
export const tlsVersions: FindingRule = {
  section: 'security',
  sources: RETIRED_BY,
  find({ summaries }) {
    const negotiated = summaries.tls.filter((h) => h.serverHello);
    return [
      ...groupBy(
        negotiated,
        (h) => `${h.protocol === 'dtls' ? 'dtls' : 'tls'}:${h.serverHello!.version.code}`,
      ).values(),
    ].map((group): FindingDraft => {
      const sh = group[0]!.serverHello!;
      const prefix = group[0]!.protocol === 'dtls' ? 'dtls' : 'tls';
      const name = sh.version.name ?? hex(sh.version.code);
      const viaExtension = sh.version.code !== sh.legacyVersion.code;
      const servers = [...new Set(group.map((h) => h.clientHello?.sni ?? h.server.ip))];
      const old = sh.version.code <= 0x0302 && prefix === 'tls';
      const id = `tls-version/${name.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}`;
      // A version no table names (SSL 2.0, a code tshark does not know) is deprecated without an RFC to cite here.
      const retiredBy = RETIRED_BY[id]?.title.split(':')[0];
      return {
        id,
        severity: old ? 'warning' : 'info',
        title: `${name} negotiated in ${count(group.length, 'handshake')}`,
        detail: `Servers: ${servers.slice(0, 10).join(', ')}${servers.length > 10 ? ` and ${servers.length - 10} more` : ''}${old ? `. This version is deprecated${retiredBy ? ` (${retiredBy})` : ''}.` : ''}`,
        frames: group.map((h) => h.serverHello!.frame),
        filter: viaExtension
          ? `${prefix}.handshake.type == 2 && ${prefix}.handshake.extensions.supported_version == ${hex(sh.version.code)}`
          : `${prefix}.handshake.type == 2 && ${prefix}.handshake.version == ${hex(sh.version.code)} && !${prefix}.handshake.extensions.supported_version`,
      };
    });
  },
};

/** Certificates that were expired, or not yet valid, when the capture was taken. */
export const certificateValidity: FindingRule = {
  section: 'security',
  find({ model: { capture }, summaries: { tls } }) {
    if (!capture.start || !capture.end) return [];
    const start = Date.parse(capture.start);
    const end = Date.parse(capture.end);
    const certificates = tls.flatMap((h) => h.certificates.map((c) => ({ certificate: c, handshake: h })));
    const outOfDate = certificates.filter(
      ({ certificate: c }) => Date.parse(c.notAfter) < start || Date.parse(c.notBefore) > end,
    );
    return [...groupBy(outOfDate, ({ certificate }) => certificate.sha256).values()].map((group): FindingDraft => {
      const c = group[0]!.certificate;
      const expired = Date.parse(c.notAfter) < start;
      const who = c.subjectCommonName ?? c.subject;
      return {
        id: `tls-certificate-${expired ? 'expired' : 'not-yet-valid'}/${c.sha256.slice(0, 16)}`,
        severity: 'warning',
        title: `Certificate for ${who} was ${expired ? 'expired' : 'not yet valid'} when captured`,
        detail: `Valid ${c.notBefore} → ${c.notAfter}; the capture runs ${capture.start} → ${capture.end}. Sent by ${[...new Set(group.map(({ handshake }) => formatEndpoint(handshake.server)))].join(', ')}.`,
        frames: group.map(({ certificate }) => certificate.frame),
        filter: `tls.handshake.type == 11 && (${anyOf('frame.number', new Set(group.map(({ certificate }) => certificate.frame)))})`,
      };
    });
  },
};
