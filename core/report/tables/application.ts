import type { Report } from '../../schema/generated/report.js';
import { formatEndpoint } from '../../model/addressing.js';
import type { ItemTable, TableDefinition } from './table.js';

type Segment = Report['application']['timeline'][number];

export const ACTIVITY: TableDefinition<Segment> = {
  id: 'activity',
  title: 'Activity over time',
  section: 'application',
  rows: (report) => report.application.timeline,
  shownEmpty: true,
  time: (s) => [s.start, s.end],
  columns: [
    { header: 'From', unit: 's', kind: 'num', value: (s) => s.start },
    { header: 'To', unit: 's', kind: 'num', value: (s) => s.end },
    { header: 'Activity', value: (s) => s.activity },
    {
      header: 'Also',
      value: (s) =>
        s.confidences
          .slice(1)
          .map((c) => `${c.activity} (${c.confidence})`)
          .join(', '),
    },
    { header: 'Evidence', kind: 'clip', value: (s) => s.evidence.join('; ') },
  ],
  markdown: { heading: (report) => `Activity over time (${report.application.windowSeconds} s windows)` },
  view: { note: (report) => `${report.application.windowSeconds} s windows`, keys: ['application/activity'] },
};

export const CALL_PHASES: ItemTable<Report['application']['phases'][number] & { index: number }> = {
  id: 'call-phases',
  title: 'Phases (app start-up, call)',
  section: 'application',
  rows: (report) => report.application.phases.map((p, index) => ({ ...p, index })),
  item: (p) => `application/phase/${p.index}`,
  time: (p) => [p.start, p.end],
  columns: [
    { header: 'Phase', value: (p) => p.phase },
    { header: 'From', unit: 's', kind: 'num', value: (p) => p.start },
    { header: 'To', unit: 's', kind: 'num', value: (p) => p.end },
    { header: 'What happens', kind: 'clip', value: (p) => p.detail },
  ],
};

export const MEDIA_STREAMS: ItemTable<Report['media'][number] & { index: number }> = {
  id: 'media',
  title: 'Media streams',
  section: 'application',
  rows: (report) => report.media.map((m, index) => ({ ...m, index })),
  shownEmpty: true,
  item: (m) => `application/media/${m.index}`,
  columns: [
    { header: 'Kind', value: (m) => m.kind },
    { header: 'From', value: (m) => (m.source ? formatEndpoint(m.source) : '') },
    { header: 'To', value: (m) => (m.destination ? formatEndpoint(m.destination) : '') },
    { header: 'Direction', value: (m) => m.direction },
    { header: 'Path', value: (m) => m.path },
    { header: 'pkt/s', kind: 'num', value: (m) => m.pps },
    { header: 'kbit/s (whole frames)', kind: 'num', value: (m) => m.kbps },
    { header: 'Why', kind: 'clip', value: (m) => m.reason },
  ],
  markdown: { capped: true },
};

export const QUIC: TableDefinition<Report['quic']['connections'][number]> = {
  id: 'quic',
  title: 'QUIC',
  section: 'application',
  rows: (report) => report.quic.connections,
  columns: [
    { header: 'Flow', value: (q) => q.flowId },
    { header: 'Protocol', value: (q) => q.protocol },
    { header: 'Versions', value: (q) => q.versions.join(', ') },
    { header: 'SNI', value: (q) => q.sni ?? '' },
    { header: 'Packets', kind: 'num', value: (q) => q.packets },
  ],
};

export const SSDP: TableDefinition<Report['ssdp']['messages'][number]> = {
  id: 'ssdp',
  title: 'SSDP (local discovery)',
  section: 'application',
  rows: (report) => report.ssdp.messages,
  columns: [
    { header: 'Frame', kind: 'num', value: (m) => m.frame },
    { header: 'From', value: (m) => formatEndpoint(m.source) },
    { header: 'Method', value: (m) => m.method ?? 'response' },
    { header: 'User agent / server', kind: 'clip', value: (m) => m.userAgent ?? m.server ?? '' },
  ],
  markdown: { capped: true },
};
