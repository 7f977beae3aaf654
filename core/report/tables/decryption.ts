import type { Decryption } from '../../schema/generated/report.js';
import type { TableDefinition } from './table.js';

const orDash = (value: number | undefined) => (value === undefined ? '–' : value);

export const DECRYPTED_REQUESTS: TableDefinition<Decryption['requests'][number]> = {
  id: 'decrypted-requests',
  title: 'Decrypted requests',
  section: 'security',
  rows: (report) => report.decryption?.requests ?? [],
  shownEmpty: true,
  columns: [
    { header: 'Frame', kind: 'num', value: (r) => r.frame },
    { header: 'Flow', value: (r) => r.flowId },
    { header: 'Protocol', value: (r) => r.protocol },
    { header: 'Request', kind: 'clip', value: (r) => `${r.method} ${r.host}${r.pathTemplate}` },
    {
      header: 'Status',
      value: (r) =>
        r.status === undefined ? '–' : `${r.status}${r.responseFrame ? ` (frame ${r.responseFrame})` : ''}`,
    },
    { header: 'Bytes sent', kind: 'num', value: (r) => orDash(r.requestBytes) },
    { header: 'Bytes received', kind: 'num', value: (r) => orDash(r.responseBytes) },
    { header: 'Action', value: (r) => r.action ?? '' },
  ],
  // The Decryption section's paragraph stands where a heading would.
  markdown: { capped: true, heading: false },
};
