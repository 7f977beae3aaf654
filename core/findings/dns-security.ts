import { rfc } from '../knowledge/sources.js';
import type { DnsTransaction, Flow, TlsHandshake } from '../schema/generated/report.js';
import { isPublicResolverAddress, isPublicResolverName } from '../knowledge/dns-resolvers.js';
import { classifyAddress } from '../knowledge/ranges.js';
import { formatEndpoint } from '../model/addressing.js';
import { anyOf, filterString } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { count } from '../util/plural.js';

const DNSSEC_RECORD_TYPES = new Set([43, 46, 48]); // DS, RRSIG, DNSKEY

/** DNS to a resolver on the host itself (systemd-resolved's 127.0.0.53, a local dnsmasq): it never leaves the host. */
const LOOPBACK = '(ip.addr == 127.0.0.0/8 || ipv6.addr == ::1)';
const PORT_53 = 'dns && (udp.port == 53 || tcp.port == 53)';

/**
 * What protected the capture's name lookups, and what did not: plain DNS on port 53 (readable and
 * forgeable on the path), DNSSEC (the DO bit asks for it, the AD bit says the resolver validated, RRSIG
 * records carry it — the QR "response" flag proves nothing), DNS over TLS (port 853) and over HTTPS
 * (TLS to a public resolver).
 */
/** A lookup is a query the capture holds; responses whose query it missed are counted apart, as responses. */
function lookupsTitle(transactions: readonly DnsTransaction[], where: string): string {
  const queries = transactions.filter((t) => t.queryFrame !== undefined).length;
  const orphans = transactions.length - queries;
  if (queries === 0) return `${count(orphans, 'DNS response')} ${where} (their queries are not in the capture)`;
  return `${count(queries, 'DNS lookup')} ${where}`;
}

function unanswered(plain: readonly DnsTransaction[]): string {
  const queries = plain.filter((t) => t.queryFrame !== undefined).length;
  const orphans = plain.length - queries;
  return queries > 0 && orphans > 0 ? `; besides, ${count(orphans, 'response')} whose query the capture missed` : '';
}

export const dnsSecurity: FindingRule = {
  section: 'security',
  sources: {
    'dns-over-tls': rfc(7858, 'Specification for DNS over Transport Layer Security (TLS)'),
    'dns-over-https': rfc(8484, 'DNS Queries over HTTPS (DoH)'),
  },
  find: ({ model, flows }) => dnsSecurityFindings(model.dns, flows, model.tls),
};

function dnsSecurityFindings(
  dns: readonly DnsTransaction[],
  flows: readonly Flow[],
  tls: readonly TlsHandshake[],
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const port53 = dns.filter((t) => t.protocol === 'dns' && t.server.port === 53);
  const onHost = port53.filter((t) => classifyAddress(t.server.ip).scope === 'loopback');
  const plain = port53.filter((t) => !onHost.includes(t));
  if (onHost.length)
    findings.push({
      id: 'dns-loopback-stub',
      severity: 'info',
      title: lookupsTitle(
        onHost,
        `to a resolver on the capturing host itself (${[...new Set(onHost.map((t) => formatEndpoint(t.server)))].join(', ')})`,
      ),
      detail:
        'A local stub resolver (such as systemd-resolved) answers these over the loopback interface: they never leave the host, so nobody on the path reads them. What the stub cannot answer from its cache it asks the network’s resolvers, and those queries, where the capture holds them, are counted apart.',
      frames: onHost.flatMap((t) => [t.queryFrame, t.responseFrame]),
      filter: `${PORT_53} && ${LOOPBACK}`,
    });
  if (plain.length) {
    const withDo = plain.filter((t) => t.dnssecOk);
    const authenticated = plain.filter((t) => t.authenticatedData);
    const signed = plain.filter((t) =>
      [...t.answers, ...t.authority].some((r) => DNSSEC_RECORD_TYPES.has(r.type.code)),
    );
    findings.push({
      id: 'dns-cleartext',
      severity: 'notice',
      title: lookupsTitle(plain, 'in clear text on port 53'),
      detail: `Resolvers ${[...new Set(plain.map((t) => formatEndpoint(t.server)))].join(', ')}${unanswered(plain)}. Anyone on the path can read these names and, without DNSSEC, forge the answers.`,
      frames: plain.flatMap((t) => [t.queryFrame, t.responseFrame]),
      filter: `${PORT_53} && !${LOOPBACK}`,
    });
    if (withDo.length === 0 && authenticated.length === 0 && signed.length === 0) {
      findings.push({
        id: 'dnssec-absent',
        severity: 'notice',
        title: 'No DNSSEC: no query asked for it and no answer was validated',
        detail: `None of the ${plain.length} queries sets the DO bit, no response sets the AD (authenticated data) bit and none carries RRSIG, DNSKEY or DS records. The answers are unauthenticated; the QR flag only marks a message as a response and says nothing about its authenticity.`,
        frames: plain.flatMap((t) => [t.queryFrame, t.responseFrame]),
        filter: `${PORT_53} && !${LOOPBACK} && !(dns.flags.authenticated == 1) && !(dns.resp.z.do == 1)`,
      });
    } else {
      findings.push({
        id: 'dnssec-used',
        severity: 'info',
        title: `DNSSEC: ${withDo.length} quer${withDo.length === 1 ? 'y asks' : 'ies ask'} for it, ${authenticated.length} answer${authenticated.length === 1 ? ' is' : 's are'} validated`,
        detail: `DO bit set in ${withDo.length} of ${plain.length} queries; AD bit in ${authenticated.length} responses; RRSIG/DNSKEY/DS records in ${signed.length}. An AD bit is only as trustworthy as the path to the resolver that set it.`,
        frames: [
          ...withDo.map((t) => t.queryFrame),
          ...authenticated.map((t) => t.responseFrame),
          ...signed.map((t) => t.responseFrame),
        ],
        filter: `dns.resp.z.do == 1 || dns.flags.authenticated == 1 || ${anyOf('dns.resp.type', DNSSEC_RECORD_TYPES)}`,
      });
    }
  }

  for (const flow of flows.filter((f) => f.transport === 'tcp' && f.server.port === 853)) {
    findings.push({
      id: `dns-over-tls/${formatEndpoint(flow.server)}`,
      severity: 'info',
      title: `DNS over TLS to ${formatEndpoint(flow.server)}`,
      detail: `${flow.packets} packets on TCP 853 (RFC 7858): the names looked up there are encrypted.`,
      frames: [flow.firstFrame],
      filter: flow.filter,
    });
  }

  const doh = tls.filter(
    (h) =>
      h.protocol !== 'dtls' &&
      h.server.port === 443 &&
      ((h.clientHello?.sni && isPublicResolverName(h.clientHello.sni)) || isPublicResolverAddress(h.server.ip)),
  );
  for (const handshake of doh) {
    const sni = handshake.clientHello?.sni;
    findings.push({
      id: `dns-over-https/${sni ?? handshake.server.ip}`,
      severity: 'info',
      title: `DNS over HTTPS to ${sni ?? handshake.server.ip}`,
      detail: `TLS to the public resolver ${sni ? `${sni} at ` : ''}${formatEndpoint(handshake.server)} (RFC 8484): names looked up there are encrypted and invisible in this capture.`,
      frames: [handshake.clientHello?.frame ?? handshake.serverHello!.frame],
      filter: sni
        ? `tls.handshake.extensions_server_name == ${filterString(sni)}`
        : `ip.addr == ${handshake.server.ip} && tcp.port == 443`,
    });
  }
  return findings;
}
