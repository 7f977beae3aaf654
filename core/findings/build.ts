import type { Capture, DnsTransaction, Finding, StunMessage, TlsHandshake } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { addressFilter, anyOf, filterString, hex } from './filter.js';

export interface FindingInputs {
  capture: Capture;
  dns: DnsTransaction[];
  tls: TlsHandshake[];
  stun: StunMessage[];
}

/** Frames listed as evidence per finding; the filter shows them all. */
const EVIDENCE_FRAMES = 50;

/**
 * Findings the capture model states on its own: facts with the frames that show them. The classifiers add
 * their own (which service, which activity) on top.
 */
export function buildFindings(inputs: FindingInputs): Finding[] {
  return [
    ...dnsChainFindings(inputs.dns),
    ...dnsAuthorityFindings(inputs.dns),
    ...dnsLoadBalancingFindings(inputs.dns),
    ...tlsVersionFindings(inputs.tls),
    ...certificateValidityFindings(inputs.tls, inputs.capture),
    ...turnAllocationFindings(inputs.stun),
    ...reflexiveAddressFindings(inputs.stun),
    ...malformedFindings(inputs.capture),
  ];
}

function finding(f: Omit<Finding, 'frames'> & { frames: Iterable<number> }): Finding {
  const frames = [...new Set(f.frames)].sort((a, b) => a - b).slice(0, EVIDENCE_FRAMES);
  if (frames.length === 0) throw new Error(`finding ${f.id} has no evidence frames`);
  return { ...f, frames: frames as Finding['frames'] };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function transactionFrames(t: DnsTransaction): number[] {
  return [t.queryFrame, t.responseFrame].filter((f): f is number => f !== undefined);
}

/** One finding per aliased name; when answers differ (load balancing) each distinct chain is listed. */
function dnsChainFindings(dns: DnsTransaction[]): Finding[] {
  const withAliases = dns.filter((t) => t.protocol === 'dns' && (t.chain?.names.length ?? 0) > 1);
  return [...groupBy(withAliases, (t) => t.name.toLowerCase()).entries()].map(([name, group]) => {
    const chains = [...groupBy(group, (t) => t.chain!.names.join(' → ')).entries()].map(([path, members]) => {
      const addresses = [...new Set(members.flatMap((t) => t.chain!.addresses))];
      return addresses.length ? `${path} → ${addresses.join(', ')}` : path;
    });
    const aliases = Math.max(...group.map((t) => t.chain!.names.length - 1));
    const title =
      chains.length === 1
        ? `${group[0]!.name} resolves through ${aliases} alias${aliases === 1 ? '' : 'es'}`
        : `${group[0]!.name} resolves through ${chains.length} different alias chains`;
    return finding({
      id: `dns-cname-chain/${name}`,
      section: 'dns',
      severity: 'info',
      title,
      detail: `${chains.join('; ')} (${group.length} response${group.length === 1 ? '' : 's'})`,
      frames: group.flatMap(transactionFrames),
      filter: `dns.qry.name == ${filterString(group[0]!.name)}`,
    });
  });
}

/** What the capture itself shows about who is authoritative: SOA and NS records in authority sections. */
function dnsAuthorityFindings(dns: DnsTransaction[]): Finding[] {
  const KINDS = [
    { code: 6, kind: 'soa', field: 'dns.soa.mname', says: 'the primary name server' },
    { code: 2, kind: 'ns', field: 'dns.ns', says: 'an authoritative name server' },
  ] as const;
  return KINDS.flatMap(({ code, kind, field, says }) => {
    const records = dns.flatMap((t) => t.authority.filter((r) => r.type.code === code && r.data).map((record) => ({ record, transaction: t })));
    return [...groupBy(records, ({ record }) => record.data!.toLowerCase()).values()].map((group) => {
      const server = group[0]!.record.data!;
      const zones = [...new Set(group.map(({ record }) => record.name.toLowerCase()))];
      return finding({
        id: `dns-${kind}/${server.toLowerCase()}`,
        section: 'dns',
        severity: 'info',
        title: `${server} is ${says} of ${zones.join(', ')}`,
        detail: `${kind.toUpperCase()} record${group.length === 1 ? '' : 's'} in the authority section of ${group.length} response${group.length === 1 ? '' : 's'}, for ${[...new Set(group.map(({ transaction }) => transaction.name))].join(', ')}`,
        frames: group.map(({ transaction }) => transaction.responseFrame!).filter(Boolean),
        filter: `${field} == ${filterString(server)}`,
      });
    });
  });
}

/** Names whose answers changed between responses of the same type: DNS load balancing at work. */
function dnsLoadBalancingFindings(dns: DnsTransaction[]): Finding[] {
  const answered = dns.filter((t) => t.protocol === 'dns' && t.chain && t.responseFrame !== undefined);
  return [...groupBy(answered, (t) => `${t.name.toLowerCase()}|${t.type.code}`).values()].flatMap((group) => {
    const answers = [...new Set(group.map((t) => [...t.chain!.names.slice(1), ...[...t.chain!.addresses].sort()].join(' → ')))];
    if (answers.length < 2) return [];
    const name = group[0]!.name;
    return [
      finding({
        id: `dns-load-balanced/${name.toLowerCase()}`,
        section: 'dns',
        severity: 'info',
        title: `${name} (${group[0]!.type.name ?? group[0]!.type.code}) got ${answers.length} different answers`,
        detail: `${answers.join('; ')}. The name is load-balanced: each lookup may send the client elsewhere.`,
        frames: group.map((t) => t.responseFrame!),
        filter: `dns.qry.name == ${filterString(name)} && dns.flags.response == 1`,
      }),
    ];
  });
}

function tlsVersionFindings(tls: TlsHandshake[]): Finding[] {
  const negotiated = tls.filter((h) => h.serverHello);
  return [...groupBy(negotiated, (h) => `${h.protocol === 'dtls' ? 'dtls' : 'tls'}:${h.serverHello!.version.code}`).values()].map((group) => {
    const sh = group[0]!.serverHello!;
    const prefix = group[0]!.protocol === 'dtls' ? 'dtls' : 'tls';
    const name = sh.version.name ?? hex(sh.version.code);
    const viaExtension = sh.version.code !== sh.legacyVersion.code;
    const servers = [...new Set(group.map((h) => h.clientHello?.sni ?? h.server.ip))];
    const old = sh.version.code <= 0x0302 && prefix === 'tls';
    return finding({
      id: `tls-version/${name.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}`,
      section: 'security',
      severity: old ? 'warning' : 'info',
      title: `${name} negotiated in ${group.length} handshake${group.length === 1 ? '' : 's'}`,
      detail: `Servers: ${servers.slice(0, 10).join(', ')}${servers.length > 10 ? ` and ${servers.length - 10} more` : ''}${old ? '. This version is deprecated (RFC 8996).' : ''}`,
      frames: group.map((h) => h.serverHello!.frame),
      filter: viaExtension
        ? `${prefix}.handshake.type == 2 && ${prefix}.handshake.extensions.supported_version == ${hex(sh.version.code)}`
        : `${prefix}.handshake.type == 2 && ${prefix}.handshake.version == ${hex(sh.version.code)} && !${prefix}.handshake.extensions.supported_version`,
    });
  });
}

function certificateValidityFindings(tls: TlsHandshake[], capture: Capture): Finding[] {
  if (!capture.start || !capture.end) return [];
  const start = Date.parse(capture.start);
  const end = Date.parse(capture.end);
  const certificates = tls.flatMap((h) => h.certificates.map((c) => ({ certificate: c, handshake: h })));
  const outOfDate = certificates.filter(({ certificate: c }) => Date.parse(c.notAfter) < start || Date.parse(c.notBefore) > end);
  return [...groupBy(outOfDate, ({ certificate }) => certificate.sha256).values()].map((group) => {
    const c = group[0]!.certificate;
    const expired = Date.parse(c.notAfter) < start;
    const who = c.subjectCommonName ?? c.subject;
    return finding({
      id: `tls-certificate-${expired ? 'expired' : 'not-yet-valid'}/${c.sha256.slice(0, 16)}`,
      section: 'security',
      severity: 'warning',
      title: `Certificate for ${who} was ${expired ? 'expired' : 'not yet valid'} when captured`,
      detail: `Valid ${c.notBefore} → ${c.notAfter}; the capture runs ${capture.start} → ${capture.end}. Sent by ${[...new Set(group.map(({ handshake }) => formatEndpoint(handshake.server)))].join(', ')}.`,
      frames: group.map(({ certificate }) => certificate.frame),
      filter: `tls.handshake.type == 11 && (${anyOf('frame.number', new Set(group.map(({ certificate }) => certificate.frame)))})`,
    });
  });
}

const ALLOCATE = 'Allocate';
const RELAYED = new Set([0x0016, 0x0001]); // XOR-RELAYED-ADDRESS (RFC 8656); MAPPED-ADDRESS carries it in MS-TURN
const REFLEXIVE = new Set([0x0020, 0x8020]); // XOR-MAPPED-ADDRESS (RFC 8489, MS-TURN)

function turnAllocationFindings(stun: StunMessage[]): Finding[] {
  const allocations = stun.filter((m) => m.method === ALLOCATE && m.class === 'success');
  return [...groupBy(allocations, (m) => formatEndpoint(m.source)).entries()].map(([server, group]) => {
    const relayed = [...new Set(group.flatMap((m) => m.addresses.filter((a) => a.attribute && RELAYED.has(a.attribute.code)).map(formatEndpoint)))];
    const source = group[0]!.source;
    const count = group.length;
    return finding({
      id: `turn-allocation/${server}`,
      section: 'network',
      severity: 'info',
      title: `TURN server ${server} granted ${count} allocation${count === 1 ? '' : 's'}`,
      detail: relayed.length
        ? `Relayed transport address${relayed.length === 1 ? '' : 'es'}: ${relayed.join(', ')}`
        : 'The responses carry no relayed-address attribute Teamshark could read.',
      frames: group.map((m) => m.frame),
      filter: `stun.type == ${hex(group[0]!.type.code)} && ${addressFilter(source.ip, 'src')} && ${group[0]!.flowId.split(':')[0]}.srcport == ${source.port}`,
    });
  });
}

/**
 * A success response tells its receiver the address the server saw it come from. When that differs from the
 * address the response is delivered to in this capture, a NAT sits between the capture point and the server.
 * (When they are equal the capture was taken on the responder's side, which says nothing about NAT.)
 */
function reflexiveAddressFindings(stun: StunMessage[]): Finding[] {
  const translated = stun.flatMap((m) =>
    m.class === 'success'
      ? m.addresses
          .filter((a) => a.attribute && REFLEXIVE.has(a.attribute.code) && a.ip !== m.destination.ip)
          .map((address) => ({ address, message: m }))
      : [],
  );
  return [...groupBy(translated, ({ address }) => address.ip).entries()].map(([ip, group]) => {
    const hosts = [...new Set(group.map(({ message }) => message.destination.ip))];
    return finding({
      id: `nat-mapped-address/${ip}`,
      section: 'network',
      severity: 'info',
      title: `${hosts.join(', ')} reach${hosts.length === 1 ? 'es' : ''} the Internet as ${ip} (NAT)`,
      detail: `STUN success responses from ${[...new Set(group.map(({ message }) => formatEndpoint(message.source)))].join(', ')} report the mapped address${group.length === 1 ? '' : 'es'} ${[...new Set(group.map(({ address }) => formatEndpoint(address)))].join(', ')}.`,
      frames: group.map(({ message }) => message.frame),
      filter: `stun.att.${ip.includes(':') ? 'ipv6' : 'ipv4'} == ${ip}`,
    });
  });
}

function malformedFindings(capture: Capture): Finding[] {
  const frames = capture.malformedPackets ?? [];
  if (frames.length === 0) return [];
  return [
    finding({
      id: 'malformed-packets',
      section: 'transport',
      severity: 'notice',
      title: `tshark marked ${frames.length} packet${frames.length === 1 ? '' : 's'} as malformed`,
      detail: 'Their dissection stopped early: fields past the damage are missing from this analysis. Proprietary extensions (such as MS-TURN attributes) often cause this.',
      frames,
      filter: '_ws.malformed',
    }),
  ];
}
