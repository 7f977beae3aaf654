import type { Report } from '../../schema/generated/report.js';
import { formatEndpoint } from '../../model/addressing.js';
import { markdownText } from '../escape.js';
import type { TableDefinition } from './table.js';

/** Per server, what tshark's TCP analysis marks on its connections (core/summaries/tcp-health.ts). */
export const TCP_HEALTH: TableDefinition<Report['transport']['tcpHealth']['servers'][number]> = {
  id: 'tcp-health',
  title: 'TCP health by server',
  section: 'transport',
  rows: (report) => report.transport.tcpHealth.servers,
  columns: [
    { header: 'Server', value: (s) => formatEndpoint(s.server) },
    {
      header: 'Names',
      kind: 'clip',
      value: (s) => s.names.join(', '),
      markdown: (s) => markdownText(s.names.slice(0, 2).join(', ')),
    },
    { header: 'Connections', kind: 'num', value: (s) => s.connections },
    { header: 'Unanswered', kind: 'num', value: (s) => s.unanswered },
    { header: 'SYN retries', kind: 'num', value: (s) => s.counts.synRetries },
    { header: 'Data segments', kind: 'num', value: (s) => s.counts.dataSegments },
    { header: 'Retransmitted', kind: 'num', value: (s) => s.counts.retransmissions },
    {
      header: 'Retransmitted',
      unit: '%',
      kind: 'num',
      value: (s) =>
        s.counts.dataSegments
          ? Math.round((s.counts.retransmissions / s.counts.dataSegments) * 1000) / 10
          : { text: '–', sort: -1 },
    },
    { header: 'Duplicate ACKs', kind: 'num', value: (s) => s.counts.duplicateAcks },
    { header: 'Zero windows', kind: 'num', value: (s) => s.counts.zeroWindows },
    { header: 'Resets', kind: 'num', value: (s) => s.counts.resets },
  ],
  view: {
    note: () => 'from tshark’s TCP analysis; resets alone are routine (idle and abandoned connections)',
  },
};
