import { MOZILLA_SERVER_SIDE_TLS, rfc } from '../knowledge/sources.js';
import type { CipherSuiteSeen, Flow, MediaStream, TlsHandshake } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { tcpRelayMediaFlows } from '../model/pseudo-tls.js';
import { MS_TURN_TCP_COOKIE_FILTER } from '../tshark/tcp-stun.js';
import { anyOf, flowsFilter, hex, memberOf } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { appendTo, groupBy } from '../util/collections.js';
import { count, plural } from '../util/plural.js';

/** Ports where TLS is expected: HTTPS and the TLS forms of mail, LDAP, DNS, SIP, and Teams' relays over TCP. */
const TLS_PORTS: ReadonlySet<number> = new Set([443, 8443, 853, 465, 993, 995, 636, 5061, 3478, 3479, 3480, 3481]);

/**
 * A ServerHello that selects an insecure suite on a port where TLS is not expected, with nothing after it
 * (no certificate), is almost always some other protocol whose bytes happen to parse as TLS.
 */
export function looksMisparsed(h: TlsHandshake, suite: CipherSuiteSeen | undefined): boolean {
  return (
    h.protocol === 'tls' &&
    suite?.grade === 'insecure' &&
    !TLS_PORTS.has(h.server.port ?? 0) &&
    h.certificates.length === 0
  );
}

/** Weak or insecure suites offered by clients or chosen by servers, and handshakes that are likely not TLS at all. */
export const tlsSecurity: FindingRule = {
  section: 'security',
  sources: {
    'tls-record-version-is-not-negotiated': rfc(
      8446,
      'The Transport Layer Security (TLS) Protocol Version 1.3',
      '§5.1',
    ),
    'tls-insecure-suites-offered': MOZILLA_SERVER_SIDE_TLS,
    'tls-weak-suites-offered': MOZILLA_SERVER_SIDE_TLS,
    'tls-insecure-suite-selected': MOZILLA_SERVER_SIDE_TLS,
    'tls-weak-suite-selected': MOZILLA_SERVER_SIDE_TLS,
  },
  find: ({ model, summaries }) =>
    tlsSecurityFindings(summaries.tls, summaries.cipherSuites, model.capture.tshark.version),
};

