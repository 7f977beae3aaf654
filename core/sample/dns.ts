import { uint16 } from './bytes.js';
import { addressBytes } from './ip.js';

/** DNS messages (RFC 1035) with EDNS(0) (RFC 6891) and the DNSSEC bits (DO, AD; RFC 4035), names compressed. */

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, OPT: 41, RRSIG: 46 } as const;
const CLASS_IN = 1;
const EDNS_UDP_SIZE = 1232;
const FLAG_QR = 0x8000;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
const FLAG_AD = 0x0020;
const EDNS_DO = 0x8000;

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export type RecordData =
  | { type: 'A' | 'AAAA'; address: string }
  | { type: 'CNAME' | 'NS'; target: string }
  | { type: 'SOA'; soa: SoaData }
  | {
      type: 'RRSIG';
      covered: number;
      signer: string;
      signature: Buffer;
      inception: number;
      expiration: number;
      keyTag: number;
    };

export interface ResourceRecord {
  name: string;
  ttl: number;
  data: RecordData;
}

export interface DnsQuestion {
  id: number;
  name: string;
  type: keyof typeof TYPE;
  /** Adds an OPT record; with dnssecOk its DO bit asks for DNSSEC records. */
  edns?: { dnssecOk: boolean };
}

export interface DnsAnswer {
  answers: readonly ResourceRecord[];
  authority?: readonly ResourceRecord[];
  /** The AD bit: the resolver validated the answer with DNSSEC. */
  authenticated?: boolean;
}

export function dnsQuery(question: DnsQuestion): Buffer {
  return encodeMessage(question, FLAG_RD, { answers: [] });
}

export function dnsResponse(question: DnsQuestion, answer: DnsAnswer): Buffer {
  return encodeMessage(question, FLAG_QR | FLAG_RD | FLAG_RA | (answer.authenticated ? FLAG_AD : 0), answer);
}

function encodeMessage(question: DnsQuestion, flags: number, { answers, authority = [] }: DnsAnswer): Buffer {
  const writer = new NameWriter();
  const header = Buffer.alloc(12);
  header.writeUInt16BE(question.id, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  header.writeUInt16BE(authority.length, 8);
  header.writeUInt16BE(question.edns ? 1 : 0, 10);
  writer.push(header);
  writer.name(question.name);
  writer.push(uint16(TYPE[question.type]), uint16(CLASS_IN));
  for (const record of [...answers, ...authority]) writeRecord(writer, record);
  if (question.edns)
    writer.push(
      Buffer.from([0]),
      uint16(TYPE.OPT),
      uint16(EDNS_UDP_SIZE),
      uint16(0),
      uint16(question.edns.dnssecOk ? EDNS_DO : 0),
      uint16(0),
    );
  return writer.bytes();
}

function writeRecord(writer: NameWriter, { name, ttl, data }: ResourceRecord): void {
  writer.name(name);
  const ttlBytes = Buffer.alloc(4);
  ttlBytes.writeUInt32BE(ttl);
  writer.push(uint16(TYPE[data.type]), uint16(CLASS_IN), ttlBytes);
  const lengthAt = writer.length;
  writer.push(uint16(0));
  switch (data.type) {
    case 'A':
    case 'AAAA':
      writer.push(addressBytes(data.address));
      break;
    case 'CNAME':
    case 'NS':
      writer.name(data.target);
      break;
    case 'SOA': {
      const { mname, rname, serial, refresh, retry, expire, minimum } = data.soa;
      writer.name(mname);
      writer.name(rname);
      const numbers = Buffer.alloc(20);
      [serial, refresh, retry, expire, minimum].forEach((n, i) => numbers.writeUInt32BE(n, i * 4));
      writer.push(numbers);
      break;
    }
    case 'RRSIG': {
      // RFC 4034 §3.1: the signer's name is never compressed.
      const fixed = Buffer.alloc(18);
      fixed.writeUInt16BE(data.covered, 0);
      fixed[2] = 8; // RSA/SHA-256
      fixed[3] = name.split('.').filter(Boolean).length;
      fixed.writeUInt32BE(ttl, 4);
      fixed.writeUInt32BE(data.expiration, 8);
      fixed.writeUInt32BE(data.inception, 12);
      fixed.writeUInt16BE(data.keyTag, 16);
      writer.push(fixed, uncompressedName(data.signer), data.signature);
      break;
    }
  }
  writer.setU16(lengthAt, writer.length - lengthAt - 2);
}

function uncompressedName(name: string): Buffer {
  const labels = name.split('.').filter(Boolean);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

/** Writes a message, pointing repeated name suffixes back at their first occurrence (RFC 1035 §4.1.4). */
class NameWriter {
  private readonly parts: Buffer[] = [];
  private readonly suffixes = new Map<string, number>();
  length = 0;

  push(...buffers: Buffer[]): void {
    for (const b of buffers) {
      this.parts.push(b);
      this.length += b.length;
    }
  }

  name(name: string): void {
    const labels = name.split('.').filter(Boolean);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const pointer = this.suffixes.get(suffix);
      if (pointer !== undefined) {
        this.push(uint16(0xc000 | pointer));
        return;
      }
      if (this.length < 0x4000) this.suffixes.set(suffix, this.length);
      this.push(Buffer.from([labels[i]!.length]), Buffer.from(labels[i]!));
    }
    this.push(Buffer.from([0]));
  }

  setU16(offset: number, value: number): void {
    const all = this.bytes();
    all.writeUInt16BE(value, offset);
    this.parts.splice(0, this.parts.length, all);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}
