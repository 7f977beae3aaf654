import type { DnsChain, DnsRecord, DnsTransaction } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import type { ValueNames } from '../tshark/value-names.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { namedCode, relativeTime, withoutUndefined, type Collector, type FinishContext } from './collector.js';
import { Interner } from './interner.js';

const RR_TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  NSEC: 47,
  SVCB: 64,
  HTTPS: 65,
} as const;

/**
 * tshark lists a message's resource records as parallel arrays: one dns.resp.name/type per record, and each
 * record's data in a field of its own type (dns.a, dns.cname, …). Walking the records in order and taking the
 * next value of the matching data field puts each value back on its record.
 */
const DATA_FIELD_BY_TYPE: ReadonlyMap<number, string> = new Map([
  [RR_TYPE.A, 'dns.a'],
  [RR_TYPE.NS, 'dns.ns'],
  [RR_TYPE.CNAME, 'dns.cname'],
  [RR_TYPE.SOA, 'dns.soa.mname'],
  [RR_TYPE.PTR, 'dns.ptr.domain_name'],
  [RR_TYPE.MX, 'dns.mx.mail_exchange'],
  [RR_TYPE.AAAA, 'dns.aaaa'],
  [RR_TYPE.SRV, 'dns.srv.target'],
  [RR_TYPE.SVCB, 'dns.svcb.targetname'],
  [RR_TYPE.HTTPS, 'dns.svcb.targetname'],
]);

interface PendingTransaction extends Omit<
  DnsTransaction,
  'time' | 'type' | 'rcode' | 'answers' | 'authority' | 'additional'
> {
  epoch: number;
  typeCode: number;
  rcodeCode?: number;
  records: { answers: RawRecord[]; authority: RawRecord[]; additional: RawRecord[] };
}

interface RawRecord {
  name: string;
  type: number;
  ttl?: number;
  data?: string;
  responsible?: string;
}

/** DNS, mDNS and LLMNR transactions: each query with its response (tshark's dns.response_to links them). */
export class DnsCollector implements Collector<DnsTransaction[]> {
  readonly protocols = ['dns', 'mdns', 'llmnr'];
  readonly fields = [
    ...ADDRESSING_FIELDS,
    'dns.id',
    'dns.flags.response',
    'dns.flags.rcode',
    'dns.flags.authoritative',
    'dns.flags.truncated',
    'dns.flags.recdesired',
    'dns.flags.authenticated',
    'dns.flags.checkdisable',
    'dns.qry.name',
    'dns.qry.type',
    'dns.count.answers',
    'dns.count.auth_rr',
    'dns.count.add_rr',
    'dns.resp.name',
    'dns.resp.type',
    'dns.resp.ttl',
    'dns.resp.z.do',
    'dns.soa.rname',
    'dns.srv.service',
    'dns.srv.proto',
    'dns.srv.name',
    'dns.response_to',
    ...new Set(DATA_FIELD_BY_TYPE.values()),
  ];
  readonly namedFields = ['dns.qry.type', 'dns.flags.rcode'];

  private readonly transactions: PendingTransaction[] = [];
  private readonly byQueryFrame = new Map<number, PendingTransaction>();
  private readonly misaligned: { frame: number; protocol: DnsTransaction['protocol'] }[] = [];
  private readonly multiMessage: number[] = [];
  private readonly interner = new Interner();

  add(packet: PacketRecord): void {
    const ids = packet.values('dns.id');
    if (ids.length === 0) return;
    const addressing = addressingOf(packet);
    if (!addressing) return; // a DNS message quoted in an ICMP error, or without IP
    if (ids.length > 1) {
      // Several messages in one segment (DNS over TCP): their fields interleave beyond repair.
      this.multiMessage.push(packet.frame);
      return;
    }
    const stack = packet.protocols;
    const protocol = stack.includes('mdns') ? 'mdns' : stack.includes('llmnr') ? 'llmnr' : 'dns';
    const isResponse = packet.flag('dns.flags.response') ?? false;
    const records = this.readRecords(packet, protocol);

    const queryFrame = isResponse ? packet.int('dns.response_to') : undefined;
    let transaction = queryFrame === undefined ? undefined : this.byQueryFrame.get(queryFrame);
    if (!transaction) {
      transaction = {
        id: packet.int('dns.id') ?? 0,
        protocol,
        transport: addressing.transport,
        client: this.interner.json(isResponse ? addressing.destination : addressing.source),
        server: this.interner.json(isResponse ? addressing.source : addressing.destination),
        name: this.interner.string(packet.first('dns.qry.name') ?? ''),
        typeCode: packet.int('dns.qry.type') ?? 0,
        epoch: packet.time,
        records: { answers: [], authority: [], additional: [] },
      };
      this.transactions.push(transaction);
    }
    if (isResponse) {
      transaction.responseFrame = packet.frame;
      transaction.rcodeCode = packet.int('dns.flags.rcode');
      transaction.authoritativeAnswer = packet.flag('dns.flags.authoritative');
      transaction.truncated = packet.flag('dns.flags.truncated');
      transaction.authenticatedData = packet.flag('dns.flags.authenticated');
      transaction.records = records;
    } else {
      transaction.queryFrame = packet.frame;
      transaction.recursionDesired = packet.flag('dns.flags.recdesired');
      transaction.checkingDisabled = packet.flag('dns.flags.checkdisable');
      transaction.dnssecOk = packet.flag('dns.resp.z.do') ?? false;
      this.byQueryFrame.set(packet.frame, transaction);
    }
  }

