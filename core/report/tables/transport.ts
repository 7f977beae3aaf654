import type { Report } from '../../schema/generated/report.js';
import { formatEndpoint } from '../../model/addressing.js';
import { markdownText } from '../escape.js';
import { seconds, type ItemTable, type TableDefinition } from './table.js';

export const PROTOCOLS: TableDefinition<Report['protocols'][number]> = {
  id: 'protocols',
  title: 'Protocols',
  section: 'transport',
  rows: (report) => report.protocols,
  shownEmpty: true,
  columns: [
    { header: 'Protocol', value: (p) => p.protocol },
    { header: 'Packets', kind: 'num', value: (p) => p.packets },
    { header: 'Bytes', kind: 'num', value: (p) => p.bytes },
  ],
};

export const PARALLEL_CONNECTIONS: TableDefinition<Report['transport']['parallelConnections'][number]> = {
  id: 'parallel-connections',
  title: 'Parallel TCP connections to one server',
  section: 'transport',
  rows: (report) => report.transport.parallelConnections,
  columns: [
    { header: 'Server', value: (p) => formatEndpoint(p.server) },
    {
      header: 'Names',
      kind: 'clip',
      value: (p) => p.names.join(', '),
      markdown: (p) => markdownText(p.names.slice(0, 2).join(', ')),
    },
    { header: 'Connections', kind: 'num', value: (p) => p.connections },
    { header: 'At once', kind: 'num', value: (p) => p.maxConcurrent },
  ],
};

export const FLOWS: ItemTable<Report['flows'][number]> = {
  id: 'flows',
  title: 'Flows',
  section: 'transport',
  rows: (report) => [...report.flows].sort((a, b) => b.bytes - a.bytes),
  shownEmpty: true,
  item: (f) => `transport/flow/${f.id}`,
  time: (f) => [f.start, f.end],
  columns: [
    { header: 'Flow', kind: 'filter', value: (f) => f.filter },
    { header: 'Client', value: (f) => formatEndpoint(f.client) },
    { header: 'Server', value: (f) => formatEndpoint(f.server) },
    { header: 'Service', value: (f) => f.service?.name ?? '' },
    { header: 'Packets', kind: 'num', value: (f) => f.packets },
    { header: 'Bytes', kind: 'num', value: (f) => f.bytes },
    { header: 'Start', unit: 's', kind: 'num', value: (f) => seconds(f.start) },
    { header: 'Protocols', kind: 'clip', value: (f) => f.protocols.join(', ') },
  ],
  markdown: { capped: true },
  view: { filter: true, note: () => 'largest first' },
};
