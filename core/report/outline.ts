import type { Finding, Report, TlsHandshake } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { addressFilter, anyOf, filterString, frameFilter } from '../util/display-filter.js';
import { findingMarkdown } from './markdown.js';
import { markdownCode, markdownText, plainText } from './escape.js';
import { count } from '../util/plural.js';
import { qualityStreamNode, roundTripNode } from './quality-outline.js';
import { group, itemMarkdown, tableGroup, type OutlineNode } from './outline-node.js';
import { DNS_NAMES } from './tables/dns.js';
import { ADDRESSES, TURN_RELAYS } from './tables/network.js';
import { FLOWS } from './tables/transport.js';
import { CERTIFICATE_CHAINS, TLS_SERVERS } from './tables/security.js';
import { ACTIVITY, MEDIA_STREAMS } from './tables/application.js';
import { QUALITY_STREAMS, ROUND_TRIPS } from './tables/quality.js';
import { leftOutIn } from './left-out.js';
import { REPORT_SECTIONS, type SectionId } from './sections.js';

export type { OutlineNode } from './outline-node.js';

/**
 * The tables that are groups of the Captures tree, and the group each makes: most list the table's rows; the
 * TLS servers table stands for the handshakes that land on its rows, the certificate chains for their
 * certificates, the activity table for the activity and its phases. Keyed by the table's definition, taken in
 * its section's order.
 */
const TREE_GROUPS = new Map<object, (report: Report) => OutlineNode>([
  [DNS_NAMES, (report) => tableGroup(DNS_NAMES, report, domainNode(report))],
  [ADDRESSES, (report) => tableGroup(ADDRESSES, report, addressNode)],
  [TURN_RELAYS, (report) => tableGroup(TURN_RELAYS, report, relayNode)],
  [FLOWS, (report) => tableGroup(FLOWS, report, flowNode)],
  [TLS_SERVERS, (report) => group('security', 'TLS handshakes', handshakeNodes(report))],
  [CERTIFICATE_CHAINS, (report) => group('security', 'Certificates', certificateNodes(report))],
  [ACTIVITY, (report) => group('application', 'Activity', activityNodes(report))],
  [MEDIA_STREAMS, (report) => tableGroup(MEDIA_STREAMS, report, mediaNode)],
  [QUALITY_STREAMS, (report) => tableGroup(QUALITY_STREAMS, report, qualityStreamNode)],
  [ROUND_TRIPS, (report) => tableGroup(ROUND_TRIPS, report, roundTripNode)],
]);

/** The report as sections → groups → items, in the Markdown report's order. Empty groups are left out. */
export function reportOutline(report: Report): OutlineNode[] {
  return REPORT_SECTIONS.map((section) => {
    const { id, title } = section;
    const findings = report.findings.filter((f) => f.section === id).map(findingNode);
    const tableGroups = section.absent?.(report)
      ? []
      : section.parts.flatMap((part) => {
          if (typeof part === 'string') return [];
          const groupOf = part((t) => TREE_GROUPS.get(t));
          return groupOf ? [groupOf(report)] : [];
        });
    const children = [
      ...[group(id, 'Findings', findings), ...tableGroups].filter((g) => g.children!.length > 0),
      ...leftOutNodes(report, id),
    ];
    return {
      id: `section/${id}`,
      kind: 'section',
      section: id,
      label: title,
      description: findings.length ? count(findings.length, 'finding') : undefined,
      revealText: title,
      children,
    };
  });
}

/** A list the report capped: how many entries it left out, with the filter that shows them all. */
function leftOutNodes(report: Report, section: SectionId): OutlineNode[] {
  return leftOutIn(report, section).map(({ key, label, text, filter }) => ({
    id: key,
    kind: 'left-out',
    section,
    label,
    description: filter,
    tooltip: `${text} ${filter}`,
    filter,
    markdown: `- *${markdownText(text)}* ${markdownCode(filter)}`,
    revealText: label,
  }));
}

function findingNode(f: Finding): OutlineNode {
  return {
    id: `finding/${f.id}`,
    kind: 'finding',
    section: f.section,
    label: plainText(f.title),
    description: f.severity === 'info' ? undefined : f.severity,
    tooltip: plainText(f.detail),
    severity: f.severity,
    frames: f.frames,
    filter: f.filter,
    markdown: findingMarkdown(f),
    revealText: plainText(f.title),
  };
}

