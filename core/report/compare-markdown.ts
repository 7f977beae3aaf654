import { basename } from 'node:path';
import type { CaptureComparison } from './comparison.js';
import { markdownText } from './escape.js';

const percent = (share: number) => `${Math.round(share * 100)} %`;

/** The manual study's comparison table: one row per measure, one column per capture. */
export function renderComparison(columns: readonly CaptureComparison[], chartFile?: string): string {
  const rows: [string, (c: CaptureComparison) => string][] = [
    ['Activity', (c) => c.activity],
    ['Duration', (c) => `${c.durationSec.toFixed(1)} s`],
    ['Packets', (c) => String(c.packets)],
    ['Packets per second', (c) => String(c.packetsPerSecond)],
    ['kbit/s', (c) => String(c.kilobitsPerSecond)],
    ['TCP / UDP packets', (c) => `${percent(c.share.tcp)} / ${percent(c.share.udp)}`],
    ['TLS / QUIC packets', (c) => `${percent(c.share.tls)} / ${percent(c.share.quic)}`],
    ['RTP / STUN packets', (c) => `${percent(c.share.rtp)} / ${percent(c.share.stun)}`],
    ['DNS lookups (per minute)', (c) => `${c.dnsLookups} (${c.dnsLookupsPerMinute})`],
    ['Packets received by Microsoft servers', (c) => percent(c.receivers.microsoft)],
    ['… by the other client', (c) => percent(c.receivers.otherClient)],
    ['… by this client', (c) => percent(c.receivers.thisClient)],
    ['… by others (resolvers, LAN devices, other services)', (c) => percent(c.receivers.other)],
    ['TLS versions negotiated', (c) => markdownText(c.tlsVersions.join(', ') || '–')],
    ['Protocols', (c) => markdownText(c.protocols.join(', '))],
    ['Call quality (network-side estimate)', (c) => c.quality.verdict],
    [
      'Worst stream loss',
      (c) =>
        c.quality.worstLoss ? markdownText(`${c.quality.worstLoss.percent} % (${c.quality.worstLoss.stream})`) : '–',
    ],
    [
      'Worst stream jitter',
      (c) =>
        c.quality.worstJitter ? markdownText(`${c.quality.worstJitter.ms} ms (${c.quality.worstJitter.stream})`) : '–',
    ],
    ['Media path', (c) => markdownText(c.quality.paths.join(', ') || '–')],
  ];
  const header = `| | ${columns.map((c) => markdownText(basename(c.file))).join(' | ')} |`;
  const lines = ['# Teamshark comparison', '', header, `|---|${columns.map(() => '---').join('|')}|`];
  for (const [label, cell] of rows) lines.push(`| ${label} | ${columns.map(cell).join(' | ')} |`);
  if (chartFile) lines.push('', `![Packets per second, one line per capture](${encodeURI(chartFile)})`);
  return lines.join('\n');
}

/** The summary of a batch: the comparison of the captures analysed, where their reports are, and what failed. */
export function renderBatchSummary(
  reports: readonly { file: string; comparison: CaptureComparison }[],
  failures: readonly { capture: string; error: string }[],
): string {
  const parts = reports.length ? [renderComparison(reports.map((r) => r.comparison))] : ['# Teamshark comparison'];
  if (reports.length)
    parts.push(
      '## Reports',
      reports
        .map((r) => `- ${markdownText(r.comparison.file)}: [${markdownText(r.file)}](${encodeURI(r.file)})`)
        .join('\n'),
    );
  // Most errors name their capture already.
  const failure = (f: { capture: string; error: string }) =>
    f.error.startsWith(f.capture) ? f.error : `${f.capture}: ${f.error}`;
  if (failures.length) parts.push('## Failed', failures.map((f) => `- ${markdownText(failure(f))}`).join('\n'));
  return parts.join('\n\n');
}
