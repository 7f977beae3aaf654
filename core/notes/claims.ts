/*
 * Statements in a note that a linked capture contradicts. The grammar is sentence-level and deliberately
 * narrow: a sentence is checked only when it asserts something the report can decide, and it is left alone
 * when it hedges, negates or asks (when unsure, say nothing).
 *
 *   sentence     text up to ". ", "! " or "? ", within one paragraph, list item, heading or table row; front
 *                matter, fenced code, link targets and code spans that hold a display filter are not read.
 *   skipped      a sentence with a negation or hedge (not, no, never, without, instead, if, may, maybe, might, could,
 *                would, should, probably, likely, expected, "n't") or a question mark.
 *   servers      the domain names and addresses the sentence names narrow the handshakes it speaks of (by SNI,
 *                certificate name or server address); a named server the capture has no handshake with makes
 *                the TLS rules say nothing.
 *   tls-version  a TLS/DTLS version + "negotiated/agreed/selected/chosen/picked/settled on", and no mention of
 *                records, ClientHellos or offers: flagged when no ServerHello of those handshakes has it.
 *   cipher-suite a suite (IANA or OpenSSL name, or code) + "selected/negotiated/chosen/chose/picked/agreed/
 *                settled on", and not also an offer with several suites: flagged when no ServerHello chose it.
 *   seen         an address or domain name + a verb of traffic (connects, contacted, resolved, queried, sent,
 *                received, reached, seen, talks to, relayed): flagged when the capture never shows it (packets,
 *                DNS answers and STUN addresses; a domain counts as seen when a name below it is).
 *   dnssec       "DNSSEC" + validated/authenticated/signed/secured/protected/enabled/used/"AD bit": flagged when
 *                DNS responses exist and none has the AD bit.
 * With several linked captures, a statement is flagged only when every capture that can decide it contradicts it.
 */
import { addressFilter, anyOf } from '../util/display-filter.js';
import { describeCipherSuite } from '../knowledge/cipher-suites.js';
import type { Report, TlsHandshake } from '../schema/generated/report.js';
import {
  addressSeen,
  domainSeen,
  handshakesWith,
  listsCapped,
  sortedFrames,
  type LinkedReport,
} from './capture-facts.js';
import { mentionsIn, type Mention } from './mentions.js';
import { noteStructure, type NoteStructure } from './structure.js';

export type ClaimKind = 'tls-version' | 'cipher-suite' | 'unseen-address' | 'unseen-domain' | 'dnssec';

export interface NoteProblem {
  kind: ClaimKind;
  /** The contradicted words (offsets into the note). */
  start: number;
  end: number;
  message: string;
  frames: number[];
  filter: string;
  /** The capture's value, for a quick fix that replaces the words; absent when there is no single true value. */
  replacement?: string;
  /** What a quick fix appends after the words, e.g. ' (call.pcapng: TLS 1.2, frames 26, 186)'. */
  annotation: string;
}

export interface Sentence {
  start: number;
  /** The sentence with unread parts (filters in code spans, link targets) blanked out; same length as the source. */
  text: string;
}

const SKIP =
  /\b(?:not|no|none|never|without|nor|neither|instead|rather|unless|if|whether|may|maybe|might|could|would|should|probably|likely|perhaps|expected|supposed)\b|n't\b|\?/i;
const NEGOTIATED = /\b(?:negotiat\w*|agreed|settled on|selected|chosen|chose|picked)\b/i;
const NOT_NEGOTIATION = /\b(?:record|records|client ?hellos?|offer\w*|supports?|supported)\b/i;
const TRAFFIC =
  /\b(?:connect\w*|contact\w*|talk\w*|reach\w*|resolv\w*|quer(?:y|ies|ied)|looked up|seen|saw|sent|sends|receiv\w*|relay(?:ed|s)?)\b/i;
const DNSSEC_USED = /\b(?:validat\w*|authenticat\w*|signed|secured|protected|enabled|used|in use|AD (?:bit|flag))\b/i;

/** A note's text with what the claim grammar does not read blanked out, same length, newlines kept. */
export function readableText(text: string, structure: NoteStructure = noteStructure(text)): string {
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  let out = text;
  const unread = [
    ...(structure.frontMatter ? [structure.frontMatter] : []),
    ...structure.blocks.filter((b) => b.kind === 'code' || b.kind === 'html'),
  ];
  for (const { start, end } of unread) out = out.slice(0, start) + blank(out.slice(start, end)) + out.slice(end);
  out = out.replace(/<!--[\s\S]*?-->/g, blank); // comments inside a paragraph
  out = out.replace(/\]\((<[^>\n]*>|[^)\s]*)(\s+"[^"]*")?\)/g, (m) => `]${blank(m.slice(1))}`); // link targets
  // Code spans that hold a display filter or a command (spaces, operators) are quotes, not statements.
  out = out.replace(/(`+)([^`\n]+?)\1/g, (m, _fence: string, body: string) =>
    /[\s=<>!&|()]/.test(body) ? blank(m) : m,
  );
  return out;
}

