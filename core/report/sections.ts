import type { Finding, Report } from '../schema/generated/report.js';
import { listed, type ListedTable } from './tables/table.js';
import { DNS_NAMES } from './tables/dns.js';
import { ADDRESSES, STUN_MESSAGES, TURN_RELAYS } from './tables/network.js';
import { TCP_HEALTH } from './tables/tcp-health.js';
import { FLOWS, PARALLEL_CONNECTIONS, PROTOCOLS } from './tables/transport.js';
import { CERTIFICATE_CHAINS, CIPHER_SUITES, CLIENT_HELLOS, TLS_SERVERS } from './tables/security.js';
import { ACTIVITY, CALL_PHASES, MEDIA_STREAMS, QUIC, SSDP } from './tables/application.js';
import { QUALITY_GAPS, QUALITY_STREAMS, QUALITY_WINDOWS, ROUND_TRIPS, RTCP_REPORTS } from './tables/quality.js';

export type SectionId = Finding['section'];

/**
 * Text a section shows between its tables. Each renderer words it in its own form (Markdown, the view's HTML)
 * or leaves it out; the list below says where it goes.
 */
export type SectionText =
  'ip-versions' | 'local-discovery' | 'activity-comparison' | 'quality-verdict' | 'rtcp-note' | 'qos-marking';

export interface ReportSection {
  id: SectionId;
  title: string;
  /** What follows the section's findings, in order: its tables and the text between them. */
  parts: readonly (ListedTable | SectionText)[];
  /** Why the section has nothing to show, said instead of its parts; undefined when it has. */
  absent?: (report: Report) => string | undefined;
}

/**
 * The report's sections, in the order a network-course report takes them, with their tables: every rendering
 * (Markdown, HTML, the view, the Captures tree, notes) lists them from here, so a new table is one entry here.
 */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  { id: 'dns', title: 'DNS', parts: [listed(DNS_NAMES), 'local-discovery'] },
  { id: 'network', title: 'Network', parts: [listed(ADDRESSES), listed(TURN_RELAYS), listed(STUN_MESSAGES)] },
  {
    id: 'transport',
    title: 'Transport',
    parts: ['ip-versions', listed(PROTOCOLS), listed(PARALLEL_CONNECTIONS), listed(TCP_HEALTH), listed(FLOWS)],
  },
  {
    id: 'security',
    title: 'Security',
    parts: [listed(TLS_SERVERS), listed(CERTIFICATE_CHAINS), listed(CIPHER_SUITES), listed(CLIENT_HELLOS)],
  },
  {
    id: 'application',
    title: 'Application',
    parts: [
      listed(ACTIVITY),
      'activity-comparison',
      listed(CALL_PHASES),
      listed(MEDIA_STREAMS),
      listed(QUIC),
      listed(SSDP),
    ],
  },
  {
    id: 'quality',
    title: 'Call quality',
    parts: [
      'quality-verdict',
      listed(QUALITY_STREAMS),
      listed(QUALITY_WINDOWS),
      listed(QUALITY_GAPS),
      listed(ROUND_TRIPS),
      'rtcp-note',
      listed(RTCP_REPORTS),
      'qos-marking',
    ],
    absent: (report) => (report.quality ? undefined : 'No RTP media and no round trip in the capture.'),
  },
];

export function sectionTitle(id: SectionId): string {
  return REPORT_SECTIONS.find((s) => s.id === id)!.title;
}
