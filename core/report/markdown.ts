import type { Finding, Report } from '../schema/generated/report.js';
import { clientsDecided } from './clients.js';
import { markdownCode, markdownText } from './escape.js';
import { markdownTable, table } from './markdown-table.js';
import { decryptionMarkdown } from './decryption-markdown.js';
import { qualityTables } from './quality-section.js';
import { leftOutIn } from './left-out.js';
import { REPORT_SECTIONS, sectionTitle, type SectionId } from './sections.js';
import { DNS_NAMES } from './tables/dns.js';
import { ADDRESSES, STUN_MESSAGES, TURN_RELAYS } from './tables/network.js';
import { TCP_HEALTH } from './tables/tcp-health.js';
import { FLOWS, PARALLEL_CONNECTIONS, PROTOCOLS } from './tables/transport.js';
import { CERTIFICATE_CHAINS, CIPHER_SUITES, CLIENT_HELLOS, TLS_SERVERS } from './tables/security.js';
import { ACTIVITY, CALL_PHASES, MEDIA_STREAMS, QUIC, SSDP } from './tables/application.js';

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
  out.push(...decryptionMarkdown(report));
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
        ['Clients', markdownText(clientsDecided(report))],
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
  out.push(...markdownTable(DNS_NAMES, report));
  const discovery = report.dns.names.filter((n) => n.protocol !== 'dns');
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
  out.push(
    ...markdownTable(ADDRESSES, report),
    ...markdownTable(TURN_RELAYS, report),
    ...markdownTable(STUN_MESSAGES, report),
  );
}

function transportTables(report: Report, out: string[]): void {
  const { ipv4, ipv6 } = report.transport.ipVersions;
  out.push(
    `IPv4: ${ipv4.packets} packets, ${ipv4.bytes} bytes · IPv6: ${ipv6.packets} packets, ${ipv6.bytes} bytes.`,
    '',
  );
  out.push(
    ...markdownTable(PROTOCOLS, report),
    ...markdownTable(PARALLEL_CONNECTIONS, report),
    ...markdownTable(TCP_HEALTH, report),
    ...markdownTable(FLOWS, report),
  );
}

function securityTables(report: Report, out: string[]): void {
  out.push(
    ...markdownTable(TLS_SERVERS, report),
    ...markdownTable(CERTIFICATE_CHAINS, report),
    ...markdownTable(CIPHER_SUITES, report),
    ...markdownTable(CLIENT_HELLOS, report),
  );
}

function applicationTables(report: Report, out: string[]): void {
  const { application } = report;
  out.push(...markdownTable(ACTIVITY, report));
  if (new Set(application.timeline.map((s) => s.activity)).size > 1) {
    out.push('### Activities compared', '');
    out.push(activityComparison(report, application.timeline));
  }
  out.push(
    ...markdownTable(CALL_PHASES, report),
    ...markdownTable(MEDIA_STREAMS, report),
    ...markdownTable(QUIC, report),
    ...markdownTable(SSDP, report),
  );
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