/** The sentences of a note, in order: within each heading, paragraph (a list item's too) and table row, as markdown-it reads them. */
export function noteSentences(text: string): Sentence[] {
  const structure = noteStructure(text);
  const readable = readableText(text, structure);
  const sentences: Sentence[] = [];
  for (const block of structure.blocks) {
    if (block.kind === 'code' || block.kind === 'html') continue;
    const body = readable.slice(block.start, block.end);
    let start = 0;
    for (const end of body.matchAll(/[.!?](?=\s|$)/g)) {
      sentences.push({ start: block.start + start, text: body.slice(start, end.index + 1) });
      start = end.index + 1;
    }
    if (body.slice(start).trim()) sentences.push({ start: block.start + start, text: body.slice(start) });
  }
  return sentences;
}

type Verdict = { contradicted: false } | ({ contradicted: true } & Omit<NoteProblem, 'kind' | 'start' | 'end'>);
const CONSISTENT: Verdict = { contradicted: false };

/** Every statement of the note the linked captures contradict. */
export function checkNote(text: string, captures: readonly LinkedReport[]): NoteProblem[] {
  if (!captures.length) return [];
  const problems: NoteProblem[] = [];
  for (const sentence of noteSentences(text)) {
    if (SKIP.test(sentence.text)) continue;
    const mentions = mentionsIn(sentence.text).map((m) => ({
      ...m,
      start: m.start + sentence.start,
      end: m.end + sentence.start,
    }));
    const flag = (
      kind: ClaimKind,
      where: Pick<Mention, 'start' | 'end'>,
      judge: (c: LinkedReport) => Verdict | undefined,
    ) => {
      const problem = combine(captures.map(judge));
      if (problem) problems.push({ kind, start: where.start, end: where.end, ...problem });
    };
    const versions = mentions.filter((m) => m.kind === 'tls-parameter' && m.parameter.kind === 'protocol version');
    if (versions.length && NEGOTIATED.test(sentence.text) && !NOT_NEGOTIATION.test(sentence.text)) {
      flag('tls-version', versions[0]!, (c) => checkVersions(c, versions, mentions));
    }
    const suites = mentions.filter((m) => m.kind === 'cipher-suite');
    if (suites.length && NEGOTIATED.test(sentence.text) && !(suites.length > 1 && /\boffer/i.test(sentence.text))) {
      for (const suite of suites) flag('cipher-suite', suite, (c) => checkSuite(c, suite, mentions));
    }
    if (TRAFFIC.test(sentence.text)) {
      for (const m of mentions) {
        if (m.kind === 'address') flag('unseen-address', m, (c) => checkAddressSeen(c, m.ip));
        if (m.kind === 'domain') flag('unseen-domain', m, (c) => checkDomainSeen(c, m.name));
      }
    }
    const dnssec = /\bDNSSEC\b/i.exec(sentence.text);
    if (dnssec && DNSSEC_USED.test(sentence.text)) {
      const start = sentence.start + dnssec.index;
      flag('dnssec', { start, end: start + dnssec[0].length }, checkDnssec);
    }
  }
  return problems;
}

/** Flagged when at least one capture contradicts and none agrees; undefined verdicts (cannot decide) abstain. */
function combine(verdicts: (Verdict | undefined)[]): Omit<NoteProblem, 'kind' | 'start' | 'end'> | undefined {
  const decided = verdicts.filter((v): v is Verdict => v !== undefined);
  if (!decided.length || decided.some((v) => !v.contradicted)) return undefined;
  const found = decided as Extract<Verdict, { contradicted: true }>[];
  const replacements = new Set(found.map((v) => v.replacement));
  return {
    message: found.map((v) => v.message).join(' '),
    frames: sortedFrames(found.flatMap((v) => v.frames)),
    filter: found[0]!.filter,
    annotation: found.map((v) => v.annotation).join(''),
    ...(replacements.size === 1 && found[0]!.replacement ? { replacement: found[0]!.replacement } : {}),
  };
}

/** The handshakes a sentence speaks of; undefined when it names a server the capture has no handshake with. */
function handshakesInScope(report: Report, mentions: readonly Mention[]): TlsHandshake[] | undefined {
  const servers = mentions.filter((m) => m.kind === 'domain' || m.kind === 'address');
  if (!servers.length) return report.tls.handshakes;
  const scoped = new Set<TlsHandshake>();
  for (const server of servers) {
    const found = handshakesWith(report, server.kind === 'domain' ? { name: server.name } : { ip: server.ip });
    if (!found.length) return undefined;
    found.forEach((h) => scoped.add(h));
  }
  return [...scoped];
}

function scopeName(mentions: readonly Mention[]): string {
  const servers = mentions.filter((m) => m.kind === 'domain' || m.kind === 'address').map((m) => m.text);
  return servers.length ? ` with ${servers.join(', ')}` : '';
}

