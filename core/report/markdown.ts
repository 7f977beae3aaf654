import type { Finding, NamedCode, Report } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { hex } from '../util/display-filter.js';
import { markdownCode, markdownText } from './escape.js';
import { table } from './markdown-table.js';
import { decryptionMarkdown } from './decryption-markdown.js';
import { qualityTables } from './quality-section.js';
import { leftOutIn } from './left-out.js';
import { REPORT_SECTIONS, sectionTitle, type SectionId } from './sections.js';

/** Rows shown per table; the JSON report always has everything. */
const TABLE_ROWS = 40;

/**
 * The report as Markdown, in the order a network-course report takes: the capture, then DNS, Network,
 * Transport, Security and Application, each with its findings (frames and a display filter behind every
 * statement) and its tables.
 */
export function renderMarkdown(report: Report, options: { chartFile?: string } = {}): string {
  const out: string[] = [];
  out.push(`# Teamshark report: ${markdownText(report.capture.file)}`, '');
  captureSection(report, out);
  if (options.chartFile) out.push(`![Packets per second by protocol](${encodeURI(options.chartFile)})`, '');
  for (const { id } of REPORT_SECTIONS) out.push(renderSection(report, id));
  if (report.decryption) out.push(decryptionMarkdown(report.decryption));
  return out.join('\n');
}

/** Each section's tables, after its findings. */
const SECTION_TABLES: Record<SectionId, (report: Report, out: string[]) => void> = {
  dns: dnsTables,
  network: networkTables,
  transport: transportTables,
  security: securityTables,
  application: applicationTables,
  quality: qualityTables,
};

/** One section of the Markdown report (its heading, findings and tables), e.g. to insert into a note. */
export function renderSection(report: Report, id: SectionId): string {
  const out: string[] = [];
  out.push(`## ${sectionTitle(id)}`, '');
  const findings = report.findings.filter((f) => f.section === id);
  for (const f of findings) out.push(findingMarkdown(f));
  if (findings.length) out.push('');
  SECTION_TABLES[id](report, out);
  for (const { text, filter } of leftOutIn(report, id)) out.push(`*${markdownText(text)}* ${markdownCode(filter)}`, '');
  return out.join('\n');
}

function captureSection(report: Report, out: string[]): void {
  const { capture } = report;
  out.push(
    table(
      ['Capture', ''],
      [
        ['Packets', String(capture.packets)],
        ['Bytes', String(capture.bytes)],
        ['Duration', `${capture.durationSec.toFixed(1)} s`],
        ['Start', capture.start ?? '–'],
        ['Link types', markdownText(capture.linkTypes?.join(', ') || '–')],
        [
          'tshark',
          `${markdownText(capture.tshark.version)} (${markdownCode(capture.tshark.arguments.join(' '), true)})`,
        ],
        [
          'Clients',
          markdownText(
            report.addresses
              .filter((a) => a.role === 'client')
              .map((a) => a.ip)
              .join(', ') || '–',
          ),
        ],
        [
          'Behind NAT',
          report.stun.summary.behindNat
            ? `yes: public ${markdownText(report.stun.summary.publicAddresses.map((p) => p.ip).join(', '))}`
            : 'not shown by STUN',
        ],
        [
          'Activity',
          markdownText(
            `${report.application.dominantActivity} (${report.application.confidence} confidence): ${report.application.reason}`,
          ),
        ],
        ['Call path', report.call ? markdownText(report.call.reason) : 'no call media'],
      ],
    ),
  );
  if (report.warnings.length) {
    out.push('**Warnings**', '');
    for (const w of report.warnings) {
      const frames = w.frames?.length ? ` (frames ${w.frames.join(', ')})` : '';
      out.push(`- ${markdownText(w.message)}${frames}`);
    }
    out.push('');
  }
}

/** A finding as a Markdown list item: title, severity, detail, then its evidence (frames and filter). */
export function findingMarkdown(f: Finding): string {
  const severity = f.severity === 'info' ? '' : ` *(${f.severity})*`;
  // A trailing backslash is a hard line break (CommonMark): the evidence goes on its own line.
  return `- **${markdownText(f.title)}**${severity} — ${markdownText(f.detail)}\\\n  Frames ${f.frames.join(', ')} · filter ${markdownCode(f.filter)}`;
}