function domainNode(report: Report): (name: Report['dns']['names'][number]) => Omit<OutlineNode, 'id' | 'section'> {
  return (name) => {
    const frames = report.dns.transactions
      .filter((t) => t.name === name.name)
      .flatMap((t) => [t.queryFrame, t.responseFrame])
      .filter((f): f is number => f !== undefined);
    const chain = [...name.aliases, ...name.addresses].join(' → ');
    const service = name.service ? `${name.service}${name.role ? ` (${name.role})` : ''}` : undefined;
    const filter = `${name.protocol === 'dns' ? 'dns' : name.protocol}.qry.name == ${filterString(name.name)}`;
    const detail = [chain ? `resolves to ${chain}` : 'no answer', service].filter(Boolean).join('; ');
    return {
      kind: 'domain',
      label: plainText(name.name),
      description: plainText(chain || 'no answer'),
      tooltip: plainText(
        [detail, name.platforms.length ? `platforms: ${name.platforms.join(', ')}` : ''].filter(Boolean).join('\n'),
      ),
      frames: [...new Set(frames)].sort((a, b) => a - b),
      filter,
      markdown: itemMarkdown(
        name.name,
        detail,
        [...new Set(frames)].sort((a, b) => a - b),
        filter,
      ),
      revealText: plainText(name.name),
    };
  };
}

