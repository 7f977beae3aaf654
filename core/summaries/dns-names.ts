import { platformForName, serviceForName } from '../knowledge/catalog.js';
import { groupBy } from '../util/collections.js';
import type { DnsName, DnsTransaction } from '../schema/generated/report.js';

/**
 * One row per name asked for: how often and with which record types, when first, what it resolved to,
 * the platform its CNAME chain reveals, the service the catalog knows it as, and whether the answers
 * changed between responses (DNS load balancing).
 */
export function summarizeDnsNames(transactions: readonly DnsTransaction[]): DnsName[] {
  // Unsolicited mDNS announcements ask nothing: no name asked, no query frame.
  const byName = groupBy(transactions, (t) =>
    !t.name || t.queryFrame === undefined ? undefined : `${t.protocol}\0${t.name.toLowerCase()}`,
  );
  return [...byName.values()].map((group): DnsName => {
    const first = group[0]!;
    const typeCounts = new Map<string, number>();
    for (const t of group) {
      const type = t.type.name ?? String(t.type.code);
      typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1);
    }
    const answered = group.filter((t) => t.chain);
    // One response's chain (the first that reached addresses): the aliases of one response joined to the
    // addresses of another would chain the name through a host that no answer named.
    const shown = answered.find((t) => t.chain!.addresses.length > 0) ?? answered[0];
    const aliases = shown?.chain!.names.slice(1) ?? [];
    const chainKey = (t: DnsTransaction) => t.chain!.names.slice(1).join(' ').toLowerCase();
    const chainAddresses = shown
      ? [...new Set(answered.filter((t) => chainKey(t) === chainKey(shown)).flatMap((t) => t.chain!.addresses))]
      : [];
    // A name's A and AAAA answers differ by nature: compare answers of the same record type only.
    const answerSets = new Map<string, Set<string>>();
    for (const t of answered) {
      const key = String(t.type.code);
      const answer = [...t.chain!.names.slice(1), ...[...t.chain!.addresses].sort()].join(' ');
      answerSets.set(key, (answerSets.get(key) ?? new Set()).add(answer));
    }
    const row: DnsName = {
      name: first.name,
      protocol: first.protocol,
      queries: group.length,
      types: [...typeCounts].map(([type, count]) => ({ type, count })),
      firstSeen: first.time,
      firstFrame: first.queryFrame!,
      addresses: [...new Set(answered.flatMap((t) => t.chain!.addresses))],
      aliases,
      chainAddresses,
      // Every response's aliases reveal platforms, whichever chain the row shows.
      platforms: [
        ...new Set(
          [first.name, ...answered.flatMap((t) => t.chain!.names.slice(1))].flatMap(
            (alias) => platformForName(alias) ?? [],
          ),
        ),
      ],
      loadBalanced: [...answerSets.values()].some((answers) => answers.size > 1),
    };
    const known = serviceForName(first.name);
    if (known) {
      row.service = known.service;
      row.role = known.role;
    }
    return row;
  });
}
