import type { Finding, NamedCode, Report } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { hex } from '../findings/filter.js';
import { markdownCode, markdownText } from './escape.js';

/** Rows shown per table; the JSON report always has everything. */
const TABLE_ROWS = 40;

const SECTION_TITLES: Record<Finding['section'], string> = {
  dns: 'DNS',
  network: 'Network',
  transport: 'Transport',
  security: 'Security',
  application: 'Application',
};

/** The report as Markdown: summary, findings with their evidence, then the model's tables. */
export function renderMarkdown(report: Report): string {
  const { capture } = report;
  const out: string[] = [];
  out.push(`# Teamshark report: ${markdownText(capture.file)}`, '');
  out.push(
    table(
      ['Capture', ''],
      [
        ['Packets', String(capture.packets)],
        ['Bytes', String(capture.bytes)],
        ['Duration', `${capture.durationSec.toFixed(1)} s`],
        ['Start', capture.start ?? '–'],
        ['Link types', markdownText(capture.linkTypes?.join(', ') || '–')],
        ['tshark', `${markdownText(capture.tshark.version)} (${markdownCode(capture.tshark.arguments.join(' '), true)})`],
        ['Clients', markdownText(report.addresses.filter((a) => a.role === 'client').map((a) => a.ip).join(', ') || '–')],
        ['Behind NAT', report.stun.summary.behindNat ? `yes: public ${markdownText(report.stun.summary.publicAddresses.map((p) => p.ip).join(', '))}` : 'not shown by STUN'],
        ['Call path', report.call ? markdownText(report.call.reason) : 'no call media'],
      ],
    ),
  );

  if (report.warnings.length) {
    out.push('## Warnings', '');
    for (const w of report.warnings) {
      const frames = w.frames?.length ? ` (frames ${w.frames.join(', ')})` : '';
      out.push(`- **${w.code}**: ${markdownText(w.message)}${frames}`);
    }
    out.push('');
  }

  out.push('## Findings', '');
  if (report.findings.length === 0) out.push('No findings.', '');
  for (const section of Object.keys(SECTION_TITLES) as Finding['section'][]) {
    const findings = report.findings.filter((f) => f.section === section);
    if (!findings.length) continue;
    out.push(`### ${SECTION_TITLES[section]}`, '');
    for (const f of findings) {
      const severity = f.severity === 'info' ? '' : ` *(${f.severity})*`;
      out.push(`- **${markdownText(f.title)}**${severity} — ${markdownText(f.detail)}`);
      out.push(`  Frames ${f.frames.join(', ')} · filter ${markdownCode(f.filter)}`);
    }
    out.push('');
  }

  out.push('## Protocols', '');
  out.push(table(['Protocol', 'Packets', 'Bytes'], report.protocols.map((p) => [markdownText(p.protocol), String(p.packets), String(p.bytes)])));

  out.push('## Addresses', '');
  out.push(
    table(
      ['Address', 'Role', 'Names in this capture', 'Microsoft range', 'Flows', 'Bytes'],
      report.addresses.slice(0, TABLE_ROWS).map((a) => [
        markdownText(a.ip),
        markdownText(a.role),
        markdownText(a.names.slice(0, 3).join(', ') + (a.names.length > 3 ? ', …' : '')),
        markdownText(a.microsoftPrefix ?? ''),
        String(a.flows),
        String(a.bytes),
      ]),
      report.addresses.length,
    ),
  );

  out.push('## Flows', '');
  const flows = [...report.flows].sort((a, b) => b.bytes - a.bytes);
  out.push(
    table(
      ['Flow', 'Client', 'Server', 'Service', 'Packets', 'Bytes', 'Start (s)', 'Protocols'],
      flows.slice(0, TABLE_ROWS).map((f) => [
        markdownCode(f.filter, true),
        markdownText(formatEndpoint(f.client)),
        markdownText(formatEndpoint(f.server)),
        markdownText(f.service?.name ?? ''),
        String(f.packets),
        String(f.bytes),
        f.start.toFixed(3),
        markdownText(f.protocols.join(', ')),
      ]),
      flows.length,
    ),
  );

  out.push('## DNS', '');
  const dns = report.dns.transactions;
  out.push(
    table(
      ['Frames', 'Name', 'Type', 'Result', 'Answers', 'Authority'],
      dns.slice(0, TABLE_ROWS).map((t) => [
        [t.queryFrame, t.responseFrame].filter(Boolean).join(', '),
        markdownText(t.name),
        markdownText(t.type.name ?? String(t.type.code)),
        markdownText(t.rcode ? (t.rcode.name ?? String(t.rcode.code)) : 'no response'),
        markdownText(t.chain ? [...t.chain.names.slice(1), ...t.chain.addresses].join(' → ') : t.answers.map((a) => a.data ?? a.type.name ?? '').join(', ')),
        markdownText(t.authority.map((a) => `${a.type.name ?? a.type.code} ${a.data ?? ''}`.trim()).join(', ')),
      ]),
      dns.length,
    ),
  );

  out.push('## TLS', '');
  const handshakes = report.tls.handshakes;
  out.push(
    table(
      ['Frame', 'Server', 'SNI', 'Version', 'Cipher suite', 'Certificate'],
      handshakes.slice(0, TABLE_ROWS).map((h) => {
        const leaf = h.certificates.find((c) => c.position === 0);
        return [
          String(h.clientHello?.frame ?? h.serverHello?.frame ?? ''),
          markdownText(formatEndpoint(h.server)),
          markdownText(h.clientHello?.sni ?? ''),
          markdownText(h.serverHello ? codeName(h.serverHello.version) : 'no ServerHello'),
          h.serverHello ? `${markdownCode(codeName(h.serverHello.cipherSuite), true)} (${hex(h.serverHello.cipherSuite.code)})` : '',
          markdownText(leaf ? `${leaf.subjectCommonName ?? leaf.subject}, by ${leaf.issuerCommonName ?? leaf.issuer}, ${leaf.notBefore.slice(0, 10)} → ${leaf.notAfter.slice(0, 10)}` : ''),
        ];
      }),
      handshakes.length,
    ),
  );

  out.push('## STUN / TURN', '');
  const stun = report.stun.messages;
  out.push(
    table(
      ['Frame', 'Time (s)', 'From', 'To', 'Message', 'Addresses'],
      stun.slice(0, TABLE_ROWS).map((m) => [
        String(m.frame),
        m.time.toFixed(3),
        markdownText(formatEndpoint(m.source)),
        markdownText(formatEndpoint(m.destination)),
        markdownText(codeName(m.type)),
        markdownText(m.addresses.map((a) => `${a.attribute?.name ?? 'address'} ${formatEndpoint(a)}`).join(', ')),
      ]),
      stun.length,
    ),
  );

  out.push('## Media', '');
  out.push(
    table(
      ['Kind', 'From', 'To', 'Direction', 'Path', 'pkt/s', 'kbit/s', 'Why'],
      report.media.slice(0, TABLE_ROWS).map((m) => [
        markdownText(m.kind),
        markdownText(m.source ? formatEndpoint(m.source) : ''),
        markdownText(m.destination ? formatEndpoint(m.destination) : ''),
        m.direction,
        m.path,
        String(m.pps),
        String(m.kbps),
        markdownText(m.reason),
      ]),
      report.media.length,
    ),
  );

  out.push('## RTP', '');
  const streams = report.rtp.streams;
  out.push(
    table(
      ['SSRC', 'From', 'To', 'Payload types', 'Packets', 'Lost', 'Start (s)', 'End (s)'],
      streams.slice(0, TABLE_ROWS).map((s) => [
        markdownCode(s.ssrc, true),
        markdownText(formatEndpoint(s.source)),
        markdownText(formatEndpoint(s.destination)),
        markdownText(s.payloadTypes.map((pt) => String(pt.code)).join(', ')),
        String(s.packets),
        String(s.lost),
        s.start.toFixed(3),
        s.end.toFixed(3),
      ]),
      streams.length,
    ),
  );

  if (report.quic.connections.length) {
    out.push('## QUIC', '');
    out.push(
      table(
        ['Flow', 'Protocol', 'Versions', 'SNI', 'Packets'],
        report.quic.connections.map((q) => [q.flowId, q.protocol, markdownText(q.versions.join(', ')), markdownText(q.sni ?? ''), String(q.packets)]),
      ),
    );
  }
  if (report.ssdp.messages.length) {
    out.push('## SSDP', '');
    out.push(
      table(
        ['Frame', 'From', 'Method', 'User agent / server'],
        report.ssdp.messages.slice(0, TABLE_ROWS).map((m) => [
          String(m.frame),
          markdownText(formatEndpoint(m.source)),
          markdownText(m.method ?? 'response'),
          markdownText(m.userAgent ?? m.server ?? ''),
        ]),
        report.ssdp.messages.length,
      ),
    );
  }
  return out.join('\n');
}

function codeName(code: NamedCode): string {
  return code.name ?? hex(code.code);
}

/** A GFM table; when rows were cut, a line says how many the JSON report has. */
function table(header: string[], rows: string[][], total = rows.length): string {
  if (rows.length === 0) return 'None.\n';
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  if (total > rows.length) lines.push('', `*${rows.length} of ${total} shown; the JSON report (\`--format json\`) has all.*`);
  return `${lines.join('\n')}\n`;
}