function addressNode(address: Report['addresses'][number]): Omit<OutlineNode, 'id' | 'section'> {
  const frames = [...new Set(address.evidence.flatMap((e) => e.frames))].sort((a, b) => a - b);
  const what = [
    address.role,
    address.service,
    address.microsoftPrefix
      ? `in ${address.microsoftPrefix}`
      : address.azurePrefix
        ? `in ${address.azurePrefix} (Azure)`
        : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const filter = addressFilter(address.ip);
  return {
    kind: 'address',
    label: address.ip,
    description: plainText(what),
    tooltip: plainText([...address.names, ...address.evidence.map((e) => e.detail)].join('\n')),
    frames,
    filter,
    markdown: itemMarkdown(address.ip, `${what}; ${address.packets} packets in ${address.flows} flows`, frames, filter),
    revealText: address.ip,
  };
}

function relayNode(relay: Report['stun']['summary']['relays'][number]): Omit<OutlineNode, 'id' | 'section'> {
  const filter = `${addressFilter(relay.ip)} && ${relay.transport === 'udp' ? 'udp' : 'tcp'}.port == ${relay.port}`;
  const over =
    relay.transport === 'udp'
      ? `${relay.allocations ?? 'uncounted (relayed address not read)'} allocations, `
      : `over TCP ${relay.port}${relay.transport === 'tcp-443' ? ' (pseudo-TLS)' : ''}, `;
  const detail = `${over}${relay.messages} STUN/TURN messages${relay.names.length ? `; ${relay.names.join(', ')}` : ''}`;
  return {
    kind: 'relay',
    label: `${relay.ip}:${relay.port}`,
    description: plainText(detail),
    frames: relay.frames,
    filter,
    markdown: itemMarkdown(`TURN relay ${relay.ip}:${relay.port}`, detail, relay.frames, filter),
    revealText: relay.ip,
  };
}

function flowNode(flow: Report['flows'][number]): Omit<OutlineNode, 'id' | 'section'> {
  const label = `${flow.transport} ${formatEndpoint(flow.client)} → ${formatEndpoint(flow.server)}`;
  const detail = [flow.service?.name, flow.protocols.join('/'), `${flow.packets} packets`].filter(Boolean).join(' · ');
  const frames = [...new Set([flow.firstFrame, flow.lastFrame])];
  return {
    kind: 'flow',
    label,
    description: plainText(detail),
    tooltip: flow.service ? plainText(flow.service.evidence.map((e) => e.detail).join('\n')) : undefined,
    frames,
    filter: flow.filter,
    markdown: itemMarkdown(label, detail, frames, flow.filter),
    revealText: formatEndpoint(flow.server),
  };
}

function handshakeNodes(report: Report): OutlineNode[] {
  const flowFilter = new Map(report.flows.map((f) => [f.id, f.filter]));
  return report.tls.handshakes.map((handshake, index) => {
    const label = handshake.clientHello?.sni ?? formatEndpoint(handshake.server);
    const detail = handshakeSummary(handshake);
    const frames = [handshake.clientHello?.frame, handshake.serverHello?.frame].filter(
      (f): f is number => f !== undefined,
    );
    const filter = flowFilter.get(handshake.flowId) ?? addressFilter(handshake.server.ip);
    return {
      id: `security/handshake/${index}`,
      kind: 'handshake',
      section: 'security',
      label: plainText(label),
      description: plainText(detail),
      tooltip: plainText(
        `${handshake.protocol.toUpperCase()} ${formatEndpoint(handshake.client)} → ${formatEndpoint(handshake.server)}\n${detail}`,
      ),
      frames,
      filter,
      markdown: itemMarkdown(`${handshake.protocol.toUpperCase()} handshake with ${label}`, detail, frames, filter),
      revealText: plainText(label),
      children: handshake.certificates.map((certificate) => ({
        id: `security/handshake/${index}/certificate/${certificate.position}`,
        kind: 'certificate' as const,
        section: 'security' as const,
        label: plainText(certificate.subjectCommonName ?? certificate.subject),
        description: plainText(
          `issued by ${certificate.issuerCommonName ?? certificate.issuer}, valid ${certificate.notBefore.slice(0, 10)} – ${certificate.notAfter.slice(0, 10)}`,
        ),
        tooltip: plainText(
          `${certificate.subject}\nissuer: ${certificate.issuer}\nvalid ${certificate.notBefore} – ${certificate.notAfter}\nSHA-256 ${certificate.sha256}`,
        ),
        frames: [certificate.frame],
        filter: frameFilter(certificate.frame),
        revealText: plainText(certificate.subjectCommonName ?? certificate.subject),
      })),
    };
  });
}

function handshakeSummary(handshake: TlsHandshake): string {
  if (handshake.pseudoTls) return 'pseudo-TLS of a Teams media relay (MS-TURN over TCP), not TLS';
  const hello = handshake.serverHello;
  if (!hello) return `no ServerHello; ${handshake.clientHello?.cipherSuites.length ?? 0} suites offered`;
  return `${hello.version.name ?? hello.version.code} · ${hello.cipherSuite.name ?? hello.cipherSuite.code}`;
}

/** Certificates by fingerprint: a server's chain is usually shown in several handshakes. */
function certificateNodes(report: Report): OutlineNode[] {
  const seen = new Map<string, { certificate: TlsHandshake['certificates'][number]; frames: number[] }>();
  for (const handshake of report.tls.handshakes) {
    for (const certificate of handshake.certificates) {
      const entry = seen.get(certificate.sha256) ?? { certificate, frames: [] };
      entry.frames.push(certificate.frame);
      seen.set(certificate.sha256, entry);
    }
  }
  return [...seen.values()].map(({ certificate, frames }) => {
    const subject = certificate.subjectCommonName ?? certificate.subject;
    const detail = `issued by ${certificate.issuerCommonName ?? certificate.issuer}, valid ${certificate.notBefore.slice(0, 10)} – ${certificate.notAfter.slice(0, 10)}`;
    const unique = [...new Set(frames)].sort((a, b) => a - b);
    const filter = anyOf('frame.number', unique);
    return {
      id: `security/certificate/${certificate.sha256}`,
      kind: 'certificate',
      section: 'security',
      label: plainText(subject),
      description: plainText(detail),
      tooltip: plainText(
        `${certificate.subject}\nSANs: ${certificate.subjectAltNames.join(', ') || '–'}\nSHA-256 ${certificate.sha256}`,
      ),
      frames: unique,
      filter,
      markdown: itemMarkdown(`Certificate ${subject}`, detail, unique, filter),
      revealText: plainText(subject),
    };
  });
}

function activityNodes(report: Report): OutlineNode[] {
  const { application } = report;
  if (report.capture.packets === 0) return [];
  const phases = application.phases.map((phase, index) => {
    const filter = anyOf('frame.number', phase.frames);
    return {
      id: `application/phase/${index}`,
      kind: 'activity' as const,
      section: 'application' as const,
      label: `${phase.phase} ${phase.start.toFixed(1)}–${phase.end.toFixed(1)} s`,
      description: plainText(phase.detail),
      frames: phase.frames,
      filter,
      markdown: itemMarkdown(`${phase.phase} phase`, phase.detail, phase.frames, filter),
    };
  });
  const dominant: OutlineNode = {
    id: 'application/activity',
    kind: 'activity',
    section: 'application',
    label: application.dominantActivity,
    description: `${application.confidence} confidence`,
    tooltip: plainText(application.reason),
    revealText: 'Activity over time',
  };
  return [dominant, ...phases];
}

function mediaNode(stream: Report['media'][number]): Omit<OutlineNode, 'id' | 'section'> {
  const ends =
    stream.source && stream.destination
      ? `${formatEndpoint(stream.source)} → ${formatEndpoint(stream.destination)}`
      : `in flow ${stream.flowId}`;
  const label = `${stream.kind} ${ends}`;
  const detail = `${stream.path}${stream.ssrc ? ` · SSRC ${stream.ssrc}` : ''} · ${stream.pps.toFixed(0)} pkt/s · ${stream.kbps.toFixed(0)} kbit/s`;
  return {
    kind: 'media',
    label,
    description: plainText(detail),
    tooltip: plainText(`${stream.confidence} confidence: ${stream.reason}`),
    frames: [stream.firstFrame],
    filter: stream.filter,
    markdown: itemMarkdown(
      `${stream.kind} stream ${ends}`,
      `${detail}; ${stream.reason}`,
      [stream.firstFrame],
      stream.filter,
    ),
    revealText: stream.ssrc ?? (stream.source ? formatEndpoint(stream.source) : undefined),
  };
}
