import type { NamedCode, Report } from '../../core/schema/generated/report.js';
import { formatEndpoint } from '../../core/model/addressing.js';
import { hex } from '../../core/util/display-filter.js';
import { describeStream } from '../../core/quality/index.js';
import { PATH_TEXT } from '../../core/quality/path.js';
import { clockText, dscpText, gapsText, verdictText } from '../../core/report/quality-section.js';
import { esc, framesHtml, htmlTable } from './html-table.js';
import { count } from '../../core/util/plural.js';
import { leftOutIn } from '../../core/report/left-out.js';
import { REPORT_SECTIONS, type SectionId } from '../../core/report/sections.js';

/** A section of the view: what the TOC counts, and its tables after the findings. */
interface SectionContent {
  counts: (report: Report) => string[];
  body: (report: Report) => string;
}

export type ViewSection = SectionContent & { id: SectionId; title: string };

const name = (code: NamedCode) => code.name ?? hex(code.code);
const num = (n: number) => ({ text: n.toLocaleString('en'), sort: n });
const time = (s: number) => ({ text: s.toFixed(3), sort: s });

function subsection(section: SectionId, title: string, html: string, note = '', keys: string[] = []): string {
  return `<h3 data-keys="${esc([`${section}/${title}`, ...keys].join(' '))}">${esc(title)}${note ? ` <span class="muted">${esc(note)}</span>` : ''}</h3>\n${html}`;
}

function findingsList(report: Report, id: SectionId): string {
  const findings = report.findings.filter((f) => f.section === id);
  if (!findings.length) return '';
  const items = findings.map(
    (f) =>
      `<li class="finding severity-${f.severity}" data-keys="${esc(`finding/${f.id}`)}" data-frames="${esc(f.frames.join(' '))}"><span class="finding-title">${esc(f.title)}</span>${f.severity === 'info' ? '' : ` <span class="badge">${f.severity}</span>`}<div class="finding-detail clamped" title="Click for all of it">${esc(f.detail)}</div><div class="evidence">Frames ${framesHtml(f.frames)} · <code>${esc(f.filter)}</code></div></li>`,
  );
  return `<ul class="findings">${items.join('\n')}</ul>`;
}

const dns: SectionContent = {
  counts: (r) => [`${r.dns.names.length} names`],
  body: (report) => {
    const names = htmlTable({
      id: 'dns-names',
      filter: true,
      rows: report.dns.names,
      keys: (n) => [`dns/name/${n.protocol}/${n.name}`],
      time: (n) => [n.firstSeen, n.firstSeen],
      columns: [
        { title: 'Name', cell: (n) => n.name },
        {
          title: 'First seen (s)',
          kind: 'num',
          cell: (n) => ({ text: `${n.firstSeen.toFixed(3)} (#${n.firstFrame})`, sort: n.firstSeen }),
        },
        { title: 'Protocol', cell: (n) => n.protocol },
        { title: 'Types', cell: (n) => n.types.map((t) => (t.count > 1 ? `${t.type}×${t.count}` : t.type)).join(', ') },
        {
          title: 'Resolves to',
          kind: 'clip',
          cell: (n) => [...n.aliases, ...n.addresses].join(' → ') + (n.loadBalanced ? ' (answers changed)' : ''),
        },
        { title: 'Service', cell: (n) => n.service ?? '' },
        { title: 'Platforms', cell: (n) => n.platforms.join(', ') },
      ],
    });
    return subsection('dns', 'Names looked up', names);
  },
};

