import { groupBy } from '../util/collections.js';
import type { DnsTransaction } from '../schema/generated/report.js';
import { filterString } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { count, plural } from '../util/plural.js';

function transactionFrames(t: DnsTransaction): (number | undefined)[] {
  return [t.queryFrame, t.responseFrame];
}

/** One finding per aliased name; when answers differ (load balancing) each distinct chain is listed. */
export const dnsCnameChains: FindingRule = {
  section: 'dns',
  find({ model }) {
    const withAliases = model.dns.filter((t) => t.protocol === 'dns' && (t.chain?.names.length ?? 0) > 1);
    return [...groupBy(withAliases, (t) => t.name.toLowerCase()).entries()].map(([name, group]): FindingDraft => {
      const chains = [...groupBy(group, (t) => t.chain!.names.join(' → ')).entries()].map(([path, members]) => {
        const addresses = [...new Set(members.flatMap((t) => t.chain!.addresses))];
        return addresses.length ? `${path} → ${addresses.join(', ')}` : path;
      });
      const aliases = Math.max(...group.map((t) => t.chain!.names.length - 1));
      const title =
        chains.length === 1
          ? `${group[0]!.name} resolves through ${count(aliases, 'alias', 'aliases')}`
          : `${group[0]!.name} resolves through ${chains.length} different alias chains`;
      return {
        id: `dns-cname-chain/${name}`,
        severity: 'info',
        title,
        detail: `${chains.join('; ')} (${count(group.length, 'response')})`,
        frames: group.flatMap(transactionFrames),
        filter: `dns.qry.name == ${filterString(group[0]!.name)}`,
      };
    });
  },
};

/** What the capture itself shows about who is authoritative: SOA and NS records in authority sections. */
export const dnsAuthorities: FindingRule = {
  section: 'dns',
  find({ model }) {
    const KINDS = [
      { code: 6, kind: 'soa', field: 'dns.soa.mname', says: 'the primary name server' },
      { code: 2, kind: 'ns', field: 'dns.ns', says: 'an authoritative name server' },
    ] as const;
    return KINDS.flatMap(({ code, kind, field, says }) => {
      const records = model.dns.flatMap((t) =>
        t.authority.filter((r) => r.type.code === code && r.data).map((record) => ({ record, transaction: t })),
      );
      return [...groupBy(records, ({ record }) => record.data!.toLowerCase()).values()].map((group): FindingDraft => {
        const server = group[0]!.record.data!;
        const zones = [...new Set(group.map(({ record }) => record.name.toLowerCase()))];
        return {
          id: `dns-${kind}/${server.toLowerCase()}`,
          severity: 'info',
          title: `${server} is ${says} of ${zones.join(', ')}`,
          detail: `${kind.toUpperCase()} ${plural(group.length, 'record')} in the authority section of ${count(group.length, 'response')}, for ${[...new Set(group.map(({ transaction }) => transaction.name))].join(', ')}`,
          frames: group.map(({ transaction }) => transaction.responseFrame),
          filter: `${field} == ${filterString(server)}`,
        };
      });
    });
  },
};

/** Names whose answers changed between responses of the same type: DNS load balancing at work. */
export const dnsLoadBalancing: FindingRule = {
  section: 'dns',
  find({ model }) {
    const answered = model.dns.filter((t) => t.protocol === 'dns' && t.chain && t.responseFrame !== undefined);
    return [...groupBy(answered, (t) => `${t.name.toLowerCase()}|${t.type.code}`).values()].flatMap(
      (group): FindingDraft[] => {
        const answers = [
          ...new Set(group.map((t) => [...t.chain!.names.slice(1), ...[...t.chain!.addresses].sort()].join(' → '))),
        ];
        if (answers.length < 2) return [];
        const name = group[0]!.name;
        return [
          {
            id: `dns-load-balanced/${name.toLowerCase()}`,
            severity: 'info',
            title: `${name} (${group[0]!.type.name ?? group[0]!.type.code}) got ${answers.length} different answers`,
            detail: `${answers.join('; ')}. The name is load-balanced: each lookup may send the client elsewhere.`,
            frames: group.map((t) => t.responseFrame),
            filter: `dns.qry.name == ${filterString(name)} && dns.flags.response == 1`,
          },
        ];
      },
    );
  },
};