function tlsSecurityFindings(
  handshakes: readonly TlsHandshake[],
  suites: readonly CipherSuiteSeen[],
  tsharkVersion: string,
): FindingDraft[] {
  const byCode = new Map(suites.map((s) => [s.code, s]));
  const findings: FindingDraft[] = [];

  const misparsed = handshakes.filter(
    (h) => h.serverHello && looksMisparsed(h, byCode.get(h.serverHello.cipherSuite.code)),
  );
  for (const h of misparsed) {
    const suite = byCode.get(h.serverHello!.cipherSuite.code)!;
    findings.push({
      id: `tls-probably-not-tls/${h.flowId}`,
      severity: 'notice',
      title: `Probably not TLS: a "${h.serverHello!.version.name ?? hex(h.serverHello!.version.code)} / ${suite.name}" decode on port ${h.server.port}`,
      detail: `tshark read a ServerHello selecting ${suite.name} from ${formatEndpoint(h.server)}, on a port where TLS is not expected and with no certificate after it: such a decode is almost always another protocol misparsed as TLS, not a weak TLS server.`,
      frames: [h.serverHello!.frame],
      filter: `tls.handshake.type == 2 && tcp.stream eq ${h.flowId.split(':')[1]}`,
    });
  }

  // Clients send their ClientHello in an old record-layer version for compatibility (RFC 8446 §5.1): reading
  // "TLS 1.0" there as the connection's version is a classic mistake.
  const compatible = handshakes.filter(
    (h) =>
      h.protocol === 'tls' &&
      h.clientHello?.recordVersion &&
      h.serverHello &&
      h.clientHello.recordVersion.code < h.serverHello.version.code,
  );
  if (compatible.length) {
    const recordVersions = [
      ...new Set(compatible.map((h) => h.clientHello!.recordVersion!.name ?? hex(h.clientHello!.recordVersion!.code))),
    ];
    const negotiated = [
      ...new Set(compatible.map((h) => h.serverHello!.version.name ?? hex(h.serverHello!.version.code))),
    ];
    findings.push({
      id: 'tls-record-version-is-not-negotiated',
      severity: 'info',
      title: `ClientHellos travel in ${recordVersions.join('/')} records, yet ${negotiated.join('/')} is negotiated`,
      detail: `In ${count(compatible.length, 'handshake')} the record layer of the ClientHello says ${recordVersions.join('/')} for compatibility with old middleboxes (RFC 8446 §5.1); the version actually used is what the ServerHello (or its supported_versions extension) selects: ${negotiated.join('/')}.`,
      frames: compatible.map((h) => h.clientHello!.frame),
      filter: `tls.handshake.type == 1 && (${anyOf('tls.record.version', [...new Set(compatible.map((h) => hex(h.clientHello!.recordVersion!.code)))])})`,
    });
  }

  const misparsedFlows = new Set(misparsed.map((h) => h.flowId));
  const genuine = handshakes.filter((h) => !misparsedFlows.has(h.flowId));
  for (const grade of ['insecure', 'weak'] as const) {
    const offers = genuine.filter((h) => h.clientHello?.cipherSuites.some((c) => byCode.get(c.code)?.grade === grade));
    if (offers.length) {
      const offered = suites.filter((s) => s.grade === grade && s.offeredIn > 0);
      findings.push({
        id: `tls-${grade}-suites-offered`,
        severity: grade === 'insecure' ? 'warning' : 'notice',
        title: `${count(offers.length, 'ClientHello')} offer ${grade} cipher suites`,
        detail: `${byWeakness(offered)} Offering them lets a server or an attacker who can tamper with the handshake pick them.`,
        frames: offers.map((h) => h.clientHello!.frame),
        filter: handshakeFilter(
          1,
          offered.map((s) => s.code),
          offers,
          tsharkVersion,
        ),
      });
    }
    const selections = genuine.filter(
      (h) => h.serverHello && byCode.get(h.serverHello.cipherSuite.code)?.grade === grade,
    );
    for (const suite of suites.filter(
      (s) => s.grade === grade && selections.some((h) => h.serverHello!.cipherSuite.code === s.code),
    )) {
      const chosen = selections.filter((h) => h.serverHello!.cipherSuite.code === suite.code);
      findings.push({
        id: `tls-${grade}-suite-selected/${hex(suite.code)}`,
        severity: 'warning',
        title: `${chosen.length} server ${plural(chosen.length, 'handshake')} selected ${grade} ${suite.name}`,
        detail: `${sentence(suite.gradeReason)}. Servers: ${[...new Set(chosen.map((h) => h.clientHello?.sni ?? formatEndpoint(h.server)))].join(', ')}.`,
        frames: chosen.map((h) => h.serverHello!.frame),
        filter: handshakeFilter(2, [suite.code], chosen, tsharkVersion),
      });
    }
  }
  return findings;
}

/** A reason without its final period, to be embedded in a longer sentence. */
function sentence(reason: string): string {
  return reason.replace(/\.$/, '');
}

/** Each weakness named once, with the suites that have it: "RC4 …: TLS_RSA_WITH_RC4_128_SHA (0x0005), …". */
function byWeakness(suites: readonly CipherSuiteSeen[]): string {
  const suitesOf = new Map<string, CipherSuiteSeen[]>();
  for (const s of suites) for (const w of s.weaknesses ?? [s.gradeReason]) appendTo(suitesOf, w, [s]);
  return [...suitesOf.entries()]
    .map(
      ([weakness, list]) =>
        `${weakness[0]!.toUpperCase()}${sentence(weakness.slice(1))}: ${list.map((s) => `${s.name} (${hex(s.code)})`).join(', ')}.`,
    )
    .join(' ');
}

/** Hellos of the given type carrying one of the suites, in TLS (QUIC's included) or DTLS, whichever the handshakes used. */
function handshakeFilter(
  type: 1 | 2,
  codes: number[],
  handshakes: readonly TlsHandshake[],
  tsharkVersion: string,
): string {
  const prefixes = [...new Set(handshakes.map((h) => (h.protocol === 'dtls' ? 'dtls' : 'tls')))];
  return prefixes
    .map(
      (p) =>
        `(${p}.handshake.type == ${type} && ${memberOf(
          `${p}.handshake.ciphersuite`,
          codes.map((c) => hex(c)),
          tsharkVersion,
        )})`,
    )
    .join(' || ');
}