const network: SectionContent = {
  counts: (r) => [`${r.addresses.length} addresses`, `${r.stun.summary.relays.length} relays`],
  body: (report) => {
    const addresses = htmlTable({
      id: 'addresses',
      filter: true,
      rows: report.addresses,
      keys: (a) => [`network/address/${a.ip}`],
      columns: [
        { title: 'Address', cell: (a) => a.ip },
        { title: 'Role', cell: (a) => a.role },
        { title: 'Names in this capture', kind: 'clip', cell: (a) => a.names.join(', ') },
        { title: 'Microsoft range', cell: (a) => a.microsoftPrefix ?? '' },
        { title: 'Flows', kind: 'num', cell: (a) => num(a.flows) },
        { title: 'Bytes', kind: 'num', cell: (a) => num(a.bytes) },
      ],
    });
    const relays = htmlTable({
      id: 'turn-relays',
      rows: report.stun.summary.relays,
      keys: (r) => [`network/relay/${r.ip}:${r.port}`],
      columns: [
        { title: 'Relay', cell: (r) => `${r.ip}:${r.port}` },
        { title: 'Names', kind: 'clip', cell: (r) => r.names.join(', ') },
        { title: 'Allocations', kind: 'num', cell: (r) => num(r.allocations) },
        { title: 'Messages', kind: 'num', cell: (r) => num(r.messages) },
      ],
    });
    const stun = htmlTable({
      id: 'stun-messages',
      filter: true,
      rows: report.stun.messages,
      time: (m) => [m.time, m.time],
      columns: [
        { title: 'Frame', kind: 'num', cell: (m) => num(m.frame) },
        { title: 'Time (s)', kind: 'num', cell: (m) => time(m.time) },
        { title: 'From', cell: (m) => formatEndpoint(m.source) },
        { title: 'To', cell: (m) => formatEndpoint(m.destination) },
        { title: 'Message', cell: (m) => name(m.type) },
        {
          title: 'Addresses',
          kind: 'clip',
          cell: (m) => m.addresses.map((a) => `${a.attribute?.name ?? 'address'} ${formatEndpoint(a)}`).join(', '),
        },
      ],
    });
    return [
      subsection('network', 'Addresses', addresses),
      report.stun.summary.relays.length ? subsection('network', 'TURN relays', relays) : '',
      report.stun.messages.length
        ? subsection(
            'network',
            'STUN / TURN messages',
            stun,
            report.stun.messagesLeftOut ? `the first and last of ${report.stun.messagesLeftOut.total}, see below` : '',
          )
        : '',
    ].join('\n');
  },
};

const transport: SectionContent = {
  counts: (r) => [`${r.flows.length} flows`],
  body: (report) => {
    const { ipv4, ipv6 } = report.transport.ipVersions;
    const protocols = htmlTable({
      id: 'protocols',
      rows: report.protocols,
      columns: [
        { title: 'Protocol', cell: (p) => p.protocol },
        { title: 'Packets', kind: 'num', cell: (p) => num(p.packets) },
        { title: 'Bytes', kind: 'num', cell: (p) => num(p.bytes) },
      ],
    });
    const parallel = htmlTable({
      id: 'parallel-connections',
      rows: report.transport.parallelConnections,
      columns: [
        { title: 'Server', cell: (p) => formatEndpoint(p.server) },
        { title: 'Names', kind: 'clip', cell: (p) => p.names.join(', ') },
        { title: 'Connections', kind: 'num', cell: (p) => num(p.connections) },
        { title: 'At once', kind: 'num', cell: (p) => num(p.maxConcurrent) },
      ],
    });
    const flows = htmlTable({
      id: 'flows',
      filter: true,
      rows: [...report.flows].sort((a, b) => b.bytes - a.bytes),
      keys: (f) => [`transport/flow/${f.id}`],
      time: (f) => [f.start, f.end],
      columns: [
        { title: 'Server', cell: (f) => `${f.transport} ${formatEndpoint(f.server)}` },
        { title: 'Client', cell: (f) => formatEndpoint(f.client) },
        { title: 'Service', cell: (f) => f.service?.name ?? '' },
        { title: 'Packets', kind: 'num', cell: (f) => num(f.packets) },
        { title: 'Bytes', kind: 'num', cell: (f) => num(f.bytes) },
        { title: 'Start (s)', kind: 'num', cell: (f) => time(f.start) },
        { title: 'Protocols', kind: 'clip', cell: (f) => f.protocols.join(', ') },
        { title: 'Filter', kind: 'code', cell: (f) => ({ text: f.filter, html: `<code>${esc(f.filter)}</code>` }) },
      ],
    });
    return [
      `<p>IPv4: ${esc(ipv4.packets.toLocaleString('en'))} packets, ${esc(ipv4.bytes.toLocaleString('en'))} bytes · IPv6: ${esc(ipv6.packets.toLocaleString('en'))} packets, ${esc(ipv6.bytes.toLocaleString('en'))} bytes.</p>`,
      subsection('transport', 'Protocols', protocols),
      report.transport.parallelConnections.length
        ? subsection('transport', 'Parallel TCP connections to one server', parallel)
        : '',
      subsection('transport', 'Flows', flows, 'largest first'),
    ].join('\n');
  },
};

