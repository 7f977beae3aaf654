import type { Report } from '../../core/schema/generated/report.js';
import { esc, filterHtml, framesHtml, viewTable } from './html-table.js';
import { count } from '../../core/util/plural.js';
import { leftOutIn } from '../../core/report/left-out.js';
import { REPORT_SECTIONS, type ReportSection, type SectionId, type SectionText } from '../../core/report/sections.js';

export type ViewSection = ReportSection & {
  /** What the table of contents and the section's heading count besides its findings. */
  counts: (report: Report) => string[];
};

function findingsList(report: Report, id: SectionId): string {
  const findings = report.findings.filter((f) => f.section === id);
  if (!findings.length) return '';
  const items = findings.map(
    (f) =>
      `<li class="finding severity-${f.severity}" data-keys="${esc(`finding/${f.id}`)}" data-frames="${esc(f.frames.join(' '))}"><span class="finding-title">${esc(f.title)}</span>${f.severity === 'info' ? '' : ` <span class="badge">${f.severity}</span>`}<div class="finding-detail clamped" title="Click for all of it">${esc(f.detail)}</div><div class="evidence">Frames ${framesHtml(f.frames)} · ${filterHtml(f.filter)}</div></li>`,
  );
  return `<ul class="findings">${items.join('\n')}</ul>`;
}

const COUNTS: Record<SectionId, (report: Report) => string[]> = {
  dns: (r) => [`${r.dns.names.length} names`],
  network: (r) => [`${r.addresses.length} addresses`, `${r.stun.summary.relays.length} relays`],
  transport: (r) => [`${r.flows.length} flows`],
  security: (r) => [`${r.tls.handshakes.length} handshakes`, `${r.tls.cipherSuites.length} suites`],
  application: (r) => [`${r.media.length} media streams`],
  quality: (r) => (r.quality ? [`${r.quality.streams.length} streams judged`, `verdict ${r.quality.verdict}`] : []),
};

/**
 * The text between a section's tables, as the view shows it. The view leaves out local discovery (its names
 * table has a Protocol column), the activities compared (its chart shows them) and the QoS guidance.
 */
const VIEW_TEXTS: Partial<Record<SectionText, (report: Report) => string>> = {
  'ip-versions': (report) => {
    const { ipv4, ipv6 } = report.transport.ipVersions;
    return `<p>IPv4: ${esc(ipv4.packets.toLocaleString('en'))} packets, ${esc(ipv4.bytes.toLocaleString('en'))} bytes · IPv6: ${esc(ipv6.packets.toLocaleString('en'))} packets, ${esc(ipv6.bytes.toLocaleString('en'))} bytes.</p>`;
  },
  // The quality texts run only with report.quality: the section is absent without it.
  'quality-verdict': (report) => {
    const q = report.quality!;
    return `<p><strong>Verdict: ${esc(q.verdict)}</strong> — ${esc(q.reason)}.</p><p class="muted">${esc(q.method)}</p>`;
  },
  'rtcp-note': (report) => `<p><strong>RTCP.</strong> ${esc(report.quality!.rtcp.note)}</p>`,
};

/** The section's tables and text after its findings, or why it has none. */
function sectionBody(report: Report, section: ReportSection): string {
  const absent = section.absent?.(report);
  if (absent) return `<p class="none">${esc(absent)}</p>`;
  return section.parts
    .flatMap((part) => {
      if (typeof part !== 'string') return [part((t) => viewTable(t, report))];
      const text = VIEW_TEXTS[part];
      return text ? [text(report)] : [];
    })
    .join('\n');
}

/** The view's sections, in the report's order. */
export const VIEW_SECTIONS: readonly ViewSection[] = REPORT_SECTIONS.map((section) => ({
  ...section,
  counts: COUNTS[section.id],
}));

export function sectionHtml(report: Report, section: ViewSection): string {
  const findings = report.findings.filter((f) => f.section === section.id).length;
  const counts = [findings ? count(findings, 'finding') : '', ...section.counts(report)].filter(Boolean).join(' · ');
  return `<section class="report-section" id="section-${section.id}" data-keys="section/${section.id}"><details><summary><h2>${esc(section.title)} <span class="count">${esc(counts)}</span></h2></summary>
${findingsList(report, section.id)}
${sectionBody(report, section)}${leftOutHtml(report, section.id)}
</details></section>`;
}

/** Under a section's tables: the lists of it the report capped, how many entries they left out, the filter that shows them all. */
function leftOutHtml(report: Report, id: SectionId): string {
  return leftOutIn(report, id)
    .map(
      ({ key, text, filter }) => `\n<p class="left-out" data-keys="${esc(key)}">${esc(text)} ${filterHtml(filter)}</p>`,
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
