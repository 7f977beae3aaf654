import type { Report } from '../../schema/generated/report.js';
import { formatEndpoint } from '../../model/addressing.js';
import { markdownText } from '../escape.js';
import { codeName } from './names.js';
import { firstOf, seconds, type ItemTable, type TableDefinition } from './table.js';

export const ADDRESSES: ItemTable<Report['addresses'][number]> = {
  id: 'addresses',
  title: 'Addresses',
  section: 'network',
  rows: (report) => report.addresses,
  shownEmpty: true,
  item: (a) => `network/address/${a.ip}`,
  columns: [
    { header: 'Address', value: (a) => a.ip },
    { header: 'Role', value: (a) => a.role },
    {
      header: 'Names in this capture',
      kind: 'clip',
      value: (a) => a.names.join(', '),
      markdown: (a) => markdownText(firstOf(a.names, 3)),
    },
    { header: 'Microsoft range', value: (a) => a.microsoftPrefix ?? (a.azurePrefix ? `${a.azurePrefix} (Azure)` : '') },
    { header: 'Flows', kind: 'num', value: (a) => a.flows },
    { header: 'Bytes', kind: 'num', value: (a) => a.bytes },
  ],
  markdown: { capped: true },
  view: { filter: true },
};

export const TURN_RELAYS: ItemTable<Report['stun']['summary']['relays'][number]> = {
  id: 'turn-relays',
  title: 'TURN relays',
  section: 'network',
  rows: (report) => report.stun.summary.relays,
  item: (r) => `network/relay/${r.transport}/${r.ip}:${r.port}`,
  columns: [
    { header: 'Relay', value: (r) => `${r.ip}:${r.port}` },
    {
      header: 'Transport',
      value: (r) => (r.transport === 'tcp-443' ? 'TCP 443 (pseudo-TLS)' : r.transport.toUpperCase()),
    },
    { header: 'Names', kind: 'clip', value: (r) => r.names.join(', ') },
    {
      header: 'Allocations',
      kind: 'num',
      value: (r) =>
        r.transport !== 'udp'
          ? { text: 'not decoded', sort: -1 }
          : (r.allocations ?? { text: 'relayed address not read', sort: -1 }),
    },
    { header: 'Messages', kind: 'num', value: (r) => r.messages },
  ],
};

export const STUN_MESSAGES: TableDefinition<Report['stun']['messages'][number]> = {
  id: 'stun-messages',
  title: 'STUN / TURN messages',
  section: 'network',
  rows: (report) => report.stun.messages,
  time: (m) => [m.time, m.time],
  columns: [
    { header: 'Frame', kind: 'num', value: (m) => m.frame },
    { header: 'Time', unit: 's', kind: 'num', value: (m) => seconds(m.time) },
    { header: 'From', value: (m) => formatEndpoint(m.source) },
    { header: 'To', value: (m) => formatEndpoint(m.destination) },
    { header: 'Message', value: (m) => codeName(m.type) },
    {
      header: 'Addresses',
      kind: 'clip',
      value: (m) => m.addresses.map((a) => `${a.attribute?.name ?? 'address'} ${formatEndpoint(a)}`).join(', '),
    },
  ],
  markdown: {
    capped: true,
    more: (report) =>
      report.stun.messagesLeftOut ? 'the JSON report lists the first and last messages, see below' : undefined,
  },
  view: {
    filter: true,
    note: (report) =>
      report.stun.messagesLeftOut ? `the first and last of ${report.stun.messagesLeftOut.total}, see below` : '',
  },
};