const GRADE_SHORT: Record<string, string> = {
  recommended: 'recommended',
  secure: 'secure',
  weak: 'weak',
  insecure: 'insecure',
};

const security: SectionContent = {
  counts: (r) => [`${r.tls.handshakes.length} handshakes`, `${r.tls.cipherSuites.length} suites`],
  body: (report) => {
    const handshakesOf = new Map<string, number[]>();
    report.tls.handshakes.forEach((h, index) => {
      const key = formatEndpoint(h.server);
      handshakesOf.set(key, [...(handshakesOf.get(key) ?? []), index]);
    });
    const serverKeys = (server: Report['tls']['servers'][number]): string[] =>
      (handshakesOf.get(formatEndpoint(server.server)) ?? []).flatMap((index) => [
        `security/handshake/${index}`,
        ...report.tls.handshakes[index]!.certificates.flatMap((c) => [
          `security/handshake/${index}/certificate/${c.position}`,
          `security/certificate/${c.sha256}`,
        ]),
      ]);
    const servers = htmlTable({
      id: 'tls-servers',
      filter: true,
      rows: report.tls.servers,
      keys: serverKeys,
      columns: [
        { title: 'Server', cell: (s) => formatEndpoint(s.server) },
        { title: 'SNI', kind: 'clip', cell: (s) => s.snis.join(', ') },
        { title: 'Handshakes', kind: 'num', cell: (s) => num(s.handshakes) },
        { title: 'Version', cell: (s) => s.versions.map(name).join(', ') },
        {
          title: 'Cipher suite',
          kind: 'clip',
          cell: (s) => s.cipherSuites.map((c) => `${name(c)} (${hex(c.code)})`).join(', '),
        },
        {
          title: 'Certificate (leaf)',
          kind: 'clip',
          cell: (s) => {
            const leaf = s.certificateChain?.[0];
            return leaf
              ? `${leaf.subject}, ${leaf.notBefore.slice(0, 10)} → ${leaf.notAfter.slice(0, 10)} (${leaf.validityDays} days)`
              : '';
          },
        },
        {
          title: 'Issuer',
          kind: 'clip',
          cell: (s) => {
            const leaf = s.certificateChain?.[0];
            return leaf ? (leaf.issuerOrganization ?? leaf.issuer) + (leaf.selfSigned ? ' (self-signed)' : '') : '';
          },
        },
      ],
    });
    const suites = htmlTable({
      id: 'cipher-suites',
      filter: true,
      rows: report.tls.cipherSuites,
      columns: [
        {
          title: 'Suite',
          kind: 'code',
          cell: (c) => ({
            text: c.name,
            html: `<code>${esc(c.name)}</code>`,
            title: c.openssl ? `OpenSSL: ${c.openssl}` : undefined,
          }),
        },
        { title: 'Code', cell: (c) => ({ text: hex(c.code), sort: c.code }) },
        {
          title: 'Grade',
          cell: (c) => ({
            text: GRADE_SHORT[c.grade] ?? c.grade,
            title: c.gradeReason,
            html: `<span class="grade grade-${esc(c.grade)}">${esc(GRADE_SHORT[c.grade] ?? c.grade)}</span>`,
            sort: ['insecure', 'weak', 'secure', 'recommended'].indexOf(c.grade),
          }),
        },
        { title: 'Offered', kind: 'num', cell: (c) => num(c.offeredIn) },
        { title: 'Selected', kind: 'num', cell: (c) => num(c.selectedIn) },
        { title: 'Key exchange / auth', cell: (c) => `${c.keyExchange} / ${c.authentication}` },
        { title: 'Cipher', cell: (c) => [c.cipher, c.keyBits, c.mode].filter((x) => x !== undefined).join(' ') },
        { title: 'Hash', cell: (c) => c.hash },
        { title: 'FS', cell: (c) => (c.forwardSecrecy ? 'yes' : 'no') },
        { title: 'AEAD', cell: (c) => (c.aead ? 'yes' : 'no') },
        { title: 'Defined in', kind: 'clip', cell: (c) => c.references.join(', ') },
      ],
    });
    const hellos = htmlTable({
      id: 'client-hellos',
      rows: report.tls.clientFingerprints,
      columns: [
        {
          title: 'Fingerprint',
          kind: 'code',
          cell: (f) => ({ text: f.fingerprint, html: `<code>${esc(f.fingerprint)}</code>` }),
        },
        { title: 'Handshakes', kind: 'num', cell: (f) => num(f.handshakes) },
        { title: 'SNIs', kind: 'clip', cell: (f) => f.snis.join(', ') },
        {
          title: 'Suites offered (in order, GREASE left out)',
          kind: 'clip',
          cell: (f) => f.cipherSuites.map((c) => hex(c.code)).join(' '),
        },
        { title: 'GREASE', kind: 'num', cell: (f) => num(f.greaseValues) },
      ],
    });
    return [
      subsection(
        'security',
        'TLS servers',
        servers,
        'one row per server; the tree’s handshakes and certificates land here',
      ),
      report.tls.cipherSuites.length
        ? subsection('security', 'Cipher suites', suites, 'grade reasons in the tooltips')
        : '',
      report.tls.clientFingerprints.length ? subsection('security', 'Client hellos', hellos) : '',
    ].join('\n');
  },
};

