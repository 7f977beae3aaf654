import type { Finding, Report } from '../schema/generated/report.js';
import { clientsDecided } from './clients.js';
import { markdownCode, markdownText } from './escape.js';
import { markdownTable, table } from './markdown-table.js';
import { decryptionMarkdown } from './decryption-markdown.js';
import { QUALITY_TEXTS } from './quality-markdown.js';
import { leftOutIn } from './left-out.js';
import { REPORT_SECTIONS, type SectionId, type SectionText } from './sections.js';

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

/** One section of the Markdown report (its heading, findings and tables), e.g. to insert into a note. */
export function renderSection(report: Report, id: SectionId): string {
  const out: string[] = [];
  const section = REPORT_SECTIONS.find((s) => s.id === id)!;
  out.push(`## ${section.title}`, '');
  const findings = report.findings.filter((f) => f.section === id);
  for (const f of findings) out.push(findingMarkdown(f));
  if (findings.length) out.push('');
  const absent = section.absent?.(report);
  if (absent) out.push(absent, '');
  else {
    for (const part of section.parts)
      out.push(...(typeof part === 'string' ? MARKDOWN_TEXTS[part](report) : part((t) => markdownTable(t, report))));
  }
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

/** The text between a section's tables, as Markdown lines. */
const MARKDOWN_TEXTS: Record<SectionText, (report: Report) => string[]> = {
  'ip-versions': (report) => {
    const { ipv4, ipv6 } = report.transport.ipVersions;
    return [
      `IPv4: ${ipv4.packets} packets, ${ipv4.bytes} bytes · IPv6: ${ipv6.packets} packets, ${ipv6.bytes} bytes.`,
      '',
    ];
  },
  // The view's table has a Protocol column; the Markdown table leaves it out and says it here.
  'local-discovery': (report) => {
    const discovery = report.dns.names.filter((n) => n.protocol !== 'dns');
    if (!discovery.length) return [];
    const examples = discovery
      .slice(0, 5)
      .map((n) => n.name)
      .join(', ');
    return [
      `Local discovery (mDNS/LLMNR), kept apart from Internet lookups: ${discovery.length} name(s), e.g. ${markdownText(examples)}.`,
      '',
    ];
  },
  'activity-comparison': (report) => {
    const { timeline } = report.application;
    if (new Set(timeline.map((s) => s.activity)).size < 2) return [];
    return ['### Activities compared', '', activityComparison(report, timeline)];
  },
  ...QUALITY_TEXTS,
};

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