function dnsTables(report: Report, out: string[]): void {
  const internet = report.dns.names.filter((n) => n.protocol === 'dns');
  const discovery = report.dns.names.filter((n) => n.protocol !== 'dns');
  out.push('### Names looked up', '');
  out.push(
    table(
      ['First seen (s)', 'Name', 'Types', 'Resolves to', 'Platforms', 'Service'],
      internet.slice(0, TABLE_ROWS).map((n) => [
        `${n.firstSeen.toFixed(3)} (#${n.firstFrame})`,
        markdownText(n.name),
        markdownText(n.types.map((t) => (t.count > 1 ? `${t.type}×${t.count}` : t.type)).join(', ')),
        // Aliases follow one another (→); the addresses are the set the last name resolves to (, ).
        markdownText(
          [...n.aliases, ...(n.addresses.length ? [n.addresses.join(', ')] : [])].join(' → ') +
            (n.loadBalanced ? ' (answers changed)' : ''),
        ),
        markdownText(n.platforms.join(', ')),
        markdownText(n.service ?? ''),
      ]),
      internet.length,
    ),
  );
  if (discovery.length) {
    out.push(
      `Local discovery (mDNS/LLMNR), kept apart from Internet lookups: ${discovery.length} name(s), e.g. ${markdownText(
        discovery
          .slice(0, 5)
          .map((n) => n.name)
          .join(', '),
      )}.`,
      '',
    );
  }
}

function networkTables(report: Report, out: string[]): void {
  out.push('### Addresses', '');
  out.push(
    table(
      ['Address', 'Role', 'Names in this capture', 'Microsoft range', 'Flows', 'Bytes'],
      report.addresses
        .slice(0, TABLE_ROWS)
        .map((a) => [
          markdownText(a.ip),
          markdownText(a.role),
          markdownText(a.names.slice(0, 3).join(', ') + (a.names.length > 3 ? ', …' : '')),
          markdownText(a.microsoftPrefix ?? (a.azurePrefix ? `${a.azurePrefix} (Azure)` : '')),
          String(a.flows),
          String(a.bytes),
        ]),
      report.addresses.length,
    ),
  );
  const { relays } = report.stun.summary;
  if (relays.length) {
    out.push('### TURN relays', '');
    out.push(
      table(
        ['Relay', 'Transport', 'Names', 'Allocations', 'Messages'],
        relays.map((r) => [
          markdownText(`${r.ip}:${r.port}`),
          r.transport === 'tcp-443' ? 'TCP 443 (pseudo-TLS)' : r.transport.toUpperCase(),
          markdownText(r.names.join(', ')),
          r.transport === 'udp' ? String(r.allocations) : 'not decoded',
          String(r.messages),
        ]),
      ),
    );
  }
  const stun = report.stun.messages;
  if (stun.length) {
    out.push('### STUN / TURN messages', '');
    out.push(
      table(
        ['Frame', 'Time (s)', 'From', 'To', 'Message', 'Addresses'],
        stun
          .slice(0, TABLE_ROWS)
          .map((m) => [
            String(m.frame),
            m.time.toFixed(3),
            markdownText(formatEndpoint(m.source)),
            markdownText(formatEndpoint(m.destination)),
            markdownText(codeName(m.type)),
            markdownText(m.addresses.map((a) => `${a.attribute?.name ?? 'address'} ${formatEndpoint(a)}`).join(', ')),
          ]),
        stun.length,
        report.stun.messagesLeftOut ? 'the JSON report lists the first and last messages, see below' : undefined,
      ),
    );
  }
}