const application: SectionContent = {
  counts: (r) => [`${r.media.length} media streams`],
  body: (report) => {
    const { application: app } = report;
    const activity = htmlTable({
      id: 'activity',
      rows: app.timeline,
      time: (s) => [s.start, s.end],
      columns: [
        { title: 'From (s)', kind: 'num', cell: (s) => num(s.start) },
        { title: 'To (s)', kind: 'num', cell: (s) => num(s.end) },
        { title: 'Activity', cell: (s) => s.activity },
        { title: 'Also', cell: (s) => s.activities.filter((a) => a !== s.activity).join(', ') },
        { title: 'Evidence', kind: 'clip', cell: (s) => s.evidence.join('; ') },
      ],
    });
    const phases = htmlTable({
      id: 'call-phases',
      rows: app.phases.map((p, index) => ({ ...p, index })),
      keys: (p) => [`application/phase/${p.index}`],
      time: (p) => [p.start, p.end],
      columns: [
        { title: 'Phase', cell: (p) => p.phase },
        { title: 'From (s)', kind: 'num', cell: (p) => num(p.start) },
        { title: 'To (s)', kind: 'num', cell: (p) => num(p.end) },
        { title: 'What happens', kind: 'clip', cell: (p) => p.detail },
      ],
    });
    const media = htmlTable({
      id: 'media',
      rows: report.media.map((m, index) => ({ ...m, index })),
      keys: (m) => [`application/media/${m.index}`],
      columns: [
        { title: 'Kind', cell: (m) => m.kind },
        { title: 'From', cell: (m) => (m.source ? formatEndpoint(m.source) : '') },
        { title: 'To', cell: (m) => (m.destination ? formatEndpoint(m.destination) : '') },
        { title: 'Direction', cell: (m) => m.direction },
        { title: 'Path', cell: (m) => m.path },
        { title: 'pkt/s', kind: 'num', cell: (m) => num(m.pps) },
        { title: 'kbit/s', kind: 'num', cell: (m) => num(m.kbps) },
        { title: 'Why', kind: 'clip', cell: (m) => m.reason },
      ],
    });
    const quic = htmlTable({
      id: 'quic',
      rows: report.quic.connections,
      columns: [
        { title: 'Flow', cell: (q) => q.flowId },
        { title: 'Protocol', cell: (q) => q.protocol },
        { title: 'Versions', cell: (q) => q.versions.join(', ') },
        { title: 'SNI', cell: (q) => q.sni ?? '' },
        { title: 'Packets', kind: 'num', cell: (q) => num(q.packets) },
      ],
    });
    const ssdp = htmlTable({
      id: 'ssdp',
      rows: report.ssdp.messages,
      columns: [
        { title: 'Frame', kind: 'num', cell: (m) => num(m.frame) },
        { title: 'From', cell: (m) => formatEndpoint(m.source) },
        { title: 'Method', cell: (m) => m.method ?? 'response' },
        { title: 'User agent / server', kind: 'clip', cell: (m) => m.userAgent ?? m.server ?? '' },
      ],
    });
    return [
      subsection('application', 'Activity over time', activity, `${app.windowSeconds} s windows`, [
        'application/activity',
      ]),
      app.phases.length ? subsection('application', 'Call phases', phases) : '',
      subsection('application', 'Media streams', media),
      report.quic.connections.length ? subsection('application', 'QUIC', quic) : '',
      report.ssdp.messages.length ? subsection('application', 'SSDP (local discovery)', ssdp) : '',
    ].join('\n');
  },
};