function checkVersions(
  { label, report }: LinkedReport,
  versions: readonly Mention[],
  mentions: readonly Mention[],
): Verdict | undefined {
  const claimed = versions
    .map((v) => (v.kind === 'tls-parameter' ? v.parameter : undefined))
    .filter((p) => p !== undefined);
  const datagram = claimed.some((p) => p.name.startsWith('DTLS'));
  const scoped = handshakesInScope(report, mentions)?.filter(
    (h) => h.serverHello && (h.protocol === 'dtls') === datagram,
  );
  if (!scoped?.length) return undefined;
  if (scoped.some((h) => claimed.some((p) => p.code === h.serverHello!.version.code))) return CONSISTENT;
  const actual = [
    ...new Set(scoped.map((h) => h.serverHello!.version.name ?? `0x${h.serverHello!.version.code.toString(16)}`)),
  ];
  const frames = sortedFrames(scoped.map((h) => h.serverHello!.frame));
  return {
    contradicted: true,
    message: `${label}: the ${scoped.length} ServerHello(s)${scopeName(mentions)} negotiated ${actual.join(', ')}, not ${claimed.map((p) => p.name).join(', ')} (frames ${framesList(frames)}).`,
    frames,
    filter: anyOf('frame.number', frames),
    ...(actual.length === 1 ? { replacement: actual[0]! } : {}),
    annotation: ` (${label}: ${actual.join(', ')}, frames ${framesList(frames)})`,
  };
}

function checkSuite(
  { label, report }: LinkedReport,
  suite: Mention,
  mentions: readonly Mention[],
): Verdict | undefined {
  if (suite.kind !== 'cipher-suite') return undefined;
  const scoped = handshakesInScope(report, mentions)?.filter((h) => h.serverHello);
  if (!scoped?.length) return undefined;
  if (scoped.some((h) => h.serverHello!.cipherSuite.code === suite.suite.code)) return CONSISTENT;
  const chosen = [
    ...new Map(scoped.map((h) => [h.serverHello!.cipherSuite.code, h.serverHello!.cipherSuite])).values(),
  ];
  const frames = sortedFrames(scoped.map((h) => h.serverHello!.frame));
  const names = chosen.map((c) => c.name ?? `0x${c.code.toString(16).padStart(4, '0')}`);
  const single = chosen.length === 1 ? chosen[0]! : undefined;
  return {
    contradicted: true,
    message: `${label}: no ServerHello${scopeName(mentions)} selected ${suite.suite.name}; the ${scoped.length} ServerHello(s) selected ${names.join(', ')} (frames ${framesList(frames)}).`,
    frames,
    filter: anyOf('frame.number', frames),
    ...(single ? { replacement: sameSpelling(suite, single.code) } : {}),
    annotation: ` (${label}: selected ${names.join(', ')}, frames ${framesList(frames)})`,
  };
}

/** The true suite written the way the note wrote the wrong one: by code, OpenSSL name or IANA name. */
function sameSpelling(wrong: Extract<Mention, { kind: 'cipher-suite' }>, code: number): string {
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  if (/^0x/i.test(wrong.text)) return wrong.text.includes(',') ? `0x${hex.slice(2, 4)},0x${hex.slice(4)}` : hex;
  const right = describeCipherSuite(code);
  if (!right) return hex;
  return wrong.text.toUpperCase() === wrong.suite.openssl?.toUpperCase() ? (right.openssl ?? right.name) : right.name;
}

function checkAddressSeen({ label, report }: LinkedReport, ip: string): Verdict {
  if (addressSeen(report, ip) || listsCapped(report)) return CONSISTENT; // capped: it may be in an entry left out
  return {
    contradicted: true,
    message: `${label} never shows ${ip}: no packet, DNS answer or STUN address carries it.`,
    frames: [],
    filter: addressFilter(ip),
    annotation: ` (not in ${label})`,
  };
}

function checkDomainSeen({ label, report }: LinkedReport, name: string): Verdict {
  if (domainSeen(report, name) || report.dns.transactionsLeftOut) return CONSISTENT; // capped: it may be in a lookup left out
  return {
    contradicted: true,
    message: `${label} never shows ${name}: no DNS question or answer, SNI or certificate names it.`,
    frames: [],
    filter: `dns.qry.name == "${name}" || tls.handshake.extensions_server_name == "${name}"`,
    annotation: ` (not in ${label})`,
  };
}

function checkDnssec({ label, report }: LinkedReport): Verdict | undefined {
  const responses = report.dns.transactions.filter((t) => t.responseFrame !== undefined);
  if (!responses.length) return undefined;
  if (responses.some((t) => t.authenticatedData)) return CONSISTENT;
  if (report.dns.transactionsLeftOut) return undefined; // the responses left out may have the AD bit
  const frames = sortedFrames(responses.map((t) => t.responseFrame));
  return {
    contradicted: true,
    message: `${label}: none of its ${responses.length} DNS responses has the AD (Authentic Data) bit: no answer was DNSSEC-validated (frames ${framesList(frames)}).`,
    frames,
    filter: 'dns.flags.response == 1 && dns.flags.authenticated == 0',
    annotation: ` (${label}: no DNS response has the AD bit)`,
  };
}

function framesList(frames: readonly number[]): string {
  return frames.length > 12 ? `${frames.slice(0, 12).join(', ')}, …` : frames.join(', ');
}