  /**
   * Rebuilds the message's records from tshark's parallel lists. Two quirks of tshark's fields are handled:
   * an SRV record's owner name comes split into dns.srv.service/proto/name instead of dns.resp.name, and an
   * NSEC record lists its type bitmap in dns.resp.type too, so its records cannot be told apart; a message
   * whose lists do not add up to its header counts keeps its question and result but no records.
   */
  private readRecords(packet: PacketRecord, protocol: DnsTransaction['protocol']): PendingTransaction['records'] {
    const empty = { answers: [], authority: [], additional: [] };
    const names = packet.values('dns.resp.name');
    const types = packet.ints('dns.resp.type');
    const ttls = packet.ints('dns.resp.ttl');
    const [answers, authority, additional] = ['dns.count.answers', 'dns.count.auth_rr', 'dns.count.add_rr'].map(
      (f) => packet.int(f) ?? 0,
    ) as [number, number, number];
    const total = answers + authority + additional;
    const srvRecords = types.filter((t) => t === RR_TYPE.SRV).length;
    if (types.includes(RR_TYPE.NSEC) || types.length !== total || names.length + srvRecords !== total) {
      this.misaligned.push({ frame: packet.frame, protocol });
      return empty;
    }
    const cursors = new Map<string, number>();
    const next = (field: string): string | undefined => {
      const index = cursors.get(field) ?? 0;
      cursors.set(field, index + 1);
      return packet.values(field)[index];
    };
    let ttlIndex = 0;
    const all = types.map((type): RawRecord => {
      const name =
        type === RR_TYPE.SRV
          ? ['dns.srv.service', 'dns.srv.proto', 'dns.srv.name'].map(next).filter(Boolean).join('.')
          : next('dns.resp.name')!;
      const record: RawRecord = { name: this.interner.string(name), type };
      if (type !== RR_TYPE.OPT) record.ttl = ttls[ttlIndex++]; // the OPT pseudo-record has no TTL
      const dataField = DATA_FIELD_BY_TYPE.get(type);
      const data = dataField && next(dataField);
      if (data !== undefined) record.data = this.interner.string(data);
      if (type === RR_TYPE.SOA) record.responsible = next('dns.soa.rname');
      return record;
    });
    return {
      answers: all.slice(0, answers),
      authority: all.slice(answers, answers + authority),
      additional: all.slice(answers + authority),
    };
  }

  finish({ start, names, warn }: FinishContext): DnsTransaction[] {
    if (this.misaligned.length) {
      const byProtocol = [...groupCounts(this.misaligned.map((m) => m.protocol))]
        .map(([p, n]) => `${n} ${p}`)
        .join(', ');
      warn({
        code: 'dns-records-unread',
        message: `the records of ${this.misaligned.length} DNS message(s) (${byProtocol}) could not be matched up from tshark's fields (NSEC type bitmaps, or counts that do not add up); those messages are listed without their records`,
        frames: this.misaligned.slice(0, 20).map((m) => m.frame),
        count: this.misaligned.length,
      });
    }
    if (this.multiMessage.length) {
      warn({
        code: 'dns-several-messages',
        message: `${this.multiMessage.length} frame(s) carry several DNS messages at once (DNS over TCP) and were not read`,
        frames: this.multiMessage.slice(0, 20),
        count: this.multiMessage.length,
      });
    }
    const shared = this.interner;
    const section = (records: RawRecord[]) => shared.json(records.map((r) => shared.json(toRecord(names, r))));
    return this.transactions.map(({ epoch, typeCode, rcodeCode, records, ...rest }) => {
      const transaction: DnsTransaction = {
        ...rest,
        type: shared.json(recordType(names, typeCode)),
        time: relativeTime(epoch, start),
        answers: section(records.answers),
        authority: section(records.authority),
        additional: section(records.additional),
      };
      if (rcodeCode !== undefined) transaction.rcode = shared.json(namedCode(names, 'dns.flags.rcode', rcodeCode));
      const chain = resolutionChain(transaction.name, records.answers);
      if (chain) transaction.chain = shared.json(chain);
      return withoutUndefined(transaction);
    });
  }
}

/** tshark names record types "AAAA (IPv6 Address)": the mnemonic is what DNS people write. */
function recordType(names: ValueNames, code: number): DnsRecord['type'] {
  const named = namedCode(names, 'dns.qry.type', code);
  return named.name ? { code, name: named.name.replace(/\s*\(.*\)$/, '') } : named;
}

function toRecord(names: ValueNames, raw: RawRecord): DnsRecord {
  return withoutUndefined({ ...raw, type: recordType(names, raw.type) });
}

/**
 * Follows the answer section from the queried name through each CNAME to the addresses of the last name,
 * e.g. euaz.tr.teams.microsoft.com → euaz.tr.teams.trafficmanager.net → b-tr-…cloudapp.azure.com → 52.114.250.123.
 */
export function resolutionChain(queryName: string, answers: readonly RawRecord[]): DnsChain | undefined {
  if (answers.length === 0) return undefined;
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '');
  const chainNames: DnsChain['names'] = [queryName];
  const visited = new Set([key(queryName)]);
  for (;;) {
    const current = key(chainNames[chainNames.length - 1]!);
    const alias = answers.find((r) => r.type === RR_TYPE.CNAME && key(r.name) === current && r.data);
    if (!alias?.data || visited.has(key(alias.data))) break;
    visited.add(key(alias.data));
    chainNames.push(alias.data);
  }
  const lastName = key(chainNames[chainNames.length - 1]!);
  const addresses = answers
    .filter((r) => (r.type === RR_TYPE.A || r.type === RR_TYPE.AAAA) && key(r.name) === lastName && r.data)
    .map((r) => r.data!);
  if (chainNames.length === 1 && addresses.length === 0) return undefined;
  return { names: chainNames, addresses };
}

function groupCounts<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