const windowCell = (window: NonNullable<Report['quality']>['streams'][number]['windows']['loss15s'], unit: string) =>
  window
    ? {
        text: `${window.met ? 'met' : 'missed'}: ${window.value} ${unit} at ${window.start.toFixed(1)} s`,
        sort: window.value,
      }
    : '–';

const quality: SectionContent = {
  counts: (r) => (r.quality ? [`${r.quality.streams.length} streams judged`, `verdict ${r.quality.verdict}`] : []),
  body: (report) => {
    const { quality: q } = report;
    if (!q) return '<p class="none">No RTP media and no round trip in the capture.</p>';
    const streams = htmlTable({
      id: 'quality-streams',
      rows: q.streams.map((s, index) => ({ ...s, index })),
      keys: (s) => [`quality/stream/${s.index}`],
      columns: [
        {
          title: 'Stream',
          cell: (s) => ({
            text: describeStream(s),
            title: `${formatEndpoint(s.source)} → ${formatEndpoint(s.destination)}`,
          }),
        },
        { title: 'Path', cell: (s) => PATH_TEXT[s.path] },
        { title: 'Packets', kind: 'num', cell: (s) => num(s.packets) },
        {
          title: 'Lost',
          kind: 'num',
          cell: (s) => ({ text: `${s.lost} of ${s.expected} (${s.lossPercent} %)`, sort: s.lossPercent }),
        },
        {
          title: 'Jitter mean / max (ms)',
          kind: 'num',
          cell: (s) => (s.jitter ? { text: `${s.jitter.meanMs} / ${s.jitter.maxMs}`, sort: s.jitter.meanMs } : '–'),
        },
        { title: 'Clock', kind: 'clip', cell: (s) => clockText(s) },
        { title: 'Max Δ (ms)', kind: 'num', cell: (s) => num(s.maxDeltaMs) },
        { title: 'Gaps ≥ 200 ms', cell: (s) => gapsText(s) },
        { title: 'DSCP', kind: 'clip', cell: (s) => dscpText(s) },
        { title: 'Verdict', kind: 'clip', cell: (s) => verdictText(s) },
      ],
    });
    const windows = htmlTable({
      id: 'quality-windows',
      rows: q.streams,
      columns: [
        { title: 'Stream', cell: (s) => describeStream(s) },
        { title: 'Loss, 15 s (< 1 %)', cell: (s) => windowCell(s.windows.loss15s, '%') },
        { title: 'Jitter, 15 s (< 30 ms)', cell: (s) => windowCell(s.windows.jitter15s, 'ms') },
        { title: 'Burst loss, 200 ms (< 10 %)', cell: (s) => windowCell(s.windows.burstLoss200ms, '%') },
      ],
    });
    const roundTrips = htmlTable({
      id: 'round-trips',
      rows: q.roundTrips.map((r, index) => ({ ...r, index })),
      keys: (r) => [`quality/round-trip/${r.index}`],
      columns: [
        { title: 'Method', cell: (r) => (r.method === 'stun' ? 'STUN request → response' : 'TCP SYN → SYN/ACK') },
        { title: 'To', cell: (r) => r.label ?? formatEndpoint(r.to) },
        { title: 'Samples', kind: 'num', cell: (r) => num(r.samples) },
        {
          title: 'Min / median / max (ms)',
          kind: 'num',
          cell: (r) => ({ text: `${r.minMs} / ${r.medianMs} / ${r.maxMs}`, sort: r.medianMs }),
        },
        { title: 'Filter', kind: 'code', cell: (r) => r.filter },
      ],
    });
    return [
      `<p><strong>Verdict: ${esc(q.verdict)}</strong> — ${esc(q.reason)}.</p><p class="muted">${esc(q.method)}</p>`,
      q.streams.length ? subsection('quality', 'Streams', streams) : '',
      q.streams.length ? subsection('quality', "Worst windows against Microsoft's network targets", windows) : '',
      q.roundTrips.length ? subsection('quality', 'Round trips', roundTrips) : '',
      `<p><strong>RTCP.</strong> ${esc(q.rtcp.note)}</p>`,
    ].join('\n');
  },
};