/** Packets a TCP relay connection carries beyond its allocation and refreshes when call media runs through it (2 s of audio). */

/**
 * Teams transport relays reached over TCP 443 in their pseudo-TLS framing (TlsHandshake.pseudoTls). The client
 * gathers such a candidate on every call; it only costs call quality (TCP retransmits and head-of-line
 * blocking under real-time media) when media actually flows through it, i.e. when UDP is blocked or not tried.
 */
export const pseudoTlsRelay: FindingRule = {
  section: 'network',
  find: ({ model, flows, classification }) => pseudoTlsRelayFindings(model.tls, flows, classification.media),
};

function pseudoTlsRelayFindings(
  handshakes: readonly TlsHandshake[],
  flows: readonly Flow[],
  media: readonly MediaStream[],
): FindingDraft[] {
  const relayed = handshakes.filter((h) => h.pseudoTls && h.protocol === 'tls');
  const flowById = new Map(flows.map((f) => [f.id, f]));
  const carryingMedia = new Set(tcpRelayMediaFlows(handshakes, flows).map((f) => f.id));
  const byServer = groupBy(relayed, (h) => h.server.ip);
  const udpMedia = media.some((m) => m.flowId.startsWith('udp:'));
  return [...byServer.entries()].map(([ip, group]): FindingDraft => {
    const ports = [...new Set(group.map((h) => h.server.port))].join(', ');
    const carrying = group.filter((h) => carryingMedia.has(h.flowId));
    const frames = group.flatMap((h) => [h.clientHello?.frame, h.serverHello?.frame, ...h.pseudoTls!.stunFrames]);
    const connections = count(group.length, 'TCP connection');
    const shape = `Each opens with a pseudo-TLS handshake (a ClientHello offering only ${group[0]!.clientHello?.cipherSuites[0]?.name ?? 'one suite'}, no SNI; ServerHello + ServerHelloDone, no certificate)${afterHandshake(group)}: it is not TLS, and its "TLS 1.0" and anonymous RC4 suite are left out of the TLS statistics.`;
    const filter = `(${flowsFilter(group.map((h) => h.flowId))}) && (tls.handshake.type == 1 || tls.handshake.type == 2 || ${MS_TURN_TCP_COOKIE_FILTER})`;
    if (carrying.length) {
      return {
        id: `media-relay-over-tcp/${ip}`,
        severity: 'warning',
        title: `Media relay ${ip} reached over TCP ${ports} (UDP blocked or not tried): expect worse call quality`,
        detail: `${connections} to the Teams transport relay ${ip}; ${carrying.length === 1 ? 'one carries' : `${carrying.length} carry`} a call's traffic (${carrying.map((h) => `${h.flowId}: ${flowById.get(h.flowId)!.packets} packets`).join(', ')}). Over TCP, a lost packet holds back every packet after it until it is retransmitted: audio and video stall where UDP would have skipped one packet. ${shape}`,
        frames,
        filter,
      };
    }
    return {
      id: `media-relay-over-tcp/${ip}`,
      severity: 'info',
      title: `Media relay ${ip} also reached over TCP ${ports}: a fallback candidate, no media through it`,
      detail: `${connections} to the Teams transport relay ${ip}, each carrying a few TURN messages (allocation, refresh) at most${udpMedia ? '; the call media ran over UDP' : ''}. Teams gathers a TCP relay candidate in case UDP is blocked; had the media used it, call quality would suffer. ${shape}`,
      frames,
      filter,
    };
  });
}

/** What followed the pseudo-TLS handshakes of one relay: MS-TURN only where tshark found some (TlsHandshake.pseudoTls.stunFrames). */
function afterHandshake(group: readonly TlsHandshake[]): string {
  const carrying = group.filter((h) => h.pseudoTls!.stunFrames.length > 0).length;
  if (carrying === group.length) return ' and then carries MS-TURN messages in clear';
  if (carrying === 0)
    return group.length === 1
      ? '; no record follows it: the candidate went unused'
      : '; no record follows any of them: the candidates went unused';
  const others = group.length - carrying;
  return `; ${carrying} of them then ${carrying === 1 ? 'carries' : 'carry'} MS-TURN messages in clear, the ${others === 1 ? 'other' : `other ${others}`} nothing`;
}