function transportTables(report: Report, out: string[]): void {
  const { ipv4, ipv6 } = report.transport.ipVersions;
  out.push(
    `IPv4: ${ipv4.packets} packets, ${ipv4.bytes} bytes · IPv6: ${ipv6.packets} packets, ${ipv6.bytes} bytes.`,
    '',
  );
  out.push('### Protocols', '');
  out.push(
    table(
      ['Protocol', 'Packets', 'Bytes'],
      report.protocols.map((p) => [markdownText(p.protocol), String(p.packets), String(p.bytes)]),
    ),
  );
  const parallel = report.transport.parallelConnections;
  if (parallel.length) {
    out.push('### Parallel TCP connections to one server', '');
    out.push(
      table(
        ['Server', 'Names', 'Connections', 'At once'],
        parallel.map((p) => [
          markdownText(formatEndpoint(p.server)),
          markdownText(p.names.slice(0, 2).join(', ')),
          String(p.connections),
          String(p.maxConcurrent),
        ]),
      ),
    );
  }
  out.push('### Flows', '');
  const flows = [...report.flows].sort((a, b) => b.bytes - a.bytes);
  out.push(
    table(
      ['Flow', 'Client', 'Server', 'Service', 'Packets', 'Bytes', 'Start (s)', 'Protocols'],
      flows
        .slice(0, TABLE_ROWS)
        .map((f) => [
          markdownCode(f.filter, true),
          markdownText(formatEndpoint(f.client)),
          markdownText(formatEndpoint(f.server)),
          markdownText(f.service?.name ?? ''),
          String(f.packets),
          String(f.bytes),
          f.start.toFixed(3),
          markdownText(f.protocols.join(', ')),
        ]),
      flows.length,
    ),
  );
}

type ChainLink = NonNullable<Report['tls']['servers'][number]['certificateChain']>[number];

/** A certificate by its CN, the full DN when it has none. */
function certificateName(c: ChainLink): string {
  return c.subjectCommonName ?? c.subject;
}

/** The issuing CA by name (its CN: "Microsoft IT TLS CA 4"), not its organisation. */
function issuerName(c: ChainLink): string {
  return c.issuerCommonName ?? c.issuerOrganization ?? c.issuer;
}

function validity(c: ChainLink): string {
  return `${c.notBefore.slice(0, 10)} → ${c.notAfter.slice(0, 10)}, ${c.validityDays} days`;
}

function securityTables(report: Report, out: string[]): void {
  out.push('### TLS servers', '');
  const servers = report.tls.servers;
  out.push(
    table(
      ['Server', 'SNI', 'Version', 'Cipher suite', 'Certificate (leaf)', 'Issuer'],
      servers.slice(0, TABLE_ROWS).map((s) => {
        const leaf = s.certificateChain?.[0];
        return [
          markdownText(formatEndpoint(s.server)),
          markdownText(s.snis.join(', ')),
          markdownText(s.versions.map(codeName).join(', ')),
          s.cipherSuites.map((c) => `${markdownCode(codeName(c), true)} (${hex(c.code)})`).join(', '),
          markdownText(leaf ? `${certificateName(leaf)}, ${validity(leaf)}` : ''),
          markdownText(leaf ? issuerName(leaf) + (leaf.selfSigned ? ' (self-signed)' : '') : ''),
        ];
      }),
      servers.length,
    ),
  );
  const chains = servers.filter((s) => s.certificateChain?.length);
  if (chains.length) {
    out.push('### Certificate chains', '');
    out.push(
      table(
        ['Server', 'Chain as sent (each certificate, then who issued it)'],
        chains
          .slice(0, TABLE_ROWS)
          .map((s) => [
            markdownText(s.snis[0] ?? formatEndpoint(s.server)),
            markdownText(
              s
                .certificateChain!.map((c) => `${certificateName(c)} (${validity(c)}) ← issued by ${issuerName(c)}`)
                .join(' · '),
            ),
          ]),
        chains.length,
      ),
    );
  }
  const suites = report.tls.cipherSuites;
  if (suites.length) {
    out.push('### Cipher suites', '');
    out.push(
      table(
        [
          'Suite',
          'Code',
          'Offered',
          'Selected',
          'Key exchange / auth',
          'Cipher',
          'Hash',
          'FS',
          'AEAD',
          'Grade',
          'Defined in',
        ],
        suites
          .slice(0, TABLE_ROWS)
          .map((c) => [
            markdownCode(c.name, true),
            hex(c.code),
            String(c.offeredIn),
            String(c.selectedIn),
            markdownText(`${c.keyExchange} / ${c.authentication}`),
            markdownText([c.cipher, c.keyBits, c.mode].filter((x) => x !== undefined).join(' ')),
            markdownText(c.hash),
            c.forwardSecrecy ? 'yes' : 'no',
            c.aead ? 'yes' : 'no',
            `${c.grade}${c.grade === 'recommended' || c.grade === 'secure' ? '' : `: ${markdownText(c.gradeReason)}`}`,
            markdownText(c.references.join(', ')),
          ]),
        suites.length,
      ),
    );
  }
  const fingerprints = report.tls.clientFingerprints;
  if (fingerprints.length) {
    out.push('### Client hellos', '');
    out.push(
      table(
        ['Fingerprint', 'Handshakes', 'SNIs', 'Suites offered (in order, GREASE left out)', 'GREASE'],
        fingerprints.map((f) => [
          markdownCode(f.fingerprint, true),
          String(f.handshakes),
          markdownText(f.snis.slice(0, 3).join(', ') + (f.snis.length > 3 ? ', …' : '')),
          markdownText(f.cipherSuites.map((c) => hex(c.code)).join(' ')),
          String(f.greaseValues),
        ]),
      ),
    );
  }
}