const CONTENT: Record<SectionId, SectionContent> = { dns, network, transport, security, application, quality };

/** The view's sections, in the report's order. */
export const VIEW_SECTIONS: readonly ViewSection[] = REPORT_SECTIONS.map((section) => ({
  ...section,
  ...CONTENT[section.id],
}));

export function sectionHtml(report: Report, section: ViewSection): string {
  const findings = report.findings.filter((f) => f.section === section.id).length;
  const counts = [findings ? count(findings, 'finding') : '', ...section.counts(report)].filter(Boolean).join(' · ');
  return `<section class="report-section" id="section-${section.id}" data-keys="section/${section.id}"><details><summary><h2>${esc(section.title)} <span class="count">${esc(counts)}</span></h2></summary>
${findingsList(report, section.id)}
${section.body(report)}${leftOutHtml(report, section.id)}
</details></section>`;
}

/** Under a section's tables: the lists of it the report capped, how many entries they left out, the filter that shows them all. */
function leftOutHtml(report: Report, id: SectionId): string {
  return leftOutIn(report, id)
    .map(
      ({ key, text, filter }) =>
        `\n<p class="left-out" data-keys="${esc(key)}">${esc(text)} <code>${esc(filter)}</code></p>`,
    )
    .join('');
}

export function tocEntry(report: Report, section: ViewSection): { id: string; title: string; count: string } {
  const findings = report.findings.filter((f) => f.section === section.id).length;
  return {
    id: `section-${section.id}`,
    title: section.title,
    count: [
      findings ? String(findings) : '',
      ...section
        .counts(report)
        .slice(0, 1)
        .map((c) => c.split(' ')[0]),
    ]
      .filter(Boolean)
      .join(' / '),
  };
}
