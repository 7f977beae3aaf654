import ipaddr from 'ipaddr.js';
import type { TlsHandshake } from '../schema/generated/report.js';
import type { CipherSuiteInfo } from '../knowledge/cipher-suites.js';
import { serviceForName } from '../knowledge/catalog.js';
import { classifyAddress } from '../knowledge/ranges.js';
import { rfcUrl, type TlsParameter } from '../knowledge/tls-parameters.js';
import { formatEndpoint } from '../model/addressing.js';
import { addressFilter, hex } from '../util/display-filter.js';
import { markdownCode, markdownText } from '../report/escape.js';
import { handshakesWith, parameterUse, sortedFrames, suiteUse, type LinkedReport } from './capture-facts.js';
import type { Mention } from './mentions.js';
import { streamQualityHover } from './quality-hover.js';
import { count, plural } from '../util/plural.js';

/** Frames and items listed in a hover; the display filter shows the rest. */
const LISTED = 12;

/**
 * A hover's Markdown for something a note names: what it is (from Teamshark's knowledge, with sources), then
 * what each linked capture shows about it, with frames and a display filter. Capture text is escaped: the
 * result holds no HTML, links or command URIs built from it.
 */
export function hoverMarkdown(mention: Mention, captures: readonly LinkedReport[]): string {
  switch (mention.kind) {
    case 'cipher-suite':
      return [suiteText(mention.suite), ...captures.map((c) => suiteInCapture(c, mention.suite))].join('\n\n');
    case 'tls-parameter':
      return [parameterText(mention.parameter), ...captures.map((c) => parameterInCapture(c, mention.parameter))].join(
        '\n\n',
      );
    case 'domain':
      return [domainText(mention.name), ...captures.map((c) => domainInCapture(c, mention.name))].join('\n\n');
    case 'address':
      return [addressText(mention.ip), ...captures.map((c) => addressInCapture(c, mention.ip))].join('\n\n');
    case 'prefix':
      return [prefixText(mention.prefix), ...captures.map((c) => prefixInCapture(c, mention.prefix))].join('\n\n');
    case 'ssrc':
      return [
        `**RTP stream ${markdownCode(mention.ssrc)}** (SSRC, RFC 3550 §5.1)`,
        ...captures.map((c) => streamQualityHover(c, mention.ssrc)),
      ].join('\n\n');
  }
}

function link(title: string, url: string): string {
  return `[${markdownText(title)}](${url})`;
}

function suiteText(s: CipherSuiteInfo): string {
  const lines = [
    `**${markdownText(s.name)}** (${s.hex}${s.openssl && s.openssl !== s.name ? ` · OpenSSL ${markdownCode(s.openssl)}` : ''})`,
    '',
  ];
  if (s.signalling)
    return [
      ...lines,
      'A signalling value, not a cipher suite: it is never negotiated.',
      '',
      `Defined in ${references(s.references)}`,
    ].join('\n');
  lines.push(
    `- Key exchange: ${s.keyExchange} · authentication: ${s.authentication}`,
    `- Cipher: ${[s.cipher, s.keyBits && `${s.keyBits}-bit`, s.mode].filter(Boolean).join(' ')} · hash: ${s.hash}${s.hashRole ? ` (${s.hashRole})` : ''}`,
    `- Forward secrecy: ${s.forwardSecrecy ? 'yes' : 'no'} · AEAD: ${s.aead ? 'yes' : 'no'}${s.tls13 ? ' · TLS 1.3 suite' : ''}`,
    `- Grade: **${s.grade}** — ${markdownText(s.gradeReason)}`,
    `- Defined in ${references(s.references)}${s.recommendedByIana ? ' · IANA: Recommended' : ''}`,
  );
  return lines.join('\n');
}

function references(refs: readonly string[]): string {
  return refs.map((r) => (rfcUrl(r) ? link(r.replace(/^RFC/, 'RFC '), rfcUrl(r)!) : markdownText(r))).join(', ') || '–';
}

