import ipaddr from 'ipaddr.js';
import { parse } from 'tldts';
import { describeCipherSuite, type CipherSuiteInfo } from '../knowledge/cipher-suites.js';
import { describeTlsParameter, type TlsParameter } from '../knowledge/tls-parameters.js';

/** Something a note names that Teamshark can explain and look up in a capture. */
export type Mention = { text: string; start: number; end: number } & (
  | { kind: 'cipher-suite'; suite: CipherSuiteInfo }
  | { kind: 'tls-parameter'; parameter: TlsParameter }
  | { kind: 'address'; ip: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'domain'; name: string }
  | { kind: 'ssrc'; ssrc: string }
);

/** Candidates, most specific first; each is confirmed by a lookup, so a word that only looks like one is skipped. */
const PATTERNS: [RegExp, (text: string) => Omit<Mention, 'text' | 'start' | 'end'> | undefined][] = [
  // An RTP stream's SSRC as reports write it (eight hex digits); the hover says whether a capture has it.
  [/\b0x[0-9a-f]{8}\b/gi, (text) => ({ kind: 'ssrc' as const, ssrc: text.toLowerCase() })],
  [/\b0x[0-9a-f]{2}\s*,\s*0x[0-9a-f]{2}\b/gi, suite],
  [/\b0x[0-9a-f]{4}\b/gi, suite],
  [/\b(?:TLS|SSL)_[A-Z0-9_]+\b/g, suite],
  [/\b(?:D?TLS\s?v?1\.[0-3]|SSL\s?v?3\.0)\b/gi, parameter],
  // OpenSSL suite names: upper-case words joined by dashes, at least three of them (ECDHE-RSA-AES256-GCM-SHA384).
  [/(?<![\w-])[A-Z0-9]+(?:-[A-Z0-9]+){2,}(?![\w-])/g, suite],
  [/\b(?:rsa_pkcs1|rsa_pss_rsae|rsa_pss_pss|ecdsa)_\w+\b|\bed(?:25519|448)\b/g, parameter],
  [/\b(?:x25519|x448|secp\d{3}r1|brainpoolP\d{3}r1|ffdhe\d{4}|X25519MLKEM768)\b/g, parameter],
  [/(?<![\w.:/])(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?(?![\w:/]|\.\w)/g, address],
  [/(?<![\w.:/])(?=[0-9a-f:]*:[0-9a-f:]*:)[0-9a-f:]{2,39}(?:\/\d{1,3})?(?![\w:/]|\.\w)/gi, address],
  [/(?<![\w.@/-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?![\w-]|\.\w)/gi, domain],
];

function suite(text: string) {
  const info = describeCipherSuite(text);
  return info && !info.grease ? { kind: 'cipher-suite' as const, suite: info } : undefined;
}

function parameter(text: string) {
  const found = describeTlsParameter(text);
  return found ? { kind: 'tls-parameter' as const, parameter: found } : undefined;
}

function address(text: string) {
  if (text.includes('/')) return ipaddr.isValidCIDR(text) ? { kind: 'prefix' as const, prefix: text } : undefined;
  return ipaddr.isValid(text) && (text.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(text))
    ? { kind: 'address' as const, ip: ipaddr.process(text).toString() }
    : undefined;
}

function domain(text: string) {
  const name = text.toLowerCase();
  const parsed = parse(name, { allowPrivateDomains: true });
  // A known public suffix and something below it: 'teams.microsoft.com', not 'call.pcapng' or 'report.md'.
  return parsed.isIcann &&
    parsed.domain &&
    parsed.hostname === name &&
    !/\.(md|ts|js|json|txt|py|sh|pcapng|pcap|cap)$/.test(name)
    ? { kind: 'domain' as const, name }
    : undefined;
}

/** Every mention in the text, without overlaps (the earlier pattern wins), in order. */
export function mentionsIn(text: string): Mention[] {
  const found: Mention[] = [];
  const taken = (start: number, end: number) => found.some((m) => start < m.end && m.start < end);
  for (const [pattern, recognise] of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken(start, end)) continue;
      const what = recognise(match[0]);
      if (what) found.push({ ...what, text: match[0], start, end } as Mention);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The mention that covers the offset (a hover's position within its line). */
export function mentionAt(text: string, offset: number): Mention | undefined {
  return mentionsIn(text).find((m) => m.start <= offset && offset <= m.end);
}
