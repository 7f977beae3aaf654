import type { Report } from '../../schema/generated/report.js';
import type { ItemTable } from './table.js';

type Name = Report['dns']['names'][number];

export const DNS_NAMES: ItemTable<Name> = {
  id: 'dns-names',
  title: 'Names looked up',
  section: 'dns',
  rows: (report) => report.dns.names,
  shownEmpty: true,
  item: (n) => `dns/name/${n.protocol}/${n.name}`,
  time: (n) => [n.firstSeen, n.firstSeen],
  columns: [
    {
      header: 'First seen',
      unit: 's',
      kind: 'num',
      value: (n) => ({ text: `${n.firstSeen.toFixed(3)} (#${n.firstFrame})`, sort: n.firstSeen }),
    },
    { header: 'Name', value: (n) => n.name },
    { header: 'Protocol', value: (n) => n.protocol, markdown: false },
    { header: 'Types', value: (n) => n.types.map((t) => (t.count > 1 ? `${t.type}×${t.count}` : t.type)).join(', ') },
    {
      header: 'Resolves to',
      kind: 'clip',
      // One response's chain: aliases follow one another (→), then the addresses the last name resolves to (, ).
      value: (n) =>
        [...n.aliases, ...(n.chainAddresses.length ? [n.chainAddresses.join(', ')] : [])].join(' → ') +
        (n.loadBalanced ? ' (answers changed)' : ''),
    },
    { header: 'Platforms', value: (n) => n.platforms.join(', ') },
    { header: 'Service', value: (n) => n.service ?? '' },
  ],
  // Local discovery (mDNS, LLMNR) is a sentence after the Markdown table, kept apart from Internet lookups.
  markdown: { rows: (report) => report.dns.names.filter((n) => n.protocol === 'dns'), capped: true },
  view: { filter: true },
};