function suiteInCapture({ label, report }: LinkedReport, s: CipherSuiteInfo): string {
  const { offered, selected } = suiteUse(report, s.code);
  const title = `**In ${markdownText(label)}:**`;
  if (!offered.length && !selected.length)
    return `${title} not offered or selected in any of its ${report.tls.handshakes.length} handshakes.`;
  return [
    `${title} offered in ${count(offered.length, 'ClientHello')}${framesText(offered.map((h) => h.clientHello?.frame))}; selected in ${count(selected.length, 'ServerHello')}${framesText(selected.map((h) => h.serverHello?.frame))}.`,
    selected.length ? `Selected by ${servers(selected)}.` : '',
    `Filter: ${markdownCode(`tls.handshake.ciphersuite == ${hex(s.code)}`)}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

function parameterText(p: TlsParameter): string {
  const url = rfcUrl(p.reference);
  return [
    `**${markdownText(p.name)}** — ${p.kind} ${hex(p.code)}`,
    '',
    markdownText(p.description) + (p.note ? `. ${markdownText(p.note)}` : '.'),
    '',
    `Defined in ${url ? link(p.reference, url) : markdownText(p.reference)} · source: ${link(p.source.title, p.source.url)}`,
  ].join('\n');
}

function parameterInCapture({ label, report }: LinkedReport, p: TlsParameter): string {
  const { offered, used } = parameterUse(report, p);
  const usedAs = p.kind === 'protocol version' ? 'negotiated' : 'used by the server (ServerKeyExchange)';
  return `**In ${markdownText(label)}:** offered in ${count(offered.length, 'ClientHello')}${framesText(offered.map((h) => h.clientHello?.frame))}; ${usedAs} in ${count(used.length, 'handshake')}${framesText(used.map((h) => h.serverHello?.frame ?? h.serverKeyExchange?.frame))}.`;
}

function domainText(name: string): string {
  const match = serviceForName(name);
  if (!match) return `**${markdownText(name)}** — not in Teamshark's service catalog.`;
  const source = match.source.url ? link(match.source.title, match.source.url) : markdownText(match.source.title);
  return [
    `**${markdownText(name)}** — ${markdownText(match.service)}${match.platform ? ` · ${markdownText(match.platform)}` : ''}`,
    '',
    markdownText(match.role),
    '',
    `Catalog pattern ${markdownCode(match.pattern)} · source: ${source}`,
  ].join('\n');
}

function domainInCapture({ label, report }: LinkedReport, name: string): string {
  const dns = report.dns.names.find((n) => n.name.toLowerCase() === name);
  const handshakes = handshakesWith(report, { name });
  const lines: string[] = [];
  if (dns) {
    const frames = report.dns.transactions
      .filter((t) => t.name.toLowerCase() === name)
      .flatMap((t) => [t.queryFrame, t.responseFrame]);
    lines.push(`- DNS: ${markdownText([name, ...dns.aliases, ...dns.addresses].join(' → '))}${framesText(frames)}`);
  }
  const asAlias = report.dns.names.filter((n) => n.aliases.some((a) => a.toLowerCase() === name));
  if (asAlias.length) lines.push(`- Alias of ${markdownText(asAlias.map((n) => n.name).join(', '))}`);
  if (handshakes.length) lines.push(`- TLS: ${handshakeSummary(handshakes)}`);
  const addresses = report.addresses.filter((a) => a.names.some((n) => n.toLowerCase() === name));
  if (addresses.length)
    lines.push(`- Addresses: ${markdownText(addresses.map((a) => `${a.ip} (${a.role})`).join(', '))}`);
  const title = `**In ${markdownText(label)}:**`;
  return lines.length ? [title, '', ...lines].join('\n') : `${title} this name does not appear.`;
}

function handshakeSummary(handshakes: readonly TlsHandshake[]): string {
  const versions = [
    ...new Set(
      handshakes.map(
        (h) => h.serverHello?.version.name ?? (h.serverHello ? hex(h.serverHello.version.code) : 'no ServerHello'),
      ),
    ),
  ];
  const serversSeen = [...new Set(handshakes.map((h) => formatEndpoint(h.server)))];
  return `${count(handshakes.length, 'handshake')} with ${markdownText(serversSeen.slice(0, 4).join(', '))}, ${markdownText(versions.join(', '))}${framesText(handshakes.flatMap((h) => [h.clientHello?.frame, h.serverHello?.frame]))}`;
}

function addressText(ip: string): string {
  const { scope, microsoft } = classifyAddress(ip);
  const lines = [`**${markdownText(ip)}** — ${scope} address`];
  if (microsoft) {
    lines.push(
      '',
      `In Microsoft's ${markdownCode(microsoft.prefix)} (${markdownText(microsoft.service)}, ${microsoft.category}${microsoft.udpPorts ? `, UDP ${markdownText(microsoft.udpPorts)}` : ''}${microsoft.tcpPorts ? `, TCP ${markdownText(microsoft.tcpPorts)}` : ''})`,
      '',
      `Source: ${link(microsoft.source.title ?? 'Microsoft 365 endpoints', microsoft.source.url)}`,
    );
  }
  return lines.join('\n');
}

function addressInCapture({ label, report }: LinkedReport, ip: string): string {
  const title = `**In ${markdownText(label)}:**`;
  const entry = report.addresses.find((a) => a.ip === ip);
  if (!entry) return `${title} this address does not appear in any packet.`;
  const flows = report.flows.filter((f) => f.client.ip === ip || f.server.ip === ip).sort((a, b) => b.bytes - a.bytes);
  return [
    `${title} ${markdownText(entry.role)}${entry.service ? ` · ${markdownText(entry.service)}` : ''}${entry.names.length ? ` · ${markdownText(entry.names.slice(0, 4).join(', '))}` : ''} — ${entry.packets} packets in ${count(flows.length, 'flow')}`,
    '',
    ...flows
      .slice(0, 5)
      .map(
        (f) =>
          `- ${f.transport.toUpperCase()} ${markdownText(formatEndpoint(f.client))} → ${markdownText(formatEndpoint(f.server))}, ${f.packets} packets${f.service ? `, ${markdownText(f.service.name)}` : ''} · ${markdownCode(f.filter)}`,
      ),
    flows.length > 5 ? `- … ${flows.length - 5} more: ${markdownCode(addressFilter(ip))}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function prefixText(prefix: string): string {
  const [network, bits] = ipaddr.parseCIDR(prefix);
  const ipv4 = network.kind() === 'ipv4';
  const size = ipv4 ? String(2 ** (32 - bits)) : `2^${128 - bits}`;
  const start = network.toString();
  const microsoft = classifyAddress(start).microsoft ? `\n\nIts first address:\n\n${addressText(start)}` : '';
  return `**${markdownText(prefix)}** — ${ipv4 ? 'IPv4' : 'IPv6'} prefix of ${size} addresses${microsoft}`;
}

function prefixInCapture({ label, report }: LinkedReport, prefix: string): string {
  const network = ipaddr.parseCIDR(prefix);
  const inside = report.addresses.filter((a) => {
    const address = ipaddr.process(a.ip);
    return address.kind() === network[0].kind() && address.match(network);
  });
  const filter = `${network[0].kind() === 'ipv4' ? 'ip' : 'ipv6'}.addr == ${prefix}`;
  return `**In ${markdownText(label)}:** ${
    inside.length
      ? `${count(inside.length, 'address', 'addresses')} in it: ${markdownText(
          inside
            .slice(0, LISTED)
            .map((a) => `${a.ip} (${a.role})`)
            .join(', '),
        )}`
      : 'no address in it'
  } · ${markdownCode(filter)}`;
}

function servers(handshakes: readonly TlsHandshake[]): string {
  const names = [...new Set(handshakes.map((h) => h.clientHello?.sni ?? formatEndpoint(h.server)))];
  return markdownText(names.slice(0, 6).join(', ') + (names.length > 6 ? `, and ${names.length - 6} more` : ''));
}

/** ' (frames 18, 26, …)', or nothing without frames. */
function framesText(frames: Iterable<number | undefined>): string {
  const sorted = sortedFrames(frames);
  if (!sorted.length) return '';
  return ` (${plural(sorted.length, 'frame')} ${sorted.slice(0, LISTED).join(', ')}${sorted.length > LISTED ? `, … ${sorted.length - LISTED} more` : ''})`;
}
