import type { Report } from '../../core/schema/generated/report.js';
import { esc, filterHtml, framesHtml, viewTable } from './html-table.js';
import { count } from '../../core/util/plural.js';
import { leftOutIn } from '../../core/report/left-out.js';
import { REPORT_SECTIONS, type SectionId } from '../../core/report/sections.js';
import { DNS_NAMES } from '../../core/report/tables/dns.js';
import { ADDRESSES, STUN_MESSAGES, TURN_RELAYS } from '../../core/report/tables/network.js';
import { TCP_HEALTH } from '../../core/report/tables/tcp-health.js';
import { FLOWS, PARALLEL_CONNECTIONS, PROTOCOLS } from '../../core/report/tables/transport.js';
import { CERTIFICATE_CHAINS, CIPHER_SUITES, CLIENT_HELLOS, TLS_SERVERS } from '../../core/report/tables/security.js';
import { ACTIVITY, CALL_PHASES, MEDIA_STREAMS, QUIC, SSDP } from '../../core/report/tables/application.js';
import {
  QUALITY_GAPS,
  QUALITY_STREAMS,
  QUALITY_WINDOWS,
  ROUND_TRIPS,
  RTCP_REPORTS,
} from '../../core/report/tables/quality.js';

/** A section of the view: what the TOC counts, and its tables after the findings. */
interface SectionContent {
  counts: (report: Report) => string[];
  body: (report: Report) => string;
}

export type ViewSection = SectionContent & { id: SectionId; title: string };

function findingsList(report: Report, id: SectionId): string {
  const findings = report.findings.filter((f) => f.section === id);
  if (!findings.length) return '';
  const items = findings.map(
    (f) =>
      `<li class="finding severity-${f.severity}" data-keys="${esc(`finding/${f.id}`)}" data-frames="${esc(f.frames.join(' '))}"><span class="finding-title">${esc(f.title)}</span>${f.severity === 'info' ? '' : ` <span class="badge">${f.severity}</span>`}<div class="finding-detail clamped" title="Click for all of it">${esc(f.detail)}</div><div class="evidence">Frames ${framesHtml(f.frames)} · ${filterHtml(f.filter)}</div></li>`,
  );
  return `<ul class="findings">${items.join('\n')}</ul>`;
}

const dns: SectionContent = {
  counts: (r) => [`${r.dns.names.length} names`],
  body: (report) => viewTable(DNS_NAMES, report),
};

const network: SectionContent = {
  counts: (r) => [`${r.addresses.length} addresses`, `${r.stun.summary.relays.length} relays`],
  body: (report) =>
    [viewTable(ADDRESSES, report), viewTable(TURN_RELAYS, report), viewTable(STUN_MESSAGES, report)].join('\n'),
};

const transport: SectionContent = {
  counts: (r) => [`${r.flows.length} flows`],
  body: (report) => {
    const { ipv4, ipv6 } = report.transport.ipVersions;
    return [
      `<p>IPv4: ${esc(ipv4.packets.toLocaleString('en'))} packets, ${esc(ipv4.bytes.toLocaleString('en'))} bytes · IPv6: ${esc(ipv6.packets.toLocaleString('en'))} packets, ${esc(ipv6.bytes.toLocaleString('en'))} bytes.</p>`,
      viewTable(PROTOCOLS, report),
      viewTable(PARALLEL_CONNECTIONS, report),
      viewTable(TCP_HEALTH, report),
      viewTable(FLOWS, report),
    ].join('\n');
  },
};

const security: SectionContent = {
  counts: (r) => [`${r.tls.handshakes.length} handshakes`, `${r.tls.cipherSuites.length} suites`],
  body: (report) =>
    [
      viewTable(TLS_SERVERS, report),
      viewTable(CERTIFICATE_CHAINS, report),
      viewTable(CIPHER_SUITES, report),
      viewTable(CLIENT_HELLOS, report),
    ].join('\n'),
};

const application: SectionContent = {
  counts: (r) => [`${r.media.length} media streams`],
  body: (report) =>
    [
      viewTable(ACTIVITY, report),
      viewTable(CALL_PHASES, report),
      viewTable(MEDIA_STREAMS, report),
      viewTable(QUIC, report),
      viewTable(SSDP, report),
    ].join('\n'),
};

const quality: SectionContent = {
  counts: (r) => (r.quality ? [`${r.quality.streams.length} streams judged`, `verdict ${r.quality.verdict}`] : []),
  body: (report) => {
    const { quality: q } = report;
    if (!q) return '<p class="none">No RTP media and no round trip in the capture.</p>';
    return [
      `<p><strong>Verdict: ${esc(q.verdict)}</strong> — ${esc(q.reason)}.</p><p class="muted">${esc(q.method)}</p>`,
      viewTable(QUALITY_STREAMS, report),
      viewTable(QUALITY_WINDOWS, report),
      viewTable(QUALITY_GAPS, report),
      viewTable(ROUND_TRIPS, report),
      `<p><strong>RTCP.</strong> ${esc(q.rtcp.note)}</p>`,
      viewTable(RTCP_REPORTS, report),
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