function applicationTables(report: Report, out: string[]): void {
  const { application } = report;
  out.push(`### Activity over time (${application.windowSeconds} s windows)`, '');
  out.push(
    table(
      ['From (s)', 'To (s)', 'Activity', 'Also', 'Evidence'],
      application.timeline.map((s) => [
        String(s.start),
        String(s.end),
        s.activity,
        s.activities.filter((a) => a !== s.activity).join(', '),
        markdownText(s.evidence.join('; ')),
      ]),
    ),
  );
  if (new Set(application.timeline.map((s) => s.activity)).size > 1) {
    out.push('### Activities compared', '');
    out.push(activityComparison(report, application.timeline));
  }
  if (application.phases.length) {
    out.push('### Call phases', '');
    out.push(
      table(
        ['Phase', 'From (s)', 'To (s)', 'What happens'],
        application.phases.map((p) => [p.phase, String(p.start), String(p.end), markdownText(p.detail)]),
      ),
    );
  }
  out.push('### Media', '');
  out.push(
    table(
      ['Kind', 'From', 'To', 'Direction', 'Path', 'pkt/s', 'kbit/s (whole frames)', 'Why'],
      report.media
        .slice(0, TABLE_ROWS)
        .map((m) => [
          markdownText(m.kind),
          markdownText(m.source ? formatEndpoint(m.source) : ''),
          markdownText(m.destination ? formatEndpoint(m.destination) : ''),
          m.direction,
          m.path,
          String(m.pps),
          String(m.kbps),
          markdownText(m.reason),
        ]),
      report.media.length,
    ),
  );
  if (report.quic.connections.length) {
    out.push('### QUIC', '');
    out.push(
      table(
        ['Flow', 'Protocol', 'Versions', 'SNI', 'Packets'],
        report.quic.connections.map((q) => [
          q.flowId,
          q.protocol,
          markdownText(q.versions.join(', ')),
          markdownText(q.sni ?? ''),
          String(q.packets),
        ]),
      ),
    );
  }
  if (report.ssdp.messages.length) {
    out.push('### SSDP (local discovery)', '');
    out.push(
      table(
        ['Frame', 'From', 'Method', 'User agent / server'],
        report.ssdp.messages
          .slice(0, TABLE_ROWS)
          .map((m) => [
            String(m.frame),
            markdownText(formatEndpoint(m.source)),
            markdownText(m.method ?? 'response'),
            markdownText(m.userAgent ?? m.server ?? ''),
          ]),
        report.ssdp.messages.length,
      ),
    );
  }
}

/** The study's comparison, within one capture: packets per second of each protocol in each segment. */
function activityComparison(report: Report, segments: Report['application']['timeline']): string {
  const { timeline } = report;
  const rate = (protocol: string, start: number, end: number) => {
    const series = timeline.series.find((s) => s.protocol === protocol);
    if (!series) return 0;
    let packets = 0;
    series.packets.forEach((n, bin) => {
      const binStart = timeline.startOffset + bin * timeline.binSeconds;
      if (binStart >= start && binStart < end) packets += n;
    });
    return Math.round((packets / Math.max(end - start, timeline.binSeconds)) * 10) / 10;
  };
  const protocols = timeline.series.map((s) => s.protocol);
  return table(
    ['Segment', 'Activity', ...protocols.map((p) => `${markdownText(p)} pkt/s`)],
    segments.map((s) => [
      `${s.start}–${s.end} s`,
      s.activity,
      ...protocols.map((p) => String(rate(p, s.start, s.end))),
    ]),
  );
}

function codeName(code: NamedCode): string {
  return code.name ?? hex(code.code);
}
